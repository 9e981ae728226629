"""Quantise one tensor under every block-scaling scheme and show what each one loses.

The arithmetic is ``dscalc.numerics.scaling_schemes`` (see its docstring for each scheme's exact rule and
source): one FP32 scale per tensor (``amax / 448``), DeepSeek-V3's 1 × 128 tiles and 128 × 128
blocks, the OCP MX formats (blocks of 32 with an E8M0 scale ``2^(⌊log2 amax⌋ − emax)``) and
NVIDIA's NVFP4 (blocks of 16, E4M3 block scale and FP32 tensor scale). ``scale_format: ue8m0``
rounds the FP32 scales of the first three schemes up to a power of two (UE8M0, as DeepSeek-V3.1 and
DeepGEMM on Blackwell do); the MX and NVFP4 scales are not FP32 and do not change.

Data: either ``values`` (pasted; one row unless ``values_cols`` says how many columns), at most
16,384 numbers within the float32 range, or a seeded synthetic ``rows × cols`` matrix (at most
16,384 values, 512 rows) of normal, Laplace or uniform values with unit variance, of which a
share ``outlier_rate`` is multiplied by ``outlier_scale``. The library (``block_scaling``)
takes 65,536 values; the calculator stops at a quarter of that because it runs seven schemes on
the data (see ``MAX_VALUES``).

Every scheme runs on the same data, so the chart compares them side by side; the outputs are
those of the chosen ``scheme``:

- ``rel_error`` = ‖x − q‖₂ / ‖x‖₂ (the largest values dominate it);
- ``mean_elem_error`` = mean over non-zero x of |x − q| / |x| (what a typical element loses;
  an element flushed to zero counts 100 %);
- ``zero_share``: non-zero inputs that became zero; ``clipped_share``: values whose scaled value
  overflowed the element format and was saturated;
- ``bits_per_value``: element bits plus every scale's bits, per value.

Cost: about 0.4 µs per value and scheme in CPython (about 1.5 µs in Pyodide), so the default
(4 × 256 = 1,024 values, seven schemes) evaluates in about 5 ms (16 ms in Pyodide) and the
largest input (16,384 values) in about 55 ms (190 ms in Pyodide).
"""

from __future__ import annotations

from ..numerics import scaling_schemes as bs
from ..charts import BarChart, BarSeries
from ..framework.errors import ValidationError
from ..framework.schema import Calculator, ChartSlot, Choice, Field, Output
from ..framework.text import Text
from ..framework.units import latex_int
from .fp_format import latex_value  # one number style for the FP calculators

SCHEME_LABELS = {
    "per-tensor-e4m3": Text("テンソル単位 E4M3（FP32 スケール 1 個）", "per-tensor E4M3 (one FP32 scale)"),
    "tile-1x128-e4m3": Text("1×128 タイル E4M3（V3 の活性化）", "1×128 tiles E4M3 (V3 activations)"),
    "block-128x128-e4m3": Text("128×128 ブロック E4M3（V3 の重み）", "128×128 blocks E4M3 (V3 weights)"),
    "mxfp8-e4m3": Text("MXFP8（E4M3、32 個ごとに E8M0）", "MXFP8 (E4M3, E8M0 per 32)"),
    "mxfp6-e3m2": Text("MXFP6（E3M2、32 個ごとに E8M0）", "MXFP6 (E3M2, E8M0 per 32)"),
    "mxfp4": Text("MXFP4（E2M1、32 個ごとに E8M0）", "MXFP4 (E2M1, E8M0 per 32)"),
    "nvfp4": Text("NVFP4（E2M1、16 個ごとに E4M3 ＋ FP32）", "NVFP4 (E2M1, E4M3 per 16 + FP32)"),
}
SCHEME_ORDER = tuple(SCHEME_LABELS)
DISTRIBUTION_LABELS = {"normal": Text("正規分布", "normal"), "laplace": Text("ラプラス分布", "Laplace"),
                       "uniform": Text("一様分布", "uniform")}


FP32 = "fp32"
UE8M0 = "ue8m0"

#: Most values the calculator takes (pasted or synthetic). ``block_scaling`` accepts 65,536,
#: but the calculator runs seven schemes on the data: 65,536 values take about 235 ms in CPython
#: and 32,768 about 370 ms in Pyodide (2026-11 measurements), over the 200 ms a recomputation
#: may take; 16,384 take about 55 ms in CPython and 190 ms in Pyodide under Node.
MAX_VALUES = 16_384
#: Most rows: the per-block work (scales, slices) grows with the number of blocks, and a tall
#: narrow matrix has one block per row.
MAX_ROWS = 512


def _error(field: str, ja: str, en: str) -> ValidationError:
    return ValidationError(field, ja, en)


def tensor(values: dict) -> tuple[list[float], int, int, list[bool] | None]:
    """The data to quantise: (values, rows, cols, outlier mask or None for pasted values)."""
    pasted = values["values"]
    if pasted is not None:
        cols = values["values_cols"] or len(pasted)
        if len(pasted) % cols:
            raise _error("values_cols", f"値の個数 {len(pasted):,} は列数 {cols:,} で割り切れません。",
                         f"The {len(pasted):,} values do not divide into rows of {cols:,}.")
        if len(pasted) // cols > MAX_ROWS:
            raise _error("values_cols", f"行数（値の個数 ÷ 列数）は {MAX_ROWS:,} 以下にしてください。",
                         f"Rows (values ÷ columns) must be at most {MAX_ROWS:,}.")
        return pasted, len(pasted) // cols, cols, None
    rows, cols = values["rows"], values["cols"]
    if rows * cols > MAX_VALUES:
        raise _error("cols", f"行数 × 列数は {MAX_VALUES:,} 以下にしてください（{rows * cols:,} です）。",
                     f"Rows × columns must be at most {MAX_VALUES:,} (got {rows * cols:,}).")
    data = bs.synthetic_matrix(rows, cols, values["distribution"], values["outlier_rate"],
                               values["outlier_scale"], values["seed"])
    mask = bs.outlier_mask(rows * cols, values["outlier_rate"], values["seed"])
    return data, rows, cols, mask


def first_block_amax(data: list[float], cols: int, scheme: bs.Scheme, rows: int) -> float:
    """Largest magnitude in the scheme's first block (top-left), for the worked formula."""
    block_rows = scheme.block_rows or rows
    block_cols = scheme.block_cols or cols
    peak = 0.0
    for r in range(min(block_rows, rows)):
        segment = data[r * cols:r * cols + min(block_cols, cols)]
        peak = max(peak, max(map(abs, segment)))
    return peak


def compute(values: dict) -> dict:
    data, rows, cols, mask = tensor(values)
    results = bs.compare_schemes(data, SCHEME_ORDER, rows=rows, cols=cols,
                                 pow2_scales=values["scale_format"] == UE8M0)
    comparison = [{"scheme": name, "rel_error": result.rel_error,
                   "mean_elem_error": result.mean_elem_error, "zero_share": result.zero_share,
                   "clipped_share": result.clipped_share, "bits_per_value": result.bits_per_value,
                   "num_scales": result.num_scales, "pow2_scales": result.pow2_scales}
                  for name, result in results.items()]
    chosen = results[values["scheme"]]
    spec = bs.SCHEMES[values["scheme"]]
    scales = chosen.block_scales
    tensor_amax = max(map(abs, data))
    return {
        "scheme": chosen.scheme,
        "element_format": spec.element.name,
        "num_values": len(data),
        "rows": rows,
        "cols": cols,
        "outlier_count": sum(mask) if mask is not None else None,
        "tensor_amax": tensor_amax,
        "rel_error": chosen.rel_error,
        "mean_elem_error": chosen.mean_elem_error,
        "max_abs_error": chosen.max_abs_error,
        "zero_share": chosen.zero_share,
        "clipped_share": chosen.clipped_share,
        "bits_per_value": chosen.bits_per_value,
        "num_scales": chosen.num_scales,
        "pow2_applied": chosen.pow2_scales,
        "scale_min": min(scales),
        "scale_max": max(scales),
        "first_block_amax": first_block_amax(data, cols, spec, rows),
        "first_block_scale": scales[0],
        "tensor_scale": chosen.tensor_scale,
        "dequantized": list(chosen.dequantized) if values["values"] is not None else None,
        "comparison": comparison,
    }


# --------------------------------------------------------------------------- presentation

def _num(value: float) -> str:
    return latex_value(value)


def formula(values: dict, out: dict) -> list[str]:
    spec = bs.SCHEMES[out["scheme"]]
    element = spec.element
    amax, scale = out["first_block_amax"], out["first_block_scale"]
    lines = []
    if spec.scale_kind == bs.SCALE_FP32:
        if out["pow2_applied"]:
            lines.append(rf"s_1 = 2^{{\lceil \log_2 (a_1 / {element.max_finite:g}) \rceil}}"
                         rf" = 2^{{\lceil \log_2 ({_num(amax)} / {element.max_finite:g}) \rceil}}"
                         rf" = {_num(scale)}")
        else:
            lines.append(rf"s_1 = \frac{{a_1}}{{{element.max_finite:g}}} = \frac{{{_num(amax)}}}"
                         rf"{{{element.max_finite:g}}} = {_num(scale)}")
    elif spec.scale_kind == bs.SCALE_MX:
        lines.append(rf"X_1 = 2^{{\lfloor \log_2 a_1 \rfloor - {element.emax}}}"
                     rf" = 2^{{\lfloor \log_2 {_num(amax)} \rfloor - {element.emax}}} = {_num(scale)}")
    else:
        tensor_scale = out["tensor_scale"]
        lines.append(rf"s_{{\text{{tensor}}}} = \frac{{a_{{\text{{tensor}}}}}}{{448 \times 6}}"
                     rf" = \frac{{{_num(out['tensor_amax'])}}}{{2688}} = {_num(tensor_scale)}")
        lines.append(rf"s_1 = \operatorname{{E4M3}}\!\left(\frac{{a_1 / 6}}{{s_{{\text{{tensor}}}}}}\right)"
                     rf" = \operatorname{{E4M3}}\!\left(\frac{{{_num(amax)} / 6}}{{{_num(tensor_scale)}}}\right)"
                     rf" = {_num(scale)}")
    lines.append(rf"\hat{{x}} = s \cdot Q_{{\text{{{element.name.upper()}}}}}(x / s)")
    lines.append(rf"\frac{{\lVert x - \hat{{x}} \rVert_2}}{{\lVert x \rVert_2}} = {_num(out['rel_error'])}"
                 rf",\qquad \frac{{1}}{{N}}\sum \frac{{|x_i - \hat{{x}}_i|}}{{|x_i|}} = "
                 rf"{_num(out['mean_elem_error'])}")
    scale_bits = 8 if out["pow2_applied"] else spec.scale_bits
    tensor_bits = spec.tensor_scale_bits
    bits = (rf"\frac{{{latex_int(out['num_values'])} \times {element.total_bits} + "
            rf"{latex_int(out['num_scales'] - (1 if tensor_bits else 0))} \times {scale_bits}"
            + (rf" + {tensor_bits}" if tensor_bits else "")
            + rf"}}{{{latex_int(out['num_values'])}}} = {_num(out['bits_per_value'])}\ \text{{bit}}")
    lines.append(bits)
    return lines


def notes(values: dict, out: dict) -> list[Text]:
    found = []
    if values["scale_format"] == UE8M0 and not out["pow2_applied"]:
        found.append(Text("2 のべき乗への切り上げは FP32 スケールの 3 方式（テンソル・タイル・ブロック）だけに効きます。MX と NVFP4 のスケールは元から決まった形式です。",
                          "Rounding scales up to a power of two applies to the three FP32-scaled "
                          "schemes (tensor, tile, block) only; MX and NVFP4 scales have fixed "
                          "formats."))
    if out["rows"] < 128 and out["scheme"] == "block-128x128-e4m3":
        found.append(Text("行数が 128 未満なので、128×128 ブロックは {rows}×128 になります。",
                          "With fewer than 128 rows, a 128×128 block is {rows}×128.").format(
                              rows=out["rows"]))
    if values["values"] is not None and out["rows"] == 1:
        found.append(Text("貼り付けた値は 1 行として扱っています（列数を指定すると行列になります）。",
                          "Pasted values are read as one row (give the column count for a "
                          "matrix)."))
    if out["outlier_count"]:
        found.append(Text("合成データのうち {n:,} 個が外れ値（{scale:g} 倍）です。",
                          "{n:,} of the synthetic values are outliers (×{scale:g}).").format(
                              n=out["outlier_count"], scale=values["outlier_scale"]))
    return found


def _categories():
    return tuple(SCHEME_LABELS[name] for name in SCHEME_ORDER)


def _data_words(values: dict, out: dict) -> Text:
    if values["values"] is not None:
        return Text(f"貼り付けた {out['num_values']:,} 個の値", f"{out['num_values']:,} pasted values")
    dist = DISTRIBUTION_LABELS[values["distribution"]]
    outliers = out["outlier_count"]
    return Text(f"{dist.ja} {out['rows']}×{out['cols']}、外れ値 {outliers:,} 個",
                f"{dist.en} {out['rows']}×{out['cols']}, {outliers:,} outliers")


def error_chart(values: dict, out: dict) -> BarChart:
    rows = out["comparison"]
    words = _data_words(values, out)
    return BarChart(
        title=Text("同じデータを全方式で量子化したときの誤差（", "Error of every scheme on the same data (")
        + words + Text("）", ")"),
        value_label=Text("相対誤差（%）", "relative error (%)"),
        categories=_categories(),
        series=(BarSeries(Text("要素ごとの相対誤差の平均", "mean per-element relative error"),
                          tuple(100 * row["mean_elem_error"] for row in rows)),
                BarSeries(Text("‖x − x̂‖ / ‖x‖（大きな値が支配）", "‖x − x̂‖ / ‖x‖ (large values dominate)"),
                          tuple(100 * row["rel_error"] for row in rows))),
        value_format="number",
        highlight=(SCHEME_ORDER.index(out["scheme"]),),
        annotations=tuple(f"{row['bits_per_value']:.3g} bit" for row in rows),
        description=Text("各方式の右端の数字は、スケールを含めた 1 値あたりのビット数です。",
                         "The number right of each scheme is its bits per value, scales "
                         "included."))


def loss_chart(values: dict, out: dict) -> BarChart:
    rows = out["comparison"]
    return BarChart(
        title=Text("ゼロになった値と飽和した値の割合（", "Values flushed to zero or clipped (")
        + _data_words(values, out) + Text("）", ")"),
        value_label=Text("値の割合（%）", "share of values (%)"),
        categories=_categories(),
        series=(BarSeries(Text("ゼロになった（非ゼロの入力のうち）", "became zero (of non-zero inputs)"),
                          tuple(100 * row["zero_share"] for row in rows)),
                BarSeries(Text("最大値に飽和した", "saturated to the maximum"),
                          tuple(100 * row["clipped_share"] for row in rows))),
        value_format="number",
        highlight=(SCHEME_ORDER.index(out["scheme"]),))


# --------------------------------------------------------------------------- declaration

BLOCK_SCALING = Calculator(
    id="block-scaling",
    title=Text("スケーリング方式の比較（テンソル単位・タイル・ブロック・MX・NVFP4）",
               "Scaling schemes compared (per-tensor, tile, block, MX, NVFP4)"),
    summary=Text("同じ値を 7 つの方式で量子化し、誤差・ゼロになった値・飽和した値・1 値あたりのビット数を並べます。",
                 "Quantises the same values under seven schemes and compares the error, the "
                 "values lost to zero or clipping, and the bits per value."),
    inputs=(
        Field("scheme", "choice", Text("方式（結果欄に出す方式）", "Scheme (shown in the results)"),
              default="tile-1x128-e4m3",
              choices=tuple(Choice(name, label) for name, label in SCHEME_LABELS.items())),
        Field("scale_format", "choice", Text("DeepSeek 型 3 方式のスケールの形式", "Scale format of the three FP32-scaled schemes"),
              default=FP32,
              choices=(Choice(FP32, Text("FP32（amax ÷ 448 そのまま）", "FP32 (amax ÷ 448 as it is)")),
                       Choice(UE8M0, Text("UE8M0（2 のべき乗に切り上げ、V3.1 の方式）",
                                          "UE8M0 (rounded up to a power of two, as in V3.1)"))),
              help=Text("UE8M0 は DeepSeek-V3.1 と Blackwell 向け DeepGEMM のやり方。テンソル・タイル・ブロックの 3 方式に効きます。",
                        "UE8M0 is what DeepSeek-V3.1 and DeepGEMM on Blackwell do; it applies to the "
                        "tensor, tile and block schemes.")),
        Field("rows", "int", Text("合成行列の行数", "Synthetic matrix rows"), default=4,
              minimum=1, maximum=MAX_ROWS),
        Field("cols", "int", Text("合成行列の列数", "Synthetic matrix columns"), default=256,
              minimum=1, maximum=MAX_VALUES,
              help=Text("行数 × 列数は 16,384 まで。", "Rows × columns at most 16,384.")),
        Field("distribution", "choice", Text("分布", "Distribution"), default="normal",
              choices=tuple(Choice(name, label) for name, label in DISTRIBUTION_LABELS.items())),
        Field("outlier_rate", "float", Text("外れ値の割合", "Outlier rate"), default=0.002,
              minimum=0, maximum=1,
              help=Text("各値がこの確率で外れ値になります（0.002 = 0.2%）。",
                        "Each value becomes an outlier with this probability (0.002 = 0.2%).")),
        Field("outlier_scale", "float", Text("外れ値の倍率", "Outlier scale"), default=100_000,
              minimum=1e-6, maximum=1e6),
        Field("seed", "int", Text("乱数シード", "Random seed"), default=1, minimum=0,
              maximum=2**31 - 1, advanced=True),
        Field("values", "numbers", Text("値を貼り付ける（任意）", "Paste values (optional)"),
              max_items=MAX_VALUES, maximum=bs.FLOAT32_MAX, advanced=True,
              help=Text("カンマ・空白・改行区切りで 16,384 個まで。貼り付けると合成行列の代わりに使います。",
                        "Up to 16,384 numbers separated by commas, spaces or new lines; used "
                        "instead of the synthetic matrix.")),
        Field("values_cols", "int", Text("貼り付けた値の列数（任意）", "Columns of the pasted values (optional)"),
              optional=True, minimum=1, maximum=MAX_VALUES, advanced=True,
              help=Text("空欄なら 1 行として扱います。", "Empty: the values are one row.")),
    ),
    outputs=(
        Output("scheme", Text("方式", "Scheme"), "text"),
        Output("num_values", Text("値の個数", "Values"), "count"),
        Output("outlier_count", Text("外れ値の個数（合成データ）", "Outliers (synthetic data)"), "count"),
        Output("rel_error", Text("相対誤差 ‖x − x̂‖/‖x‖", "Relative error ‖x − x̂‖ / ‖x‖"), "percent"),
        Output("mean_elem_error", Text("要素ごとの相対誤差の平均", "Mean per-element relative error"),
               "percent"),
        Output("zero_share", Text("ゼロになった値（非ゼロの入力のうち）",
                                  "Became zero (of non-zero inputs)"), "percent"),
        Output("clipped_share", Text("最大値に飽和した値", "Saturated to the maximum"), "percent"),
        Output("bits_per_value", Text("1 値あたりのビット数（スケール込み）",
                                      "Bits per value (scales included)"), "number", unit="bit"),
        Output("num_scales", Text("スケールの個数", "Scales stored"), "count"),
        Output("max_abs_error", Text("最大の絶対誤差", "Largest absolute error"), "number"),
        Output("tensor_amax", Text("テンソル全体の最大絶対値", "Largest magnitude in the tensor"),
               "number"),
        Output("scale_min", Text("最小のブロックスケール", "Smallest block scale"), "number"),
        Output("scale_max", Text("最大のブロックスケール", "Largest block scale"), "number"),
        Output("element_format", Text("要素の形式", "Element format"), "data"),
        Output("rows", Text("行数", "Rows"), "data"),
        Output("cols", Text("列数", "Columns"), "data"),
        Output("pow2_applied", Text("2 のべき乗スケールを使ったか", "Power-of-two scales used"), "data"),
        Output("first_block_amax", Text("最初のブロックの最大絶対値", "First block's largest magnitude"),
               "data"),
        Output("first_block_scale", Text("最初のブロックのスケール", "First block's scale"), "data"),
        Output("tensor_scale", Text("NVFP4 のテンソルスケール", "NVFP4 tensor scale"), "data"),
        Output("dequantized", Text("量子化して戻した値（貼り付けた値のとき）",
                                   "Values after quantise and dequantise (pasted values)"), "data"),
        Output("comparison", Text("全方式の比較", "Every scheme compared"), "data"),
    ),
    compute=compute,
    formula=formula,
    notes=notes,
    charts=(ChartSlot("errors", Text("方式ごとの誤差の図", "Chart: error by scheme"), error_chart),
            ChartSlot("lost", Text("ゼロ・飽和になった値の図", "Chart: values lost"), loss_chart)),
    symbols=(
        ("a_1", Text("最初のブロックの最大絶対値（amax）", "largest magnitude in the first block (amax)")),
        ("s", Text("スケール係数", "scaling factor")),
        ("X", Text("MX の共有スケール（E8M0）", "MX shared scale (E8M0)")),
        ("Q(\\cdot)", Text("要素形式への最近接偶数丸め（飽和あり）",
                           "round to nearest even into the element format, saturating")),
        ("N", Text("値の個数", "number of values")),
    ),
)
