"""Quantise a tensor to FP8/FP6/FP4 under a scaling scheme and measure what is lost.

A tensor is a flat list of floats, read as a ``rows x cols`` matrix in row-major order (a flat
vector is one row). Each scheme splits it into blocks, gives each block a scale ``s`` and
stores ``quantize(element_format, x / s)`` (round to nearest, ties to even, saturating at the
element format's largest value); the dequantised value is ``s * q``. Blocks never cross a row
end: a row whose length is not a multiple of the block width ends in a shorter block, the same
result as zero padding (zeros change no block maximum).

Schemes (``SCHEMES``):

``per-tensor-e4m3``
    One FP32 scale ``amax / 448`` for the whole tensor ("FP8 current scaling" in NVIDIA
    Transformer Engine: docs/features/low_precision_training/fp8_current_scaling).
``tile-1x128-e4m3``
    One FP32 scale ``amax / 448`` per 128 consecutive values of a row: DeepSeek-V3's
    activations (DeepSeek-V3 Technical Report, arXiv:2412.19437, Sec. 3.3.2 "Fine-Grained
    Quantization"; DeepGEMM ``deep_gemm/utils/math.py``, ``per_token_cast_to_fp8``).
``block-128x128-e4m3``
    One FP32 scale per 128 x 128 block: DeepSeek-V3's weights (same sources,
    ``per_block_cast_to_fp8``). Partial blocks at the right and bottom edges are smaller.
``mxfp8-e4m3``, ``mxfp6-e3m2``, ``mxfp4``
    OCP Microscaling Formats (MX) v1.0: 32 consecutive values share an E8M0 scale
    ``X = 2^(floor(log2(amax)) - emax_elem)`` (emax_elem = 8, 4, 2 for E4M3, E3M2, E2M1), and
    elements are ``quantize(v / X)``, saturating. This follows the reference implementation
    microsoft/microxcaling (``mx/mx_ops.py``, ``_quantize_mx``, commit 7bc4195), with two
    conventions taken from it: a block whose amax is 0 gets the smallest scale 2^-127 (its
    elements are zeros whatever the scale), and shared exponents below -127 are raised to -127.
    Note that the floor rule can saturate: a block whose amax lies between the element
    format's max and the next power of two (E2M1: amax/X in [7, 8); E4M3: (464, 512)) has its
    largest elements clipped. NVIDIA's MXFP8 recipe instead rounds ``amax / 448`` *up* to a
    power of two (Transformer Engine docs, low_precision_training/mxfp8), which never clips;
    this module implements the OCP rule the scheme names.
``nvfp4``
    Blocks of 16 E2M1 values with an E4M3 block scale and an FP32 per-tensor scale, as NVIDIA
    Transformer Engine documents it (docs/features/low_precision_training/nvfp4/nvfp4.rst,
    "Scaling Factor Computation"): ``s_global = amax_tensor / (448 * 6)`` and
    ``s_block = E4M3((amax_block / 6) / s_global)``; an element is
    ``E2M1(x / (s_block * s_global))`` and decodes as ``x_e2m1 * s_block * s_global``. TensorRT
    Model Optimizer (``modelopt/torch/quantization/qtensor/nvfp4_tensor.py``) computes the same
    two scales; NVIDIA's NVFP4 pretraining paper is arXiv:2509.25149. A block whose E4M3 scale
    is 0 decodes to zeros.

``pow2_scales=True`` (FP32-scaled schemes only) rounds each FP32 scale *up* to a power of two,
i.e. stores it as UE8M0, as DeepSeek-V3.1 does: DeepGEMM's README ("SM100 requires scaling
factors in packed UE8M0 format") and its ``ceil_to_ue8m0`` (exponent of the FP32 scale, plus one
if any mantissa bit is set, clamped to 2^-126..2^127). Such a scale costs 8 bits, not 32.

Arithmetic model: amax is taken over the float64 inputs; an FP32 scale is ``amax / 448``
rounded to float32 (so the data must lie within the float32 range); ``x / s`` is computed in
float64 and then rounded exactly to the element format. GPU kernels multiply by a float32
reciprocal instead, which can differ in the last float32 bit of the scaled value; that moves a
result only when the scaled value lies within a float32 ulp of a rounding midpoint. DeepGEMM's
test utilities also clamp amax from below at 1e-4; here an all-zero block gets scale 1 and a
non-zero block's FP32 scale is kept at or above the smallest float32 subnormal, so results do
not depend on the units of the data.
"""

from __future__ import annotations

import math
import operator
import random
import struct
from dataclasses import dataclass
from itertools import compress

from . import floats
from .floats import E2M1, E3M2, E4M3, FloatFormat

#: Largest tensor the calculators accept (their inputs are refused beyond it).
MAX_VALUES = 65_536
#: Largest finite float32; inputs must lie within it (they stand for FP32/BF16 tensors).
FLOAT32_MAX = struct.unpack("<f", b"\xff\xff\x7f\x7f")[0]
FLOAT32_MIN_SUBNORMAL = math.ldexp(1.0, -149)

SCALE_FP32 = "fp32-amax"   # s = amax / max_elem in FP32 (optionally a power of two)
SCALE_MX = "mx-e8m0"       # s = 2^(floor(log2 amax) - emax_elem) in E8M0
SCALE_NVFP4 = "nvfp4"      # E4M3 block scale x FP32 tensor scale


@dataclass(frozen=True)
class Scheme:
    """A block-scaling scheme: element format, block shape and how its scales are made."""

    name: str
    element: FloatFormat
    block_rows: int | None   # None: all rows
    block_cols: int | None   # None: all columns
    scale_kind: str
    scale_bits: int          # storage of one block scale
    tensor_scale_bits: int   # storage of the per-tensor scale (NVFP4), else 0
    source: str


SCHEMES: dict[str, Scheme] = {s.name: s for s in (
    Scheme("per-tensor-e4m3", E4M3, None, None, SCALE_FP32, 32, 0,
           "NVIDIA Transformer Engine, FP8 current scaling"),
    Scheme("tile-1x128-e4m3", E4M3, 1, 128, SCALE_FP32, 32, 0,
           "DeepSeek-V3 report Sec. 3.3.2 (activations); DeepGEMM per_token_cast_to_fp8"),
    Scheme("block-128x128-e4m3", E4M3, 128, 128, SCALE_FP32, 32, 0,
           "DeepSeek-V3 report Sec. 3.3.2 (weights); DeepGEMM per_block_cast_to_fp8"),
    Scheme("mxfp8-e4m3", E4M3, 1, 32, SCALE_MX, 8, 0, "OCP MX v1.0 (MXFP8)"),
    Scheme("mxfp6-e3m2", E3M2, 1, 32, SCALE_MX, 8, 0, "OCP MX v1.0 (MXFP6)"),
    Scheme("mxfp4", E2M1, 1, 32, SCALE_MX, 8, 0, "OCP MX v1.0 (MXFP4)"),
    Scheme("nvfp4", E2M1, 1, 16, SCALE_NVFP4, 8, 32,
           "NVIDIA Transformer Engine NVFP4 docs; TensorRT Model Optimizer"),
)}


@dataclass(frozen=True)
class BlockScalingResult:
    """Dequantised values, scales and error statistics of one quantisation."""

    scheme: str
    rows: int
    cols: int
    pow2_scales: bool
    dequantized: tuple[float, ...]   # same order as the input
    block_scales: tuple[float, ...]  # one per block, blocks in row-major order of the block grid
    tensor_scale: float | None       # NVFP4's FP32 per-tensor scale, else None
    rel_error: float       # ||x - q||_2 / ||x||_2, 0 for an all-zero tensor
    max_abs_error: float   # max |x - q|, in the units of x
    zero_share: float      # share of the non-zero inputs that became 0 (0 if none is non-zero)
    clipped_share: float   # share of all values whose scaled value overflowed the element
                           # format (OFP8 sense) and was saturated to +/-max
    bits_per_value: float  # element bits + all scale bits, divided by the number of values
    num_scales: int        # scales stored: block scales, plus NVFP4's tensor scale
    mean_elem_error: float = 0.0  # mean of |x - q| / |x| over the non-zero inputs (see
                                  # ``mean_element_error``)


def to_float32(x: float) -> float:
    """``x`` rounded to the nearest float32 (ties to even), as a Python float."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def ceil_to_power_of_two(scale: float) -> float:
    """The smallest power of two >= ``scale`` (> 0), clamped to 2^-126..2^127: DeepGEMM's
    ``ceil_to_ue8m0`` (FP32 exponent plus one when the mantissa is non-zero)."""
    mantissa, exponent = math.frexp(scale)
    power = scale if mantissa == 0.5 else math.ldexp(1.0, exponent)
    return min(max(power, math.ldexp(1.0, -126)), math.ldexp(1.0, 127))


def fp32_scale(amax: float, element_max: float, pow2: bool) -> float:
    """FP32 scale ``amax / element_max`` (1 for an all-zero block), optionally rounded up to a
    power of two."""
    if amax == 0:
        return 1.0
    scale = max(to_float32(amax / element_max), FLOAT32_MIN_SUBNORMAL)
    return ceil_to_power_of_two(scale) if pow2 else scale


def mx_scale(amax: float, element: FloatFormat) -> float:
    """OCP MX shared scale ``2^(floor(log2(amax)) - emax_elem)``, within E8M0's 2^-127..2^127.

    floor(log2) is exact (``math.frexp``). amax = 0 gives 2^-127, like the reference code,
    which takes log2 of the FP32 minimum normal there. Callers keep amax below 2^128."""
    if amax == 0:
        return math.ldexp(1.0, -127)
    shared_exponent = math.frexp(amax)[1] - 1 - element.emax
    return math.ldexp(1.0, max(shared_exponent, -127))


def nvfp4_tensor_scale(amax_tensor: float) -> float:
    """NVFP4 FP32 per-tensor scale ``amax / (448 * 6)`` (1 for an all-zero tensor)."""
    if amax_tensor == 0:
        return 1.0
    return max(to_float32(amax_tensor / (E4M3.max_finite * E2M1.max_finite)),
               FLOAT32_MIN_SUBNORMAL)


def nvfp4_block_scale(amax_block: float, tensor_scale: float) -> float:
    """NVFP4 block scale: ``(amax_block / 6) / tensor_scale`` rounded to E4M3 (saturating)."""
    return floats.quantize(E4M3, (amax_block / E2M1.max_finite) / tensor_scale)


def _checked_values(values) -> list:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise ValueError("values must be a list of numbers")
    values = list(values)
    if not values:
        raise ValueError("values is empty: give at least one number")
    if len(values) > MAX_VALUES:
        raise ValueError(f"at most {MAX_VALUES:,} values are accepted, got {len(values):,}")
    if set(map(type, values)) != {float}:  # slow path only for ints and junk
        converted = []
        for index, v in enumerate(values):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ValueError(f"value #{index} is not a number: {v!r}")
            if isinstance(v, int) and not -FLOAT32_MAX <= v <= FLOAT32_MAX:
                raise ValueError(f"value #{index} ({v}) is beyond the float32 range "
                                 f"(|x| <= {FLOAT32_MAX:.7g})")
            converted.append(float(v))
        values = converted
    # map() over C functions keeps this check cheap; NaN would slip through min/max.
    if any(map(math.isnan, values)) or max(values) > FLOAT32_MAX or min(values) < -FLOAT32_MAX:
        index = next(i for i, v in enumerate(values) if not -FLOAT32_MAX <= v <= FLOAT32_MAX)
        raise ValueError(f"value #{index} ({values[index]!r}) is not a finite number within the "
                         f"float32 range (|x| <= {FLOAT32_MAX:.7g})")
    return values


def _checked_shape(count: int, rows, cols) -> tuple[int, int]:
    if rows is None and cols is None:
        return 1, count
    for name, size in (("rows", rows), ("cols", cols)):
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"{name} must be a positive integer, got {size!r}")
    if rows * cols != count:
        raise ValueError(f"rows x cols = {rows} x {cols} = {rows * cols:,}, but {count:,} "
                         f"values were given")
    return rows, cols


def scheme_named(name: str) -> Scheme:
    try:
        return SCHEMES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown scheme {name!r}; known: {', '.join(SCHEMES)}") from None


def quantize_tensor(values, scheme: str, *, rows: int | None = None, cols: int | None = None,
                    pow2_scales: bool = False) -> BlockScalingResult:
    """Quantise ``values`` (a ``rows x cols`` row-major matrix; a single row if both are None)
    under ``scheme`` and return the dequantised values with their statistics.

    Raises ``ValueError`` for an unknown scheme, a bad shape, an empty list, more than
    ``MAX_VALUES`` values, a non-number, NaN, +/-inf or a magnitude beyond the float32 range,
    and for ``pow2_scales`` with a scheme whose scales are not FP32.
    """
    spec = scheme_named(scheme)
    values = _checked_values(values)
    rows, cols = _checked_shape(len(values), rows, cols)
    if not isinstance(pow2_scales, bool):
        raise ValueError("pow2_scales must be True or False")
    if pow2_scales and spec.scale_kind != SCALE_FP32:
        raise ValueError(f"pow2_scales applies to the FP32-scaled schemes only, not {scheme!r}")
    return _quantize(values, rows, cols, spec, pow2_scales, _TensorStats.of(values))


def compare_schemes(values, schemes=None, *, rows: int | None = None, cols: int | None = None,
                    pow2_scales: bool = False) -> dict[str, BlockScalingResult]:
    """``quantize_tensor`` under each of ``schemes`` (default: all of ``SCHEMES``) on the same
    data, which is checked once. ``pow2_scales`` applies to the FP32-scaled schemes and is
    ignored by the others (their ``pow2_scales`` field says which ones used it)."""
    names = list(SCHEMES) if schemes is None else list(schemes)
    specs = [scheme_named(name) for name in names]
    values = _checked_values(values)
    rows, cols = _checked_shape(len(values), rows, cols)
    if not isinstance(pow2_scales, bool):
        raise ValueError("pow2_scales must be True or False")
    stats = _TensorStats.of(values)
    return {spec.name: _quantize(values, rows, cols, spec,
                                 pow2_scales and spec.scale_kind == SCALE_FP32, stats)
            for spec in specs}


@dataclass(frozen=True)
class _TensorStats:
    """What every scheme's statistics need from the input, computed once."""

    magnitudes: list    # |x|
    norm: float         # ||x||_2 (hypot scales internally: no overflow or underflow of squares)
    zeros: int          # inputs equal to 0.0 or -0.0

    @classmethod
    def of(cls, values: list[float]) -> "_TensorStats":
        return cls(list(map(abs, values)), math.hypot(*values), values.count(0.0))


def _quantize(values: list[float], rows: int, cols: int, spec: Scheme, pow2_scales: bool,
              stats: _TensorStats) -> BlockScalingResult:
    block_rows = spec.block_rows or rows
    block_cols = spec.block_cols or cols
    grid_rows = -(-rows // block_rows)
    grid_cols = -(-cols // block_cols)
    magnitudes = stats.magnitudes
    # Pass 1: amax of every block.
    amax = [[0.0] * grid_cols for _ in range(grid_rows)]
    for r in range(rows):
        start, row_amax = r * cols, amax[r // block_rows]
        for b in range(grid_cols):
            peak = max(magnitudes[start + b * block_cols:start + min((b + 1) * block_cols, cols)])
            if peak > row_amax[b]:
                row_amax[b] = peak

    element = spec.element
    tensor_scale = None
    if spec.scale_kind == SCALE_FP32:
        block_scales = [[fp32_scale(a, element.max_finite, pow2_scales) for a in line]
                        for line in amax]
        divisors = block_scales
    elif spec.scale_kind == SCALE_MX:
        block_scales = [[mx_scale(a, element) for a in line] for line in amax]
        divisors = block_scales
    else:
        tensor_scale = nvfp4_tensor_scale(max(max(line) for line in amax))
        block_scales = [[nvfp4_block_scale(a, tensor_scale) for a in line] for line in amax]
        divisors = [[s * tensor_scale for s in line] for line in block_scales]  # exact product

    # Pass 2: one scale per value (each block's scale repeated over its row segments), then
    # one loop over the tensor.
    per_value: list[float] = []
    extend = per_value.extend
    zero_blocks = []  # NVFP4 only: a block scale that underflowed E4M3 decodes to zeros
    for r in range(rows):
        line = divisors[r // block_rows]
        for b in range(grid_cols):
            width = min((b + 1) * block_cols, cols) - b * block_cols
            divisor = line[b]
            if divisor == 0:
                start = r * cols + b * block_cols
                zero_blocks.append((start, start + width))
                divisor = 1.0  # placeholder; the segment is overwritten with zeros below
            extend([divisor] * width)
    dequantized, clipped = floats.quantize_scaled_each(element, values, per_value)
    for start, end in zero_blocks:
        clipped -= floats.quantize_scaled(element, values[start:end], 1.0)[1]
        dequantized[start:end] = [0.0] * (end - start)

    count = len(values)
    abs_errors = list(map(abs, map(operator.sub, values, dequantized)))
    nonzero = count - stats.zeros
    lost = dequantized.count(0.0) - stats.zeros  # a zero input always stays zero
    if not nonzero:
        mean_elem = 0.0
    elif stats.zeros:
        mean_elem = sum(map(operator.truediv, compress(abs_errors, values),
                            compress(magnitudes, values))) / nonzero
    else:
        mean_elem = sum(map(operator.truediv, abs_errors, magnitudes)) / nonzero
    num_block_scales = grid_rows * grid_cols
    scale_bits = 8 if pow2_scales else spec.scale_bits
    storage_bits = count * element.total_bits + num_block_scales * scale_bits + spec.tensor_scale_bits
    return BlockScalingResult(
        scheme=spec.name, rows=rows, cols=cols, pow2_scales=pow2_scales,
        dequantized=tuple(dequantized),
        block_scales=tuple(s for line in block_scales for s in line),
        tensor_scale=tensor_scale,
        # math.dist is the hypot of the differences, computed in C without a list of them.
        rel_error=math.dist(values, dequantized) / stats.norm if stats.norm else 0.0,
        max_abs_error=max(abs_errors),
        zero_share=lost / nonzero if nonzero else 0.0,
        clipped_share=clipped / count,
        bits_per_value=storage_bits / count,
        num_scales=num_block_scales + (1 if tensor_scale is not None else 0),
        mean_elem_error=mean_elem,
    )


def mean_element_error(values, dequantized) -> float:
    """Mean of the per-element relative error |x - q| / |x| over the non-zero inputs (0 when
    every input is zero). Unlike ``rel_error``, which the largest values dominate, this says
    what happens to a typical element: an element flushed to zero counts 1 (100 %).
    (``quantize_tensor`` returns it as ``mean_elem_error``; this is the plain definition.)"""
    pairs = [(x, q) for x, q in zip(values, dequantized) if x != 0]
    if not pairs:
        return 0.0
    return sum(abs(x - q) / abs(x) for x, q in pairs) / len(pairs)


# -- synthetic data ----------------------------------------------------------------------------

DISTRIBUTIONS = ("normal", "laplace", "uniform")
_LN2 = 0.6931471805599453
_SQRT_HALF = 0.7071067811865476
_C3, _C5, _C7, _C9, _C11, _C13, _C15, _C17, _C19, _C21 = (1.0 / k for k in range(3, 22, 2))


def portable_log(x: float) -> float:
    """Natural log of x > 0 from +, -, *, / and frexp only, so that it gives the same bits on
    every IEEE-754 platform (libm's ``log`` may differ in the last bit between CPython's glibc
    and Pyodide's musl). Relative accuracy about 1e-15: log(x) = e*ln2 + 2*atanh(z) with
    z = (m - 1)/(m + 1), m in [sqrt(1/2), sqrt(2)), |z| < 0.172, series to z^21."""
    mantissa, exponent = math.frexp(x)
    if mantissa < _SQRT_HALF:
        mantissa, exponent = mantissa * 2.0, exponent - 1
    z = (mantissa - 1.0) / (mantissa + 1.0)
    w = z * z
    # Horner form of 1 + w/3 + w^2/5 + ... + w^10/21, unrolled (a loop costs twice as much).
    series = 1.0 + w * (_C3 + w * (_C5 + w * (_C7 + w * (_C9 + w * (_C11 + w * (
        _C13 + w * (_C15 + w * (_C17 + w * (_C19 + w * _C21)))))))))
    return exponent * _LN2 + 2.0 * z * series


def _normals(rng: random.Random, count: int) -> list[float]:
    """Standard normal variates by Marsaglia's polar method, using only sqrt (correctly
    rounded everywhere) and ``portable_log``, inlined here because this loop dominates the
    cost of a large synthetic matrix (the unit tests check it against ``portable_log``)."""
    out: list[float] = []
    append, draw, sqrt, frexp = out.append, rng.random, math.sqrt, math.frexp
    pairs = (count + 1) // 2
    while pairs:
        u = 2.0 * draw() - 1.0
        v = 2.0 * draw() - 1.0
        s = u * u + v * v
        if s >= 1.0 or s == 0.0:
            continue
        mantissa, exponent = frexp(s)  # portable_log(s), inlined
        if mantissa < _SQRT_HALF:
            mantissa, exponent = mantissa * 2.0, exponent - 1
        z = (mantissa - 1.0) / (mantissa + 1.0)
        w = z * z
        log_s = exponent * _LN2 + 2.0 * z * (1.0 + w * (_C3 + w * (_C5 + w * (_C7 + w * (
            _C9 + w * (_C11 + w * (_C13 + w * (_C15 + w * (_C17 + w * (_C19 + w * _C21))))))))))
        factor = sqrt(-2.0 * log_s / s)
        append(u * factor)
        append(v * factor)
        pairs -= 1
    del out[count:]
    return out


def synthetic_matrix(rows: int, cols: int, distribution: str = "normal", outlier_rate: float = 0.0,
                     outlier_scale: float = 100.0, seed: int = 0) -> list[float]:
    """A ``rows x cols`` matrix (row-major list) of seeded random values with mean 0 and
    variance 1 before outliers: ``normal`` N(0, 1); ``laplace`` with scale 1/sqrt(2);
    ``uniform`` on [-sqrt(3), sqrt(3)]. Each value then becomes an outlier, multiplied by
    ``outlier_scale``, with probability ``outlier_rate``.

    Deterministic across CPython and Pyodide: ``random.Random(seed)`` (Mersenne Twister) and
    only correctly rounded arithmetic (no libm transcendental functions). The outlier positions
    come from a second generator, so the same seed with ``outlier_rate=0`` gives the same base
    values and the outliers can be located by comparison.
    """
    for name, size in (("rows", rows), ("cols", cols)):
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"{name} must be a positive integer, got {size!r}")
    if rows * cols > MAX_VALUES:
        raise ValueError(f"rows x cols must be at most {MAX_VALUES:,}, got {rows * cols:,}")
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"distribution must be one of {', '.join(DISTRIBUTIONS)}, "
                         f"got {distribution!r}")
    if isinstance(outlier_rate, bool) or not isinstance(outlier_rate, (int, float)) \
            or not 0 <= outlier_rate <= 1:
        raise ValueError(f"outlier_rate must be a number from 0 to 1, got {outlier_rate!r}")
    if isinstance(outlier_scale, bool) or not isinstance(outlier_scale, (int, float)) \
            or not 0 < outlier_scale <= 1e6:
        raise ValueError(f"outlier_scale must be a number in (0, 1e6], got {outlier_scale!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer, got {seed!r}")

    count = rows * cols
    rng = random.Random(seed)
    if distribution == "normal":
        values = _normals(rng, count)
    elif distribution == "uniform":
        half_width = math.sqrt(3.0)
        values = [half_width * (2.0 * rng.random() - 1.0) for _ in range(count)]
    else:  # Laplace by inversion: -b * sign(u) * log(1 - 2|u|), u uniform on (-1/2, 1/2)
        scale, log, draw = _SQRT_HALF, portable_log, rng.random
        values = []
        for _ in range(count):
            u = draw() - 0.5
            magnitude = -scale * log(1.0 - 2.0 * abs(u)) if u != -0.5 else 40.0 * scale
            values.append(-magnitude if u < 0 else magnitude)
    if outlier_rate > 0:
        mask = outlier_mask(count, outlier_rate, seed)
        values = [v * outlier_scale if hit else v for v, hit in zip(values, mask)]
    return values


def outlier_mask(count: int, outlier_rate: float, seed: int = 0) -> list[bool]:
    """Which of ``count`` synthetic values ``synthetic_matrix`` makes outliers: each with
    probability ``outlier_rate``, drawn from a generator of its own (seeded ``"outliers-<seed>"``),
    so the base values do not depend on the rate. Arguments are checked by the caller."""
    if outlier_rate <= 0:
        return [False] * count
    picker = random.Random(f"outliers-{seed}").random
    return [picker() < outlier_rate for _ in range(count)]
