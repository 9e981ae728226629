"""Multi-token prediction (MTP) reused for speculative decoding: tokens per decoding step and the
speed-up after the extra work.

With ``D`` MTP modules the model drafts ``D`` tokens beyond the next one; the main model checks
them in its next step. If each draft is accepted with probability ``p`` given that the drafts
before it were accepted, a step yields on average

    ``E = 1 + p + p^2 + … + p^D = (1 - p^{D+1}) / (1 - p)`` tokens  (``1 + p`` for ``D = 1``),

and the speed-up in tokens per second is ``E / (1 + c)``, where ``c`` is how much longer a
drafting-and-verifying step takes than a plain one (the MTP modules' compute plus verifying
``D + 1`` positions instead of one). MTP pays while ``c < E - 1``.

DeepSeek-V3 (technical report, Sec. 5.4.3) predicts one extra token (``D = 1``), reports an
acceptance rate of 85–90% for it and about 1.8 times the tokens per second. ``1 + p`` is then
1.85–1.90 tokens per step, so the reported 1.8× implies a step about 3–6% dearer than a plain one
(``observed_speedup`` gives that overhead: ``E / s - 1``).

Left out: acceptance that falls with depth (only the second token's rate is published), batch
effects (verifying extra positions is nearly free when decoding is memory-bound, not when it is
compute-bound), and the sampling rule used to accept drafts.
"""

from __future__ import annotations

from ..charts import LineChart, Marker, Series
from ..framework.schema import Calculator, ChartSlot, Field, Output
from ..framework.text import Text
from ..framework.units import latex_number, significant

MAX_DEPTH = 8
#: Acceptance rates drawn on the chart.
CHART_RATES = tuple(round(0.05 * step, 2) for step in range(0, 20)) + (0.99,)


def expected_tokens_per_step(acceptance_rate: float, depth: int) -> float:
    """``1 + p + … + p^D``: tokens a step yields when each draft is accepted with ``p`` given
    its predecessors were."""
    return sum(acceptance_rate ** power for power in range(depth + 1))


def speedup(tokens_per_step: float, step_overhead: float) -> float:
    """Tokens per second relative to plain decoding."""
    return tokens_per_step / (1 + step_overhead)


def compute(values: dict) -> dict:
    p, depth, overhead = values["acceptance_rate"], values["depth"], values["step_overhead"]
    tokens = expected_tokens_per_step(p, depth)
    observed = values["observed_speedup"]
    implied = None
    if observed is not None:
        implied = tokens / observed - 1
    return {
        "tokens_per_step": tokens,
        "speedup": speedup(tokens, overhead),
        "break_even_overhead": tokens - 1,
        "implied_step_overhead": implied,
        "accepted_drafts_per_step": tokens - 1,
    }


def formula(values: dict, out: dict) -> list[str]:
    p, depth = latex_number(values["acceptance_rate"]), values["depth"]
    terms = " + ".join(["1"] + [f"{p}^{{{power}}}" if power > 1 else p
                                for power in range(1, depth + 1)])
    lines = [rf"E = \sum_{{k=0}}^{{D}} p^k = {terms} = {latex_number(out['tokens_per_step'])}",
             rf"s = \frac{{E}}{{1 + c}} = \frac{{{latex_number(out['tokens_per_step'])}}}"
             rf"{{1 + {latex_number(values['step_overhead'])}}} = {latex_number(out['speedup'])}",
             rf"c_{{\max}} = E - 1 = {latex_number(out['break_even_overhead'])}"]
    if out["implied_step_overhead"] is not None:
        lines.append(rf"c = \frac{{E}}{{s_{{\text{{obs}}}}}} - 1 = \frac{{{latex_number(out['tokens_per_step'])}}}"
                     rf"{{{latex_number(values['observed_speedup'])}}} - 1"
                     rf" = {latex_number(out['implied_step_overhead'])}")
    return lines


def speedup_chart(values: dict, out: dict) -> LineChart:
    overhead = values["step_overhead"]
    depths = sorted({1, 2, 4, values["depth"]})
    series = tuple(Series(Text(f"D = {depth}（MTP モジュール {depth} 個）",
                               f"D = {depth} ({depth} MTP module{'s' if depth > 1 else ''})"),
                          tuple((rate, speedup(expected_tokens_per_step(rate, depth), overhead))
                                for rate in CHART_RATES),
                          emphasis=depth == values["depth"])
                   for depth in depths)
    rate = values["acceptance_rate"]
    return LineChart(
        title=Text(f"受理率と速度向上（1 ステップの追加コスト c = {significant(overhead * 100, 3)}%）",
                   f"Acceptance rate and speed-up (extra step cost c = {significant(overhead * 100, 3)}%)"),
        x_label=Text("受理率 p", "acceptance rate p"),
        y_label=Text("通常のデコードに対する速度（倍）", "speed relative to plain decoding (×)"),
        series=series, markers=(Marker(rate, f"p = {significant(rate * 100, 3)}%"),),
        x_format="percent", y_format="ratio",
        description=Text(f"選んだ条件では {significant(out['speedup'], 3)} 倍。",
                         f"{significant(out['speedup'], 3)}× for the inputs chosen."))


def notes(values: dict, out: dict) -> list[Text]:
    found = []
    if values["depth"] > 1:
        found.append(Text("深さ 2 以上の受理率は公表されていません。ここではどの深さでも同じ p を仮定しています"
                          "（実際には深いほど下がるのが普通です）。",
                          "No acceptance rate beyond the second token is published; every depth "
                          "uses the same p here (in practice it usually falls with depth)."))
    if out["speedup"] < 1:
        found.append(Text("追加コストが受理されるトークンの利得を上回り、通常のデコードより遅くなります。",
                          "The extra cost outweighs the accepted tokens: slower than plain "
                          "decoding."))
    if out["implied_step_overhead"] is not None and out["implied_step_overhead"] < 0:
        found.append(Text("観測した速度向上が 1 ステップあたりの期待トークン数を上回っています。受理率か観測値を"
                          "見直してください。",
                          "The observed speed-up exceeds the expected tokens per step; check the "
                          "acceptance rate or the observation."))
    return found


MTP_SPEEDUP = Calculator(
    id="mtp-speedup",
    title=Text("MTP による投機的デコーディングの速度向上", "Speed-up from MTP speculative decoding"),
    summary=Text("MTP モジュールが先読みしたトークンの受理率から、1 ステップで得られるトークン数と、"
                 "追加の計算を差し引いた速度向上を計算します。",
                 "Tokens per decoding step from the acceptance rate of MTP's drafted tokens, and "
                 "the speed-up after the extra work."),
    inputs=(
        Field("acceptance_rate", "float", Text("受理率 p", "Acceptance rate p"), default=0.85,
              minimum=0.0, maximum=1.0,
              help=Text("先読みしたトークンが本体モデルの検証で採用される確率（0〜1）。",
                        "Probability that a drafted token passes the main model's check (0 to 1).")),
        Field("depth", "int", Text("先読みの深さ D（MTP モジュール数）", "Draft depth D (MTP modules)"),
              default=1, minimum=1, maximum=MAX_DEPTH),
        Field("step_overhead", "float", Text("1 ステップの追加コスト c", "Extra cost per step c"),
              default=0.0, minimum=0.0, maximum=10.0,
              help=Text("先読みと検証をするステップが通常のステップより何割長いか（0.05 は 5%）。",
                        "How much longer a drafting-and-verifying step takes than a plain one "
                        "(0.05 is 5%).")),
        Field("observed_speedup", "float", Text("観測した速度向上（任意）", "Observed speed-up (optional)"),
              optional=True, minimum=0.01, maximum=100.0, unit=Text("倍", "×"),
              help=Text("入力すると、そこから 1 ステップの追加コストを逆算します。",
                        "When given, the extra cost per step it implies is worked out.")),
    ),
    outputs=(
        Output("tokens_per_step", Text("1 ステップの期待トークン数 E", "Expected tokens per step E"),
               "number"),
        Output("speedup", Text("速度向上（毎秒トークン数）", "Speed-up (tokens per second)"), "ratio"),
        Output("break_even_overhead", Text("採算が合う追加コストの上限", "Largest extra cost that still pays"),
               "percent"),
        Output("implied_step_overhead", Text("観測値から逆算した追加コスト", "Extra cost implied by the observation"),
               "percent"),
        Output("accepted_drafts_per_step", Text("1 ステップで受理される先読みトークン", "Accepted drafts per step"),
               "data"),
    ),
    compute=compute,
    formula=formula,
    charts=(ChartSlot("speedup", Text("受理率と速度向上のグラフ", "Chart: acceptance rate and speed-up"),
                      speedup_chart),),
    notes=notes,
    symbols=(
        ("p", Text("先読みトークンの受理率", "acceptance rate of a drafted token")),
        ("D", Text("先読みの深さ（MTP モジュール数）", "draft depth (MTP modules)")),
        ("E", Text("1 ステップの期待トークン数", "expected tokens per step")),
        ("c", Text("1 ステップの追加コスト（割合）", "extra cost of a step (fraction)")),
        ("s", Text("速度向上", "speed-up")),
    ),
)
