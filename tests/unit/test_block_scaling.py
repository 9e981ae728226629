"""Block scaling: hand-computed MX and NVFP4 blocks, DeepSeek tiles, storage cost, the finer-block
property (and where it fails), outliers, synthetic data, junk.

Pure pytest + hypothesis (these run inside Pyodide too).
"""

import math
import random
import time

import pytest
from hypothesis import given, settings, strategies as st

from dscalc.numerics import scaling_schemes as bs
from dscalc.numerics import floats

FP32_SCHEMES = ["per-tensor-e4m3", "tile-1x128-e4m3", "block-128x128-e4m3"]


def quantize(values, scheme, **kw):
    return bs.quantize_tensor(values, scheme, **kw)


def padded(block, size):
    return list(block) + [0.0] * (size - len(block))


# -- OCP MX: hand-computed blocks ------------------------------------------------------------

def test_mxfp4_block_whose_values_are_representable_is_exact():
    # amax 3 -> floor(log2 3) = 1 -> X = 2^(1 - emax 2) = 0.5; 3/X = 6 is E2M1's max.
    block = padded([3.0, 1.0, -0.5, 0.25, -2.0], 32)
    result = quantize(block, "mxfp4")
    assert result.block_scales == (0.5,)
    assert list(result.dequantized) == block
    assert (result.rel_error, result.max_abs_error, result.clipped_share) == (0.0, 0.0, 0.0)


def test_mxfp4_block_max_between_element_max_and_next_power_of_two_saturates():
    # amax 7 -> floor(log2 7) = 2 -> X = 1. 7 would round to 8 (the tie goes to the even code)
    # and overflows, so it is clipped to 6; 5 is a tie between 4 and 6 and goes to even 4;
    # 6.5 rounds to 6 without overflowing.
    block = padded([7.0, 5.0, 6.5, 1.1, -7.5], 32)
    result = quantize(block, "mxfp4")
    assert result.block_scales == (1.0,)
    assert list(result.dequantized[:5]) == [6.0, 4.0, 6.0, 1.0, -6.0]
    assert result.clipped_share == 2 / 32  # 7.0 and -7.5
    assert result.max_abs_error == 1.5


def test_mxfp8_and_mxfp6_saturate_the_same_way():
    mx8 = quantize(padded([500.0, 1.0, 463.0], 32), "mxfp8-e4m3")  # X = 2^(8 - 8) = 1
    assert mx8.block_scales == (1.0,) and list(mx8.dequantized[:3]) == [448.0, 1.0, 448.0]
    assert mx8.clipped_share == 1 / 32  # 500 overflows; 463 just rounds to 448
    mx6 = quantize(padded([30.0, 29.0, 0.3], 32), "mxfp6-e3m2")  # X = 2^(4 - 4) = 1
    assert mx6.block_scales == (1.0,) and list(mx6.dequantized[:3]) == [28.0, 28.0, 0.3125]
    assert mx6.clipped_share == 1 / 32  # the tie 30 overflows (32 is the even code)


def test_mx_all_zero_block_gets_the_smallest_scale_and_stays_zero():
    result = quantize([0.0] * 32 + [1.0] * 32, "mxfp4")
    assert result.block_scales == (2.0**-127, 0.25)
    assert list(result.dequantized) == [0.0] * 32 + [1.0] * 32
    assert result.zero_share == 0.0 and result.rel_error == 0.0


@settings(max_examples=200, deadline=None)
@given(amax=st.floats(1e-30, 1e30), scheme=st.sampled_from(["mxfp8-e4m3", "mxfp6-e3m2", "mxfp4"]))
def test_mx_scale_puts_amax_in_the_top_binade_of_the_element_format(amax, scheme):
    element = bs.SCHEMES[scheme].element
    scale = bs.mx_scale(amax, element)
    assert math.frexp(scale)[0] == 0.5  # a power of two
    assert 2.0**element.emax <= amax / scale < 2.0 ** (element.emax + 1)


def test_mx_scale_stays_within_e8m0():
    assert bs.mx_scale(1e-300, floats.E4M3) == 2.0**-127
    assert bs.mx_scale(2.0**127, floats.E2M1) == 2.0**125


# -- NVFP4 -------------------------------------------------------------------------------------

def test_nvfp4_hand_computed_blocks():
    # amax 2688 = 448 * 6 -> tensor scale 1. Block 1: scale E4M3(2688/6) = 448, exact values.
    # Block 2: amax 7 -> 7/6 = 1.1667 rounds to E4M3 1.125; elements x/1.125 round to E2M1.
    # Block 3: all zeros -> block scale 0, decodes to zeros.
    values = padded([2688.0, 1344.0, -448.0], 16) + padded([7.0, 3.5, 1.0, 0.1], 16) + [0.0] * 16
    result = quantize(values, "nvfp4")
    assert result.tensor_scale == 1.0
    assert result.block_scales == (448.0, 1.125, 0.0)
    assert list(result.dequantized[:3]) == [2688.0, 1344.0, -448.0]
    assert list(result.dequantized[16:20]) == [6 * 1.125, 3 * 1.125, 1.125, 0.0]
    assert result.dequantized[32:] == (0.0,) * 16
    assert result.num_scales == 4
    assert result.bits_per_value == pytest.approx(4 + 8 * 3 / 48 + 32 / 48)
    assert result.zero_share == 1 / 7  # 0.1 became zero; 7 of the 48 inputs were non-zero


def test_nvfp4_small_block_next_to_a_huge_one_clips_because_its_e4m3_scale_is_subnormal():
    # Block amax 0.0156 needs a scale 0.0026, in E4M3's subnormal range: it rounds down to
    # 2^-9 = 0.00195, so 0.0156 / 0.00195 = 8 overflows E2M1 and is clipped to 6.
    values = padded([2688.0], 16) + padded([0.0156, 0.004], 16)
    result = quantize(values, "nvfp4")
    assert result.block_scales[1] == 2.0**-9
    assert result.dequantized[16] == 6 * 2.0**-9 and result.clipped_share == 1 / 32


def test_nvfp4_scales_match_the_documented_formulas():
    values = bs.synthetic_matrix(4, 64, seed=3)
    result = quantize(values, "nvfp4", rows=4, cols=64)
    amax = max(map(abs, values))
    assert result.tensor_scale == bs.to_float32(amax / (448 * 6))
    for index, scale in enumerate(result.block_scales):
        block = values[16 * index:16 * index + 16]
        assert scale == floats.quantize(floats.E4M3, max(map(abs, block)) / 6 / result.tensor_scale)


# -- DeepSeek FP32 scales and UE8M0 ------------------------------------------------------------

def test_tile_scale_is_float32_amax_over_448_and_maps_amax_to_448():
    values = bs.synthetic_matrix(2, 256, seed=11)
    result = quantize(values, "tile-1x128-e4m3", rows=2, cols=256)
    assert result.num_scales == 4
    for tile, scale in enumerate(result.block_scales):
        segment = values[128 * tile:128 * tile + 128]
        assert scale == bs.to_float32(max(map(abs, segment)) / 448)
    assert result.clipped_share == 0.0


@pytest.mark.parametrize("scale, expected", [
    (1.0, 1.0), (1.5, 2.0), (0.75, 1.0), (2.0**-3, 2.0**-3), (3.0 * 2.0**-20, 2.0**-18),
    (2.0**-140, 2.0**-126), (3e38, 2.0**127),
])
def test_ceil_to_power_of_two_follows_deepgemm_ceil_to_ue8m0(scale, expected):
    assert bs.ceil_to_power_of_two(scale) == expected


def test_pow2_scales_are_powers_of_two_at_least_amax_over_448_and_cost_8_bits():
    values = bs.synthetic_matrix(4, 256, seed=5)
    plain = quantize(values, "tile-1x128-e4m3", rows=4, cols=256)
    pow2 = quantize(values, "tile-1x128-e4m3", rows=4, cols=256, pow2_scales=True)
    for fp32, ue8m0 in zip(plain.block_scales, pow2.block_scales):
        assert math.frexp(ue8m0)[0] == 0.5 and fp32 <= ue8m0 < 2 * fp32
    assert pow2.bits_per_value == 8 + 8 / 128 and plain.bits_per_value == 8 + 32 / 128
    assert pow2.clipped_share == 0.0


def test_pow2_is_refused_for_schemes_whose_scales_are_not_fp32():
    for scheme in ("mxfp4", "nvfp4"):
        with pytest.raises(ValueError, match="pow2_scales"):
            quantize([1.0] * 32, scheme, pow2_scales=True)


# -- storage cost and block grid -----------------------------------------------------------

@pytest.mark.parametrize("scheme, rows, cols, scales, bits", [
    ("per-tensor-e4m3", 32, 128, 1, 8 + 32 / 4096),
    ("tile-1x128-e4m3", 32, 128, 32, 8.25),
    ("tile-1x128-e4m3", 3, 200, 6, 8 + 6 * 32 / 600),           # partial tile per row
    ("block-128x128-e4m3", 128, 128, 1, 8 + 32 / 16384),
    ("block-128x128-e4m3", 130, 130, 4, 8 + 4 * 32 / 16900),      # partial blocks at the edges
    ("mxfp8-e4m3", 32, 128, 128, 8.25),
    ("mxfp6-e3m2", 32, 128, 128, 6.25),
    ("mxfp4", 32, 128, 128, 4.25),
    ("mxfp4", 1, 70, 3, 4 + 3 * 8 / 70),
    ("nvfp4", 32, 128, 257, 4 + 0.5 + 32 / 4096),
])
def test_bits_per_value_and_number_of_scales(scheme, rows, cols, scales, bits):
    result = quantize(bs.synthetic_matrix(rows, cols, seed=1), scheme, rows=rows, cols=cols)
    assert result.num_scales == scales
    assert result.bits_per_value == pytest.approx(bits, rel=1e-12)
    assert len(result.dequantized) == rows * cols


def test_a_flat_vector_is_one_row():
    values = bs.synthetic_matrix(1, 256, seed=2)
    assert quantize(values, "tile-1x128-e4m3") == quantize(values, "tile-1x128-e4m3", rows=1, cols=256)


# -- finer blocks versus per-tensor ----------------------------------------------------------

@st.composite
def matrices(draw):
    rows, cols = draw(st.integers(1, 3)), draw(st.integers(1, 300))
    element = st.one_of(st.just(0.0), st.floats(-1e4, 1e4).filter(lambda v: abs(v) > 1e-6))
    return rows, cols, draw(st.lists(element, min_size=rows * cols, max_size=rows * cols))


@settings(max_examples=150, deadline=None)
@given(matrix=matrices())
def test_with_power_of_two_scales_a_finer_block_is_never_worse_element_by_element(matrix):
    # A power-of-two scale s_fine <= s_coarse gives a grid that contains every point of the
    # coarse grid within the fine block's range, so no element can end up farther away.
    rows, cols, values = matrix
    run = {s: quantize(values, s, rows=rows, cols=cols, pow2_scales=True) for s in FP32_SCHEMES}
    tensor, tile, block = (run[s].dequantized for s in FP32_SCHEMES)
    for x, t, k, b in zip(values, tensor, tile, block):
        assert abs(x - k) <= abs(x - b) <= abs(x - t)
    assert run["tile-1x128-e4m3"].max_abs_error <= run["per-tensor-e4m3"].max_abs_error


def test_with_fp32_scales_a_finer_block_can_be_worse():
    # Per tensor the scale is 1 and 448, 384 and 256 are all E4M3 values: no error at all. The
    # second tile's scale is 384/448 = 6/7, which puts 256 at 298.7, between 288 and 320.
    values = padded([448.0], 128) + padded([384.0, 256.0], 128)
    tensor = quantize(values, "per-tensor-e4m3")
    tile = quantize(values, "tile-1x128-e4m3")
    assert tensor.max_abs_error == 0.0
    assert tile.block_scales == (1.0, bs.to_float32(384 / 448))
    assert tile.dequantized[129] == 288 * bs.to_float32(384 / 448)
    assert tile.max_abs_error == pytest.approx(9.142855, abs=1e-6)
    assert quantize(values, "tile-1x128-e4m3", pow2_scales=True).max_abs_error == 0.0


# -- outliers --------------------------------------------------------------------------------

def ordinary_stats(values, base, result):
    ordinary = [i for i, (x, b) in enumerate(zip(values, base)) if x == b]
    zeroed = sum(1 for i in ordinary if result.dequantized[i] == 0 and values[i] != 0) / len(ordinary)
    error = math.hypot(*(values[i] - result.dequantized[i] for i in ordinary))
    return zeroed, error / math.hypot(*(values[i] for i in ordinary))


def test_outliers_ruin_per_tensor_scaling_and_tiles_rescue_it():
    # 32 x 256 N(0, 1) values (seed 7); 13 of them (rate 0.001) are multiplied by 1e5. Per
    # tensor, the scale follows the largest outlier and the ordinary values fall into E4M3's
    # subnormal range or below it; per 1 x 128 tile, only the 13 tiles that hold an outlier
    # suffer, and each outlier is its tile's maximum, stored exactly.
    base = bs.synthetic_matrix(32, 256, "normal", 0.0, 1e5, seed=7)
    values = bs.synthetic_matrix(32, 256, "normal", 0.001, 1e5, seed=7)
    assert sum(x != b for x, b in zip(values, base)) == 13
    tensor = quantize(values, "per-tensor-e4m3", rows=32, cols=256)
    tile = quantize(values, "tile-1x128-e4m3", rows=32, cols=256)
    tensor_zeroed, tensor_error = ordinary_stats(values, base, tensor)
    tile_zeroed, tile_error = ordinary_stats(values, base, tile)
    assert tensor_zeroed == pytest.approx(0.2640, abs=5e-4)  # a quarter of the values lost
    assert tile_zeroed == pytest.approx(0.0232, abs=5e-4)
    assert tensor_error == pytest.approx(0.1935, abs=5e-4)   # relative error, ordinary values
    assert tile_error == pytest.approx(0.0538, abs=5e-4)
    assert tensor.max_abs_error == pytest.approx(3800, rel=0.01)
    assert tile.max_abs_error < 0.5
    # Without outliers the two agree closely: E4M3 keeps about 2^-4 relative precision.
    clean_tensor = quantize(base, "per-tensor-e4m3", rows=32, cols=256)
    clean_tile = quantize(base, "tile-1x128-e4m3", rows=32, cols=256)
    assert clean_tensor.rel_error == pytest.approx(clean_tile.rel_error, rel=0.1)
    assert clean_tensor.zero_share < 0.001


# -- exact scale invariance ------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.one_of(st.just(0.0), st.floats(-1e3, 1e3).filter(lambda v: abs(v) > 1e-6)),
                       min_size=1, max_size=200),
       power=st.integers(-30, 30), scheme=st.sampled_from(sorted(bs.SCHEMES)))
def test_scaling_the_input_by_a_power_of_two_scales_the_output_exactly(values, power, scheme):
    factor = 2.0**power
    plain = quantize(values, scheme)
    scaled = quantize([v * factor for v in values], scheme)
    assert list(scaled.dequantized) == [q * factor for q in plain.dequantized]
    assert (scaled.rel_error, scaled.zero_share, scaled.clipped_share) == \
        (plain.rel_error, plain.zero_share, plain.clipped_share)


# -- statistics ------------------------------------------------------------------------------

def test_statistics_on_a_small_example():
    result = quantize([1.0, 0.001, -3.3, 0.0], "mxfp4")  # X = 2^(1 - 2) = 0.5
    assert list(result.dequantized) == [1.0, 0.0, -3.0, 0.0]
    errors = [0.0, 0.001, -0.3, 0.0]
    assert result.rel_error == pytest.approx(math.hypot(*errors) / math.hypot(1.0, 0.001, 3.3))
    assert result.max_abs_error == pytest.approx(0.3)
    assert result.zero_share == pytest.approx(1 / 3)  # 0.001 of three non-zero inputs
    assert quantize([0.0, -0.0], "nvfp4").rel_error == 0.0


# -- junk ------------------------------------------------------------------------------------

@pytest.mark.parametrize("values, message", [
    ([], "empty"), ([1.0, math.nan], "#1"), ([math.inf], "#0"), ([-math.inf, 1.0], "#0"),
    ([1e39], "float32 range"), ([10**50], "float32 range"), ([1.0, "2"], "not a number"),
    ([True, 1.0], "not a number"), ([None], "not a number"), ("1,2,3", "list of numbers"),
    (3.0, "list of numbers"), ([0.0] * (bs.MAX_VALUES + 1), "at most"),
])
def test_junk_values_raise_value_error(values, message):
    with pytest.raises(ValueError, match=message):
        quantize(values, "mxfp4")


@pytest.mark.parametrize("kwargs, message", [
    ({"scheme": "fp8"}, "unknown scheme"), ({"rows": 3, "cols": 3}, "rows x cols"),
    ({"rows": 0, "cols": 4}, "rows"), ({"rows": 2.0, "cols": 2}, "rows"),
    ({"pow2_scales": "yes"}, "pow2_scales"),
])
def test_bad_arguments_raise_value_error(kwargs, message):
    arguments = {"scheme": "tile-1x128-e4m3"} | kwargs
    with pytest.raises(ValueError, match=message):
        bs.quantize_tensor([1.0, 2.0, 3.0, 4.0], **arguments)


def test_integers_and_extreme_but_valid_values_are_accepted():
    result = quantize([1, -2, 3.4e38, 1e-300, 0], "per-tensor-e4m3")
    assert result.dequantized[2] == pytest.approx(3.4e38, rel=2**-4)
    assert result.dequantized[3] == 0.0 and math.isfinite(result.rel_error)
    for scheme in bs.SCHEMES:
        assert all(math.isfinite(q) for q in quantize([3.4e38, -3.4e38, 1e-45], scheme).dequantized)


# -- synthetic data --------------------------------------------------------------------------

def test_synthetic_values_are_pinned_bit_for_bit():
    # Same bits in CPython and Pyodide: Mersenne Twister plus correctly rounded arithmetic.
    assert bs.synthetic_matrix(1, 4, "normal", seed=0) == [
        0.6202001216069017, 0.4644982638709743, -0.5152970855979493, -1.5640434149388383]
    assert bs.synthetic_matrix(1, 4, "laplace", seed=0) == [
        0.8255188336238576, 0.5129932223209872, -0.12232481019956624, -0.4653480445538273]
    assert bs.synthetic_matrix(1, 4, "uniform", seed=0) == [
        1.193112292156655, 0.8935802638573969, -0.2751481151317084, -0.8351368746928042]


def moments(values):
    n = len(values)
    mean = sum(values) / n
    variance = sum((v - mean) ** 2 for v in values) / n
    kurtosis = sum((v - mean) ** 4 for v in values) / n / variance**2
    return mean, variance, kurtosis


@pytest.mark.parametrize("distribution, kurtosis", [("normal", 3.0), ("laplace", 6.0), ("uniform", 1.8)])
def test_synthetic_distributions_have_unit_variance_and_their_shape(distribution, kurtosis):
    mean, variance, shape = moments(bs.synthetic_matrix(256, 256, distribution, seed=4))
    assert abs(mean) < 0.02 and variance == pytest.approx(1.0, abs=0.03)
    assert shape == pytest.approx(kurtosis, rel=0.08)


def test_outliers_sit_where_the_second_generator_puts_them():
    base = bs.synthetic_matrix(256, 256, seed=9)
    values = bs.synthetic_matrix(256, 256, outlier_rate=0.01, outlier_scale=50.0, seed=9)
    hits = [(x, b) for x, b in zip(values, base) if x != b]
    assert all(x == b * 50.0 for x, b in hits)
    assert abs(len(hits) - 655.36) < 5 * math.sqrt(655.36)


def test_portable_log_matches_math_log_and_the_polar_generator_uses_it():
    for x in (1.0, 2.0, 0.5, 0.1, 1e-300, 5e-324, 0.999999, 123456.789):
        assert bs.portable_log(x) == pytest.approx(math.log(x), rel=1e-15, abs=1e-300)
    rng = random.Random(0)
    expected = []
    while len(expected) < 6:  # Marsaglia polar method written plainly
        u, v = 2 * rng.random() - 1, 2 * rng.random() - 1
        s = u * u + v * v
        if 0 < s < 1:
            factor = math.sqrt(-2 * bs.portable_log(s) / s)
            expected += [u * factor, v * factor]
    assert bs.synthetic_matrix(1, 6, seed=0) == expected


@pytest.mark.parametrize("kwargs", [
    {"rows": 0}, {"cols": 2.5}, {"rows": 300, "cols": 300}, {"distribution": "cauchy"},
    {"outlier_rate": 1.5}, {"outlier_rate": math.nan}, {"outlier_scale": 0.0},
    {"outlier_scale": math.inf}, {"seed": "7"}, {"seed": 1.0},
])
def test_synthetic_matrix_rejects_bad_arguments(kwargs):
    arguments = {"rows": 2, "cols": 2} | kwargs
    with pytest.raises(ValueError):
        bs.synthetic_matrix(**arguments)


def test_the_largest_tensor_runs_under_every_scheme_in_reasonable_time():
    # A loose guard against accidental slow paths (CPython measures about 25-35 ms a scheme).
    values = bs.synthetic_matrix(256, 256, outlier_rate=0.001, seed=1)
    for scheme in bs.SCHEMES:
        start = time.perf_counter()
        quantize(values, scheme, rows=256, cols=256)
        assert time.perf_counter() - start < 2.0, scheme
