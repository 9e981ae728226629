"""Oracle: the fp-format and block-scaling calculators' outputs against ml_dtypes.

The codec itself is held against ml_dtypes on 100,000+ values per format in
test_floats_oracle.py; this checks that what the calculators return (the value, the bit string,
the NaN/inf kinds, the block-scaled values) is that codec's answer, on float32-exact inputs
(ml_dtypes converts float64 through float32 and would round twice).
"""

import math

import pytest
from reference import ml_dtypes_by_format, oracle

ml_dtypes = oracle("ml_dtypes")
np = oracle("numpy")

import dscalc  # noqa: E402

DTYPES = ml_dtypes_by_format()
BITS = {"e4m3": 8, "e5m2": 8, "e3m2": 6, "e2m3": 6, "e2m1": 4, "e8m0": 8}


@pytest.mark.parametrize("fmt", list(DTYPES))
def test_fp_format_outputs_equal_ml_dtypes(fmt):
    rng = np.random.default_rng(99 + BITS[fmt])
    magnitudes = np.exp2(rng.uniform(-20, 20, 3000))
    signs = np.ones(3000) if fmt == "e8m0" else rng.choice([-1.0, 1.0], 3000)
    values32 = (magnitudes * signs).astype(np.float32)
    if fmt == "e8m0":  # ml_dtypes' float32-subnormal quirk is documented in test_floats_oracle
        values32 = values32[values32 >= np.float32(2.0**-126)]
    with np.errstate(over="ignore", invalid="ignore"):
        codes = values32.astype(DTYPES[fmt]).view(np.uint8).astype(np.int64).tolist()
        theirs = values32.astype(DTYPES[fmt]).astype(np.float64).tolist()
    for x, code, their in zip(values32.astype(np.float64).tolist(), codes, theirs):
        out = dscalc.run("fp-format", {"value": x, "format": fmt, "saturate": False})
        assert out["bits"] == format(code, f"0{BITS[fmt]}b"), (fmt, x)
        if math.isnan(their):
            assert out["kind"] == "NaN" and out["quantized"] is None
        elif math.isinf(their):
            assert out["kind"] == ("+inf" if their > 0 else "-inf")
        else:
            assert out["quantized"] == their, (fmt, x)


def test_block_scaling_mx_blocks_equal_ml_dtypes_after_scaling():
    # MXFP4 by hand with ml_dtypes: X = 2^(floor(log2 amax) - 2), elements E2M1(x / X), saturated.
    rng = np.random.default_rng(5)
    values = (rng.standard_normal(32 * 16) * np.exp2(rng.integers(-6, 6, 32 * 16))).astype(np.float32)
    out = dscalc.run("block-scaling", {"values": values.astype(np.float64).tolist(),
                                       "scheme": "mxfp4"})
    expected = []
    for start in range(0, values.size, 32):
        block = values[start:start + 32].astype(np.float64)
        scale = 2.0 ** (math.floor(math.log2(np.abs(block).max())) - 2)
        scaled = np.clip(block / scale, -6, 6).astype(np.float32)  # exact: powers of two
        expected += (scaled.astype(ml_dtypes.float4_e2m1fn).astype(np.float64) * scale).tolist()
    assert out["dequantized"] == expected
