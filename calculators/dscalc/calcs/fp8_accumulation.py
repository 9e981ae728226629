"""Limited accumulation precision in an FP8 dot product, and promotion to FP32 every N_C terms.

The simulation is ``dscalc.numerics.accumulation`` (read its docstring for the model and what it pins):
two seeded random vectors of length K are rounded to FP8 E4M3 (one FP32 scale each), their K
products are summed exactly as the reference, and twice in limited precision:

- *limited*: one accumulator that keeps ``acc_mantissa_bits`` mantissa bits (the DeepSeek-V3
  report observes "around 14 bits" for FP8 GEMM on H800 Tensor Cores, Sec. 3.3.2), rounding
  toward zero (default) or to nearest after each addition;
- *promoted*: the same accumulator restarted every N_C products, each partial sum added to an
  FP32 accumulator (the report's fix, N_C = 128).

Outputs are relative errors |computed − exact| / |exact| over ``trials`` seeded trials (median and
maximum: a trial whose terms nearly cancel has a huge relative error, which would swamp a mean), the number of promotions ⌈K / N_C⌉, and a curve of the error against the length of
the dot product (16, 64, 256, … up to K; each point is the dot product of the first k products,
computed exactly as a length-k product would be).

The report's own figure — "a maximum relative error of nearly 2%" at K = 4096 in a
"preliminary test" — is drawn on the chart when the page passes it in (``reference_k`` and
``reference_error``, taken from ``data/facts/training.yaml``); the calculator itself types no
published number. The model is ours, not DeepSeek's: the report does not say how the hardware
drops bits, what the inputs were, or over how many outputs the maximum was taken.

A relative error is undefined when the exact sum is 0 and the computed one is not; such trials
(possible only for tiny K) are left out of the medians and reported in ``undefined_trials``.

Cost: about 8 ms a trial at K = 4,096 in CPython (about 23 ms in Pyodide), mostly drawing the
random inputs; K × trials is capped at 16,384 (about 30 ms in CPython, 180 ms in Pyodide).
"""

from __future__ import annotations

import math

from ..numerics import accumulation as acc
from ..numerics.scaling_schemes import DISTRIBUTIONS
from ..charts import LineChart, Marker, Point, Series
from ..framework.errors import ValidationError
from ..framework.schema import Calculator, ChartSlot, Choice, Field, Output
from ..framework.text import Text
from ..framework.units import latex_int
from .fp_format import latex_value

#: Most products simulated in one evaluation (K × trials): about 30 ms in CPython and 180 ms in
#: Pyodide (2026-11 measurements; 65,536 took 120 and 600-700 ms).
MAX_WORK = 16_384
MAX_TRIALS = 16
#: Shortest dot product on the error curve.
CURVE_START = 16

DISTRIBUTION_LABELS = {"normal": Text("正規分布", "normal"), "laplace": Text("ラプラス分布", "Laplace"),
                       "uniform": Text("一様分布", "uniform")}


def checkpoints(k: int) -> list[int]:
    """Powers of four from 16 below ``k``, then ``k`` itself (each point costs a dot product of
    its own length, so the spacing keeps the curve's cost under half the main simulation's)."""
    points = []
    power = CURVE_START
    while power < k:
        points.append(power)
        power *= 4
    return points + [k]


def _finite(values: list[float]) -> list[float]:
    return [value for value in values if math.isfinite(value)]


def _median(values: list[float]) -> float | None:
    """The median (mean of the two middle values for an even count); ``None`` if empty.
    Medians, not means: one trial whose terms nearly cancel has a tiny exact sum and a huge
    relative error, which would dominate a mean of a handful of trials."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def compute(values: dict) -> dict:
    k, trials, interval = values["k"], values["trials"], values["promotion_interval"]
    if k * trials > MAX_WORK:
        raise ValidationError("trials", f"K × 試行回数は {MAX_WORK:,} 以下にしてください（{k * trials:,} です）。",
                              f"K × trials must be at most {MAX_WORK:,} (got {k * trials:,}).")
    bits, rounding, group = values["acc_mantissa_bits"], values["rounding"], values["group_size"]
    points = checkpoints(k)
    limited, promoted, conditions = [], [], []
    curves = []
    for trial in range(trials):
        products = acc.trial_products(k, values["seed"], trial, values["distribution"])
        curve = acc.error_curve(products, bits, interval, rounding, points, group)
        curves.append(curve)
        _, last_limited, last_promoted = curve[-1]
        limited.append(last_limited)
        promoted.append(last_promoted)
        exact = abs(sum(products))
        conditions.append(sum(map(abs, products)) / exact if exact else math.inf)
    undefined = sum(1 for a, b in zip(limited, promoted) if not (math.isfinite(a) and math.isfinite(b)))
    good_limited, good_promoted = _finite(limited), _finite(promoted)
    curve_rows = []
    for index, point in enumerate(points):
        at = [curve[index] for curve in curves]
        lim, pro = _finite([row[1] for row in at]), _finite([row[2] for row in at])
        curve_rows.append({"k": point, "limited_median": _median(lim),
                           "limited_max": max(lim) if lim else None,
                           "promoted_median": _median(pro)})
    limited_median, promoted_median = _median(good_limited), _median(good_promoted)
    return {
        "k": k,
        "trials": trials,
        "accumulator_bits": bits + 1,
        "promotions": -(-k // interval),
        "limited_median": limited_median,
        "limited_max": max(good_limited) if good_limited else None,
        "promoted_median": promoted_median,
        "promoted_max": max(good_promoted) if good_promoted else None,
        "improvement": (limited_median / promoted_median
                        if limited_median is not None and promoted_median else None),
        "condition_median": _median(_finite(conditions)),
        "undefined_trials": undefined,
        "limited_errors": [value if math.isfinite(value) else None for value in limited],
        "promoted_errors": [value if math.isfinite(value) else None for value in promoted],
        "curve": curve_rows,
    }


# --------------------------------------------------------------------------- presentation

def formula(values: dict, out: dict) -> list[str]:
    m = values["acc_mantissa_bits"]
    k, interval = values["k"], values["promotion_interval"]
    mode = r"\downarrow" if values["rounding"] == acc.TOWARD_ZERO else r"\mathrm{RNE}"
    lines = [
        rf"s_i = \operatorname{{round}}^{{{mode}}}_{{{m + 1}\ \text{{bits}}}}\!\left(s_{{i-1}} + a_i b_i\right),"
        rf"\quad i = 1, \dots, {latex_int(k)}",
        rf"S_{{\text{{promoted}}}} = \sum_{{c=1}}^{{\lceil K / N_C \rceil}} \operatorname{{fp32}}(s^{{(c)}}),"
        rf"\quad \lceil {latex_int(k)} / {latex_int(interval)} \rceil = {latex_int(out['promotions'])}",
    ]
    if out["limited_median"] is not None and out["promoted_median"] is not None:
        lines.append(rf"\tilde{{\varepsilon}}_{{\text{{limited}}}} = {latex_value(out['limited_median'])},"
                     rf"\quad \tilde{{\varepsilon}}_{{\text{{promoted}}}} = {latex_value(out['promoted_median'])}"
                     rf"\quad \left(\varepsilon = \frac{{|S - S_{{\text{{exact}}}}|}}{{|S_{{\text{{exact}}}}|}}\right)")
    return lines


def notes(values: dict, out: dict) -> list[Text]:
    found = [Text("誤差はこのサイトのモデルによるシミュレーションです。ハードウェアがどう桁を落とすかを報告は書いておらず、報告の数字を再現するものではありません。",
                  "The errors come from this site's model; the report does not say how the "
                  "hardware drops bits, so this does not reproduce the report's number.")]
    if out["undefined_trials"]:
        found.append(Text("{n} 回の試行は正確な和が 0 で相対誤差を定義できないため、中央値から除きました。",
                          "{n} trial(s) had an exact sum of 0 (relative error undefined) and are "
                          "left out of the medians.").format(n=out["undefined_trials"]))
    reference_k = values["reference_k"]
    if reference_k is not None and reference_k > values["k"]:
        found.append(Text("報告の値は K = {ref:,} のものです。図に表示するには K を {ref:,} 以上にしてください。",
                          "The report's figure is for K = {ref:,}; set K to at least {ref:,} to "
                          "see it on the chart.").format(ref=reference_k))
    if values["trials"] == 1:
        found.append(Text("試行が 1 回なので、中央値と最大は同じ値です。試行回数を増やすと最大値は大きくなります。",
                          "With one trial the median and the maximum coincide; more trials raise "
                          "the maximum."))
    return found


def error_chart(values: dict, out: dict) -> LineChart:
    rows = out["curve"]

    def series(key: str):
        return tuple((row["k"], 100 * row[key]) for row in rows
                     if row[key] is not None and row[key] > 0)

    lines = [Series(Text(f"累積 {out['accumulator_bits']} ビット（中央値）",
                         f"{out['accumulator_bits']}-bit accumulation (median)"), series("limited_median"),
                    emphasis=True)]
    if values["trials"] > 1:
        lines.append(Series(Text(f"累積 {out['accumulator_bits']} ビット（{values['trials']} 回中の最大）",
                                 f"{out['accumulator_bits']}-bit accumulation (max of {values['trials']})"),
                            series("limited_max")))
    lines.append(Series(Text(f"N_C = {values['promotion_interval']:,} ごとに FP32 へ昇格（中央値）",
                             f"promoted to FP32 every N_C = {values['promotion_interval']:,} (median)"),
                        series("promoted_median")))
    points = ()
    reference_k, reference_error = values["reference_k"], values["reference_error"]
    if reference_k is not None and reference_error:
        points = (Point(reference_k, 100 * reference_error,
                        Text(f"報告: K = {reference_k:,} で最大 約 {100 * reference_error:g}%",
                             f"report: max ≈ {100 * reference_error:g}% at K = {reference_k:,}"), 1),)
    ticks = tuple((row["k"], f"{row['k']:,}") for row in rows)
    return LineChart(
        title=Text(f"FP8 内積の相対誤差と長さ K（{DISTRIBUTION_LABELS[values['distribution']].ja}、"
                   f"試行 {values['trials']} 回）",
                   f"Relative error of an FP8 dot product vs its length K "
                   f"({DISTRIBUTION_LABELS[values['distribution']].en}, {values['trials']} trial(s))"),
        x_label=Text("内積の長さ K（対数）", "dot-product length K (log)"),
        y_label=Text("相対誤差（%、対数）", "relative error (%, log)"),
        series=tuple(lines), x_log=True, y_log=True,
        x_ticks=ticks if len(ticks) > 1 else (),
        markers=(Marker(values["k"], f"K = {values['k']:,}"),),
        points=points, x_format="count", y_format="number",
        description=Text("横軸の各点は、同じ乱数ベクトルの先頭 k 個で計算した内積です。",
                         "Each point is the dot product of the first k terms of the same random "
                         "vectors."))


# --------------------------------------------------------------------------- declaration

FP8_ACCUMULATION = Calculator(
    id="fp8-accumulation",
    title=Text("FP8 行列積の累積精度と FP32 への昇格", "FP8 GEMM accumulation precision and promotion to FP32"),
    summary=Text("長さ K の FP8 内積を限られたビット数で累積したときの誤差を、N_C 個ごとに FP32 へ移す方式と比べます（乱数による模擬実験）。",
                 "Simulates the error of a length-K FP8 dot product accumulated in a few bits, "
                 "against moving the partial sum to FP32 every N_C products."),
    inputs=(
        Field("k", "int", Text("内積の長さ K", "Dot-product length K"), default=4096, minimum=1,
              maximum=acc.MAX_K, unit=Text("項", "terms")),
        Field("promotion_interval", "int", Text("昇格の間隔 N_C", "Promotion interval N_C"),
              default=128, minimum=1, maximum=acc.MAX_K, unit=Text("項", "terms")),
        Field("acc_mantissa_bits", "int", Text("累積器の仮数ビット数", "Accumulator mantissa bits"),
              default=14, minimum=1, maximum=30,
              help=Text("有効ビット数はこれに 1 を足した値です。FP32 は 23。",
                        "Significant bits are this plus one; FP32 has 23.")),
        Field("rounding", "choice", Text("累積器の丸め方", "Accumulator rounding"),
              default=acc.TOWARD_ZERO,
              choices=(Choice(acc.TOWARD_ZERO, Text("切り捨て（0 方向）", "truncation (toward zero)")),
                       Choice(acc.NEAREST_EVEN, Text("最近接偶数丸め", "round to nearest even")))),
        Field("trials", "int", Text("試行回数", "Trials"), default=1, minimum=1, maximum=MAX_TRIALS,
              help=Text("K × 試行回数は 16,384 まで。", "K × trials at most 16,384.")),
        Field("seed", "int", Text("乱数シード", "Random seed"), default=0, minimum=0,
              maximum=2**31 - 1, advanced=True),
        Field("distribution", "choice", Text("入力の分布", "Input distribution"), default="normal",
              choices=tuple(Choice(name, DISTRIBUTION_LABELS[name]) for name in DISTRIBUTIONS),
              advanced=True),
        Field("group_size", "int", Text("丸め前に正確に足す項数", "Products added exactly before each rounding"),
              default=1, minimum=1, maximum=128, advanced=True),
        Field("reference_k", "int", Text("参照点の K（報告の値）", "Reference point K (the report's)"),
              optional=True, minimum=1, maximum=1_000_000, advanced=True),
        Field("reference_error", "float", Text("参照点の相対誤差（報告の値）",
                                               "Reference relative error (the report's)"),
              optional=True, minimum=0, maximum=1, advanced=True,
              help=Text("0.02 = 2%。ページでは技術報告の値を入れています。",
                        "0.02 = 2%. The page fills in the technical report's figure.")),
    ),
    outputs=(
        Output("limited_median", Text("限られた精度で累積: 相対誤差（中央値）",
                                      "Limited-precision accumulation: relative error (median)"), "percent"),
        Output("limited_max", Text("限られた精度で累積: 相対誤差（最大）",
                                   "Limited-precision accumulation: relative error (max)"), "percent"),
        Output("promoted_median", Text("FP32 へ昇格: 相対誤差（中央値）",
                                       "Promoted to FP32: relative error (median)"), "percent"),
        Output("promoted_max", Text("FP32 へ昇格: 相対誤差（最大）",
                                    "Promoted to FP32: relative error (max)"), "percent"),
        Output("improvement", Text("昇格による誤差の縮小（中央値の比）", "Error reduction by promotion (ratio of medians)"),
               "ratio"),
        Output("promotions", Text("昇格の回数 ⌈K/N_C⌉", "Promotions ⌈K / N_C⌉"), "count"),
        Output("accumulator_bits", Text("累積器の有効ビット数", "Accumulator significant bits"), "count"),
        Output("condition_median", Text("打ち消し合いの度合い Σ|aᵢbᵢ|/|Σaᵢbᵢ|（中央値）",
                                         "Cancellation Σ|aᵢbᵢ| / |Σaᵢbᵢ| (median)"), "number"),
        Output("undefined_trials", Text("相対誤差を定義できない試行", "Trials with an undefined relative error"),
               "count"),
        Output("k", Text("K", "K"), "data"),
        Output("trials", Text("試行回数", "Trials"), "data"),
        Output("limited_errors", Text("試行ごとの誤差（限られた精度）", "Error per trial (limited)"), "data"),
        Output("promoted_errors", Text("試行ごとの誤差（昇格）", "Error per trial (promoted)"), "data"),
        Output("curve", Text("K に対する誤差", "Error against K"), "data"),
    ),
    compute=compute,
    formula=formula,
    notes=notes,
    charts=(ChartSlot("curve", Text("K と相対誤差の図", "Chart: relative error vs K"), error_chart),),
    symbols=(
        ("K", Text("内積の長さ（行列積の内側の次元）", "dot-product length (the GEMM's inner dimension)")),
        ("N_C", Text("FP32 へ昇格する間隔", "promotion interval to FP32")),
        ("a_i b_i", Text("E4M3 に丸めた入力どうしの積（正確）", "product of the E4M3 inputs (exact)")),
        ("s_i", Text("累積器の部分和", "accumulator's partial sum")),
        ("\\varepsilon", Text("相対誤差", "relative error")),
    ),
)
