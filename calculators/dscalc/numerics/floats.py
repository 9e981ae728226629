"""Low-precision floating-point formats (FP8, FP6, FP4, E8M0) and an exact codec for them.

Every format here is a sign bit (except E8M0), ``exponent_bits`` biased exponent bits and
``mantissa_bits`` trailing-significand bits. A code's value is, as in OCP OFP8 rev. 1.0 Sec. 5.1:

- normal (exponent field E > 0):   (-1)^S * 2^(E - bias) * (1 + M / 2^m)
- subnormal (E = 0):               (-1)^S * 2^(1 - bias) * (M / 2^m)

and the formats differ only in which codes are reserved for infinities and NaNs:

========  ====  ==========================================  =====================================
name      bias  special codes                                source
========  ====  ==========================================  =====================================
e4m3      7     NaN = S.1111.111 only; no infinities         OCP OFP8 rev. 1.0 (2023-06-20), Table 2
e5m2      15    inf = S.11111.00; NaN = S.11111.{01,10,11}   OCP OFP8 rev. 1.0, Table 2
e3m2      3     none: every code is a finite number          OCP Microscaling (MX) v1.0, FP6
e2m3      1     none                                         OCP MX v1.0, FP6
e2m1      1     none                                         OCP MX v1.0, FP4
e8m0      127   unsigned, no mantissa, no zero; 0xFF = NaN;  OCP MX v1.0, scale format (UE8M0);
                value 2^(E - 127) for E = 0..254             ``float8_e8m0fnu`` in ml_dtypes
========  ====  ==========================================  =====================================

OFP8 spec: github.com/opencomputeproject/FP8, file "OCP 8-bit Floating Point Specification (OFP8)
Revision 1.0 2023-06-20.pdf". MX spec: opencompute.org, "OCP Microscaling Formats (MX) v1.0";
its reference implementation is github.com/microsoft/microxcaling (``mx/formats.py``).

Rounding (``encode``/``quantize``) is round-to-nearest, ties-to-even, with subnormals, as OFP8
Sec. 5.2.1 requires. It is exact: the input double is compared with the exact midpoints
between neighbouring representable values (every midpoint of these small formats is itself a
double, so the comparison involves no rounding at all), and an independent integer-arithmetic
implementation, :func:`encode_reference`, derives the same codes from the bit layout alone
(the unit tests hold the two against each other, and the oracle tests hold both against
``ml_dtypes``).

Overflow follows OFP8 Sec. 5.2.1: the value is first rounded to the format's mantissa width as
if the exponent were unbounded, and it overflows when that rounded magnitude is above the
largest finite value. So a value overflows when its magnitude exceeds max_finite + half the
spacing of the top binade, and also when it equals that midpoint and the tie goes to the even
code above max_finite. For E4M3 the tie (464) goes to 448, whose code 0x7E is even, so 464 does
not overflow and anything above 464 does; for E5M2 the tie 61,440 goes up (65,536 would be the
even code 0x7C) and overflows; for E3M2/E2M3/E2M1 the tie also goes up (30, 7.75 and 7
overflow). On overflow: with ``saturate=True`` the result is +/-max_finite (OFP8 "saturating
mode"); with ``saturate=False`` E4M3 gives NaN and E5M2 gives +/-inf (OFP8 Table 3), E8M0 gives
its NaN, and FP6/FP4, which have neither, saturate anyway (the MX formats define no other
result; ``ml_dtypes`` does the same). Infinite inputs are treated as overflowing values.

E8M0 has a one-bit significand (always 1), so IEEE 754's "even least significant digit" does
not choose between two powers of two: ties round up, to the larger power of two, which is what
``ml_dtypes`` does. Positive values below 2^-127 round to 2^-127 (there is no zero to round to).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from itertools import repeat

#: How a format spends codes on NaN.
NAN_NONE = "none"          # FP6, FP4: every code is a finite number
NAN_IEEE = "ieee"          # E5M2: all-ones exponent; zero mantissa = inf, non-zero = NaN
NAN_ALL_ONES = "all-ones"  # E4M3 (S.1111.111) and E8M0 (0xFF): only the all-ones magnitude
_NAN_ENCODINGS = (NAN_NONE, NAN_IEEE, NAN_ALL_ONES)


@dataclass(frozen=True)
class FloatFormat:
    """A small binary floating-point format, described by its bit layout and conventions."""

    name: str                  # short id, e.g. "e4m3"
    label: str                 # display name, e.g. "FP8 E4M3"
    exponent_bits: int
    mantissa_bits: int         # trailing significand bits (the leading 1 is implicit)
    bias: int
    signed: bool = True        # E8M0 (UE8M0) has no sign bit
    has_inf: bool = False
    nan_encoding: str = NAN_NONE
    has_subnormals: bool = True  # E8M0: exponent field 0 is the normal value 2^-bias

    def __post_init__(self):
        if not 1 <= self.exponent_bits <= 8 or not 0 <= self.mantissa_bits <= 7:
            raise ValueError("exponent_bits must be 1-8 and mantissa_bits 0-7")
        if self.nan_encoding not in _NAN_ENCODINGS:
            raise ValueError(f"nan_encoding must be one of {_NAN_ENCODINGS}")
        if self.has_inf and self.nan_encoding != NAN_IEEE:
            raise ValueError("only the IEEE-like encoding has infinities")

    # -- bit layout ---------------------------------------------------------------------------
    @property
    def total_bits(self) -> int:
        return int(self.signed) + self.exponent_bits + self.mantissa_bits

    @property
    def num_codes(self) -> int:
        return 1 << self.total_bits

    @property
    def max_finite_code(self) -> int:
        """Magnitude code (sign bit clear) of the largest finite value."""
        magnitude_bits = self.exponent_bits + self.mantissa_bits
        if self.nan_encoding == NAN_NONE:
            return (1 << magnitude_bits) - 1
        if self.nan_encoding == NAN_ALL_ONES:
            return (1 << magnitude_bits) - 2
        return (((1 << self.exponent_bits) - 1) << self.mantissa_bits) - 1  # NAN_IEEE

    # -- key numbers, all computed from the layout ----------------------------------------------
    @property
    def max_finite(self) -> float:
        """Largest finite value (448, 57,344, 28, 7.5, 6 and 2^127 for the six formats)."""
        return _magnitude(self, self.max_finite_code)

    @property
    def min_normal(self) -> float:
        """Smallest positive normal value: 2^(1 - bias), or 2^-bias for E8M0 (no subnormals)."""
        return math.ldexp(1.0, self.emin)

    @property
    def min_subnormal(self) -> float:
        """Smallest positive value, 2^(emin - m). For E8M0, which has no subnormals, this is
        its smallest value 2^-127 (= ``min_normal``)."""
        if not self.has_subnormals or self.mantissa_bits == 0:
            return self.min_normal
        return math.ldexp(1.0, self.emin - self.mantissa_bits)

    @property
    def emin(self) -> int:
        """Unbiased exponent of the smallest normal value (-6, -14, -2, 0, 0, -127)."""
        return (1 if self.has_subnormals else 0) - self.bias

    @property
    def emax(self) -> int:
        """Unbiased exponent of the largest normal value, floor(log2(max_finite)): 8, 15, 4,
        2, 2 and 127 (the emax of OFP8 Table 1 and of the MX v1.0 element formats)."""
        return math.frexp(self.max_finite)[1] - 1

    @property
    def spacing_at_one(self) -> float:
        """Machine epsilon: the gap between 1 and the next representable value, 2^-m."""
        return math.ldexp(1.0, -self.mantissa_bits)

    @property
    def decimal_digits(self) -> float:
        """Decimal digits of precision of a normal value, defined as log10(2^(m+1)): the
        significand has m+1 bits (the implicit one included). E4M3: 1.20; E2M1: 0.60."""
        return (self.mantissa_bits + 1) * math.log10(2.0)

    @property
    def overflow_threshold(self) -> float:
        """max_finite + half the spacing of the top binade: magnitudes above it overflow; a
        magnitude equal to it overflows when ``tie_at_threshold_overflows`` (see module doc)."""
        return _rounding_table(self).midpoints[-1]

    @property
    def tie_at_threshold_overflows(self) -> bool:
        table = _rounding_table(self)
        return table.tie_codes[-1] > table.max_code

    @property
    def num_finite_values(self) -> int:
        """Finite codes, -0 and +0 counted separately (E4M3: 254, E2M1: 16, E8M0: 255)."""
        return (self.max_finite_code + 1) * (2 if self.signed else 1)


E4M3 = FloatFormat("e4m3", "FP8 E4M3", 4, 3, 7, nan_encoding=NAN_ALL_ONES)
E5M2 = FloatFormat("e5m2", "FP8 E5M2", 5, 2, 15, has_inf=True, nan_encoding=NAN_IEEE)
E3M2 = FloatFormat("e3m2", "FP6 E3M2", 3, 2, 3)
E2M3 = FloatFormat("e2m3", "FP6 E2M3", 2, 3, 1)
E2M1 = FloatFormat("e2m1", "FP4 E2M1", 2, 1, 1)
E8M0 = FloatFormat("e8m0", "E8M0 (UE8M0) scale", 8, 0, 127, signed=False,
                   nan_encoding=NAN_ALL_ONES, has_subnormals=False)

FORMATS: dict[str, FloatFormat] = {f.name: f for f in (E4M3, E5M2, E3M2, E2M3, E2M1, E8M0)}


def format_named(name: str) -> FloatFormat:
    """The format with this id ('e4m3', 'e5m2', 'e3m2', 'e2m3', 'e2m1', 'e8m0')."""
    try:
        return FORMATS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown format {name!r}; known: {', '.join(FORMATS)}") from None


def key_numbers(fmt: FloatFormat) -> dict:
    """The figures an explainer table shows for one format, all derived from the layout."""
    _check_format(fmt)
    return {
        "name": fmt.name, "label": fmt.label, "bits": fmt.total_bits,
        "exponent_bits": fmt.exponent_bits, "mantissa_bits": fmt.mantissa_bits, "bias": fmt.bias,
        "max_finite": fmt.max_finite, "min_normal": fmt.min_normal,
        "min_subnormal": fmt.min_subnormal, "spacing_at_one": fmt.spacing_at_one,
        "decimal_digits": fmt.decimal_digits, "emin": fmt.emin, "emax": fmt.emax,
        "overflow_threshold": fmt.overflow_threshold,
        "finite_values": fmt.num_finite_values, "has_inf": fmt.has_inf,
        "nan_codes": sum(1 for code in range(fmt.num_codes) if _kind(fmt, code) == "nan"),
        # Binades holding at least one non-zero value, counted as OFP8 Table 2 does
        # ("18 binades" for E4M3, 2^-9 .. 2^8; "32 binades" for E5M2).
        "dynamic_range_binades": fmt.emax - (math.frexp(fmt.min_subnormal)[1] - 1) + 1,
    }


# -- decoding ----------------------------------------------------------------------------------

def _magnitude(fmt: FloatFormat, magnitude_code: int) -> float:
    """Value of a magnitude code read as a finite number with an unbounded exponent (codes past
    the largest finite one are read the same way, which is what rounding needs)."""
    m = fmt.mantissa_bits
    exponent_field, mantissa = magnitude_code >> m, magnitude_code & ((1 << m) - 1)
    if exponent_field == 0 and fmt.has_subnormals:
        return math.ldexp(float(mantissa), 1 - fmt.bias - m)
    return math.ldexp(float((1 << m) + mantissa), exponent_field - fmt.bias - m)


def _kind(fmt: FloatFormat, code: int) -> str:
    magnitude_code = code & ((1 << (fmt.exponent_bits + fmt.mantissa_bits)) - 1)
    if magnitude_code <= fmt.max_finite_code:
        if magnitude_code == 0 and fmt.has_subnormals:
            return "zero"
        if (magnitude_code >> fmt.mantissa_bits) == 0 and fmt.has_subnormals:
            return "subnormal"
        return "normal"
    if fmt.has_inf and magnitude_code & ((1 << fmt.mantissa_bits) - 1) == 0:
        return "inf"
    return "nan"


def _check_format(fmt) -> None:
    if not isinstance(fmt, FloatFormat):
        raise ValueError(f"expected a FloatFormat (e.g. floats.E4M3), got {fmt!r}")


def _check_code(fmt: FloatFormat, code) -> int:
    _check_format(fmt)
    if isinstance(code, bool) or not isinstance(code, int):
        raise ValueError(f"a code must be an integer, got {code!r}")
    if not 0 <= code < fmt.num_codes:
        raise ValueError(f"{fmt.name} codes run from 0 to {fmt.num_codes - 1}, got {code}")
    return code


def decode(fmt: FloatFormat, code: int) -> float:
    """The value of ``code`` (0 <= code < 2^bits) as a Python float: NaN codes give
    float('nan'), infinity codes float('inf'); every finite value is exact."""
    code = _check_code(fmt, code)
    kind = _kind(fmt, code)
    negative = fmt.signed and code >> (fmt.exponent_bits + fmt.mantissa_bits)
    if kind == "nan":
        return math.nan
    if kind == "inf":
        return -math.inf if negative else math.inf
    value = _magnitude(fmt, code & ((1 << (fmt.exponent_bits + fmt.mantissa_bits)) - 1))
    return -value if negative else value


def fields(fmt: FloatFormat, code: int) -> dict:
    """The bit fields of ``code``.

    Keys: ``sign`` (0/1, None for unsigned E8M0), ``exponent_bits`` and ``mantissa_bits``
    (strings of '0'/'1'; '' for E8M0's mantissa), ``bits`` (the whole code, most significant bit
    first), ``exponent`` (unbiased exponent the code's value uses: E - bias for normals,
    1 - bias for subnormals and zero, None for inf/NaN), ``is_subnormal``, ``kind`` ('zero',
    'subnormal', 'normal', 'inf' or 'nan') and ``value``.
    """
    code = _check_code(fmt, code)
    e, m = fmt.exponent_bits, fmt.mantissa_bits
    exponent_field = (code >> m) & ((1 << e) - 1)
    kind = _kind(fmt, code)
    if kind in ("zero", "subnormal"):
        exponent = 1 - fmt.bias
    elif kind == "normal":
        exponent = exponent_field - fmt.bias
    else:
        exponent = None
    return {
        "sign": (code >> (e + m)) if fmt.signed else None,
        "exponent_bits": format(exponent_field, f"0{e}b"),
        "mantissa_bits": format(code & ((1 << m) - 1), f"0{m}b") if m else "",
        "bits": format(code, f"0{fmt.total_bits}b"),
        "exponent": exponent,
        "is_subnormal": kind == "subnormal",
        "kind": kind,
        "value": decode(fmt, code),
    }


# -- rounding table ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _RoundingTable:
    magnitudes: tuple[float, ...]   # value of magnitude codes 0..max_code, increasing
    midpoints: tuple[float, ...]    # midpoints[i] lies between code i and code i + 1; the last
                                    # one is between max_finite and the first value past it
    tie_codes: tuple[int, ...]      # the code a value exactly at midpoints[i] rounds to
    max_code: int


@lru_cache(maxsize=None)
def _rounding_table(fmt: FloatFormat) -> _RoundingTable:
    max_code = fmt.max_finite_code
    # One value past the largest finite one, read with an unbounded exponent: rounding to it
    # means overflow (OFP8 Sec. 5.2.1 rounds first, then checks the range).
    grid = [_magnitude(fmt, c) for c in range(max_code + 2)]
    # Every sum of two neighbours is exact in a double (a handful of significant bits, a
    # small exponent range), and so is halving it.
    midpoints = tuple((grid[i] + grid[i + 1]) / 2 for i in range(max_code + 1))
    if fmt.mantissa_bits == 0:
        ties = tuple(i + 1 for i in range(max_code + 1))  # one-bit significand: ties go up
    else:
        ties = tuple(i if i % 2 == 0 else i + 1 for i in range(max_code + 1))  # even code
    return _RoundingTable(tuple(grid[:-1]), midpoints, ties, max_code)


# -- encoding ----------------------------------------------------------------------------------

def _as_float(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a real number, got {value!r}")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{value} is too large to be a float") from None


def _nan_code(fmt: FloatFormat, negative: bool) -> int:
    if fmt.nan_encoding == NAN_NONE:
        raise ValueError(f"{fmt.label} has no NaN: NaN cannot be encoded")
    magnitude_bits = fmt.exponent_bits + fmt.mantissa_bits
    if fmt.nan_encoding == NAN_ALL_ONES:
        magnitude = (1 << magnitude_bits) - 1
    else:  # IEEE-like: the quiet NaN with the top mantissa bit set, as ml_dtypes writes it
        magnitude = (((1 << fmt.exponent_bits) - 1) << fmt.mantissa_bits) | (1 << (fmt.mantissa_bits - 1))
    return magnitude | ((1 << magnitude_bits) if negative and fmt.signed else 0)


def _overflow_code(fmt: FloatFormat, negative: bool, saturate: bool) -> int:
    sign_bit = (1 << (fmt.exponent_bits + fmt.mantissa_bits)) if negative else 0
    if saturate or fmt.nan_encoding == NAN_NONE:
        return fmt.max_finite_code | sign_bit
    if fmt.has_inf:
        return (((1 << fmt.exponent_bits) - 1) << fmt.mantissa_bits) | sign_bit
    return _nan_code(fmt, negative)


def _split_sign(fmt: FloatFormat, x: float) -> tuple[bool, float]:
    negative = math.copysign(1.0, x) < 0
    if not fmt.signed and (negative or x == 0):
        raise ValueError(f"{fmt.label} is unsigned and has no zero: it encodes only positive "
                         f"values, got {x!r}")
    return negative, abs(x)


def encode(fmt: FloatFormat, value: float, *, saturate: bool = True) -> int:
    """The code nearest to ``value`` (round to nearest, ties to even; exact).

    Overflow and special values follow the module docstring: with ``saturate`` an overflow or
    an infinite input gives +/-max_finite; without it E4M3 gives NaN, E5M2 +/-inf, E8M0 NaN and
    FP6/FP4 still saturate. NaN gives a NaN code (sign kept) where the format has NaN and raises
    ``ValueError`` for FP6/FP4. Zero, negative numbers and -0.0 raise ``ValueError`` for the
    unsigned E8M0. The sign of zero is kept (-0.0 and negative values that round to zero give
    the -0 code). Non-numbers (str, None, bool, complex) raise ``ValueError``.
    """
    _check_format(fmt)
    x = _as_float(value)
    if x != x:  # NaN
        return _nan_code(fmt, math.copysign(1.0, x) < 0)
    negative, magnitude = _split_sign(fmt, x)
    table = _rounding_table(fmt)
    code = bisect_left(table.midpoints, magnitude)
    if code <= table.max_code and magnitude == table.midpoints[code]:
        code = table.tie_codes[code]
    if code > table.max_code:
        return _overflow_code(fmt, negative, saturate)
    return code | ((1 << (fmt.exponent_bits + fmt.mantissa_bits)) if negative else 0)


def quantize(fmt: FloatFormat, value: float, *, saturate: bool = True) -> float:
    """``decode(fmt, encode(fmt, value, saturate=saturate))``: the nearest representable
    value, with the same overflow, NaN and error conventions as :func:`encode`."""
    return decode(fmt, encode(fmt, value, saturate=saturate))


def overflows(fmt: FloatFormat, value: float) -> bool:
    """True when ``value`` lies beyond the format's range after rounding (OFP8 Sec. 5.2.1),
    infinities included; NaN is not an overflow."""
    _check_format(fmt)
    x = _as_float(value)
    if x != x:
        return False
    table = _rounding_table(fmt)
    magnitude = abs(x)
    code = bisect_left(table.midpoints, magnitude)
    if code <= table.max_code and magnitude == table.midpoints[code]:
        code = table.tie_codes[code]
    return code > table.max_code


def encode_reference(fmt: FloatFormat, value: float, *, saturate: bool = True) -> int:
    """The same as :func:`encode`, derived independently from the bit layout with exact
    rational arithmetic (slow; for tests). Rounds |value| to a multiple of the quantum
    2^(max(E, emin) - m) of its binade E, ties to an even multiple (up for E8M0), then reads
    the code off the rounded integer significand."""
    _check_format(fmt)
    x = _as_float(value)
    if x != x:
        return _nan_code(fmt, math.copysign(1.0, x) < 0)
    negative, magnitude = _split_sign(fmt, x)
    sign_bit = (1 << (fmt.exponent_bits + fmt.mantissa_bits)) if negative else 0
    if math.isinf(magnitude):
        return _overflow_code(fmt, negative, saturate)
    m = fmt.mantissa_bits
    exact = Fraction(magnitude)
    if exact == 0:
        return sign_bit  # signed formats only: E8M0 was refused above
    binade = exact.numerator.bit_length() - exact.denominator.bit_length()
    if Fraction(2) ** binade > exact:  # make 2^binade <= exact < 2^(binade + 1)
        binade -= 1
    quantum_exponent = max(binade, fmt.emin) - m
    scaled = exact / Fraction(2) ** quantum_exponent  # the significand in units of the quantum
    significand = math.floor(scaled)
    remainder = scaled - significand
    if remainder > Fraction(1, 2) or (remainder == Fraction(1, 2) and (m == 0 or significand % 2)):
        significand += 1
    if significand == 0:
        # Only E8M0 lacks subnormals; below its smallest value it has no zero to go to.
        return sign_bit if fmt.has_subnormals else 0
    exponent = quantum_exponent + m
    if significand == 1 << (m + 1):  # rounding carried into the next binade
        significand, exponent = 1 << m, exponent + 1
    if significand < 1 << m:  # subnormal (only below emin, only where subnormals exist)
        code = significand
    else:
        code = ((exponent + fmt.bias) << m) | (significand - (1 << m))
    if code > fmt.max_finite_code:
        return _overflow_code(fmt, negative, saturate)
    return code | sign_bit


# -- many values at once (the hot loop of block scaling) --------------------------------------

def quantize_scaled(fmt: FloatFormat, values, scale: float, *,
                    dequantize: bool = True) -> tuple[list[float], int]:
    """Dequantised ``scale * quantize(fmt, v / scale)`` for each finite ``v``, saturating
    (with ``dequantize=False``: the element values ``quantize(fmt, v / scale)`` themselves).

    Returns ``(values, overflow count)``, the count being how many ``v / scale``
    overflowed (OFP8 sense, see module doc) and were clipped to +/-max_finite. ``scale`` must
    be a positive finite float; the division is done in float64, and the result of the
    multiplication is exact whenever ``scale`` has at most 53 - (m + 1) significant bits
    (true for FP32, E8M0 and E4M3 x FP32 scales). Signed formats only; the caller validates
    ``values``. A -0.0 input comes back as +0.0 (negative values that round to zero keep
    their sign).
    """
    multiplier = scale if dequantize else 1.0
    return _round_each(fmt, values, repeat(scale), repeat(multiplier))


def quantize_scaled_each(fmt: FloatFormat, values, scales) -> tuple[list[float], int]:
    """:func:`quantize_scaled` with a scale per value: ``scales[i] * quantize(fmt, values[i] /
    scales[i])``, saturating; returns ``(values, overflow count)``. One loop over the whole
    tensor instead of one call per block (a block-scaled tensor of 65,536 values in blocks of
    one value would otherwise spend most of its time in call overhead). Every scale must be a
    positive finite float; same exactness conditions and sign conventions as
    :func:`quantize_scaled`."""
    return _round_each(fmt, values, scales, scales)


def _round_each(fmt: FloatFormat, values, divisors, multipliers) -> tuple[list[float], int]:
    """``multipliers[i] * quantize(fmt, values[i] / divisors[i])``, saturating, and how many
    quotients overflowed. The one loop behind both public functions (passing the scale twice
    costs about 4% against a loop with the scale as a local). A plain loop: in CPython 3.11+ it
    is faster than chaining ``map`` over ``bisect_left`` (measured: 0.20 against 0.29
    microseconds a value)."""
    table = _rounding_table(fmt)
    midpoints, magnitudes, ties = table.midpoints, table.magnitudes, table.tie_codes
    top = table.max_code
    largest = magnitudes[top]
    find = bisect_left
    out = []
    append = out.append
    clipped = 0
    for v, divisor, multiplier in zip(values, divisors, multipliers):
        a = v / divisor
        negative = a < 0
        if negative:
            a = -a
        i = find(midpoints, a)
        if i <= top and a == midpoints[i]:
            i = ties[i]
        if i > top:
            clipped += 1
            q = largest
        else:
            q = magnitudes[i]
        append(-q * multiplier if negative else q * multiplier)
    return out, clipped


# -- the number line ---------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _finite_values_sorted(fmt: FloatFormat) -> tuple[float, ...]:
    positives = _rounding_table(fmt).magnitudes
    if not fmt.signed:
        return positives
    return tuple(-v for v in reversed(positives[1:])) + positives  # one zero (+0.0)


def representable_values(fmt: FloatFormat) -> tuple[float, ...]:
    """Every finite value of the format, ascending, with zero listed once (as +0.0)."""
    _check_format(fmt)
    return _finite_values_sorted(fmt)


def neighbours(fmt: FloatFormat, value: float, count: int = 3) -> list[float]:
    """Representable values around ``value`` for a number-line picture, ascending: the
    ``count`` largest finite values <= ``value`` and the ``count`` smallest > ``value`` (fewer
    near the ends of the range; zero appears once). ``count`` is 1-256; NaN raises
    ``ValueError``; +/-inf gives the values at that end of the range."""
    _check_format(fmt)
    x = _as_float(value)
    if x != x:
        raise ValueError("NaN has no neighbours on the number line")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 256:
        raise ValueError(f"count must be an integer from 1 to 256, got {count!r}")
    grid = _finite_values_sorted(fmt)
    split = bisect_left(grid, x)
    if split < len(grid) and grid[split] == x:
        split += 1  # the value itself counts as "at or below"
    return list(grid[max(0, split - count):split + count])
