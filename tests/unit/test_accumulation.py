"""Limited-precision accumulation of FP8 products, and promotion to FP32 every N_C products.

Pure pytest + hypothesis (these run inside Pyodide too). The pinned figures come from integer
arithmetic and a platform-independent generator, so they are the same bits everywhere; a change
to the model changes them.
"""

import math
import time

import pytest
from hypothesis import given, settings, strategies as st

from dscalc.numerics import accumulation as acc
from dscalc.numerics import floats

TZ, RN = acc.TOWARD_ZERO, acc.NEAREST_EVEN


# -- rounding an integer to p significant bits -------------------------------------------------

@pytest.mark.parametrize("n, bits, rounding, expected", [
    (0b10111, 3, TZ, 0b10100), (0b10111, 3, RN, 0b11000), (-0b10111, 3, TZ, -0b10100),
    (-0b10111, 3, RN, -0b11000), (0b10110, 3, RN, 0b11000),   # tie 101|10 -> odd 101 goes up
    (0b10010, 3, RN, 0b10000),                                 # tie 100|10 -> even 100 stays
    (0b11110, 3, RN, 0b100000),                                # carry into a new power of two
    (0b111, 3, TZ, 0b111), (5, 60, RN, 5), (0, 1, TZ, 0), (-1, 1, RN, -1),
])
def test_round_to_bits(n, bits, rounding, expected):
    assert acc.round_to_bits(n, bits, rounding) == expected


def test_round_to_bits_rejects_an_unknown_mode():
    with pytest.raises(ValueError, match="rounding"):
        acc.round_to_bits(1000, 3, "up")


@settings(max_examples=300, deadline=None)
@given(terms=st.lists(st.integers(-2**40, 2**40), max_size=60), bits=st.integers(1, 30),
       rounding=st.sampled_from(acc.ROUNDING_MODES))
def test_the_inlined_accumulator_equals_repeated_rounding(terms, bits, rounding):
    total = 0
    for term in terms:
        total = acc.round_to_bits(total + term, bits, rounding)
    assert acc._accumulate(terms, bits, rounding == TZ) == total


@settings(max_examples=200, deadline=None)
@given(n=st.integers(-2**80, 2**80), bits=st.integers(1, 60))
def test_rounded_values_have_at_most_the_bits_and_are_nearest(n, bits):
    down = acc.round_to_bits(n, bits, TZ)
    near = acc.round_to_bits(n, bits, RN)
    assert abs(down) <= abs(n) and (down == 0) == (n == 0)
    for value in (down, near):
        magnitude = abs(value)
        dropped = max(0, magnitude.bit_length() - bits)
        # at most `bits` significant bits; only a carry to a power of two shows bits + 1
        assert magnitude >> dropped << dropped == magnitude or magnitude & (magnitude - 1) == 0
    up = down + (1 if n > 0 else -1) * (1 << max(0, abs(n).bit_length() - bits))
    assert abs(near - n) <= min(abs(down - n), abs(up - n))


# -- the two accumulation paths on hand-made products ----------------------------------------

def test_truncating_accumulator_stalls_and_promotion_recovers():
    # 2 significant bits (1 mantissa bit): 4 + 1 = 5 = 101b truncates back to 4, so the running
    # sum never grows again and ends at 4 instead of 8. Promoting every 2 products gives
    # partial sums 4, 2, 1 added exactly in FP32: 7.
    limited, promoted = acc.dot_product_errors([4, 1, 1, 1, 1], 1, 2, TZ)
    assert limited == 0.5 and promoted == 1 / 8
    # Rounding to nearest: 5 -> 4 (tie to even), 4 + 1 -> 4, ... the same stall here.
    assert acc.dot_product_errors([4, 1, 1, 1, 1], 1, 2, RN) == (0.5, 1 / 8)


def test_groups_are_summed_exactly_before_rounding():
    # Groups of 2: 4 + 1 = 5 -> 4; then 1 + 1 = 2 -> 4 + 2 = 6 = 110b, kept; then 1 -> 7 -> 6.
    limited, _ = acc.dot_product_errors([4, 1, 1, 1, 1], 1, 8, TZ, group_size=2)
    assert limited == 2 / 8


def test_enough_bits_make_both_paths_exact():
    products = [3 * 2**20, -5, 7 * 2**11, 1, -2**22]  # every sum fits FP32's 24 bits
    assert acc.dot_product_errors(products, 52, 2, TZ) == (0.0, 0.0)
    wide = [2**30, 1]  # 2^30 + 1 needs 31 bits: exact in the wide accumulator, not in FP32
    limited, promoted = acc.dot_product_errors(wide, 52, 1, TZ)
    assert limited == 0.0 and promoted == 1 / (2**30 + 1)


def test_a_zero_exact_sum_gives_zero_or_inf_never_nan():
    assert acc.dot_product_errors([0, 0, 0], 3, 2, TZ) == (0.0, 0.0)
    limited, _ = acc.dot_product_errors([2**10 + 1, -(2**10), -1], 3, 8, TZ)
    assert limited == math.inf


def test_e4m3_vector_units_are_integers_in_units_of_two_to_the_minus_9():
    units = acc.e4m3_vector_units([1.0, -0.5, 0.001, 2.0])  # scaled by 448 / 2 = 224
    assert units == [224 * 512, -112 * 512, int(floats.quantize(floats.E4M3, 0.224) * 512), 448 * 512]
    assert acc.e4m3_vector_units([0.0, 0.0]) == [0, 0]


# -- the simulation, pinned --------------------------------------------------------------------

def test_k4096_with_14_bits_pinned():
    # The figure compared with the DeepSeek-V3 report's "nearly 2%" (Sec. 3.3.2): truncation,
    # one product per rounding, normal inputs, 8 trials from seed 0.
    result = acc.simulate(k=4096, acc_mantissa_bits=14, promotion_interval=128, trials=8)
    assert result.limited_mean == pytest.approx(0.008283387166406376, rel=1e-9)
    assert result.limited_max == pytest.approx(0.022528198042457325, rel=1e-9)
    assert result.promoted_mean == pytest.approx(0.0004989911370669198, rel=1e-9)
    assert result.promoted_max == pytest.approx(0.0028406539641344757, rel=1e-9)
    assert result.condition_numbers[0] == pytest.approx(28.221875324799342, rel=1e-9)
    assert len(result.limited_errors) == len(result.promoted_errors) == 8


@pytest.mark.parametrize("setting, limited_mean", [
    ({"rounding": RN}, 0.0004076547564647598),
    ({"group_size": 4}, 0.008983636888998555),
    ({"acc_mantissa_bits": 13}, 0.03918999292033536),
])
def test_variants_over_32_trials_pinned(setting, limited_mean):
    result = acc.simulate(k=4096, trials=32, **setting)
    assert result.limited_mean == pytest.approx(limited_mean, rel=1e-9)


def test_more_accumulator_bits_give_less_error():
    means = [acc.simulate(k=4096, trials=8, acc_mantissa_bits=b).limited_mean for b in (10, 12, 14, 16, 20, 23)]
    assert means == sorted(means, reverse=True)
    assert means[0] > 0.3 and means[-1] < 1e-6


def test_promotion_every_128_products_helps_on_average():
    for setting in ({}, {"rounding": RN}, {"distribution": "uniform"}, {"distribution": "laplace"}):
        result = acc.simulate(k=4096, trials=8, **setting)
        assert result.promoted_mean < result.limited_mean / 2, setting


def test_promoting_after_every_product_is_plain_fp32_accumulation():
    # With 7 mantissa bits (8 significant) a single E4M3 x E4M3 product is kept exactly, so
    # N_C = 1 leaves only FP32 rounding; with 5 bits even single products are truncated.
    exact_products = acc.simulate(k=1024, trials=4, promotion_interval=1, acc_mantissa_bits=7)
    assert exact_products.promoted_mean < 1e-5 < exact_products.limited_mean
    truncated = acc.simulate(k=1024, trials=4, promotion_interval=1, acc_mantissa_bits=5)
    assert truncated.promoted_mean > 1e-3


def test_simulation_is_deterministic_and_trials_follow_the_seed():
    first = acc.simulate(k=512, trials=3, seed=5)
    assert acc.simulate(k=512, trials=3, seed=5) == first
    assert acc.simulate(k=512, trials=1, seed=5).limited_errors == first.limited_errors[:1]
    assert acc.simulate(k=512, trials=3, seed=6) != first


def test_k16384_is_fast_enough():
    start = time.perf_counter()
    result = acc.simulate(k=16384)
    assert time.perf_counter() - start < 2.0  # CPython: about 75 ms; a loose guard only
    assert len(result.limited_errors) == 3 and all(map(math.isfinite, result.promoted_errors))


@pytest.mark.parametrize("kwargs", [
    {"k": 0}, {"k": 16385}, {"k": 4096.0}, {"acc_mantissa_bits": 0}, {"acc_mantissa_bits": 53},
    {"promotion_interval": 0}, {"trials": 0}, {"trials": 33}, {"seed": -1}, {"seed": "1"},
    {"rounding": "up"}, {"distribution": "cauchy"}, {"group_size": 0}, {"group_size": True},
])
def test_bad_arguments_raise_value_error(kwargs):
    with pytest.raises(ValueError):
        acc.simulate(**({"k": 64} | kwargs))
