"""Total processing performance (TPP), performance density and the ECCN 3A090 classification.

``TPP = dense TOPS × bit length`` (vendors' TOPS/TFLOPS count a multiply-accumulate as two
operations, as the rule's ``2 × MacTOPS`` does), ``performance density = TPP / die area (mm²)``,
and the class under the October 2023 rule (88 FR 73458) with the paragraph that decided it;
for comparison, the October 2022 test (TPP *and* 600 GB/s of chip-to-chip I/O) and the January
2026 case-by-case band for China (TPP below 21,000 and DRAM bandwidth below 6,500 GB/s). The
thresholds live in ``dscalc.hardware.export_rules``; presets come from ``data/chips.json`` at the
precision giving the largest TPP (A100: 312 dense BF16 TFLOPS × 16 = 4,992; H100: 1,979 dense
FP8 TFLOPS × 8 = 15,832).

This is arithmetic on published figures, not legal advice: the rule has further notes (on
aggregation over processing units, on items designed or marketed for datacenters, on
licence exceptions) that a classification for a real export must read in full.
"""

from __future__ import annotations

from .. import data
from ..framework.errors import ValidationError
from ..hardware.export_rules import (DENSITY_A2, DENSITY_B1_LOW, DENSITY_B2_LOW, TPP_A1, TPP_A2,
                                     TPP_B1_LOW, chip_tpp, classify_2022, classify_2023,
                                     density_band_edges, in_2026_case_by_case_band,
                                     performance_density, tpp)
from ..framework.schema import Calculator, Choice, Field, Output
from ..framework.text import Text
from ..framework.units import latex_number

CUSTOM = "custom"


def preset_chips() -> dict[str, dict]:
    """Chip-table records that have a dense rate to compute a TPP from."""
    return {chip_id: chip for chip_id, chip in data.chips().items() if chip_tpp(chip)}


def _preset_values(values: dict) -> dict:
    if values["preset"] == CUSTOM:
        return {"name": "", "precision": None, "tops": None, "bit_length": None,
                "die_area_mm2": None, "interconnect": None, "dram": None}
    chip = preset_chips()[values["preset"]]
    precision, tops, bits, _ = chip_tpp(chip)
    scale_up = chip.get("scale_up") or {}
    return {"name": chip["name"], "precision": precision.upper(), "tops": tops,
            "bit_length": bits, "die_area_mm2": chip.get("die_area_mm2"),
            "interconnect": scale_up.get("bytes_per_s"),
            "dram": chip.get("memory_bandwidth_bytes_per_s")}


def _clause_name(clause: str | None) -> str | None:
    """``"a.1"`` -> ``"3A090.a.1"``; ``"note 2"`` -> ``"3A090 Note 2"`` (the rule's own names)."""
    if clause is None:
        return None
    return "3A090 Note 2" if clause == "note 2" else f"3A090.{clause}"


def compute(values: dict) -> dict:
    preset = _preset_values(values)
    typed = {name: values[name] for name in ("tops", "bit_length", "die_area_mm2")}
    tops = typed["tops"] if typed["tops"] is not None else preset["tops"]
    bits = typed["bit_length"] if typed["bit_length"] is not None else preset["bit_length"]
    area = typed["die_area_mm2"] if typed["die_area_mm2"] is not None else preset["die_area_mm2"]
    for name, value in (("tops", tops), ("bit_length", bits)):
        if value is None:
            raise ValidationError(name, "プリセットを選ぶか、この値を入力してください。",
                                  "Choose a preset or enter this value.")
    interconnect = (values["interconnect_gb_s"] * 1e9 if values["interconnect_gb_s"] is not None
                    else preset["interconnect"])
    dram = (values["memory_bandwidth_gb_s"] * 1e9 if values["memory_bandwidth_gb_s"] is not None
            else preset["dram"])
    total = tpp(tops, bits)
    density = performance_density(total, area) if area else None
    now = classify_2023(total, density, values["datacenter"])
    before = classify_2022(total, interconnect)
    edges = density_band_edges(total)
    overridden = any(value is not None for value in typed.values())
    return {
        "chip_name": preset["name"] if values["preset"] != CUSTOM else "",
        "precision": (preset["precision"] if typed["tops"] is None and typed["bit_length"] is None
                      else None),
        "tops": tops,
        "bit_length": bits,
        "die_area_mm2": area,
        "tpp": total,
        "performance_density": density,
        "eccn": now.eccn if now.eccn.startswith("3A090") else None,
        "classification": now.eccn,
        "clause": _clause_name(now.clause),
        "controlled": {"3A090.a": True, "3A090.b": True, "not controlled": False}.get(now.eccn),
        "tpp_over_a1_threshold": total / TPP_A1,
        "tops_for_a1_at_this_bit_length": TPP_A1 / bits,
        "area_for_a2_mm2": edges["a2"],
        "area_for_b1_mm2": edges["b1"],
        "area_for_b2_mm2": edges["b2"],
        "interconnect_bytes_per_s": interconnect,
        "classification_2022": before.eccn,
        "controlled_2022": {"3A090.a": True, "not controlled": False}.get(before.eccn),
        "dram_bandwidth_bytes_per_s": dram,
        "in_2026_case_by_case_band": (in_2026_case_by_case_band(total, dram)
                                      if now.eccn == "3A090.a" else None),
        "preset_overridden": overridden and values["preset"] != CUSTOM,
    }


# --------------------------------------------------------------------------- presentation

def formula(values: dict, out: dict) -> list[str]:
    lines = [rf"\text{{TPP}} = 2 \times \text{{MacTOPS}} \times \text{{bit length}} = "
             rf"\text{{TOPS}}_{{\text{{dense}}}} \times \text{{bit length}} = "
             rf"{latex_number(out['tops'], 6)} \times {out['bit_length']} = "
             rf"{latex_number(out['tpp'], 6)}"]
    if out["performance_density"] is not None:
        lines.append(rf"\text{{PD}} = \frac{{\text{{TPP}}}}{{\text{{die area}}}} = "
                     rf"\frac{{{latex_number(out['tpp'], 6)}}}{{{latex_number(out['die_area_mm2'], 6)}"
                     rf"\ \text{{mm}}^2}} = {latex_number(out['performance_density'], 4)}")
    lines.append(rf"\text{{a.1: TPP}} \ge {TPP_A1:,};\quad \text{{a.2: TPP}} \ge {TPP_A2:,}"
                 rf"\ \wedge\ \text{{PD}} \ge {DENSITY_A2}".replace(",", "{,}"))
    lines.append(rf"\text{{b.1: }} {TPP_B1_LOW:,} \le \text{{TPP}} < {TPP_A1:,}\ \wedge\ "
                 rf"{DENSITY_B1_LOW} \le \text{{PD}} < {DENSITY_A2};\quad \text{{b.2: TPP}} \ge "
                 rf"{TPP_A2:,}\ \wedge\ {DENSITY_B2_LOW} \le \text{{PD}} < {DENSITY_A2}"
                 .replace(",", "{,}").replace(";\\quad", ";\\quad "))
    return lines


_CLAUSES = {
    "3A090.a.1": Text("3A090.a.1（TPP 4,800 以上）に該当します。", "3A090.a.1 applies (TPP of 4,800 or more)."),
    "3A090.a.2": Text("3A090.a.2（TPP 1,600 以上かつ性能密度 5.92 以上）に該当します。",
                "3A090.a.2 applies (TPP of 1,600 or more and performance density of 5.92 or more)."),
    "3A090.b.1": Text("3A090.b.1（TPP 2,400 以上 4,800 未満かつ性能密度 1.6 以上 5.92 未満）に該当します。",
                "3A090.b.1 applies (TPP of 2,400 or more and below 4,800, performance density of "
                "1.6 or more and below 5.92)."),
    "3A090.b.2": Text("3A090.b.2（TPP 1,600 以上かつ性能密度 3.2 以上 5.92 未満）に該当します。",
                "3A090.b.2 applies (TPP of 1,600 or more, performance density of 3.2 or more and "
                "below 5.92)."),
    "3A090 Note 2": Text("データセンター向けに設計・販売されておらず TPP が 4,800 未満なので、3A090 の注 2 により 3A090 に当たりません。",
                   "Not designed or marketed for datacenters and below TPP 4,800: Note 2 to "
                   "3A090 takes it out of 3A090."),
}


def notes(values: dict, out: dict) -> list[Text]:
    found = []
    if out["clause"] in _CLAUSES:
        found.append(_CLAUSES[out["clause"]])
    elif out["classification"] == "undetermined":
        if out["area_for_b1_mm2"] is not None:
            found.append(Text(
                "TPP が 2,400 以上 4,800 未満なので、判定にはダイ面積が必要です。{a2:.0f} mm² 以下なら a.2、"
                "{b1:.0f} mm² 以下なら b.1（{b2:.0f} mm² 以下なら b.2 にも当たる）、それより大きければ規制対象外です。",
                "With a TPP between 2,400 and 4,800 the answer needs the die area: a.2 at "
                "{a2:.0f} mm² or less, b.1 at {b1:.0f} mm² or less (b.2 too at {b2:.0f} mm² or "
                "less), not controlled above.").format(
                a2=out["area_for_a2_mm2"], b1=out["area_for_b1_mm2"], b2=out["area_for_b2_mm2"]))
        else:
            found.append(Text(
                "TPP が 1,600 以上 2,400 未満なので、判定にはダイ面積が必要です。{a2:.0f} mm² 以下なら a.2、"
                "{b2:.0f} mm² 以下なら b.2、それより大きければ規制対象外です。",
                "With a TPP between 1,600 and 2,400 the answer needs the die area: a.2 at "
                "{a2:.0f} mm² or less, b.2 at {b2:.0f} mm² or less, not controlled "
                "above.").format(a2=out["area_for_a2_mm2"], b2=out["area_for_b2_mm2"]))
    else:
        found.append(Text("2023 年 10 月の規則の 3A090.a・.b のどれにも当たりません（TPP {tpp:,.0f}）。",
                          "None of 3A090.a or .b under the October 2023 rule applies "
                          "(TPP {tpp:,.0f}).").format(tpp=out["tpp"]))
    if out["tpp"] < TPP_A1:
        found.append(Text("a.1 の線（TPP 4,800）まで、このビット長では密の性能が {t:,.0f} TOPS 必要です。",
                          "Reaching a.1 (TPP 4,800) at this bit length takes {t:,.0f} dense "
                          "TOPS.").format(t=out["tops_for_a1_at_this_bit_length"]))
    if out["classification_2022"] == "3A090.a":
        found.append(Text("2022 年 10 月の規則でも規制対象でした（TPP 4,800 以上かつチップ間帯域 600 GB/s 以上）。",
                          "It was controlled under the October 2022 rule too (TPP 4,800 or more "
                          "and 600 GB/s or more of chip-to-chip I/O)."))
    elif out["tpp"] >= TPP_A1 and out["classification_2022"] == "not controlled":
        found.append(Text("2022年10月の規則では対象外でした。TPP は 4,800 以上でも、チップ間帯域（{bw:.0f} GB/s）が 600 GB/s に届かないためです。",
                          "It escaped the October 2022 rule: TPP is 4,800 or more, but its "
                          "chip-to-chip bandwidth ({bw:.0f} GB/s) is below 600 GB/s.").format(
            bw=out["interconnect_bytes_per_s"] / 1e9))
    if out["in_2026_case_by_case_band"] is True:
        found.append(Text("2026 年 1 月の方針では、中国向けは個別審査の範囲（TPP 21,000 未満かつメモリ帯域幅 6,500 GB/s 未満）に入ります。",
                          "Under the January 2026 policy it falls in the case-by-case band for "
                          "China (TPP below 21,000 and memory bandwidth below 6,500 GB/s)."))
    elif out["in_2026_case_by_case_band"] is False:
        found.append(Text("2026年1月の個別審査の範囲（TPP 21,000 未満かつメモリ帯域幅 6,500 GB/s 未満）の外です。",
                          "Outside the January 2026 case-by-case band (TPP below 21,000 and "
                          "memory bandwidth below 6,500 GB/s)."))
    if out["preset_overridden"]:
        found.append(Text("プリセットの値の一部を入力値で置き換えています。",
                          "Some preset values are replaced by the values entered."))
    found.append(Text("公表されている密の性能（疎性なし）と規則の閾値による算術で、法的な判定ではありません。",
                      "Arithmetic on published dense rates (no sparsity) and the rule's "
                      "thresholds, not a legal classification."))
    return found


def _preset_choices() -> tuple[Choice, ...]:
    presets = tuple(Choice(chip_id, Text(chip["name"], chip["name"]))
                    for chip_id, chip in preset_chips().items())
    return presets + (Choice(CUSTOM, Text("値を入力", "Enter values")),)


EXPORT_TPP = Calculator(
    id="export-tpp",
    title=Text("輸出管理の TPP と ECCN 3A090 の判定", "Export-control TPP and ECCN 3A090"),
    summary=Text("密の演算性能とビット長から総処理性能（TPP）と性能密度を計算し、2023 年 10 月の規則で 3A090.a・.b の"
                 "どれに当たるかを、決め手になった条項とともに示します。",
                 "Total processing performance (TPP) and performance density from a dense rate "
                 "and a bit length, and which of 3A090.a or .b applies under the October 2023 "
                 "rule, with the clause that decided it."),
    inputs=(
        Field("preset", "choice", Text("チップ（プリセット）", "Chip (preset)"), default="h100-sxm",
              choices=_preset_choices(),
              help=Text("チップ表の密の性能から、TPP が最大になる数値型の値を入れます。",
                        "Fills in the chip table's dense rate at the precision with the "
                        "largest TPP.")),
        Field("tops", "float", Text("密の演算性能（TOPS または TFLOPS）", "Dense rate (TOPS or TFLOPS)"),
              optional=True, minimum=0.000001, maximum=1e7, unit="10¹² ops/s",
              placeholder_output="tops",
              help=Text("疎性（スパース）なしの値。積和 1 回を 2 演算と数えたベンダーの表記のまま入れます。",
                        "Without sparsity, as vendors print it (a multiply-accumulate counted "
                        "as two operations).")),
        Field("bit_length", "int", Text("ビット長", "Bit length"), optional=True, minimum=1,
              maximum=64, placeholder_output="bit_length",
              help=Text("その演算の入力のビット長（FP8 なら 8、BF16 なら 16）。",
                        "Bit length of the operation's inputs (8 for FP8, 16 for BF16).")),
        Field("die_area_mm2", "float", Text("該当ダイ面積（mm²、任意）", "Applicable die area (mm², optional)"),
              optional=True, minimum=1, maximum=100_000, placeholder_output="die_area_mm2",
              help=Text("非平面トランジスタ（FinFET など）のプロセスで作ったロジックダイの面積の合計。HBM は含みません。",
                        "Total area of the logic dies made on a non-planar-transistor process "
                        "(FinFET and later); HBM excluded.")),
        Field("datacenter", "bool", Text("データセンター向けに設計・販売", "Designed or marketed for datacenters"),
              default=True,
              help=Text("外すと、TPP 4,800 未満なら 3A090 の注 2 で対象外になります。",
                        "Unticked, a TPP below 4,800 is outside 3A090 (Note 2 to 3A090).")),
        Field("interconnect_gb_s", "float", Text("チップ間帯域（GB/s、双方向、2022 年規則の比較用）",
                                                 "Chip-to-chip bandwidth (GB/s, bidirectional; for the 2022 rule)"),
              optional=True, advanced=True, minimum=0, maximum=1e6),
        Field("memory_bandwidth_gb_s", "float", Text("メモリ帯域幅（GB/s、2026 年 1 月の範囲の判定用）",
                                                     "Memory bandwidth (GB/s; for the January 2026 band)"),
              optional=True, advanced=True, minimum=0, maximum=1e6),
    ),
    outputs=(
        Output("chip_name", Text("チップ", "Chip"), "text"),
        Output("precision", Text("数値型", "Precision"), "text"),
        Output("tops", Text("密の演算性能", "Dense rate"), "number", unit="TOPS"),
        Output("bit_length", Text("ビット長", "Bit length"), "count"),
        Output("tpp", Text("総処理性能（TPP）", "Total processing performance (TPP)"), "number"),
        Output("die_area_mm2", Text("該当ダイ面積", "Applicable die area"), "number", unit="mm²"),
        Output("performance_density", Text("性能密度", "Performance density"), "number"),
        Output("eccn", Text("ECCN（2023 年 10 月の規則）", "ECCN (October 2023 rule)"), "text"),
        Output("clause", Text("決め手の条項", "Deciding clause"), "text"),
        Output("controlled", Text("3A090 の規制対象か", "Controlled under 3A090"), "bool"),
        Output("tpp_over_a1_threshold", Text("a.1 の線（4,800）との比", "TPP over the a.1 line (4,800)"),
               "ratio"),
        Output("tops_for_a1_at_this_bit_length", Text("このビット長で a.1 に届く密の性能",
                                                      "Dense rate reaching a.1 at this bit length"),
               "number", unit="TOPS"),
        Output("area_for_a2_mm2", Text("a.2 に当たるダイ面積の上限", "Largest die area caught by a.2"),
               "number", unit="mm²"),
        Output("area_for_b1_mm2", Text("b.1 に当たるダイ面積の上限", "Largest die area caught by b.1"),
               "number", unit="mm²"),
        Output("area_for_b2_mm2", Text("b.2 に当たるダイ面積の上限", "Largest die area caught by b.2"),
               "number", unit="mm²"),
        Output("controlled_2022", Text("2022 年 10 月の規則で対象か", "Controlled under the October 2022 rule"),
               "bool"),
        Output("in_2026_case_by_case_band", Text("2026 年 1 月の個別審査の範囲内か",
                                                 "In the January 2026 case-by-case band"), "bool"),
        *(Output(name, Text(ja, en), "data") for name, ja, en in (
            ("classification", "分類", "classification"),
            ("interconnect_bytes_per_s", "チップ間帯域", "chip-to-chip bandwidth"),
            ("classification_2022", "2022 年規則での分類", "classification, 2022 rule"),
            ("dram_bandwidth_bytes_per_s", "メモリ帯域幅", "memory bandwidth"),
            ("preset_overridden", "プリセットを上書きしたか", "preset overridden"),
        )),
    ),
    compute=compute,
    formula=formula,
    notes=notes,
    symbols=(
        ("\\text{MacTOPS}", Text("毎秒の積和演算回数（10¹² 単位）", "multiply-accumulates per second, in 10¹²")),
        ("\\text{TPP}", Text("総処理性能", "total processing performance")),
        ("\\text{PD}", Text("性能密度（TPP ÷ 該当ダイ面積 mm²）", "performance density (TPP per mm² of applicable die area)")),
    ),
)
