"""Memory of the training state (weights, gradients, master weights, optimizer states) under three
mixed-precision recipes, and a chip's dense peak throughput per format.

Parameters come from the model's ``config.json`` (``dscalc.model.params``). Parameters the DeepSeek-V3
report keeps in their original precision — "the embedding module, the output head, MoE gating
modules, normalization operators" (Sec. 3.3.1; attention operators hold no weights) — are counted
apart as *high-precision* parameters (embedding, output head, router, norms in
``ParamCounts``); every other parameter sits in a Linear layer whose GEMMs can run in FP8 or
FP4. MTP modules are trained, so their parameters are included (without their copies of the
embedding and output head, which DeepSeek-V3 shares physically with the main model, Sec. 3.2.3)
and counted with the Linear ones.

Bytes per parameter (AdamW: two moments per parameter):

================  ===================  ==========  ==============  ================
recipe            weights              gradients   master weights  AdamW moments
================  ===================  ==========  ==============  ================
``bf16``          BF16, 2              BF16, 2     FP32, 4         FP32, 4 + 4
``fp8``           FP8, 1 (+ scales);   FP32, 4     FP32, 4         BF16, 2 + 2
                  high-precision: 2
``fp4``           BF16, 2              BF16, 2     FP32, 4         FP32, 4 + 4
================  ===================  ==========  ==============  ================

- ``bf16``: the usual mixed-precision accounting, 16 bytes per parameter (ZeRO, Rajbhandari et
  al., arXiv:1910.02054: 2 + 2 + 12).
- ``fp8``: DeepSeek-V3 as its report states it: FP8 weights for the GEMMs (Figure 6: the FP32
  master weight goes "To FP8" into Fprop/Dgrad), one FP32 scale per 128 × 128 block (Sec. 3.3.2);
  gradients and master weights in FP32 and AdamW moments in BF16 (Sec. 3.3.3).
- ``fp4``: NVFP4 GEMMs with NVIDIA Transformer Engine's default storage ("stores weights in high
  precision and quantizes them to low precision before each GEMM"; master weights FP32 in the
  optimizer): the footprint of the states is the BF16 one. NVIDIA's NVFP4 pretraining paper
  (arXiv:2509.25149) was not read in full here; this row is the library default, not that
  paper's recipe.

Left out: activations (which FP8 caching shrinks most), temporary quantized copies of the
weights, communication buffers, fragmentation; sharding across devices (ZeRO, expert
parallelism) divides the total but does not change it. ``*_chips`` is the number of the chosen
accelerator whose memory would hold the state alone: a lower bound.

Throughput: the chip's dense (no sparsity) peak for BF16, FP8 and FP4 from ``data/chips.json``;
a format the vendor does not publish for that chip is ``None`` and said so.
"""

from __future__ import annotations

from .. import data
from ..framework import inputs
from ..charts import BarChart, BarSeries
from ..framework.errors import ValidationError
from ..model.params import model_size
from ..framework.schema import Calculator, ChartSlot, Output
from ..framework.text import Text
from ..framework.units import latex_int

PARAMS = inputs.PARAMS
RECIPES = ("bf16", "fp8", "fp4")
COMPONENTS = ("weights", "gradients", "master", "optimizer")
#: DeepSeek-V3's weight blocks: one FP32 scale per 128 × 128 weights.
WEIGHT_BLOCK = 128 * 128

#: Bytes per parameter: (Linear parameters, high-precision parameters) for each component.
BYTES = {
    "bf16": {"weights": (2, 2), "gradients": (2, 2), "master": (4, 4), "optimizer": (8, 8)},
    "fp8": {"weights": (1 + 4 / WEIGHT_BLOCK, 2), "gradients": (4, 4), "master": (4, 4),
            "optimizer": (4, 4)},
    "fp4": {"weights": (2, 2), "gradients": (2, 2), "master": (4, 4), "optimizer": (8, 8)},
}

RECIPE_LABELS = {
    "bf16": Text("BF16 混合精度（AdamW）", "BF16 mixed precision (AdamW)"),
    "fp8": Text("FP8（DeepSeek-V3 の方式）", "FP8 (DeepSeek-V3's recipe)"),
    "fp4": Text("FP4 NVFP4（Transformer Engine の既定の保存形式）",
                "FP4 NVFP4 (Transformer Engine's default storage)"),
}
COMPONENT_LABELS = {
    "weights": Text("重み（計算用）", "weights (for compute)"),
    "gradients": Text("重みの勾配", "weight gradients"),
    "master": Text("マスター重み（FP32）", "master weights (FP32)"),
    "optimizer": Text("AdamW のモーメント 2 つ", "AdamW's two moments"),
}
FORMAT_FIELDS = (("bf16", "bf16_dense_flops", "BF16"), ("fp8", "fp8_dense_flops", "FP8"),
                 ("fp4", "fp4_dense_flops", "FP4"))


def split_params(values: dict) -> dict:
    """Parameters trained, split into Linear (FP8/FP4-able) and high-precision ones."""
    if values["params"] is not None:
        return {"params_total": values["params"], "params_mtp": 0, "params_high_precision": 0,
                "params_from": "typed"}
    config, _ = inputs.resolve_config(values["model"], values["config"])
    if not config:
        if values["model"] == PARAMS:
            raise ValidationError("params", "パラメータ数を入力してください。",
                                  "Enter the parameter count.")
        raise ValidationError("config", "config.json を貼り付けるか、モデルを選んでください。",
                              "Paste a config.json or choose a model.")
    size = model_size(config)
    counts = size.counts
    high = counts.embedding + counts.lm_head + counts.router + counts.norm
    return {"params_total": counts.total, "params_mtp": size.mtp_unique,
            "params_high_precision": high, "params_from": "config"}


def state_bytes(recipe: str, linear: int, high: int) -> dict:
    """Bytes of each component of the training state (rounded to whole bytes)."""
    return {part: round(linear * BYTES[recipe][part][0] + high * BYTES[recipe][part][1])
            for part in COMPONENTS}


def compute(values: dict) -> dict:
    split = split_params(values)
    trained = split["params_total"] + split["params_mtp"]
    high = split["params_high_precision"]
    linear = trained - high
    chip = data.chips()[values["chip"]]
    memory = chip["memory_bytes"]
    out = {"model_name": (inputs.model_name(values["model"], values["config"])
                          if split["params_from"] == "config" else "—"),
           **split, "params_trained": trained, "params_linear": linear,
           "high_precision_share": high / trained if trained else 0.0,
           "chip_name": chip["name"], "chip_memory_bytes": memory}
    breakdown = {}
    for recipe in RECIPES:
        parts = state_bytes(recipe, linear, high)
        total = sum(parts.values())
        breakdown[recipe] = parts
        out[f"{recipe}_bytes"] = total
        out[f"{recipe}_bytes_per_param"] = total / trained if trained else 0.0
        out[f"{recipe}_chips"] = max(1, -(-total // memory))
    out["breakdown"] = breakdown
    out["fp8_saving"] = 1 - out["fp8_bytes"] / out["bf16_bytes"] if out["bf16_bytes"] else 0.0
    peaks = {}
    for name, key, _ in FORMAT_FIELDS:
        value = chip.get(key)
        peaks[name] = value
        out[f"{name}_flops"] = value
    bf16 = peaks["bf16"]
    out["fp8_speedup"] = peaks["fp8"] / bf16 if peaks["fp8"] and bf16 else None
    out["fp4_speedup"] = peaks["fp4"] / bf16 if peaks["fp4"] and bf16 else None
    out["not_published"] = [label for name, _, label in FORMAT_FIELDS if peaks[name] is None]
    return out


# --------------------------------------------------------------------------- presentation

#: The per-parameter sums as the formula writes them (weights + gradients + master + moments).
_TERMS = {
    "bf16": ("2 + 2 + 4 + 4 + 4", "2 + 2 + 4 + 4 + 4"),
    "fp8": (r"(1 + \tfrac{4}{16384}) + 4 + 4 + 2 + 2", "2 + 4 + 4 + 2 + 2"),
    "fp4": ("2 + 2 + 4 + 4 + 4", "2 + 2 + 4 + 4 + 4"),
}


def formula(values: dict, out: dict) -> list[str]:
    lines = [rf"N = N_{{\text{{model}}}} + N_{{\text{{MTP}}}} = {latex_int(out['params_total'])} + "
             rf"{latex_int(out['params_mtp'])} = {latex_int(out['params_trained'])}",
             rf"N_{{\text{{HP}}}} = {latex_int(out['params_high_precision'])},\quad N_{{\text{{lin}}}}"
             rf" = N - N_{{\text{{HP}}}} = {latex_int(out['params_linear'])}"]
    for recipe in RECIPES:
        linear, high = _TERMS[recipe]
        lines.append(rf"M_{{\text{{{recipe.upper()}}}}} = N_{{\text{{lin}}}}\,({linear}) + "
                     rf"N_{{\text{{HP}}}}\,({high}) = {latex_int(out[f'{recipe}_bytes'])}\ \text{{B}}")
    return lines


def notes(values: dict, out: dict) -> list[Text]:
    found = []
    if out["params_from"] == "typed":
        found.append(Text("入力したパラメータ数をすべて Linear 層（FP8/FP4 にできる）として数えています。",
                          "All typed parameters are counted as Linear-layer parameters (FP8/FP4-able)."))
    if out["params_mtp"]:
        found.append(Text("MTP モジュール（{n:,} パラメータ、埋め込みと出力ヘッドは本体と共有）も学習するので含めています。",
                          "The MTP modules ({n:,} parameters; embedding and output head shared with "
                          "the main model) are trained, so they are included.").format(n=out["params_mtp"]))
    for label in out["not_published"]:
        found.append(Text("{chip} の {fmt} の密なピーク性能は data/chips.json にありません（ベンダー未公表、またはその形式に非対応）。",
                          "{chip}: no dense {fmt} peak in data/chips.json (not published by the vendor, "
                          "or the format is not supported).").format(chip=out["chip_name"], fmt=label))
    found.append(Text("活性化（DeepSeek-V3 は逆伝播用の活性化を FP8 で保存してメモリを減らしたと報告しています）、量子化した重みの一時コピー、通信バッファは含みません。",
                      "Not included: activations (DeepSeek-V3 reports keeping those saved for the "
                      "backward pass in FP8 to save memory), temporary quantized weight copies, "
                      "communication buffers."))
    return found


def memory_chart(values: dict, out: dict) -> BarChart:
    return BarChart(
        title=Text(f"学習の状態に要るメモリ（{out['model_name']}、活性化を除く）",
                   f"Memory of the training state ({out['model_name']}, activations excluded)"),
        value_label=Text("TB（10¹² バイト）", "TB (10¹² bytes)"),
        categories=tuple(RECIPE_LABELS[recipe] for recipe in RECIPES),
        series=tuple(BarSeries(COMPONENT_LABELS[part],
                               tuple(out["breakdown"][recipe][part] / 1e12 for recipe in RECIPES))
                     for part in COMPONENTS),
        stacked=True, value_format="number",
        description=Text("1 パラメータあたり: " + "、".join(
            f"{RECIPE_LABELS[r].ja} {out[f'{r}_bytes_per_param']:.2f} B" for r in RECIPES),
            "Per parameter: " + ", ".join(
            f"{RECIPE_LABELS[r].en} {out[f'{r}_bytes_per_param']:.2f} B" for r in RECIPES)))


def throughput_chart(values: dict, out: dict) -> BarChart:
    categories = []
    for name, _, label in FORMAT_FIELDS:
        if out[f"{name}_flops"] is None:
            categories.append(Text(f"{label}（未公表）", f"{label} (not published)"))
        else:
            categories.append(Text(label, label))
    return BarChart(
        title=Text(f"{out['chip_name']} の密なピーク性能（スパース性なし）",
                   f"{out['chip_name']}: dense peak throughput (no sparsity)"),
        value_label=Text("TFLOP/s", "TFLOP/s"),
        categories=tuple(categories),
        series=(BarSeries(Text("密なピーク", "dense peak"),
                          tuple(None if out[f"{name}_flops"] is None else out[f"{name}_flops"] / 1e12
                                for name, _, _ in FORMAT_FIELDS)),),
        value_format="number")


# --------------------------------------------------------------------------- declaration

TRAINING_MEMORY = Calculator(
    id="training-memory",
    title=Text("学習のメモリ（BF16・FP8・FP4）とチップの形式別性能",
               "Training memory (BF16, FP8, FP4) and a chip's peak per format"),
    summary=Text("重み・勾配・マスター重み・オプティマイザ状態のバイト数を 3 つの混合精度の方式で比べ、チップの BF16・FP8・FP4 の密なピーク性能を並べます。",
                 "Bytes of weights, gradients, master weights and optimizer states under three "
                 "mixed-precision recipes, and a chip's dense BF16, FP8 and FP4 peaks."),
    inputs=(
        inputs.model_or_params(),
        inputs.config(),
        inputs.params(Text("入力すると、モデルの代わりにこの値を使います（すべて Linear 層として数えます）。",
                        "When given, used instead of the model (all counted as Linear-layer "
                        "parameters).")),
        inputs.chip(default="h800-sxm"),
    ),
    outputs=(
        Output("model_name", Text("モデル", "Model"), "text"),
        Output("params_trained", Text("学習するパラメータ数（MTP を含む）", "Parameters trained (MTP included)"),
               "params"),
        Output("params_high_precision", Text("元の精度のままのパラメータ（埋め込み・出力ヘッド・ゲート・正規化）",
                                             "Parameters kept in original precision (embedding, head, gates, norms)"),
               "params"),
        Output("high_precision_share", Text("そのうちの割合", "Their share"), "percent"),
        Output("bf16_bytes", Text("BF16 混合精度: 学習状態のメモリ", "BF16 mixed precision: training-state memory"),
               "bytes"),
        Output("fp8_bytes", Text("FP8（DeepSeek-V3）: 学習状態のメモリ", "FP8 (DeepSeek-V3): training-state memory"),
               "bytes"),
        Output("fp4_bytes", Text("FP4（TE 既定）: 学習状態のメモリ", "FP4 (TE default): training-state memory"),
               "bytes"),
        Output("bf16_bytes_per_param", Text("BF16: 1 パラメータあたり", "BF16: per parameter"), "number",
               unit="B"),
        Output("fp8_bytes_per_param", Text("FP8: 1 パラメータあたり", "FP8: per parameter"), "number",
               unit="B"),
        Output("fp4_bytes_per_param", Text("FP4: 1 パラメータあたり", "FP4: per parameter"), "number",
               unit="B"),
        Output("fp8_saving", Text("FP8 で減るメモリ（BF16 比）", "Memory saved by FP8 (vs BF16)"), "percent"),
        Output("chip_name", Text("アクセラレータ", "Accelerator"), "text"),
        Output("chip_memory_bytes", Text("1 基のメモリ", "Memory per accelerator"), "bytes"),
        Output("fp8_chips", Text("FP8 の学習状態を載せるのに要る基数（下限）",
                                 "Accelerators to hold the FP8 training state (lower bound)"), "count"),
        Output("bf16_chips", Text("BF16 の場合の基数（下限）", "Same with BF16 (lower bound)"), "count"),
        Output("bf16_flops", Text("BF16 の密なピーク", "Dense BF16 peak"), "flop_per_s"),
        Output("fp8_flops", Text("FP8 の密なピーク", "Dense FP8 peak"), "flop_per_s"),
        Output("fp4_flops", Text("FP4 の密なピーク", "Dense FP4 peak"), "flop_per_s"),
        Output("fp8_speedup", Text("FP8 ÷ BF16（ピーク比）", "FP8 ÷ BF16 (peak ratio)"), "ratio"),
        Output("fp4_speedup", Text("FP4 ÷ BF16（ピーク比）", "FP4 ÷ BF16 (peak ratio)"), "ratio"),
        Output("params_total", Text("本体のパラメータ数", "Main-model parameters"), "data"),
        Output("params_mtp", Text("MTP モジュールのパラメータ数", "MTP-module parameters"), "data"),
        Output("params_linear", Text("Linear 層のパラメータ数", "Linear-layer parameters"), "data"),
        Output("params_from", Text("パラメータ数の出どころ", "Where the parameter count came from"), "data"),
        Output("fp4_chips", Text("FP4 の場合の基数（下限）", "Same with FP4 (lower bound)"), "data"),
        Output("breakdown", Text("内訳", "Breakdown"), "data"),
        Output("not_published", Text("値のない形式", "Formats without a figure"), "data"),
    ),
    compute=compute,
    formula=formula,
    notes=notes,
    charts=(ChartSlot("memory", Text("方式ごとのメモリの図", "Chart: memory by recipe"), memory_chart),
            ChartSlot("throughput", Text("形式ごとのピーク性能の図", "Chart: peak by format"),
                      throughput_chart)),
    symbols=(
        ("N", Text("学習するパラメータ数", "parameters trained")),
        ("N_{\\text{HP}}", Text("元の精度のままのパラメータ数", "parameters kept in original precision")),
        ("N_{\\text{lin}}", Text("Linear 層のパラメータ数（N − N_HP）", "Linear-layer parameters (N − N_HP)")),
        ("M", Text("学習状態のメモリ", "training-state memory")),
    ),
)
