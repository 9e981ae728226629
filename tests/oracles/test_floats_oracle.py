"""Oracle: our FP8/FP6/FP4/E8M0 codec against ml_dtypes (Google's reference NumPy dtypes).

- every code decodes to the same value (NaN to NaN);
- at least 100,000 float32 values per format round to the same code: random bit patterns over
  the whole float32 range, log-uniform magnitudes over the format's range and beyond, exact
  ties (midpoints between neighbouring codes), the floats next to each tie, and subnormals.
  ml_dtypes converts float64 through float32, which would round twice, so every input is a
  float32 and is handed to ml_dtypes as one;
- overflow without saturation (ml_dtypes never saturates FP8): E4M3 gives NaN, E5M2 +/-inf,
  FP6/FP4 saturate, E8M0 NaN.

Where we deliberately differ, the test says so: NaN into FP6/FP4 (ml_dtypes writes -0; we
raise ValueError), zero or negative values into E8M0 (ml_dtypes writes NaN; we raise), and
E8M0 inputs in (2^-127, 1.5 * 2^-127) that float32 can hold only as subnormals (ml_dtypes rounds
them up to 2^-126; the nearest E8M0 value, and ours, is 2^-127).

Skipped where ml_dtypes or numpy is missing, except under ``make test``
(``DSCALC_REQUIRE_ORACLES=1``), where a missing oracle fails.
"""

import math

import pytest
from reference import ml_dtypes_by_format, oracle

ml_dtypes = oracle("ml_dtypes")
np = oracle("numpy")

from dscalc.numerics import floats  # noqa: E402
from dscalc.numerics.floats import E2M1, E2M3, E3M2, E4M3, E5M2, E8M0  # noqa: E402

DTYPES = ml_dtypes_by_format()
FORMATS = [E4M3, E5M2, E3M2, E2M3, E2M1, E8M0]
SAMPLES_PER_FORMAT = 100_000
#: A cross-check of the slow rational encoder on a share of the same inputs.
REFERENCE_SAMPLES = 5_000
ids = lambda fmt: fmt.name  # noqa: E731


def their_codes(fmt, values32):
    """ml_dtypes' codes for a float32 array (one byte per value, the code in the low bits)."""
    return values32.astype(DTYPES[fmt.name]).view(np.uint8).astype(np.int64)


def their_values(fmt, codes):
    return np.array(codes, dtype=np.uint8).view(DTYPES[fmt.name]).astype(np.float64)


@pytest.mark.parametrize("fmt", FORMATS, ids=ids)
def test_every_code_decodes_like_ml_dtypes(fmt):
    codes = list(range(fmt.num_codes))
    theirs = their_values(fmt, codes)
    for code, their in zip(codes, theirs.tolist()):
        ours = floats.decode(fmt, code)
        if math.isnan(their):
            assert math.isnan(ours), (fmt.name, hex(code))
        else:
            assert ours == their and math.copysign(1, ours) == math.copysign(1, their), (fmt.name, hex(code))
    info = ml_dtypes.finfo(DTYPES[fmt.name])
    assert fmt.max_finite == float(info.max)
    assert fmt.min_normal == float(info.smallest_normal)
    assert fmt.min_subnormal == float(info.smallest_subnormal)
    assert fmt.spacing_at_one == float(info.eps)


def float32_inputs(fmt, rng):
    """Over SAMPLES_PER_FORMAT float32 values (a third of the target from each of four
    sources, so that enough remain after ``comparable``) covering every part of the format."""
    count = SAMPLES_PER_FORMAT // 3
    # 1. random bit patterns: every float32 exponent, subnormals, infinities and NaNs included
    patterns = rng.integers(0, 2**32, count, dtype=np.uint64).astype(np.uint32).view(np.float32)
    # 2. log-uniform magnitudes from well below the smallest subnormal to beyond the maximum
    low = math.log2(fmt.min_subnormal) - 4
    high = math.log2(fmt.max_finite) + 3
    magnitudes = np.exp2(rng.uniform(low, high, count))
    signs = rng.choice([-1.0, 1.0], count) if fmt.signed else 1.0
    spread = (magnitudes * signs).astype(np.float32)
    # 3. exact ties between every pair of neighbouring codes (and past the maximum), with the
    #    float32 values on either side of each
    grid = [floats.decode(fmt, c) for c in range(fmt.max_finite_code + 1)]
    ties = np.array([(a + b) / 2 for a, b in zip(grid, grid[1:])] + [fmt.overflow_threshold],
                    dtype=np.float64)
    ties32 = ties.astype(np.float32)
    assert np.array_equal(ties32.astype(np.float64), ties)  # every tie is float32-exact
    reps = count // (3 * len(ties32)) + 1
    around = np.concatenate([ties32, np.nextafter(ties32, np.float32(0)),
                             np.nextafter(ties32, np.float32(np.inf))])
    around = np.tile(around, reps)[:count]
    if fmt.signed:
        around = around * rng.choice([-1.0, 1.0], count).astype(np.float32)
    # 4. the format's own values, slightly perturbed in float32
    values = np.array(grid, dtype=np.float32)[rng.integers(0, len(grid), count)]
    nudged = np.nextafter(values, np.float32(np.inf) * rng.choice([-1, 1], count).astype(np.float32))
    if fmt.signed:
        nudged = nudged * rng.choice([-1.0, 1.0], count).astype(np.float32)
    return np.concatenate([patterns, spread, around, nudged])


def comparable(fmt, values32):
    """Drop the inputs on which we differ from ml_dtypes on purpose (see the module doc)."""
    keep = np.ones(values32.shape, dtype=bool)
    if fmt.nan_encoding == floats.NAN_NONE:
        keep &= ~np.isnan(values32)
    if fmt is E8M0:
        keep &= (values32 > 0) | np.isnan(values32)
        quirk = (values32 > np.float32(2.0**-127)) & (values32 < np.float32(1.5 * 2.0**-127))
        keep &= ~quirk
    return values32[keep]


@pytest.mark.parametrize("fmt", FORMATS, ids=ids)
def test_rounding_matches_ml_dtypes_on_100k_float32_values(fmt):
    rng = np.random.default_rng(20261126 + fmt.total_bits * 10 + fmt.mantissa_bits)
    with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN inputs are intended
        values32 = comparable(fmt, float32_inputs(fmt, rng))
        theirs = their_codes(fmt, values32).tolist()
        inputs = values32.astype(np.float64).tolist()  # exact
    assert values32.size >= SAMPLES_PER_FORMAT
    mismatches = []
    for x, their in zip(inputs, theirs):
        ours = floats.encode(fmt, x, saturate=False)
        same = ours == their or (math.isnan(floats.decode(fmt, ours))
                                 and math.isnan(floats.decode(fmt, their)))
        if not same:
            mismatches.append((x, hex(ours), hex(their)))
    assert not mismatches, f"{len(mismatches)} mismatches, e.g. {mismatches[:5]}"
    # the independent rational encoder agrees on a share of the same inputs
    for x, their in list(zip(inputs, theirs))[::len(inputs) // REFERENCE_SAMPLES]:
        ours = floats.encode_reference(fmt, x, saturate=False)
        assert ours == their or math.isnan(floats.decode(fmt, ours)), (x, hex(ours), hex(their))


@pytest.mark.parametrize("fmt, beyond, expected", [
    (E4M3, [464.00003, 480.0, 1e30, math.inf], math.nan),
    (E5M2, [61440.0, 65536.0, 1e30, math.inf], math.inf),
    (E3M2, [30.0, 32.0, 1e30, math.inf], 28.0),
    (E2M3, [7.75, 8.0, 1e30, math.inf], 7.5),
    (E2M1, [7.0, 8.0, 1e30, math.inf], 6.0),
    (E8M0, [1.5 * 2.0**127, 3e38, math.inf], math.nan),
])
def test_overflow_without_saturation_matches_ml_dtypes(fmt, beyond, expected):
    signs = (1.0, -1.0) if fmt.signed else (1.0,)
    for sign in signs:
        values32 = np.array([sign * v for v in beyond], dtype=np.float32)
        with np.errstate(over="ignore", invalid="ignore"):
            theirs = their_values(fmt, their_codes(fmt, values32).tolist()).tolist()
        for x, their in zip(values32.astype(np.float64).tolist(), theirs):
            ours = floats.quantize(fmt, x, saturate=False)
            want = math.copysign(expected, sign) if not math.isnan(expected) else expected
            assert (math.isnan(ours) and math.isnan(their) and math.isnan(want)) or \
                ours == their == want, (fmt.name, x, ours, their)


def test_at_the_threshold_e4m3_keeps_448_while_others_overflow():
    # OFP8 rounds before checking the range: 464 is a tie that goes to 448 (even code 0x7E).
    theirs = np.array([464.0], dtype=np.float32).astype(ml_dtypes.float8_e4m3fn).astype(np.float64)
    assert floats.quantize(E4M3, 464.0, saturate=False) == float(theirs[0]) == 448.0


def test_deliberate_differences_from_ml_dtypes_are_what_we_document():
    nan32 = np.array([np.nan], dtype=np.float32)
    with np.errstate(invalid="ignore"):
        lost = their_values(E2M1, their_codes(E2M1, nan32).tolist())[0]
        zero_in_e8m0 = their_values(E8M0, their_codes(E8M0, np.array([0.0], np.float32)).tolist())[0]
    assert lost == 0.0  # ml_dtypes writes -0: the NaN is lost
    with pytest.raises(ValueError):
        floats.encode(E2M1, math.nan)
    assert math.isnan(zero_in_e8m0)
    with pytest.raises(ValueError):
        floats.encode(E8M0, 0.0)
    quirk = np.array([1.2 * 2.0**-127], dtype=np.float32)  # a float32 subnormal
    assert float(their_values(E8M0, their_codes(E8M0, quirk).tolist())[0]) == 2.0**-126
    assert floats.quantize(E8M0, float(quirk.astype(np.float64)[0])) == 2.0**-127  # nearest


def test_saturating_mode_equals_ml_dtypes_after_clipping():
    # ml_dtypes has no saturating cast; clipping to +/-max first and then rounding must give
    # what our saturate=True gives for every finite input.
    rng = np.random.default_rng(7)
    for fmt in (E4M3, E5M2):
        values32 = (np.exp2(rng.uniform(-20, 20, 20_000)) * rng.choice([-1, 1], 20_000)).astype(np.float32)
        clipped = np.clip(values32, -fmt.max_finite, fmt.max_finite)
        theirs = their_values(fmt, their_codes(fmt, clipped).tolist()).tolist()
        for x, their in zip(values32.astype(np.float64).tolist(), theirs):
            assert floats.quantize(fmt, x, saturate=True) == their
