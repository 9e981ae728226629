"""US export-control parameters for AI chips (ECCN 3A090) and the arithmetic they use.

The numbers are the rules' own; their sources and dates are in ``data/export_rules.yaml``, and
``tests/data/test_chips.py`` checks that the constants here equal the thresholds recorded there
(calculators read JSON only, so the YAML cannot be read at run time).

Total processing performance (TPP), from the technical notes to 3A090 (88 FR 73458, October 2023):
``TPP = 2 × MacTOPS × bit length of the operation``, aggregated over the processing units. A
vendor's TOPS/TFLOPS figure already counts one multiply-accumulate as two operations, so
``TPP = dense TOPS × bit length`` (BIS's own example: 4,800 is 600 TOPS at 8 bits or 300 TFLOPS
at 16 bits). Performance density is ``TPP / applicable die area`` (mm²).

October 2023 (88 FR 73458, effective 2023-11-17):

- 3A090.a: a.1 TPP ≥ 4,800; or a.2 TPP ≥ 1,600 and performance density ≥ 5.92.
- 3A090.b: b.1 2,400 ≤ TPP < 4,800 and 1.6 ≤ density < 5.92; or b.2 TPP ≥ 1,600 and
  3.2 ≤ density < 5.92.
- Note 2 to 3A090: 3A090 does not apply to items not designed or marketed for use in
  datacenters whose TPP is below 4,800.

October 2022 (87 FR 62186): 3A090.a needed *both* a chip-to-chip I/O rate of 600 GB/s or more
(aggregate, bidirectional) *and* bit length × TOPS of 4,800 or more. January 2026 (91 FR 1684):
exports to China of chips below TPP 21,000 and total DRAM bandwidth 6,500 GB/s moved to
case-by-case review (the H200 class).
"""

from __future__ import annotations

from dataclasses import dataclass

# October 2023 rule, 3A090.a and .b
TPP_A1 = 4800
TPP_A2 = 1600
DENSITY_A2 = 5.92
TPP_B1_LOW = 2400
DENSITY_B1_LOW = 1.6
TPP_B2 = 1600
DENSITY_B2_LOW = 3.2
# October 2022 rule, 3A090.a
TPP_2022 = 4800
INTERCONNECT_2022_BYTES_PER_S = 600e9
# January 2026 case-by-case band for China (H200 and lesser chips)
TPP_2026_MAX = 21000
DRAM_BANDWIDTH_2026_MAX_BYTES_PER_S = 6500e9

#: Bit length of each compute precision (TF32 is left out: it is stored in 32 bits but
#: multiplies 19-bit inputs, and which one "bit length of the operation" means is not settled).
BIT_LENGTH = {"fp4": 4, "fp8": 8, "int8": 8, "bf16": 16, "fp16": 16}

#: Precisions tried for a chip's TPP: floating point before integer, shorter before longer, so a
#: tie (A100: BF16 312 × 16 = INT8 624 × 8 = 4,992) is reported at the floating-point format.
TPP_PRECISIONS = ("fp4", "fp8", "bf16", "fp16", "int8")
#: Relative difference below which two precisions' TPPs count as equal (vendor rounding).
TIE_TOLERANCE = 1e-3


def tpp(tops: float, bit_length: int) -> float:
    """Total processing performance from a dense rate in 10^12 operations per second (a
    multiply-accumulate counted as two) at one bit length."""
    return tops * bit_length


def performance_density(total: float, die_area_mm2: float) -> float:
    """TPP per mm² of applicable die area."""
    return total / die_area_mm2


@dataclass(frozen=True)
class Classification:
    """``eccn`` is ``"3A090.a"``, ``"3A090.b"``, ``"not controlled"`` or ``"undetermined"``
    (the answer depends on a die area that was not given); ``clause`` names the paragraph that
    decided it (``"a.1"``, ``"a.2"``, ``"b.1"``, ``"b.2"``, ``"note 2"``) or is ``None``."""

    eccn: str
    clause: str | None


def classify_2023(total: float, density: float | None, datacenter: bool = True) -> Classification:
    """3A090 under the October 2023 rule (see the module docstring)."""
    if total >= TPP_A1:
        return Classification("3A090.a", "a.1")
    if total < TPP_A2:
        return Classification("not controlled", None)
    if not datacenter:
        return Classification("not controlled", "note 2")
    if density is None:
        return Classification("undetermined", None)
    if density >= DENSITY_A2:
        return Classification("3A090.a", "a.2")
    if total >= TPP_B1_LOW and density >= DENSITY_B1_LOW:
        return Classification("3A090.b", "b.1")
    if total >= TPP_B2 and density >= DENSITY_B2_LOW:
        return Classification("3A090.b", "b.2")
    return Classification("not controlled", None)


def classify_2022(total: float, interconnect_bytes_per_s: float | None) -> Classification:
    """3A090.a under the October 2022 rule: both tests had to be met."""
    if total < TPP_2022:
        return Classification("not controlled", None)
    if interconnect_bytes_per_s is None:
        return Classification("undetermined", None)
    if interconnect_bytes_per_s >= INTERCONNECT_2022_BYTES_PER_S:
        return Classification("3A090.a", "a")
    return Classification("not controlled", None)


def in_2026_case_by_case_band(total: float, dram_bandwidth_bytes_per_s: float | None) -> bool | None:
    """Whether a chip falls in the January 2026 case-by-case band for China (TPP below 21,000
    and DRAM bandwidth below 6,500 GB/s); ``None`` without a bandwidth."""
    if total >= TPP_2026_MAX:
        return False
    if dram_bandwidth_bytes_per_s is None:
        return None
    return dram_bandwidth_bytes_per_s < DRAM_BANDWIDTH_2026_MAX_BYTES_PER_S


def density_band_edges(total: float) -> dict:
    """For a TPP between 1,600 and 4,800: the die areas (mm²) at which the density tests flip —
    ``a2`` (area at or below which a.2 applies), ``b1`` and ``b2`` (at or below which b.1/b.2
    apply). ``None`` where the test cannot apply at this TPP."""
    if not TPP_A2 <= total < TPP_A1:
        return {"a2": None, "b1": None, "b2": None}
    return {"a2": total / DENSITY_A2,
            "b1": total / DENSITY_B1_LOW if total >= TPP_B1_LOW else None,
            "b2": total / DENSITY_B2_LOW}


def chip_tpp(chip: dict) -> tuple[str, float, int, float] | None:
    """The chip-table record's TPP: ``(precision, dense TOPS, bit length, TPP)`` at the
    precision giving the largest TPP; ``None`` when no dense rate is published. TOPS here are
    10^12 operations per second. Rates within 0.1% of each other count as a tie, won by the
    earlier precision in ``TPP_PRECISIONS`` (vendors round: DeepSeek's "990 TFLOPS" BF16 for
    the H800 is NVIDIA's 989.5, and should not make BF16 beat FP8's 1,979 × 8)."""
    from .roofline_model import PRECISION_FIELDS  # one table of precision fields

    best = None
    for precision in TPP_PRECISIONS:
        value = chip.get(PRECISION_FIELDS[precision])
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            continue
        tops = value / 1e12
        total = tpp(tops, BIT_LENGTH[precision])
        if best is None or total > best[3] * (1 + TIE_TOLERANCE):
            best = (precision, tops, BIT_LENGTH[precision], total)
    return best
