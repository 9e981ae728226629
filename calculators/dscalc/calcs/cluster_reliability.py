"""Clusters that fail: interruptions per day, and how often to checkpoint (Young, Daly).

A synchronous training job stops when any one of its GPUs (or the host, network or software
around it) fails. With ``n`` GPUs whose share of the system fails on average once every
``M_gpu`` hours, and failures independent, the job fails once every ``M = M_gpu / n`` hours:
``24 / M`` interruptions per day. ``M_gpu`` can be typed, or worked out from an observation:
``k`` interruptions in ``T`` days on ``n_obs`` GPUs give ``M_gpu = n_obs × 24 T / k`` (``n_obs`` is
``n`` unless given, so one cluster's failure rate can be carried to another size).

Checkpointing every ``τ`` seconds, with a checkpoint taking ``δ`` seconds to write and a restart
taking ``R`` seconds, with exponentially distributed failures:

- Young (1974), first order: ``τ = √(2 δ M)``.
- Daly (2006, eq. 37), higher order: ``τ = √(2 δ M) [1 + ⅓ √(δ / 2M) + ⅑ (δ / 2M)] − δ`` for
  ``δ < 2M``, else ``τ = M`` (as also implemented in LLNL's SCR library,
  ``scripts/python/scr_ckpt_interval.py``).
- Useful fraction of wall-clock time (Daly 2006's model of the expected run time):
  ``τ / (M e^{R/M} (e^{(τ+δ)/M} − 1))``; about ``1 − δ/τ − (τ/2 + R)/M`` when all are small.

Worked example (Llama 3 paper, Sec. 3.3.4): 419 unexpected interruptions in 54 days; on 16,384
GPUs that is one every 3.09 hours, i.e. each GPU's share of the system failing once in about
50,700 hours. The paper does not say that all 16,384 GPUs ran throughout the 54 days.

Left out: failures that are not independent (a switch takes down many GPUs), time to detect a
hang, checkpoint writes that overlap training (asynchronous checkpointing shrinks the effective
``δ``), and planned maintenance.
"""

from __future__ import annotations

import math

from ..charts import LineChart, Marker, Series
from ..framework.errors import ValidationError
from ..framework.schema import Calculator, ChartSlot, Field, Output
from ..framework.text import Text
from ..framework.units import format_duration, latex_int, latex_number, significant

SECONDS_PER_HOUR = 3600.0
HOURS_PER_DAY = 24.0
CHART_POINTS = 41


def system_mtbf_hours(gpu_mtbf_hours: float, gpus: int) -> float:
    """Mean time between job interruptions of ``gpus`` GPUs failing independently."""
    return gpu_mtbf_hours / gpus


def gpu_mtbf_from_observation(gpus: int, interruptions: int, days: float) -> float:
    """``n × 24 T / k``: per-GPU MTBF, in hours, that ``k`` interruptions in ``T`` days imply."""
    return gpus * days * HOURS_PER_DAY / interruptions


def young_interval(checkpoint_s: float, mtbf_s: float) -> float:
    """Young (1974): ``√(2 δ M)`` seconds."""
    return math.sqrt(2 * checkpoint_s * mtbf_s)


def daly_interval(checkpoint_s: float, mtbf_s: float) -> float:
    """Daly (2006), eq. 37: the higher-order optimum, in seconds."""
    if checkpoint_s >= 2 * mtbf_s:
        return mtbf_s
    ratio = checkpoint_s / (2 * mtbf_s)
    return (math.sqrt(2 * checkpoint_s * mtbf_s) * (1 + math.sqrt(ratio) / 3 + ratio / 9)
            - checkpoint_s)


def _log_expm1(x: float) -> float:
    """``log(e^x − 1)`` without overflow for large ``x``."""
    if x > 30:
        return x + math.log1p(-math.exp(-x))
    return math.log(math.expm1(x))


def useful_fraction(interval_s: float, checkpoint_s: float, restart_s: float,
                    mtbf_s: float) -> float:
    """Solve time over expected wall-clock time, Daly (2006):
    ``τ / (M e^{R/M} (e^{(τ+δ)/M} − 1))`` (between 0 and 1)."""
    log_value = (math.log(interval_s) - math.log(mtbf_s) - restart_s / mtbf_s
                 - _log_expm1((interval_s + checkpoint_s) / mtbf_s))
    return min(1.0, math.exp(log_value)) if log_value > -700 else 0.0


def _mtbf(values: dict) -> tuple[float, str]:
    interruptions, days = values["observed_interruptions"], values["observed_days"]
    if interruptions is not None or days is not None:
        if interruptions is None:
            raise ValidationError("observed_interruptions", "観測した中断回数も入力してください。",
                                  "Enter the number of interruptions observed as well.")
        if days is None:
            raise ValidationError("observed_days", "観測した日数も入力してください。",
                                  "Enter the number of days observed as well.")
        observed_gpus = values["observed_gpus"] or values["gpus"]
        return gpu_mtbf_from_observation(observed_gpus, interruptions, days), "observed"
    return float(values["gpu_mtbf_hours"]), "typed"


def compute(values: dict) -> dict:
    gpu_mtbf, source = _mtbf(values)
    gpus = values["gpus"]
    system_hours = system_mtbf_hours(gpu_mtbf, gpus)
    mtbf_s = system_hours * SECONDS_PER_HOUR
    checkpoint_s, restart_s = values["checkpoint_write_s"], values["restart_s"]
    young = young_interval(checkpoint_s, mtbf_s)
    daly = daly_interval(checkpoint_s, mtbf_s)
    useful = useful_fraction(daly, checkpoint_s, restart_s, mtbf_s)
    return {
        "mtbf_from": source,
        "gpu_mtbf_hours_used": gpu_mtbf,
        "system_mtbf_hours": system_hours,
        "interruptions_per_day": HOURS_PER_DAY / system_hours,
        "checkpoint_interval_young_s": young,
        "checkpoint_interval_daly_s": daly,
        "useful_fraction": useful,
        "useful_fraction_young": useful_fraction(young, checkpoint_s, restart_s, mtbf_s),
        "lost_gpu_hours_per_day": gpus * HOURS_PER_DAY * (1 - useful),
    }


# --------------------------------------------------------------------------- presentation

def formula(values: dict, out: dict) -> list[str]:
    mtbf_s = out["system_mtbf_hours"] * SECONDS_PER_HOUR
    lines = []
    if out["mtbf_from"] == "observed":
        observed_gpus = values["observed_gpus"] or values["gpus"]
        lines.append(rf"M_{{\text{{GPU}}}} = \frac{{n_{{\text{{obs}}}} \cdot 24\,T}}{{k}} = \frac{{{latex_int(observed_gpus)}"
                     rf" \times 24 \times {latex_number(values['observed_days'])}}}"
                     rf"{{{latex_int(values['observed_interruptions'])}}}"
                     rf" = {latex_number(out['gpu_mtbf_hours_used'])}\ \text{{h}}")
    delta = latex_number(values["checkpoint_write_s"])
    lines += [
        rf"M = \frac{{M_{{\text{{GPU}}}}}}{{n}} = \frac{{{latex_number(out['gpu_mtbf_hours_used'])}}}"
        rf"{{{latex_int(values['gpus'])}}} = {latex_number(out['system_mtbf_hours'])}\ \text{{h}}"
        rf" = {latex_number(mtbf_s)}\ \text{{s}}",
        rf"\text{{interruptions/day}} = 24 / M = {latex_number(out['interruptions_per_day'])}",
        rf"\tau_{{\text{{Young}}}} = \sqrt{{2\,\delta\,M}} = \sqrt{{2 \times {delta} \times "
        rf"{latex_number(mtbf_s)}}} = {latex_number(out['checkpoint_interval_young_s'])}\ \text{{s}}",
        rf"\tau_{{\text{{Daly}}}} = \sqrt{{2\,\delta\,M}}\left[1 + \tfrac{{1}}{{3}}\sqrt{{\tfrac{{\delta}}{{2M}}}}"
        rf" + \tfrac{{1}}{{9}}\tfrac{{\delta}}{{2M}}\right] - \delta"
        rf" = {latex_number(out['checkpoint_interval_daly_s'])}\ \text{{s}}",
        rf"\text{{useful}} = \frac{{\tau}}{{M\,e^{{R/M}}\left(e^{{(\tau+\delta)/M}} - 1\right)}}"
        rf" = {latex_number(out['useful_fraction'])}",
    ]
    return lines


def interval_chart(values: dict, out: dict) -> LineChart:
    mtbf_s = out["system_mtbf_hours"] * SECONDS_PER_HOUR
    checkpoint_s, restart_s = values["checkpoint_write_s"], values["restart_s"]
    centre = out["checkpoint_interval_daly_s"]
    low, high = math.log10(centre / 30), math.log10(centre * 30)
    taus = [10 ** (low + (high - low) * step / (CHART_POINTS - 1)) for step in range(CHART_POINTS)]
    points = tuple((tau, useful_fraction(tau, checkpoint_s, restart_s, mtbf_s)) for tau in taus)
    return LineChart(
        title=Text("チェックポイントの間隔と有効な学習時間の割合",
                   "Checkpoint interval and the share of time spent training"),
        x_label=Text("チェックポイントの間隔（秒、対数）", "checkpoint interval (s, log)"),
        y_label=Text("有効な学習時間の割合", "share of useful training time"),
        series=(Series(Text("Daly のモデル", "Daly's model"), points, emphasis=True),),
        x_log=True, x_format="duration", y_format="percent",
        markers=(Marker(out["checkpoint_interval_young_s"], "Young"),
                 Marker(out["checkpoint_interval_daly_s"], "Daly")),
        description=Text(f"最適な間隔は Daly の式で {format_duration(centre, 'ja')}、そのとき有効な時間は"
                         f" {significant(out['useful_fraction'] * 100, 3)}%。",
                         f"The optimum by Daly's formula is {format_duration(centre, 'en')}, "
                         f"with {significant(out['useful_fraction'] * 100, 3)}% useful time."))


def notes(values: dict, out: dict) -> list[Text]:
    found = [Text("チェックポイントの書き込み時間と再開時間は仮定の入力です（Llama 3 の論文は公表していません）。",
                  "Checkpoint write and restart times are assumptions (the Llama 3 paper does not "
                  "publish them).")]
    if out["mtbf_from"] == "observed":
        found.append(Text("GPU 1 基あたりの MTBF は、観測した中断回数と日数から逆算しています"
                          "（入力した MTBF は使いません）。",
                          "The per-GPU MTBF is worked out from the interruptions and days "
                          "observed (the MTBF input is not used)."))
    if values["checkpoint_write_s"] >= 2 * out["system_mtbf_hours"] * SECONDS_PER_HOUR:
        found.append(Text("チェックポイントの書き込みが故障間隔の 2 倍以上かかるため、Daly の式では間隔 = MTBF です。",
                          "Writing a checkpoint takes at least twice the MTBF, so Daly's interval "
                          "is the MTBF itself."))
    return found


RELIABILITY = Calculator(
    id="cluster-reliability",
    title=Text("クラスタの故障とチェックポイント間隔", "Cluster failures and checkpoint intervals"),
    summary=Text("GPU 数と 1 基あたりの MTBF から 1 日の中断回数を求め、Young と Daly の式で"
                 "最適なチェックポイント間隔と有効な学習時間の割合を計算します。",
                 "Interruptions per day from the GPU count and per-GPU MTBF, the optimal "
                 "checkpoint interval by Young's and Daly's formulas, and the useful share of "
                 "time."),
    inputs=(
        Field("gpus", "int", Text("GPU の数 n", "GPUs n"), default=16_384, minimum=1,
              maximum=10_000_000),
        Field("gpu_mtbf_hours", "float", Text("GPU 1 基分の MTBF", "MTBF per GPU"),
              default=50_000.0, minimum=1.0, maximum=1e9,
              unit=Text("時間", "hours"), magnitudes=True,
              help=Text("GPU 1 基と、それに付随するホスト・ネットワーク・ソフトウェアの分を合わせた平均故障間隔（仮定）。",
                        "Mean time between failures of one GPU's share of the system (host, "
                        "network, software included); an assumption.")),
        Field("observed_interruptions", "int", Text("観測した中断回数 k（任意）",
                                                    "Interruptions observed k (optional)"),
              optional=True, minimum=1, maximum=1_000_000_000, advanced=True,
              help=Text("日数と一緒に入力すると、MTBF をそこから逆算します。",
                        "With the days, the MTBF is worked out from them.")),
        Field("observed_days", "float", Text("観測した日数 T（任意）", "Days observed T (optional)"),
              optional=True, minimum=0.001, maximum=10_000.0, unit=Text("日", "days"),
              advanced=True),
        Field("observed_gpus", "int", Text("観測したときの GPU の数 n_obs（任意）",
                                           "GPUs during the observation n_obs (optional)"),
              optional=True, minimum=1, maximum=10_000_000, advanced=True,
              help=Text("空欄なら n と同じ。別の規模のクラスタで観測した故障率を当てはめるときに使います。",
                        "Empty means the same as n; use it to carry a failure rate observed on "
                        "another cluster size.")),
        Field("checkpoint_write_s", "float", Text("チェックポイントの書き込み時間 δ",
                                                  "Checkpoint write time δ"),
              default=60.0, minimum=0.001, maximum=1_000_000.0, unit=Text("秒", "s"),
              help=Text("学習が止まっている時間（仮定）。", "Time training is stopped (an assumption).")),
        Field("restart_s", "float", Text("再開にかかる時間 R", "Restart time R"), default=600.0,
              minimum=0.0, maximum=1_000_000.0, unit=Text("秒", "s"),
              help=Text("故障の検知から、チェックポイントを読み込んで学習が再開するまで（仮定）。",
                        "From detecting the failure to training again from the checkpoint (an "
                        "assumption).")),
    ),
    outputs=(
        Output("system_mtbf_hours", Text("ジョブ全体の MTBF", "MTBF of the whole job"), "number",
               Text("時間", "h")),
        Output("interruptions_per_day", Text("1 日の中断回数", "Interruptions per day"), "number"),
        Output("checkpoint_interval_young_s", Text("最適な間隔（Young）", "Optimal interval (Young)"),
               "duration"),
        Output("checkpoint_interval_daly_s", Text("最適な間隔（Daly）", "Optimal interval (Daly)"),
               "duration"),
        Output("useful_fraction", Text("有効な学習時間の割合（Daly の間隔）",
                                       "Useful share of time (Daly's interval)"), "percent"),
        Output("useful_fraction_young", Text("有効な学習時間の割合（Young の間隔）",
                                             "Useful share of time (Young's interval)"), "percent"),
        Output("lost_gpu_hours_per_day", Text("1 日に失う GPU 時間", "GPU-hours lost per day"),
               "number", Text("GPU 時間", "GPU-hours")),
        Output("gpu_mtbf_hours_used", Text("使った GPU 1 基分の MTBF", "MTBF per GPU used"), "number",
               Text("時間", "h")),
        Output("mtbf_from", Text("MTBF の出どころ", "Where the MTBF came from"), "data"),
    ),
    compute=compute,
    formula=formula,
    charts=(ChartSlot("interval", Text("間隔と有効時間のグラフ", "Chart: interval and useful time"),
                      interval_chart),),
    notes=notes,
    symbols=(
        ("n", Text("GPU の数", "GPUs")),
        ("M_{\\text{GPU}}", Text("GPU 1 基分の MTBF", "MTBF per GPU")),
        ("M", Text("ジョブ全体の MTBF", "MTBF of the job")),
        ("k", Text("観測した中断回数", "interruptions observed")),
        ("n_{\\text{obs}}", Text("観測したときの GPU の数", "GPUs during the observation")),
        ("T", Text("観測した日数", "days observed")),
        ("\\delta", Text("チェックポイントの書き込み時間", "checkpoint write time")),
        ("R", Text("再開にかかる時間", "restart time")),
        ("\\tau", Text("チェックポイントの間隔", "checkpoint interval")),
    ),
)
