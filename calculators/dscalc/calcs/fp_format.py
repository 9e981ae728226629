"""One value in one low-precision element format: the code, its bit fields and what is lost.

The codec is ``dscalc.numerics.floats`` (exact round to nearest, ties to even, subnormals included;
checked code by code and on 100,000+ values per format against ``ml_dtypes``). For a value
``x`` and a format (FP8 E4M3/E5M2, FP6 E3M2/E2M3, FP4 E2M1, the E8M0 scale format) this
calculator returns:

- the nearest code and its value ``x̂`` (``quantized``), the bit pattern and the sign /
  exponent / mantissa fields, the unbiased exponent and the significand, so that
  ``x̂ = (−1)^S × 2^(E − bias) × (1 + M / 2^m)`` (normal) or ``(−1)^S × 2^(1 − bias) × M / 2^m``
  (subnormal) can be checked by hand;
- ``abs_error = |x − x̂|`` and ``rel_error = |x − x̂| / |x|`` (0 for x = 0);
- the format's key numbers (largest finite value, smallest normal and subnormal, spacing at 1,
  decimal digits, bias, emin/emax, binades, finite values, NaN codes);
- the representable values around ``x`` for the number-line chart.

Overflow follows the OCP conventions (OFP8 rev. 1.0 Sec. 5.2.1 and Table 3; MX v1.0 for FP6/FP4):
the value is rounded first and overflows when the rounded magnitude exceeds the largest finite
value. With ``saturate`` the result is ±max (448, 57,344, 28, 7.5, 6); without it E4M3 gives NaN
(it has no infinity), E5M2 gives ±inf, E8M0 gives its NaN code 0xFF, and FP6/FP4, which have
neither, saturate anyway. A NaN or infinite result has no finite value: ``quantized`` and the
errors are then ``None`` and ``kind`` says ``NaN``, ``+inf`` or ``-inf``.

The input is a finite float within ±1e40 (beyond every format's range: E8M0 ends at 2^127 ≈
1.7e38); NaN and ±inf cannot be typed, so the "infinite input" row of OFP8 Table 3 is shown by
a value beyond the range, which rounds the same way. E8M0 is unsigned and has no zero: zero and
negative values are refused with a message.
"""

from __future__ import annotations

import math

from ..numerics import floats
from ..charts import GanttChart, LineChart, Marker, Point, Series, Span
from ..framework.errors import ValidationError
from ..framework.schema import Calculator, ChartSlot, Choice, Field, Output
from ..framework.text import Text
from ..framework.units import latex_int

#: Largest magnitude a reader may type: beyond every format's range, far inside float64's.
VALUE_LIMIT = 1e40
#: Representable values drawn on each side of the input.
NEIGHBOURS = 4

FORMAT_CHOICES = (
    Choice("e4m3", Text("FP8 E4M3（符号 1・指数 4・仮数 3 ビット）", "FP8 E4M3 (1 sign, 4 exponent, 3 mantissa bits)")),
    Choice("e5m2", Text("FP8 E5M2（符号 1・指数 5・仮数 2 ビット）", "FP8 E5M2 (1 sign, 5 exponent, 2 mantissa bits)")),
    Choice("e3m2", Text("FP6 E3M2（MX の 6 ビット形式）", "FP6 E3M2 (MX 6-bit format)")),
    Choice("e2m3", Text("FP6 E2M3（MX の 6 ビット形式）", "FP6 E2M3 (MX 6-bit format)")),
    Choice("e2m1", Text("FP4 E2M1（MXFP4・NVFP4 の要素）", "FP4 E2M1 (MXFP4 and NVFP4 elements)")),
    Choice("e8m0", Text("E8M0（MX と UE8M0 のスケール、2 のべき乗だけ）",
                        "E8M0 (MX and UE8M0 scales: powers of two only)")),
)


def tidy(value):
    """An integral float as an int (so 448.0 shows as 448), within the range where a JSON
    number keeps every digit in JavaScript; anything else unchanged."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() \
            and abs(value) < 2**53:
        return int(value)
    return value


def _kind_name(fmt: floats.FloatFormat, code: int, kind: str) -> str:
    if kind == "inf":
        return "-inf" if code >> (fmt.exponent_bits + fmt.mantissa_bits) else "+inf"
    return "NaN" if kind == "nan" else kind


def encode_value(fmt: floats.FloatFormat, value: float, saturate: bool) -> int:
    """``floats.encode`` with its refusals turned into messages for the ``value`` field."""
    if not fmt.signed and value <= 0:
        raise ValidationError("value", "E8M0 は符号もゼロも持たないため、正の値だけを表せます。",
                              "E8M0 has no sign and no zero: it holds positive values only.")
    return floats.encode(fmt, value, saturate=saturate)


def bracket(fmt: floats.FloatFormat, value: float) -> tuple[float | None, float | None]:
    """The representable values just below and just above ``value`` (``None`` past the ends
    of the range); a representable value is its own lower neighbour."""
    around = floats.neighbours(fmt, value, 1)
    below = [v for v in around if v <= value]
    above = [v for v in around if v > value]
    return (below[-1] if below else None), (above[0] if above else None)


def compute(values: dict) -> dict:
    fmt = floats.format_named(values["format"])
    x, saturate = values["value"], values["saturate"]
    code = encode_value(fmt, x, saturate)
    parts = floats.fields(fmt, code)
    kind = _kind_name(fmt, code, parts["kind"])
    quantized = parts["value"]
    finite = math.isfinite(quantized)
    overflowed = floats.overflows(fmt, x)
    key = floats.key_numbers(fmt)
    low, high = bracket(fmt, x)
    m = fmt.mantissa_bits
    mantissa_field = int(parts["mantissa_bits"], 2) if m else 0
    exponent_field = int(parts["exponent_bits"], 2)
    if not finite:
        significand = None
    elif parts["kind"] in ("zero", "subnormal"):
        significand = mantissa_field / (1 << m)  # 0.M: no implicit leading one
    else:
        significand = 1 + mantissa_field / (1 << m)
    abs_error = abs(x - quantized) if finite else None
    rel_error = (abs_error / abs(x) if x else 0.0) if finite else None
    return {
        "format_label": fmt.label,
        "quantized": tidy(quantized) if finite else None,
        "kind": kind,
        "code": code,
        "code_hex": f"0x{code:0{(fmt.total_bits + 3) // 4}X}",
        "bits": parts["bits"],
        "sign_bit": parts["sign"],
        "exponent_field": parts["exponent_bits"],
        "mantissa_field": parts["mantissa_bits"],
        "exponent_field_value": exponent_field,
        "mantissa_field_value": mantissa_field,
        "exponent": parts["exponent"],
        "significand": significand,
        "abs_error": abs_error,
        "rel_error": rel_error,
        "overflowed": overflowed,
        "saturated": overflowed and finite,
        "next_below": tidy(low),
        "next_above": tidy(high),
        "spacing": tidy(high - low) if low is not None and high is not None else None,
        "total_bits": fmt.total_bits,
        "exponent_bits": fmt.exponent_bits,
        "mantissa_bits": m,
        "signed": fmt.signed,
        "bias": fmt.bias,
        "max_finite": tidy(key["max_finite"]),
        "min_normal": tidy(key["min_normal"]),
        "min_subnormal": tidy(key["min_subnormal"]),
        "spacing_at_one": tidy(key["spacing_at_one"]),
        "decimal_digits": key["decimal_digits"],
        "emin": key["emin"],
        "emax": key["emax"],
        "overflow_threshold": tidy(key["overflow_threshold"]),
        "dynamic_range_binades": key["dynamic_range_binades"],
        "finite_values": key["finite_values"],
        "has_inf": key["has_inf"],
        "nan_codes": key["nan_codes"],
        "neighbours": [tidy(v) for v in floats.neighbours(fmt, x, NEIGHBOURS)],
    }


# --------------------------------------------------------------------------- presentation

def latex_value(value: float) -> str:
    """A value for KaTeX: integers and short decimals as they are, powers of two as 2^k,
    other very large or small values in scientific notation (6 significant digits)."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    magnitude = abs(float(value))
    mantissa, exponent = math.frexp(magnitude)
    if mantissa == 0.5 and not 2**-12 <= magnitude <= 2**20:
        return f"{sign}2^{{{exponent - 1}}}"
    if magnitude.is_integer() and magnitude < 1e15:
        return sign + latex_int(int(magnitude))
    if 1e-6 <= magnitude < 1e15:
        text = repr(magnitude)
        if "e" not in text and len(text) <= 14:
            return sign + text
        return sign + f"{magnitude:.6g}".replace(",", "{,}")
    mantissa10, exponent10 = f"{magnitude:.5e}".split("e")
    return rf"{sign}{mantissa10.rstrip('0').rstrip('.')} \times 10^{{{int(exponent10)}}}"


def formula(values: dict, out: dict) -> list[str]:
    fmt = floats.format_named(values["format"])
    x = values["value"]
    fields = []
    if out["sign_bit"] is not None:
        fields.append(rf"\underbrace{{{out['sign_bit']}}}_{{S}}")
    fields.append(rf"\underbrace{{{out['exponent_field']}}}_{{E}}")
    if fmt.mantissa_bits:
        fields.append(rf"\underbrace{{{out['mantissa_field']}}}_{{M}}")
    code = r"\mathtt{" + out["code_hex"] + "}"
    lines = [rf"\text{{{out['format_label']}}}:\ {code} = " + r"\,".join(fields)]
    e_val, m_val = out["exponent_field_value"], out["mantissa_field_value"]
    m = fmt.mantissa_bits
    sign = rf"(-1)^{{{out['sign_bit']}}} \times " if out["sign_bit"] is not None else ""
    if out["quantized"] is None:
        lines.append(rf"\hat{{x}} = \text{{{out['kind']}}}\quad(x = {latex_value(x)}"
                     rf" > {latex_value(out['overflow_threshold'])}\ \text{{after rounding}})")
    elif not fmt.signed:
        lines.append(rf"\hat{{x}} = 2^{{E - {fmt.bias}}} = 2^{{{e_val} - {fmt.bias}}}"
                     rf" = {latex_value(out['quantized'])}")
    elif out["kind"] in ("zero", "subnormal"):
        lines.append(rf"\hat{{x}} = {sign}2^{{1 - {fmt.bias}}} \times \frac{{M}}{{2^{{{m}}}}}"
                     rf" = {sign}2^{{{1 - fmt.bias}}} \times \frac{{{m_val}}}{{{1 << m}}}"
                     rf" = {latex_value(out['quantized'])}")
    else:
        lines.append(rf"\hat{{x}} = {sign}2^{{E - {fmt.bias}}} \times \left(1 + \frac{{M}}{{2^{{{m}}}}}\right)"
                     rf" = {sign}2^{{{e_val} - {fmt.bias}}} \times \left(1 + \frac{{{m_val}}}{{{1 << m}}}\right)"
                     rf" = {latex_value(out['quantized'])}")
    if out["abs_error"] is not None:
        lines.append(rf"|x - \hat{{x}}| = |{latex_value(x)} - {latex_value(out['quantized'])}|"
                     rf" = {latex_value(out['abs_error'])}")
        if x:
            lines.append(rf"\frac{{|x - \hat{{x}}|}}{{|x|}} = {latex_value(out['rel_error'])}")
    return lines


def notes(values: dict, out: dict) -> list[Text]:
    found = []
    fmt = floats.format_named(values["format"])
    if out["overflowed"]:
        if out["saturated"]:
            if values["saturate"] or fmt.nan_encoding == floats.NAN_NONE:
                found.append(Text(
                    "値が範囲を超えたため、最大値 ±{max:g} に飽和（クリップ）しました。",
                    "The value is beyond the range and saturates (is clipped) to ±{max:g}."
                ).format(max=out["max_finite"]))
            if not values["saturate"] and fmt.nan_encoding == floats.NAN_NONE:
                found.append(Text("FP6・FP4 には無限大も NaN もないため、飽和しない設定でも最大値になります。",
                                  "FP6 and FP4 have neither infinity nor NaN, so they saturate even "
                                  "when saturation is off."))
        elif out["kind"] == "NaN":
            found.append(Text("飽和しない設定では、範囲を超えた値は NaN になります（E4M3 と E8M0 には無限大がないため）。",
                              "Without saturation an out-of-range value becomes NaN (E4M3 and E8M0 "
                              "have no infinity)."))
        else:
            found.append(Text("飽和しない設定では、E5M2 は範囲を超えた値を ±∞ にします。",
                              "Without saturation, E5M2 turns an out-of-range value into ±inf."))
    if out["kind"] == "subnormal":
        found.append(Text("非正規数です。最小の正規数 {low:g} より小さい値は、仮数の有効桁が減ります。",
                          "A subnormal: below the smallest normal value {low:g}, fewer significant "
                          "bits remain.").format(low=out["min_normal"]))
    if out["kind"] == "zero" and values["value"] != 0:
        found.append(Text("最小の非正規数 {tiny:g} の半分以下なので、ゼロに丸められました（アンダーフロー）。",
                          "At most half the smallest subnormal {tiny:g}: the value underflows to "
                          "zero.").format(tiny=out["min_subnormal"]))
    if not fmt.signed:
        found.append(Text("E8M0 の値は 2 のべき乗だけで、丸めの同点は大きい方へ寄せます（ml_dtypes と同じ）。",
                          "E8M0 holds powers of two only; a tie rounds up to the larger one (as "
                          "ml_dtypes does)."))
    return found


_FIELD_KINDS = (("sign", Text("符号 S", "sign S")), ("exponent", Text("指数 E", "exponent E")),
                ("mantissa", Text("仮数 M", "mantissa M")))


def bits_chart(values: dict, out: dict) -> GanttChart:
    """The code's bits, most significant first, coloured by field, and the fields' meaning."""
    fmt = floats.format_named(values["format"])
    spans = []
    position = 0
    layout = ([("sign", 1)] if fmt.signed else []) + [("exponent", fmt.exponent_bits)] + (
        [("mantissa", fmt.mantissa_bits)] if fmt.mantissa_bits else [])
    for kind, width in layout:
        for offset in range(width):
            spans.append(Span(0, position + offset, position + offset + 1, kind,
                              out["bits"][position + offset]))
        if kind == "sign":
            label = "−" if out["sign_bit"] else "+"
        elif kind == "exponent":
            label = (f"E = {out['exponent_field_value']}" + (
                f" → 2^{out['exponent']}" if out["exponent"] is not None else ""))
        else:
            label = f"M = {out['mantissa_field_value']}" + (
                f" → {out['significand']:g}" if out["significand"] is not None else "")
        spans.append(Span(1, position, position + width, kind, label))
        position += width
    return GanttChart(
        title=Text(f"{out['format_label']} のビット配置（{out['code_hex']}）",
                   f"{out['format_label']} bit layout ({out['code_hex']})"),
        lanes=(Text("ビット", "bits"), Text("フィールドの意味", "field meaning")),
        spans=tuple(spans),
        kinds=tuple(item for item in _FIELD_KINDS if item[0] in dict(layout)),
        x_label=Text("ビット位置（左が最上位）", "bit position (most significant first)"),
        description=Text(f"ビット列 {out['bits']}、値 {out['quantized']}（{out['kind']}）",
                         f"bits {out['bits']}, value {out['quantized']} ({out['kind']})"))


def number_line_chart(values: dict, out: dict) -> LineChart:
    """The rounding error |x − q(x)| around the input: zero at each representable value, peaks
    at the midpoints, so the spacing of the format is visible."""
    fmt = floats.format_named(values["format"])
    grid = out["neighbours"]
    log_axis = not fmt.signed
    points = []
    for low, high in zip(grid, grid[1:]):
        middle = (low + high) / 2
        points += [(low, 0.0), (middle, (high - low) / 2)]
    points.append((grid[-1], 0.0))
    if log_axis:  # a log axis cannot show zero: plot the error relative to the value instead
        points = [(x, (y / x if x else 0.0)) for x, y in points]
    # Only the two values that bracket x are named (the data table lists every one).
    named = {out["next_below"], out["next_above"]}
    labelled = tuple(Point(v, 0.0, f"{v:g}" if v in named else "", 0) for v in grid)
    x = values["value"]
    marks = [Marker(x, f"x = {x:g}")]
    extra = []
    if out["quantized"] is not None:
        error = out["abs_error"] / x if log_axis else out["abs_error"]
        extra.append(Point(x, error, Text(f"x（誤差 {out['abs_error']:.3g}）",
                                          f"x (error {out['abs_error']:.3g})"), 1))
    return LineChart(
        title=Text(f"{x:g} の近くで {out['format_label']} が表せる値と丸め誤差",
                   f"{out['format_label']} values near {x:g} and the rounding error"),
        x_label=Text("値" + ("（対数）" if log_axis else ""), "value" + (" (log)" if log_axis else "")),
        y_label=Text("相対丸め誤差" if log_axis else "丸め誤差 |x − x̂|",
                     "relative rounding error" if log_axis else "rounding error |x − x̂|"),
        series=(Series(Text("その点の値を丸めたときの誤差", "error when a value there is rounded"),
                       tuple(points)),),
        x_log=log_axis, markers=tuple(marks), points=labelled + tuple(extra),
        y_from_zero=True,
        description=Text("表せる値: " + ", ".join(f"{v:g}" for v in grid),
                         "representable values: " + ", ".join(f"{v:g}" for v in grid)))


# --------------------------------------------------------------------------- declaration

FP_FORMAT = Calculator(
    id="fp-format",
    title=Text("1 つの値を低精度形式で表す（FP8・FP6・FP4・E8M0）",
               "One value in a low-precision format (FP8, FP6, FP4, E8M0)"),
    summary=Text("値を最近接偶数丸めで符号化し、ビット列・各フィールド・誤差と、その形式の主要な数値を示します。",
                 "Encodes a value with round-to-nearest-even and shows its bits, fields and "
                 "error, and the format's key numbers."),
    inputs=(
        Field("value", "float", Text("値 x", "Value x"), default=0.1,
              minimum=-VALUE_LIMIT, maximum=VALUE_LIMIT,
              help=Text("±1e40 までの有限の値。E8M0 は正の値だけです。",
                        "A finite value within ±1e40. E8M0 takes positive values only.")),
        Field("format", "choice", Text("形式", "Format"), default="e4m3", choices=FORMAT_CHOICES),
        Field("saturate", "bool", Text("範囲外を最大値に飽和させる", "Saturate out-of-range values"),
              default=True,
              help=Text("オフにすると OCP の非飽和モード: E4M3 は NaN、E5M2 は ±∞ になります（FP6・FP4 は常に飽和）。",
                        "Off: OCP non-saturating mode, NaN for E4M3 and ±inf for E5M2 (FP6 and "
                        "FP4 always saturate).")),
    ),
    outputs=(
        Output("format_label", Text("形式", "Format"), "text"),
        Output("quantized", Text("丸めた値 x̂", "Rounded value x̂"), "scientific"),
        Output("kind", Text("種類（zero/subnormal/normal/±inf/NaN）",
                            "Kind (zero / subnormal / normal / ±inf / NaN)"), "text"),
        Output("bits", Text("ビット列", "Bit pattern"), "text"),
        Output("code_hex", Text("符号（16 進）", "Code (hex)"), "text"),
        Output("sign_bit", Text("符号ビット S", "Sign bit S"), "count"),
        Output("exponent_field", Text("指数フィールド E", "Exponent field E"), "text"),
        Output("mantissa_field", Text("仮数フィールド M", "Mantissa field M"), "text"),
        Output("exponent", Text("指数（バイアスを引いた値）", "Exponent (unbiased)"), "count"),
        Output("significand", Text("仮数部の値（1.M または 0.M）", "Significand (1.M or 0.M)"),
               "number"),
        Output("abs_error", Text("絶対誤差 |x − x̂|", "Absolute error |x − x̂|"), "scientific"),
        Output("rel_error", Text("相対誤差 |x − x̂|/|x|", "Relative error |x − x̂| / |x|"),
               "percent"),
        Output("overflowed", Text("範囲を超えたか", "Out of range"), "bool"),
        Output("next_below", Text("x 以下で最も近い表せる値", "Nearest representable value ≤ x"),
               "scientific"),
        Output("next_above", Text("x より大きい最も近い表せる値", "Nearest representable value > x"),
               "scientific"),
        Output("spacing", Text("x の位置での間隔", "Spacing at x"), "scientific"),
        Output("max_finite", Text("最大の有限値", "Largest finite value"), "scientific"),
        Output("min_normal", Text("最小の正規数", "Smallest normal value"), "scientific"),
        Output("min_subnormal", Text("最小の非正規数（E8M0 は最小値）",
                                     "Smallest subnormal (E8M0: smallest value)"), "scientific"),
        Output("spacing_at_one", Text("1 の次の値との間隔（マシンイプシロン）",
                                      "Spacing at 1 (machine epsilon)"), "scientific"),
        Output("decimal_digits", Text("10 進の有効桁数", "Decimal digits of precision"), "number"),
        Output("bias", Text("指数バイアス", "Exponent bias"), "count"),
        Output("emax", Text("最大の指数 emax", "Largest exponent emax"), "count"),
        Output("emin", Text("最小の指数 emin", "Smallest exponent emin"), "count"),
        Output("dynamic_range_binades", Text("ダイナミックレンジ（ビナード数）",
                                             "Dynamic range (binades)"), "count"),
        Output("finite_values", Text("有限値の符号の数（±0 を別に数える）",
                                     "Finite codes (±0 counted separately)"), "count"),
        Output("has_inf", Text("無限大を持つか", "Has infinities"), "bool"),
        Output("nan_codes", Text("NaN の符号の数", "NaN codes"), "count"),
        Output("overflow_threshold", Text("これを超えると範囲外（丸めた後で判定）",
                                          "Overflow threshold (checked after rounding)"), "scientific"),
        Output("code", Text("符号（整数）", "Code (integer)"), "data"),
        Output("exponent_field_value", Text("指数フィールドの整数値", "Exponent field as an integer"),
               "data"),
        Output("mantissa_field_value", Text("仮数フィールドの整数値", "Mantissa field as an integer"),
               "data"),
        Output("saturated", Text("飽和したか", "Saturated"), "data"),
        Output("total_bits", Text("ビット数", "Bits"), "data"),
        Output("exponent_bits", Text("指数ビット数", "Exponent bits"), "data"),
        Output("mantissa_bits", Text("仮数ビット数", "Mantissa bits"), "data"),
        Output("signed", Text("符号ビットを持つか", "Has a sign bit"), "data"),
        Output("neighbours", Text("近くの表せる値", "Representable values nearby"), "data"),
    ),
    compute=compute,
    formula=formula,
    notes=notes,
    charts=(ChartSlot("bits", Text("ビット配置の図", "Chart: bit layout"), bits_chart),
            ChartSlot("number_line", Text("表せる値と丸め誤差の図",
                                          "Chart: representable values and rounding error"),
                      number_line_chart)),
    symbols=(
        ("S", Text("符号ビット", "sign bit")),
        ("E", Text("指数フィールド（バイアス付きの整数）", "exponent field (a biased integer)")),
        ("M", Text("仮数フィールド（整数）", "mantissa field (an integer)")),
        ("m", Text("仮数のビット数", "mantissa bits")),
        ("\\hat{x}", Text("丸めた値", "rounded value")),
    ),
)
