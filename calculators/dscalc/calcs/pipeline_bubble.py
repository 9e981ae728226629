"""Pipeline bubbles of 1F1B, ZB1P and DualPipe: the DeepSeek-V3 report's Table 2, and the three
schedules simulated for the chosen number of stages.

Inputs are chunk times in any one unit: ``f`` (a forward chunk), ``b`` (a full backward chunk),
``w`` (its "backward for weights" part) and ``fb`` (a forward and a backward chunk run as one
mutually overlapped pair; empty means ``f + b``, no gain from the overlap).

- Bubbles per device, exactly as Table 2 states them:
  1F1B ``(PP - 1)(F + B)``, ZB1P ``(PP - 1)(F + B - 2W)``, DualPipe ``(PP/2 - 1)(F&B + B - 3W)``.
- Parameters per device (in stages' worth) ``1×, 1×, 2×`` and activations per device (in
  micro-batches' worth of one stage) ``PP, PP, PP + 1``.
- The schedules themselves, from ``dscalc.parallelism.schedules``: each device's order of chunks (DualPipe's
  transcribed from DeepSeek's code) timed with the same chunk times, for ``micro_batches``
  micro-batches. The simulated idle time of the most idle device is reported next to each
  formula. They agree exactly for 1F1B; for ZB1P when ``W ≤ F`` and ``W ≤ B − W``; for DualPipe
  when ``W = F`` and ``B = 2F`` (the proportions of the report's Figure 5). Elsewhere the formula
  is the report's summary and the simulation is what the published order does with the times.

Communication is not modelled (taken as hidden), so the simulation shows bubbles only; DualPipe's
main purpose, hiding the all-to-all of expert parallelism behind computation, is outside it.
"""

from __future__ import annotations

from ..parallelism import schedules
from ..charts import BarChart, BarSeries, GanttChart, Span
from ..framework.errors import ValidationError
from ..framework.schema import Calculator, ChartSlot, Field, Output
from ..framework.text import Text
from ..framework.units import latex_number, significant

MAX_PP = 16
MAX_MICRO_BATCHES = 32
MAX_TIME = 1_000_000.0
SCHEDULES = ("1f1b", "zb1p", "dualpipe")
NAMES = {"1f1b": "1F1B", "zb1p": "ZB1P", "dualpipe": "DualPipe"}
#: Relative tolerance when comparing a simulated bubble with the formula.
TOLERANCE = 1e-9


def _error(field: str, ja: str, en: str) -> ValidationError:
    return ValidationError(field, ja, en)


def check(values: dict) -> float:
    """Validate the combinations the declaration cannot express; return ``F&B``."""
    pp, micro_batches = values["pp"], values["micro_batches"]
    if pp % 2:
        raise _error("pp", "DualPipe は段数が偶数である必要があります。偶数を入力してください。",
                     "DualPipe needs an even number of stages; enter an even number.")
    if micro_batches % 2 or micro_batches < 2 * pp:
        raise _error("micro_batches",
                     f"マイクロバッチ数は偶数で、段数の 2 倍（{2 * pp}）以上にしてください"
                     "（DualPipe のコードの条件）。",
                     f"Micro-batches must be even and at least twice the stages ({2 * pp}); "
                     "DualPipe's code requires it.")
    f, b, w = values["f"], values["b"], values["w"]
    if w > b:
        raise _error("w", "W（重みの勾配）は B（逆伝播全体）の一部なので、B 以下にしてください。",
                     "W (backward for weights) is part of B (the full backward); it cannot "
                     "exceed B.")
    fb = values["fb"] if values["fb"] is not None else f + b
    if fb < max(f, b):
        raise _error("fb", "重ねた 1 組（F&B）は、F と B の長いほうより短くなりません。",
                     "An overlapped pair (F&B) cannot take less time than the longer of F and B.")
    return fb


def compute(values: dict) -> dict:
    fb = check(values)
    pp, micro_batches = values["pp"], values["micro_batches"]
    f, b, w = values["f"], values["b"], values["w"]
    times = schedules.durations(f, b, w, fb)
    programs = {"1f1b": schedules.program_1f1b, "zb1p": schedules.program_zb1p,
                "dualpipe": schedules.program_dualpipe}
    formulas = {"1f1b": schedules.bubble_1f1b(pp, f, b),
                "zb1p": schedules.bubble_zb1p(pp, f, b, w),
                "dualpipe": schedules.bubble_dualpipe(pp, fb, b, w)}
    memory = schedules.memory_multiples(pp)
    out: dict = {"fb_used": fb, "spans": []}
    for lane_offset, name in enumerate(SCHEDULES):
        slots = schedules.simulate(programs[name](pp, micro_batches), times)
        idle = schedules.idle_times(slots)
        out[f"bubble_{name}"] = formulas[name]
        out[f"simulated_bubble_{name}"] = max(idle)
        out[f"makespan_{name}"] = schedules.makespan(slots)
        out[f"params_{name}"] = memory[name][0]
        out[f"activations_{name}"] = memory[name][1]
        for row in slots:
            for slot in row:
                out["spans"].append([lane_offset * pp + slot.device, slot.start, slot.end,
                                     slot.kind, schedules.label(slot.op)])
    for key in [key for key in out if key.startswith(("bubble_", "simulated_bubble_", "makespan_"))]:
        out[key] = _tidy(out[key])
    out["dualpipe_vs_1f1b"] = out["bubble_dualpipe"] / out["bubble_1f1b"]
    for name in SCHEDULES:
        out[f"{name}_formula_matches"] = _close(out[f"bubble_{name}"],
                                                out[f"simulated_bubble_{name}"])
    return out


def _tidy(value: float) -> float | int:
    """A whole number as an ``int`` (shown as ``21``, not ``21.00``); anything else unchanged."""
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


# --------------------------------------------------------------------------- presentation

def _n(value: float) -> str:
    return latex_number(value)


def formula(values: dict, out: dict) -> list[str]:
    pp, f, b, w, fb = values["pp"], values["f"], values["b"], values["w"], out["fb_used"]
    return [
        rf"\text{{1F1B}}: (PP-1)(F+B) = ({pp}-1)({_n(f)}+{_n(b)}) = {_n(out['bubble_1f1b'])}",
        rf"\text{{ZB1P}}: (PP-1)(F+B-2W) = ({pp}-1)({_n(f)}+{_n(b)}-2\times{_n(w)})"
        rf" = {_n(out['bubble_zb1p'])}",
        rf"\text{{DualPipe}}: (PP/2-1)(F\&B+B-3W) = ({pp}/2-1)({_n(fb)}+{_n(b)}-3\times{_n(w)})"
        rf" = {_n(out['bubble_dualpipe'])}",
        rf"\text{{memory per device}}: \text{{params }} 1\times, 1\times, 2\times;\ "
        rf"\text{{activations }} PP, PP, PP+1 = {pp}, {pp}, {pp + 1}",
    ]


KIND_LABELS = (
    ("F", Text("順伝播（F）", "forward (F)")),
    ("B", Text("逆伝播全体（B）", "full backward (B)")),
    ("Bi", Text("入力の勾配だけの逆伝播（B − W）", "backward for input (B − W)")),
    ("W", Text("重みの勾配（W）", "backward for weights (W)")),
    ("FB", Text("重ねた順伝播と逆伝播の 1 組（F&B）", "overlapped forward & backward (F&B)")),
)


def schedule_chart(values: dict, out: dict) -> GanttChart:
    pp = values["pp"]
    lanes = tuple(Text(f"{NAMES[name]} · GPU {device}", f"{NAMES[name]} · GPU {device}")
                  for name in SCHEDULES for device in range(pp))
    spans = tuple(Span(int(lane), float(start), float(end), kind, label)
                  for lane, start, end, kind, label in out["spans"])
    lengths = ", ".join(f"{NAMES[name]} {significant(out[f'makespan_{name}'], 4)}"
                        for name in SCHEDULES)
    return GanttChart(
        title=Text(f"3 つのスケジュール（{pp} 段、マイクロバッチ {values['micro_batches']}）",
                   f"The three schedules ({pp} stages, {values['micro_batches']} micro-batches)"),
        lanes=lanes, spans=spans, kinds=KIND_LABELS,
        x_label=Text("時間（F・B・W と同じ単位）", "time (same unit as F, B, W)"),
        description=Text(f"1 ステップの長さ: {lengths}。→ は先頭の GPU から、← は末尾の GPU から入る"
                         "マイクロバッチ（DualPipe の逆方向）。空白が待ち時間（バブル）です。",
                         f"Length of one step: {lengths}. → marks micro-batches entering at the "
                         "first GPU, ← those entering at the last (DualPipe's reverse direction). "
                         "Gaps are idle time (bubbles)."))


def bubble_chart(values: dict, out: dict) -> BarChart:
    return BarChart(
        title=Text("バブル: 報告の式とシミュレーション", "Bubble: the report's formula and the simulation"),
        value_label=Text("待ち時間（最も待つ GPU）", "idle time (most idle GPU)"),
        categories=tuple(NAMES[name] for name in SCHEDULES),
        series=(BarSeries(Text("報告の表 2 の式", "Table 2 formula"),
                          tuple(out[f"bubble_{name}"] for name in SCHEDULES)),
                BarSeries(Text("シミュレーション", "simulation"),
                          tuple(out[f"simulated_bubble_{name}"] for name in SCHEDULES))),
        horizontal=True)


def notes(values: dict, out: dict) -> list[Text]:
    found = []
    if not out["zb1p_formula_matches"]:
        found.append(Text(
            "ZB1P の式とシミュレーションが一致しません。式は W が F 以下で、かつ B − W 以下のとき"
            "（重みの勾配の計算が待ち時間に収まるとき）に一致します。",
            "ZB1P's formula and the simulation differ. The formula holds when W is no longer than "
            "F and no longer than B − W (when the weight passes fit into the waits)."))
    if not out["dualpipe_formula_matches"]:
        found.append(Text(
            "DualPipe の式とシミュレーションが一致しません。報告の式は W = F、B = 2F（図 5 の比率）のときに"
            "シミュレーションと一致し、それ以外の比率では目安にとどまります。",
            "DualPipe's formula and the simulation differ. The report's formula matches the "
            "simulation when W = F and B = 2F (the proportions of Figure 5); for other "
            "proportions it is an approximation."))
    if out["bubble_dualpipe"] < 0 or out["bubble_zb1p"] < 0:
        found.append(Text("式の値が負です。この比率では式は成り立ちません（待ち時間は負になりません）。",
                          "A formula gives a negative value: it does not hold for these "
                          "proportions (idle time cannot be negative)."))
    found.append(Text("通信時間は含みません。DualPipe の主な狙いは、エキスパート並列の全対全通信を計算の"
                      "裏に隠すことで、バブルの比較には表れません。",
                      "Communication time is not included. DualPipe's main purpose, hiding expert "
                      "parallelism's all-to-all communication behind computation, does not show in "
                      "a bubble comparison."))
    return found


# --------------------------------------------------------------------------- declaration

def _time(name: str, ja: str, en: str, default: float | None, optional: bool = False,
          help_text: Text | None = None) -> Field:
    return Field(name, "float", Text(ja, en), default=default, optional=optional,
                 minimum=0.0 if name == "w" else 0.001, maximum=MAX_TIME, help=help_text)


def _bubble(name: str) -> Output:
    return Output(f"bubble_{name}", Text(f"{NAMES[name]} のバブル（表 2 の式）",
                                         f"{NAMES[name]} bubble (Table 2 formula)"), "number")


def _simulated(name: str) -> Output:
    return Output(f"simulated_bubble_{name}",
                  Text(f"{NAMES[name]} のバブル（シミュレーション、最も待つ GPU）",
                       f"{NAMES[name]} bubble (simulated, most idle GPU)"), "number")


PIPELINE_BUBBLE = Calculator(
    id="pipeline-bubble",
    title=Text("パイプラインバブル: 1F1B・ZB1P・DualPipe", "Pipeline bubbles: 1F1B, ZB1P, DualPipe"),
    summary=Text("DeepSeek-V3 の技術報告の表 2 の式でバブルとメモリを計算し、3 つのスケジュールを同じ時間軸で"
                 "シミュレーションして描きます。",
                 "Bubbles and memory from Table 2 of the DeepSeek-V3 report, and the three "
                 "schedules simulated and drawn on one time axis."),
    inputs=(
        Field("pp", "int", Text("パイプラインの段数 PP", "Pipeline stages PP"), default=4,
              minimum=2, maximum=MAX_PP, help=Text("偶数（DualPipe の条件）。図は 16 段まで描きます。",
                                                   "Even (DualPipe needs it); drawn up to 16.")),
        Field("micro_batches", "int", Text("マイクロバッチ数", "Micro-batches"), default=8,
              minimum=4, maximum=MAX_MICRO_BATCHES,
              help=Text("1 ステップで流すマイクロバッチの合計。DualPipe では半分ずつ両端から入ります。",
                        "Micro-batches per step in total; DualPipe feeds half from each end.")),
        _time("f", "順伝播チャンクの時間 F", "Forward chunk time F", 1.0),
        _time("b", "逆伝播チャンク全体の時間 B", "Full backward chunk time B", 2.0),
        _time("w", "重みの勾配の時間 W", "Backward-for-weights time W", 1.0,
              help_text=Text("B のうち重みの勾配を求める部分。入力の勾配の部分は B − W です。",
                             "The part of B that computes weight gradients; the input-gradient "
                             "part is B − W.")),
        _time("fb", "重ねた順逆 1 組の時間 F&B", "Overlapped pair time F&B", None, optional=True,
              help_text=Text("空欄なら F + B（重ねても計算は速くならず、通信だけが隠れる場合）。",
                             "Empty means F + B (overlap hides communication but does not speed "
                             "up computation).")),
    ),
    outputs=(
        _bubble("1f1b"), _bubble("zb1p"), _bubble("dualpipe"),
        Output("dualpipe_vs_1f1b", Text("DualPipe のバブル ÷ 1F1B のバブル",
                                        "DualPipe bubble ÷ 1F1B bubble"), "percent"),
        _simulated("1f1b"), _simulated("zb1p"), _simulated("dualpipe"),
        Output("makespan_1f1b", Text("1 ステップの長さ（1F1B）", "Step length (1F1B)"), "number"),
        Output("makespan_zb1p", Text("1 ステップの長さ（ZB1P）", "Step length (ZB1P)"), "number"),
        Output("makespan_dualpipe", Text("1 ステップの長さ（DualPipe）", "Step length (DualPipe)"),
               "number"),
        Output("params_1f1b", Text("1 GPU のパラメータ（1F1B、段の倍数）",
                                   "Parameters per GPU (1F1B, in stages)"), "ratio"),
        Output("params_zb1p", Text("1 GPU のパラメータ（ZB1P、段の倍数）",
                                   "Parameters per GPU (ZB1P, in stages)"), "ratio"),
        Output("params_dualpipe", Text("1 GPU のパラメータ（DualPipe、段の倍数）",
                                       "Parameters per GPU (DualPipe, in stages)"), "ratio"),
        Output("activations_1f1b", Text("1 GPU の活性化（1F1B、マイクロバッチ分）",
                                        "Activations per GPU (1F1B, micro-batches)"), "count"),
        Output("activations_zb1p", Text("1 GPU の活性化（ZB1P、マイクロバッチ分）",
                                        "Activations per GPU (ZB1P, micro-batches)"), "count"),
        Output("activations_dualpipe", Text("1 GPU の活性化（DualPipe、マイクロバッチ分）",
                                            "Activations per GPU (DualPipe, micro-batches)"),
               "count"),
        Output("zb1p_formula_matches", Text("ZB1P の式とシミュレーションが一致",
                                            "ZB1P formula equals the simulation"), "bool"),
        Output("dualpipe_formula_matches", Text("DualPipe の式とシミュレーションが一致",
                                                "DualPipe formula equals the simulation"), "bool"),
        Output("1f1b_formula_matches", Text("1F1B の式とシミュレーションが一致",
                                            "1F1B formula equals the simulation"), "data"),
        Output("fb_used", Text("使った F&B", "F&B used"), "data"),
        Output("spans", Text("スケジュールの各区間", "Schedule spans"), "data"),
    ),
    compute=compute,
    formula=formula,
    charts=(ChartSlot("schedules", Text("3 つのスケジュールのガントチャート",
                                        "Gantt chart of the three schedules"), schedule_chart),
            ChartSlot("bubbles", Text("バブルの比較", "Bubbles compared"), bubble_chart)),
    notes=notes,
    symbols=(
        ("PP", Text("パイプラインの段数", "pipeline stages")),
        ("F", Text("順伝播チャンクの時間", "forward chunk time")),
        ("B", Text("逆伝播チャンク全体の時間", "full backward chunk time")),
        ("W", Text("重みの勾配を求める部分の時間", "backward-for-weights time")),
        ("F\\&B", Text("重ねた順伝播と逆伝播 1 組の時間", "time of an overlapped forward-backward pair")),
    ),
)
