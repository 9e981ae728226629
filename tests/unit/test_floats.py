"""FP8/FP6/FP4/E8M0 codec: key numbers, every code, exact round-to-nearest-even, overflow, junk.

Pure pytest + hypothesis (these run inside Pyodide too). Two independent encoders are held
against each other: the table/bisect one the library uses and ``encode_reference``, which
works from the bit layout with exact rationals. ``tests/oracles/test_floats_oracle.py`` holds
both against ml_dtypes.
"""

import math
import struct
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from dscalc.numerics import floats
from dscalc.numerics.floats import E2M1, E2M3, E3M2, E4M3, E5M2, E8M0, FORMATS

SIGNED = [E4M3, E5M2, E3M2, E2M3, E2M1]
ALL = SIGNED + [E8M0]
ids = lambda fmt: fmt.name  # noqa: E731

#: Written out from OCP OFP8 rev. 1.0 Tables 1-2 (FP8) and the MX v1.0 element formats.
KEY_NUMBERS = {
    # name:  max_finite, min_normal, min_subnormal, spacing_at_one, emin, emax, finite, nan codes
    "e4m3": (448.0, 2.0**-6, 2.0**-9, 0.125, -6, 8, 254, 2),
    "e5m2": (57344.0, 2.0**-14, 2.0**-16, 0.25, -14, 15, 248, 6),
    "e3m2": (28.0, 0.25, 0.0625, 0.25, -2, 4, 64, 0),
    "e2m3": (7.5, 1.0, 0.125, 0.125, 0, 2, 64, 0),
    "e2m1": (6.0, 1.0, 0.5, 0.5, 0, 2, 16, 0),
    "e8m0": (2.0**127, 2.0**-127, 2.0**-127, 1.0, -127, 127, 255, 1),
}


def bits_of(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def same(a: float, b: float) -> bool:
    """Equal as values, NaN equal to NaN, and -0.0 distinct from +0.0."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return bits_of(a) == bits_of(b)


def finite_codes(fmt):
    return [c for c in range(fmt.num_codes) if math.isfinite(floats.decode(fmt, c))]


# -- key numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ALL, ids=ids)
def test_key_numbers_follow_from_the_bit_layout(fmt):
    max_finite, min_normal, min_subnormal, epsilon, emin, emax, finite, nans = KEY_NUMBERS[fmt.name]
    assert fmt.max_finite == max_finite
    assert fmt.min_normal == min_normal
    assert fmt.min_subnormal == min_subnormal
    assert fmt.spacing_at_one == epsilon
    assert (fmt.emin, fmt.emax) == (emin, emax)
    assert fmt.num_finite_values == finite == len(finite_codes(fmt))
    numbers = floats.key_numbers(fmt)
    assert numbers["nan_codes"] == nans
    assert numbers["max_finite"] == max(floats.decode(fmt, c) for c in finite_codes(fmt))
    assert fmt.decimal_digits == pytest.approx((fmt.mantissa_bits + 1) * math.log10(2))


def test_dynamic_range_in_binades_matches_ofp8_table_2():
    assert floats.key_numbers(E4M3)["dynamic_range_binades"] == 18
    assert floats.key_numbers(E5M2)["dynamic_range_binades"] == 32


def test_formats_by_name():
    assert set(FORMATS) == {"e4m3", "e5m2", "e3m2", "e2m3", "e2m1", "e8m0"}
    assert all(FORMATS[name].name == name for name in FORMATS)
    assert floats.format_named("e2m1") is E2M1
    with pytest.raises(ValueError, match="unknown format"):
        floats.format_named("e4m4")
    with pytest.raises(ValueError):
        floats.FloatFormat("bad", "bad", 4, 3, 7, has_inf=True)  # inf needs the IEEE encoding


# -- decoding ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, code, value", [
    (E4M3, 0x7E, 448.0), (E4M3, 0xFE, -448.0), (E4M3, 0x01, 2.0**-9), (E4M3, 0x07, 0.875 * 2.0**-6),
    (E4M3, 0x08, 2.0**-6), (E4M3, 0x38, 1.0), (E4M3, 0x39, 1.125), (E4M3, 0x80, -0.0),
    (E4M3, 0x7F, math.nan), (E4M3, 0xFF, math.nan), (E4M3, 0x78, 256.0),  # 0x78 is normal: no inf
    (E5M2, 0x7B, 57344.0), (E5M2, 0x7C, math.inf), (E5M2, 0xFC, -math.inf),
    (E5M2, 0x7D, math.nan), (E5M2, 0x7E, math.nan), (E5M2, 0x7F, math.nan), (E5M2, 0x01, 2.0**-16),
    (E5M2, 0x03, 0.75 * 2.0**-14), (E5M2, 0x04, 2.0**-14), (E5M2, 0x3C, 1.0),
    (E3M2, 0x1F, 28.0), (E3M2, 0x3F, -28.0), (E3M2, 0x01, 0.0625), (E3M2, 0x0C, 1.0),
    (E2M3, 0x1F, 7.5), (E2M3, 0x01, 0.125), (E2M3, 0x08, 1.0), (E2M3, 0x20, -0.0),
    (E8M0, 0x00, 2.0**-127), (E8M0, 0x7F, 1.0), (E8M0, 0x80, 2.0), (E8M0, 0xFE, 2.0**127),
    (E8M0, 0xFF, math.nan),
])
def test_decode_named_codes(fmt, code, value):
    assert same(floats.decode(fmt, code), value)


def test_e2m1_has_exactly_these_sixteen_values():
    values = [floats.decode(E2M1, c) for c in range(16)]
    assert values[:8] == [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]
    assert values[8:] == [-v for v in values[:8]] and math.copysign(1, values[8]) == -1


@pytest.mark.parametrize("fmt", ALL, ids=ids)
def test_codes_increase_with_magnitude_and_sign_bit_mirrors(fmt):
    positive = [floats.decode(fmt, c) for c in range(fmt.max_finite_code + 1)]
    assert all(a < b for a, b in zip(positive, positive[1:]))
    if fmt.signed:
        sign = 1 << (fmt.exponent_bits + fmt.mantissa_bits)
        for code in range(sign):
            assert same(floats.decode(fmt, code | sign), -floats.decode(fmt, code)) or \
                math.isnan(floats.decode(fmt, code))


@pytest.mark.parametrize("junk", [-1, 256, 2**40, 1.0, "3", None, True])
def test_decode_rejects_bad_codes(junk):
    with pytest.raises(ValueError):
        floats.decode(E4M3, junk)
    with pytest.raises(ValueError):
        floats.decode("e4m3", 3)  # a name is not a format


@pytest.mark.parametrize("code", [64, 255])
def test_fp6_has_only_64_codes(code):
    with pytest.raises(ValueError, match="0 to 63"):
        floats.decode(E3M2, code)


# -- fields ------------------------------------------------------------------------------------

def test_fields_of_e4m3_max_and_subnormal():
    assert floats.fields(E4M3, 0x7E) == {
        "sign": 0, "exponent_bits": "1111", "mantissa_bits": "110", "bits": "01111110",
        "exponent": 8, "is_subnormal": False, "kind": "normal", "value": 448.0}
    low = floats.fields(E4M3, 0x81)
    assert (low["sign"], low["exponent_bits"], low["mantissa_bits"], low["bits"]) == (1, "0000", "001", "10000001")
    assert (low["exponent"], low["is_subnormal"], low["value"]) == (-6, True, -(2.0**-9))
    assert floats.fields(E4M3, 0x7F)["kind"] == "nan" and floats.fields(E4M3, 0x7F)["exponent"] is None
    assert floats.fields(E4M3, 0x00)["kind"] == "zero"


def test_fields_of_e5m2_inf_fp4_and_e8m0():
    assert floats.fields(E5M2, 0xFC)["kind"] == "inf" and floats.fields(E5M2, 0xFC)["sign"] == 1
    assert floats.fields(E2M1, 0b0111) == {
        "sign": 0, "exponent_bits": "11", "mantissa_bits": "1", "bits": "0111", "exponent": 2,
        "is_subnormal": False, "kind": "normal", "value": 6.0}
    one = floats.fields(E8M0, 127)
    assert (one["sign"], one["mantissa_bits"], one["bits"], one["exponent"], one["value"]) == \
        (None, "", "01111111", 0, 1.0)
    assert floats.fields(E8M0, 0)["exponent"] == -127 and not floats.fields(E8M0, 0)["is_subnormal"]


@pytest.mark.parametrize("fmt", ALL, ids=ids)
def test_fields_reassemble_every_code(fmt):
    for code in range(fmt.num_codes):
        parts = floats.fields(fmt, code)
        sign = "" if parts["sign"] is None else str(parts["sign"])
        assert sign + parts["exponent_bits"] + parts["mantissa_bits"] == parts["bits"]
        assert int(parts["bits"], 2) == code and same(parts["value"], floats.decode(fmt, code))


# -- encoding: round trips and the two independent encoders ------------------------------------

@pytest.mark.parametrize("fmt", ALL, ids=ids)
def test_every_finite_code_round_trips(fmt):
    for code in finite_codes(fmt):
        value = floats.decode(fmt, code)
        for saturate in (True, False):
            assert floats.encode(fmt, value, saturate=saturate) == code
            assert floats.encode_reference(fmt, value, saturate=saturate) == code
        assert same(floats.quantize(fmt, value), value)


@pytest.mark.parametrize("fmt", ALL, ids=ids)
def test_every_midpoint_goes_to_the_even_code_and_its_neighbours_to_the_nearest(fmt):
    for code in range(fmt.max_finite_code):
        low, high = floats.decode(fmt, code), floats.decode(fmt, code + 1)
        middle = (low + high) / 2
        assert Fraction(middle) == (Fraction(low) + Fraction(high)) / 2  # a double, exactly
        # E8M0 (one-bit significand): ties go up; every other format: to the even code.
        expected = code + 1 if fmt is E8M0 or code % 2 else code
        assert floats.encode(fmt, middle) == floats.encode_reference(fmt, middle) == expected
        assert floats.encode(fmt, math.nextafter(middle, 0)) == code
        assert floats.encode(fmt, math.nextafter(middle, math.inf)) == code + 1


@pytest.mark.parametrize("fmt", SIGNED, ids=ids)
@settings(max_examples=300, deadline=None)
@given(x=st.floats(allow_nan=False), saturate=st.booleans())
def test_table_encoder_agrees_with_the_rational_reference(fmt, x, saturate):
    assert floats.encode(fmt, x, saturate=saturate) == floats.encode_reference(fmt, x, saturate=saturate)


@pytest.mark.parametrize("fmt", SIGNED, ids=ids)
@settings(max_examples=300, deadline=None)
@given(x=st.floats(min_value=-64.0, max_value=64.0), saturate=st.booleans())
def test_encoders_agree_within_the_interesting_range(fmt, x, saturate):
    scaled = x * fmt.max_finite / 32  # most draws land inside the range, some beyond it
    assert floats.encode(fmt, scaled, saturate=saturate) == \
        floats.encode_reference(fmt, scaled, saturate=saturate)


@settings(max_examples=300, deadline=None)
@given(x=st.floats(min_value=0.0, exclude_min=True, allow_infinity=True), saturate=st.booleans())
def test_e8m0_encoders_agree(x, saturate):
    assert floats.encode(E8M0, x, saturate=saturate) == floats.encode_reference(E8M0, x, saturate=saturate)


@pytest.mark.parametrize("fmt", SIGNED, ids=ids)
@settings(max_examples=200, deadline=None)
@given(a=st.floats(allow_nan=False), b=st.floats(allow_nan=False))
def test_rounding_is_monotonic(fmt, a, b):
    low, high = sorted((a, b))
    assert floats.quantize(fmt, low) <= floats.quantize(fmt, high)


@pytest.mark.parametrize("fmt", SIGNED, ids=ids)
@settings(max_examples=200, deadline=None)
@given(x=st.floats(allow_nan=False), saturate=st.booleans())
def test_rounding_is_sign_symmetric(fmt, x, saturate):
    assert same(floats.quantize(fmt, -x, saturate=saturate), -floats.quantize(fmt, x, saturate=saturate))


@pytest.mark.parametrize("fmt", SIGNED, ids=ids)
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_result_is_a_nearest_representable_value(fmt, data):
    # Drawn within the range directly: filtering all floats down to |x| <= 6 (E2M1) with
    # assume() rejected so much that hypothesis' health check failed now and then.
    x = data.draw(st.floats(-fmt.max_finite, fmt.max_finite), label="x")
    q = floats.quantize(fmt, x)
    grid = floats.representable_values(fmt)
    best = min(abs(Fraction(x) - Fraction(g)) for g in grid)
    assert abs(Fraction(x) - Fraction(q)) == best


@pytest.mark.parametrize("fmt", SIGNED, ids=ids)
@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=50),
       scale=st.sampled_from([1.0, 0.5, 3.0, 1 / 448, 2.0**-20, 7.25]))
def test_quantize_scaled_matches_quantize(fmt, values, scale):
    out, clipped = floats.quantize_scaled(fmt, values, scale)
    assert out == [scale * floats.quantize(fmt, v / scale) for v in values]
    assert clipped == sum(floats.overflows(fmt, v / scale) for v in values)
    elements, _ = floats.quantize_scaled(fmt, values, scale, dequantize=False)
    assert elements == [floats.quantize(fmt, v / scale) for v in values]


# -- ties, subnormals, signed zero ------------------------------------------------------------

@pytest.mark.parametrize("fmt, value, expected", [
    (E4M3, 1.0625, 1.0), (E4M3, 1.1875, 1.25), (E4M3, 1.3125, 1.25), (E4M3, 15.5, 16.0),
    (E4M3, 2.0**-10, 0.0), (E4M3, 3 * 2.0**-10, 2.0**-8), (E4M3, 5 * 2.0**-10, 2.0**-8),
    (E4M3, 1.5 * 2.0**-10, 2.0**-9), (E4M3, 2.0**-10 + 2.0**-40, 2.0**-9),
    (E5M2, 1.125, 1.0), (E5M2, 1.375, 1.5), (E5M2, 2.0**-17, 0.0), (E5M2, 3 * 2.0**-17, 2.0**-15),
    (E2M1, 0.25, 0.0), (E2M1, 0.75, 1.0), (E2M1, 1.25, 1.0), (E2M1, 1.75, 2.0),
    (E2M1, 2.5, 2.0), (E2M1, 3.5, 4.0), (E2M1, 5.0, 4.0), (E2M1, 0.2500001, 0.5),
    (E3M2, 0.03125, 0.0), (E3M2, 0.09375, 0.125), (E2M3, 0.0625, 0.0), (E2M3, 0.1875, 0.25),
    (E8M0, 1.5, 2.0), (E8M0, 3.0, 4.0), (E8M0, 1.4999999, 1.0), (E8M0, 0.75, 1.0),
    (E8M0, 2.0**-130, 2.0**-127), (E8M0, 5e-324, 2.0**-127),
])
def test_ties_to_even_and_subnormals(fmt, value, expected):
    assert same(floats.quantize(fmt, value), expected)
    if fmt.signed:
        assert same(floats.quantize(fmt, -value), -expected)


@pytest.mark.parametrize("fmt", SIGNED, ids=ids)
def test_sign_of_zero_is_kept(fmt):
    negative_zero = 1 << (fmt.exponent_bits + fmt.mantissa_bits)
    assert floats.encode(fmt, -0.0) == negative_zero and floats.encode(fmt, 0.0) == 0
    assert floats.encode(fmt, -fmt.min_subnormal / 4) == negative_zero
    assert same(floats.quantize(fmt, -1e-300), -0.0)
    assert floats.encode_reference(fmt, -0.0) == negative_zero


# -- overflow ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, threshold, tie_overflows", [
    (E4M3, 464.0, False), (E5M2, 61440.0, True), (E3M2, 30.0, True), (E2M3, 7.75, True),
    (E2M1, 7.0, True), (E8M0, 1.5 * 2.0**127, True),
])
def test_overflow_threshold_is_max_plus_half_a_spacing(fmt, threshold, tie_overflows):
    assert fmt.overflow_threshold == threshold
    assert fmt.tie_at_threshold_overflows is tie_overflows
    assert floats.overflows(fmt, threshold) is tie_overflows
    assert not floats.overflows(fmt, math.nextafter(threshold, 0))
    assert floats.overflows(fmt, math.nextafter(threshold, math.inf))
    assert floats.overflows(fmt, math.inf) and not floats.overflows(fmt, math.nan)


def test_e4m3_boundary_464_rounds_to_448_and_anything_above_is_nan_without_saturation():
    assert floats.quantize(E4M3, 464.0, saturate=False) == 448.0
    above = math.nextafter(464.0, math.inf)
    assert math.isnan(floats.quantize(E4M3, above, saturate=False))
    assert floats.encode(E4M3, -above, saturate=False) == 0xFF  # NaN, sign kept
    assert floats.quantize(E4M3, above) == 448.0 and floats.quantize(E4M3, -1e30) == -448.0


def test_e5m2_boundary_61440_overflows_to_inf_without_saturation():
    assert floats.quantize(E5M2, 61440.0, saturate=False) == math.inf
    assert floats.quantize(E5M2, -61440.0, saturate=False) == -math.inf
    assert floats.quantize(E5M2, math.nextafter(61440.0, 0), saturate=False) == 57344.0
    assert floats.quantize(E5M2, 61440.0) == 57344.0


@pytest.mark.parametrize("fmt", [E3M2, E2M3, E2M1], ids=ids)
def test_fp6_and_fp4_always_saturate(fmt):
    for saturate in (True, False):
        assert floats.quantize(fmt, 1e9, saturate=saturate) == fmt.max_finite
        assert floats.quantize(fmt, -math.inf, saturate=saturate) == -fmt.max_finite
        assert floats.quantize(fmt, fmt.overflow_threshold, saturate=saturate) == fmt.max_finite


@pytest.mark.parametrize("fmt, saturated, unsaturated", [
    (E4M3, 448.0, math.nan), (E5M2, 57344.0, math.inf), (E2M1, 6.0, 6.0), (E8M0, 2.0**127, math.nan),
])
def test_infinite_input_follows_ofp8_table_3(fmt, saturated, unsaturated):
    assert same(floats.quantize(fmt, math.inf), saturated)
    assert same(floats.quantize(fmt, math.inf, saturate=False), unsaturated)
    assert same(floats.quantize(fmt, 1.6 * 2.0**127, saturate=False), unsaturated)


# -- NaN and junk ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, code", [(E4M3, 0x7F), (E5M2, 0x7E), (E8M0, 0xFF)])
def test_nan_encodes_to_a_nan_code_where_there_is_one(fmt, code):
    assert floats.encode(fmt, math.nan) == code
    assert math.isnan(floats.quantize(fmt, math.nan, saturate=True))
    if fmt.signed:
        assert floats.encode(fmt, -math.nan) == code | 0x80


@pytest.mark.parametrize("fmt", [E3M2, E2M3, E2M1], ids=ids)
def test_nan_is_refused_by_formats_without_nan(fmt):
    for encoder in (floats.encode, floats.encode_reference, floats.quantize):
        with pytest.raises(ValueError, match="no NaN"):
            encoder(fmt, math.nan)


@pytest.mark.parametrize("value", [0.0, -0.0, -1.0, -math.inf, -2.0**-130])
def test_e8m0_refuses_zero_and_negative_values(value):
    for encoder in (floats.encode, floats.encode_reference):
        with pytest.raises(ValueError, match="unsigned"):
            encoder(E8M0, value)


@pytest.mark.parametrize("junk", ["1.0", None, True, 1 + 2j, [1.0], 10**400])
def test_junk_values_raise_value_error(junk):
    for fmt in (E4M3, E2M1):
        with pytest.raises(ValueError):
            floats.encode(fmt, junk)
        with pytest.raises(ValueError):
            floats.quantize(fmt, junk)


def test_integers_are_accepted_and_exact():
    assert floats.encode(E4M3, 448) == 0x7E and floats.quantize(E2M1, 5) == 4.0
    assert floats.quantize(E5M2, -(10**30)) == -57344.0


# -- number line -------------------------------------------------------------------------------

def test_neighbours_on_the_number_line():
    assert floats.neighbours(E2M1, 2.2, 2) == [1.5, 2.0, 3.0, 4.0]
    assert floats.neighbours(E2M1, 2.0, 1) == [2.0, 3.0]
    assert floats.neighbours(E2M1, 6.0, 3) == [3.0, 4.0, 6.0]
    assert floats.neighbours(E2M1, math.inf, 2) == [4.0, 6.0]
    assert floats.neighbours(E2M1, -100.0, 2) == [-6.0, -4.0]
    assert floats.neighbours(E2M1, -0.0, 2) == [-0.5, 0.0, 0.5, 1.0]
    assert floats.neighbours(E4M3, 450.0, 2) == [416.0, 448.0]
    assert floats.neighbours(E8M0, 3.0, 1) == [2.0, 4.0]
    line = floats.representable_values(E4M3)
    assert len(line) == 253 and list(line) == sorted(line)  # 254 finite codes, one zero


@pytest.mark.parametrize("value, count", [(math.nan, 2), (1.0, 0), (1.0, 257), (1.0, 2.0), ("1", 2)])
def test_neighbours_reject_bad_arguments(value, count):
    with pytest.raises(ValueError):
        floats.neighbours(E4M3, value, count)


@settings(max_examples=100, deadline=None)
@given(x=st.floats(-1000, 1000), count=st.integers(1, 8))
def test_neighbours_bracket_the_value(x, count):
    around = floats.neighbours(E4M3, x, count)
    assert around == sorted(around) and 1 <= len(around) <= 2 * count
    below = [v for v in around if v <= x]
    above = [v for v in around if v > x]
    assert len(below) <= count and len(above) <= count
    if abs(x) < 400:
        assert below and above and floats.quantize(E4M3, x) in (below[-1], above[0])
