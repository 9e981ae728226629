"""Training cost in both directions: from GPU-hours to dollars, and from first principles
(parameters, tokens, GPUs, peak FLOP/s, MFU) to GPU-hours, days and dollars — and back from
GPU-hours to the MFU they imply.

- Training FLOPs: ``C = 6 N D`` for ``N`` active parameters and ``D`` tokens (2 per weight and
  token forward, 4 backward), plus, when given, the attention term ``3 a D``: ``a`` is the
  forward attention FLOPs of one token, typed, or worked out for a chosen model as the average
  over a causal sequence of length ``S``, ``2 L n_h (d_qk + d_v) × S/2`` (``dscalc.model.params``; MLA
  counted in its non-absorbed training form).
- From MFU: ``H = C / (P × MFU × 3600)`` GPU-hours on GPUs of peak ``P`` FLOP/s (the chip's
  BF16 or FP8 dense peak from ``data/chips.json``, or a typed ``peak_tflops``).
- From GPU-hours (when ``gpu_hours`` is given): ``MFU = C / (H × 3600 × P)``, against the chosen
  peak and against the chip's BF16 and FP8 peaks.
- Wall clock ``H / (n × 24)`` days on ``n`` GPUs; cost ``(H + H_ctx + H_post) × price``, where
  the optional context-extension and post-training GPU-hours are added as given.

DeepSeek-V3 (technical report, Table 1 and Sec. 1): 2,664K + 119K + 5K = 2,788K H800 GPU-hours at
US$2 = US$5.576M; 2,664K / 14.8T tokens = 180K GPU-hours per trillion tokens, 3.66 days on 2,048
GPUs (the report rounds to 3.7); ``6 × 37B × 14.8T`` FLOPs in 2,664K GPU-hours is 34.6% of the
H800's BF16 dense peak (990 TFLOP/s) and 17.3% of its FP8 peak.

What this leaves out: failed and experimental runs, the MTP module's extra compute, recomputation,
idle time, and everything that is not GPU rental (hardware purchase, power, staff, data).
"""

from __future__ import annotations

import math

from .. import data
from ..framework import inputs
from ..charts import BarChart, BarSeries, LineChart, Point, Series
from ..framework.errors import ValidationError
from ..model.params import model_size
from ..framework.schema import Calculator, ChartSlot, Choice, Field, Output
from ..framework.text import Text
from ..framework.units import latex_int, latex_number, mantissa_exponent, significant

NONE = "none"
PRECISIONS = {"bf16": "bf16_dense_flops", "fp8": "fp8_dense_flops"}
SECONDS_PER_HOUR = 3600
HOURS_PER_DAY = 24
TRILLION = 10**12
#: MFU values drawn on the GPU-hours curve.
CHART_MFU = tuple(round(0.05 * step, 2) for step in range(1, 17))


def training_flops_dense(active_params: float, tokens: float) -> float:
    """``6 N D`` FLOPs: forward (2) plus backward (4) per weight a token meets."""
    return 6 * active_params * tokens


def attention_flops_per_token(config: dict, sequence_length: int) -> float:
    """Forward attention FLOPs of one token averaged over a causal sequence of
    ``sequence_length`` tokens: ``2 L n_h (d_qk + d_v) × S/2``."""
    return model_size(config).attention_flops_per_token(1) * sequence_length / 2


def gpu_hours_from_mfu(flops: float, peak_flop_per_s: float, mfu: float) -> float:
    """GPU-hours to do ``flops`` at ``mfu`` of ``peak_flop_per_s`` per GPU."""
    return flops / (peak_flop_per_s * mfu * SECONDS_PER_HOUR)


def mfu_from_gpu_hours(flops: float, gpu_hours: float, peak_flop_per_s: float) -> float:
    """The fraction of peak that ``flops`` in ``gpu_hours`` implies."""
    return flops / (gpu_hours * SECONDS_PER_HOUR * peak_flop_per_s)


def _error(field: str, ja: str, en: str) -> ValidationError:
    return ValidationError(field, ja, en)


def _chip_peak(chip: dict, precision: str) -> float | None:
    value = chip.get(PRECISIONS[precision])
    return float(value) if value else None


def compute(values: dict) -> dict:
    chip = data.chips()[values["chip"]]
    params, tokens, gpus = values["active_params"], values["tokens"], values["gpus"]
    peak = (values["peak_tflops"] * 10**12 if values["peak_tflops"] is not None
            else _chip_peak(chip, values["precision"]))
    if peak is None:
        raise _error("peak_tflops",
                     "このアクセラレータには選んだ数値型のピーク性能の記録がありません。ピーク性能を入力してください。",
                     "No peak for this accelerator and data type is on record; enter the peak.")
    attention_per_token = 0.0
    if values["attention_flops_per_token"] is not None:
        attention_per_token = float(values["attention_flops_per_token"])
    elif values["attention_model"] != NONE:
        config = data.models()[values["attention_model"]]["config"]
        attention_per_token = attention_flops_per_token(config, values["sequence_length"])
    param_flops = training_flops_dense(params, tokens)
    attention_flops = 3 * attention_per_token * tokens
    flops = param_flops + attention_flops
    if values["gpu_hours"] is not None:
        direction = "from_gpu_hours"
        hours = float(values["gpu_hours"])
        mfu = mfu_from_gpu_hours(flops, hours, peak)
    else:
        direction = "from_mfu"
        mfu = values["mfu"]
        hours = gpu_hours_from_mfu(flops, peak, mfu)
    context_hours = values["context_extension_gpu_hours"] or 0.0
    post_hours = values["post_training_gpu_hours"] or 0.0
    total_hours = hours + context_hours + post_hours
    price = values["usd_per_gpu_hour"]
    bf16, fp8 = _chip_peak(chip, "bf16"), _chip_peak(chip, "fp8")
    trillions = tokens / TRILLION
    return {
        "direction": direction,
        "chip_name": chip["name"],
        "peak_flop_per_s": peak,
        "attention_flops_per_token": attention_per_token,
        "param_flops": param_flops,
        "attention_flops": attention_flops,
        "training_flops": flops,
        "pretraining_gpu_hours": hours,
        "total_gpu_hours": total_hours,
        "days": hours / (gpus * HOURS_PER_DAY),
        "gpu_hours_per_trillion_tokens": hours / trillions,
        "days_per_trillion_tokens": hours / trillions / (gpus * HOURS_PER_DAY),
        "achieved_flop_per_s_per_gpu": flops / (hours * SECONDS_PER_HOUR),
        "mfu_used": mfu,
        "implied_mfu_bf16": mfu_from_gpu_hours(flops, hours, bf16) if bf16 else None,
        "implied_mfu_fp8": mfu_from_gpu_hours(flops, hours, fp8) if fp8 else None,
        "bf16_peak_flop_per_s": bf16,
        "fp8_peak_flop_per_s": fp8,
        "pretraining_cost_usd": hours * price,
        "context_extension_cost_usd": context_hours * price,
        "post_training_cost_usd": post_hours * price,
        "cost_usd": total_hours * price,
    }


# --------------------------------------------------------------------------- presentation

def _sci(value: float) -> str:
    """``3.29 \\times 10^{24}`` for KaTeX."""
    if value == 0:
        return "0"
    mantissa, exponent = mantissa_exponent(value, 3)
    return rf"{mantissa} \times 10^{{{exponent}}}"


def formula(values: dict, out: dict) -> list[str]:
    lines = [rf"C_{{\text{{param}}}} = 6\,N\,D = 6 \times {_sci(values['active_params'])} \times "
             rf"{_sci(values['tokens'])} = {_sci(out['param_flops'])}\ \text{{FLOP}}"]
    if out["attention_flops"]:
        lines.append(rf"C = C_{{\text{{param}}}} + 3\,a\,D = {_sci(out['param_flops'])} + 3 \times "
                     rf"{_sci(out['attention_flops_per_token'])} \times {_sci(values['tokens'])}"
                     rf" = {_sci(out['training_flops'])}\ \text{{FLOP}}")
    peak = _sci(out["peak_flop_per_s"])
    if out["direction"] == "from_mfu":
        lines.append(rf"H = \frac{{C}}{{P \cdot \text{{MFU}} \cdot 3600}} = \frac{{{_sci(out['training_flops'])}}}"
                     rf"{{{peak} \times {latex_number(out['mfu_used'])} \times 3600}}"
                     rf" = {latex_number(out['pretraining_gpu_hours'])}\ \text{{GPU-h}}")
    else:
        lines.append(rf"\text{{MFU}} = \frac{{C}}{{H \cdot 3600 \cdot P}} = \frac{{{_sci(out['training_flops'])}}}"
                     rf"{{{latex_number(out['pretraining_gpu_hours'])} \times 3600 \times {peak}}}"
                     rf" = {latex_number(out['mfu_used'])}")
    lines += [
        rf"t = \frac{{H}}{{n \cdot 24}} = \frac{{{latex_number(out['pretraining_gpu_hours'])}}}"
        rf"{{{latex_int(values['gpus'])} \times 24}} = {latex_number(out['days'])}\ \text{{days}}",
        rf"\$ = (H + H_{{\text{{ctx}}}} + H_{{\text{{post}}}}) \times p = "
        rf"{latex_number(out['total_gpu_hours'])} \times {latex_number(values['usd_per_gpu_hour'])}"
        rf" = {latex_number(out['cost_usd'])}",
    ]
    return lines


def mfu_chart(values: dict, out: dict) -> LineChart:
    """GPU-hours against MFU for the chip's BF16 and FP8 peaks; the run as a point on each."""
    series, points = [], []
    for index, (precision, name) in enumerate((("bf16", "BF16"), ("fp8", "FP8"))):
        peak = out[f"{precision}_peak_flop_per_s"]
        if not peak:
            continue
        series.append(Series(Text(f"{name} のピーク {significant(peak / 1e12, 4)} TFLOP/s",
                                  f"{name} peak {significant(peak / 1e12, 4)} TFLOP/s"),
                             tuple((mfu, gpu_hours_from_mfu(out["training_flops"], peak, mfu))
                                   for mfu in CHART_MFU), emphasis=index == 0))
        implied = out[f"implied_mfu_{precision}"]
        if implied is not None and CHART_MFU[0] <= implied <= CHART_MFU[-1]:
            points.append(Point(implied, out["pretraining_gpu_hours"],
                                Text(f"この学習（{name} 比 {significant(implied * 100, 3)}%）",
                                     f"this run ({significant(implied * 100, 3)}% of {name})"),
                                group=index))
    return LineChart(
        title=Text("同じ FLOPs に必要な GPU 時間と MFU", "GPU-hours for the same FLOPs against MFU"),
        x_label=Text("MFU（ピークに対する割合）", "MFU (fraction of peak)"),
        y_label=Text("事前学習の GPU 時間（対数）", "pre-training GPU-hours (log)"),
        series=tuple(series), points=tuple(points), y_log=True, x_format="percent",
        y_format="number",
        description=Text(f"{out['chip_name']}。同じ GPU 時間でも、BF16 と FP8 のどちらのピークと比べるかで"
                         "MFU は 2 倍違います。",
                         f"{out['chip_name']}. The same GPU-hours are a different MFU against the "
                         "BF16 and the FP8 peak (a factor of two)."))


def cost_chart(values: dict, out: dict) -> BarChart:
    stages = [(Text("事前学習", "pre-training"), out["pretraining_cost_usd"]),
              (Text("コンテキスト長の拡張", "context extension"), out["context_extension_cost_usd"]),
              (Text("事後学習", "post-training"), out["post_training_cost_usd"])]
    stages = [stage for stage in stages if stage[1] > 0] + [(Text("合計", "total"), out["cost_usd"])]
    return BarChart(
        title=Text(f"段階ごとのレンタル換算コスト（1 GPU 時間 {values['usd_per_gpu_hour']:g} ドル）",
                   f"Rental-equivalent cost by stage (US${values['usd_per_gpu_hour']:g} per GPU-hour)"),
        value_label=Text("ドル", "US$"), categories=tuple(label for label, _ in stages),
        series=(BarSeries(Text("コスト", "cost"), tuple(value for _, value in stages)),),
        value_format="usd", highlight=(len(stages) - 1,))


def notes(values: dict, out: dict) -> list[Text]:
    found = [Text("GPU のレンタル料に換算した最終学習の費用です。ハードウェアの購入費、電力、人件費、データ、"
                  "失敗した実験やアブレーションの費用は含みません。",
                  "This is the final run priced as GPU rental. Hardware purchase, power, staff, "
                  "data, and failed or ablation runs are not included.")]
    if out["direction"] == "from_gpu_hours":
        found.append(Text("GPU 時間を入力したので、MFU は入力値ではなく GPU 時間から逆算しています。",
                          "GPU-hours were given, so MFU is worked out from them (the MFU input is "
                          "not used)."))
    if out["mfu_used"] > 1:
        found.append(Text("MFU が 100% を超えています。この GPU 時間ではピーク性能でも計算が終わりません。",
                          "MFU exceeds 100%: these GPU-hours are too few even at peak."))
    if not out["attention_flops"]:
        found.append(Text("アテンションの FLOPs（コンテキスト長に比例する部分）は含みません。"
                          "「アテンションを数えるモデル」を選ぶと加わります。",
                          "Attention FLOPs (the part that grows with context) are not included; "
                          "choose a model under “Count attention for” to add them."))
    return found


# --------------------------------------------------------------------------- declaration

def _attention_choices() -> tuple[Choice, ...]:
    models = tuple(Choice(record["id"], Text(record["name"], record["name"]))
                   for record in data.models().values() if "config" in record)
    return (Choice(NONE, Text("数えない（6ND のみ）", "none (6ND only)")),) + models


def _hours(name: str, ja: str, en: str, help_text: Text) -> Field:
    return Field(name, "float", Text(ja, en), optional=True, minimum=1.0, maximum=1e12,
                 unit=Text("GPU 時間", "GPU-hours"), magnitudes=True, help=help_text)


TRAINING_COST = Calculator(
    id="training-cost",
    title=Text("学習コスト: GPU 時間・MFU・ドル", "Training cost: GPU-hours, MFU and dollars"),
    summary=Text("パラメータ数・トークン数・GPU 数・ピーク性能・MFU から GPU 時間と日数と費用を求め、"
                 "逆に GPU 時間から MFU を逆算します。",
                 "GPU-hours, days and dollars from parameters, tokens, GPUs, peak and MFU — and "
                 "the MFU that given GPU-hours imply."),
    inputs=(
        Field("active_params", "int", Text("アクティブパラメータ数 N", "Active parameters N"),
              default=37_000_000_000, minimum=1, maximum=10**14, magnitudes=True,
              unit=Text("個", "parameters")),
        Field("tokens", "int", Text("学習トークン数 D", "Training tokens D"),
              default=14_800_000_000_000, minimum=1, maximum=10**16, magnitudes=True,
              unit=Text("トークン", "tokens")),
        Field("gpus", "int", Text("GPU の数 n", "GPUs n"), default=2048, minimum=1,
              maximum=10_000_000),
        inputs.chip(default="h800-sxm"),
        Field("precision", "choice", Text("MFU の基準にするピーク", "Peak that MFU refers to"),
              default="bf16", choices=(Choice("bf16", Text("BF16（密）", "BF16 (dense)")),
                                       Choice("fp8", Text("FP8（密）", "FP8 (dense)")))),
        Field("peak_tflops", "float", Text("ピーク性能（任意）", "Peak (optional)"),
              optional=True, minimum=0.001, maximum=1e6, unit=Text("TFLOP/s（1 GPU）", "TFLOP/s per GPU"),
              advanced=True, help=Text("入力するとアクセラレータの記録の代わりに使います。",
                                       "Used instead of the accelerator's recorded peak.")),
        Field("mfu", "float", Text("想定する MFU", "Assumed MFU"), default=0.35, minimum=0.001,
              maximum=1.0, help=Text("0〜1（0.35 は 35%）。GPU 時間を入力した場合は使いません。",
                                     "0 to 1 (0.35 is 35%). Not used when GPU-hours are given.")),
        _hours("gpu_hours", "事前学習の GPU 時間（任意）", "Pre-training GPU-hours (optional)",
               Text("入力すると、MFU をこの GPU 時間から逆算します。",
                    "When given, MFU is worked out from these GPU-hours.")),
        _hours("context_extension_gpu_hours", "コンテキスト長の拡張の GPU 時間（任意）",
               "Context-extension GPU-hours (optional)",
               Text("費用に加えるだけで、FLOPs と MFU には含めません。",
                    "Added to the cost only, not to FLOPs or MFU.")),
        _hours("post_training_gpu_hours", "事後学習の GPU 時間（任意）",
               "Post-training GPU-hours (optional)",
               Text("費用に加えるだけで、FLOPs と MFU には含めません。",
                    "Added to the cost only, not to FLOPs or MFU.")),
        Field("usd_per_gpu_hour", "float", Text("1 GPU 時間のレンタル単価", "Rental price per GPU-hour"),
              default=2.0, minimum=0.0, maximum=1000.0, unit=Text("ドル", "US$")),
        Field("attention_model", "choice", Text("アテンションを数えるモデル", "Count attention for"),
              default=NONE, choices=_attention_choices(), advanced=True,
              help=Text("選んだモデルの config.json から、系列長 S の因果的アテンションの FLOPs を加えます。",
                        "Adds the causal attention FLOPs of a sequence of length S, from the "
                        "chosen model's config.json.")),
        Field("sequence_length", "int", Text("学習の系列長 S", "Training sequence length S"),
              default=4096, minimum=1, maximum=10_000_000, magnitudes=True, advanced=True,
              unit=Text("トークン", "tokens")),
        Field("attention_flops_per_token", "float",
              Text("1 トークンのアテンション FLOPs a（任意）", "Attention FLOPs per token a (optional)"),
              optional=True, minimum=0.0, maximum=1e15, magnitudes=True, advanced=True,
              unit=Text("FLOP（順伝播）", "FLOP (forward)"),
              help=Text("入力すると、モデルから計算する代わりにこの値を使います（学習では 3 倍）。",
                        "When given, used instead of the value worked out from a model (tripled "
                        "for training).")),
    ),
    outputs=(
        Output("training_flops", Text("学習の FLOPs", "Training FLOPs"), "flops"),
        Output("param_flops", Text("うちパラメータの分（6ND）", "of which parameters (6ND)"), "flops"),
        Output("attention_flops", Text("うちアテンションの分", "of which attention"), "flops"),
        Output("peak_flop_per_s", Text("基準のピーク性能（1 GPU）", "Peak used (per GPU)"), "flop_per_s"),
        Output("pretraining_gpu_hours", Text("事前学習の GPU 時間", "Pre-training GPU-hours"),
               "number", Text("GPU 時間", "GPU-hours")),
        Output("days", Text("壁時計の日数（n GPU）", "Wall-clock days on n GPUs"), "number",
               Text("日", "days")),
        Output("gpu_hours_per_trillion_tokens", Text("1兆トークンあたりの GPU 時間",
                                                     "GPU-hours per trillion tokens"), "number",
               Text("GPU 時間", "GPU-hours")),
        Output("days_per_trillion_tokens", Text("1兆トークンあたりの日数（n GPU）",
                                                "Days per trillion tokens on n GPUs"), "number",
               Text("日", "days")),
        Output("mfu_used", Text("MFU（基準のピークに対して）", "MFU (against the peak used)"), "percent"),
        Output("implied_mfu_bf16", Text("MFU（BF16 のピークに対して）", "MFU against the BF16 peak"),
               "percent"),
        Output("implied_mfu_fp8", Text("MFU（FP8 のピークに対して）", "MFU against the FP8 peak"),
               "percent"),
        Output("achieved_flop_per_s_per_gpu", Text("実効性能（1 GPU）", "Achieved per GPU"),
               "flop_per_s"),
        Output("total_gpu_hours", Text("GPU 時間の合計", "Total GPU-hours"), "number",
               Text("GPU 時間", "GPU-hours")),
        Output("pretraining_cost_usd", Text("事前学習の費用", "Pre-training cost"), "usd"),
        Output("cost_usd", Text("費用の合計（レンタル換算）", "Total cost (rental-equivalent)"), "usd"),
        Output("chip_name", Text("アクセラレータ", "Accelerator"), "text"),
        Output("direction", Text("計算の向き", "Direction"), "data"),
        Output("attention_flops_per_token", Text("1 トークンのアテンション FLOPs（順伝播）",
                                                 "Attention FLOPs per token (forward)"), "data"),
        Output("bf16_peak_flop_per_s", Text("BF16 のピーク", "BF16 peak"), "data"),
        Output("fp8_peak_flop_per_s", Text("FP8 のピーク", "FP8 peak"), "data"),
        Output("context_extension_cost_usd", Text("コンテキスト長の拡張の費用", "Context-extension cost"),
               "data"),
        Output("post_training_cost_usd", Text("事後学習の費用", "Post-training cost"), "data"),
    ),
    compute=compute,
    formula=formula,
    charts=(ChartSlot("mfu", Text("GPU 時間と MFU のグラフ", "Chart: GPU-hours against MFU"), mfu_chart),
            ChartSlot("cost", Text("段階ごとの費用のグラフ", "Chart: cost by stage"), cost_chart)),
    notes=notes,
    symbols=(
        ("N", Text("アクティブパラメータ数", "active parameters")),
        ("D", Text("学習トークン数", "training tokens")),
        ("a", Text("1 トークンのアテンション FLOPs（順伝播、系列平均）",
                   "attention FLOPs per token (forward, averaged over the sequence)")),
        ("C", Text("学習の FLOPs", "training FLOPs")),
        ("P", Text("1 GPU のピーク性能（FLOP/s）", "peak FLOP/s per GPU")),
        ("H", Text("事前学習の GPU 時間", "pre-training GPU-hours")),
        ("n", Text("GPU の数", "number of GPUs")),
        ("p", Text("1 GPU 時間のレンタル単価（ドル）", "rental price per GPU-hour (US$)")),
    ),
)
