"""Accelerator memory for inference: weights plus KV cache, and how many chips that fills.

- Weights: ``M_w = N × b_w`` bytes, where ``N`` is the model's total parameter count (from
  ``dscalc.model.params``: MTP modules are not included) or the ``params`` input when given, and
  ``b_w`` is 4 (FP32), 2 (BF16/FP16), 1 (FP8/INT8) or 0.5 (FP4/INT4) bytes; rounded up to a whole
  byte.
- KV cache: ``M_KV = (M_token × T + M_bounded) × B`` from the ``kv-cache`` calculator (same code
  path, ``kv_cache.cache_size``): ``M_token`` is what every token adds (full-attention and DSA
  layers), ``M_bounded`` the windows of sliding/chunked layers and the fixed-size states of
  linear-attention and Mamba layers at that context. A model given only as a parameter count has
  no layer/head shape, so its KV cache is 0 and a note says so.
- ``gpus_needed = ⌈(M_w + M_KV) / M_chip⌉`` with the chip's memory from ``data/chips.json``.

This is the memory the numbers themselves need: activations, the runtime's workspace,
fragmentation and parallelism overheads are not included, so real deployments need more.
Example: GPT-3 175B in FP32 is 4 × 174.6B = 698 GB (the paper's round "175B" gives exactly
700 GB).
"""

from __future__ import annotations

from .. import data
from ..framework import inputs
from ..model.layout import read_layout
from ..framework.errors import ValidationError
from ..model.params import model_size
from ..framework.schema import Calculator, Output
from ..framework.text import Text
from ..framework.units import latex_int
from .kv_cache import cache_size

PARAMS = inputs.PARAMS


def weight_bytes(params: int, bits: int) -> int:
    """Bytes to store ``params`` weights of ``bits`` bits each, rounded up to a whole byte."""
    return -(-params * bits // 8)


def gpus_needed(total_bytes: int, chip_memory_bytes: int) -> int:
    """Accelerators whose combined memory holds ``total_bytes`` (at least one)."""
    return max(1, -(-total_bytes // chip_memory_bytes))


def _weights_and_kv(values: dict) -> dict:
    params = values["params"]
    config, origin = inputs.resolve_config(values["model"], values["config"])
    if not config:
        if values["model"] == PARAMS:
            if params is None:
                raise ValidationError("params", "パラメータ数を入力してください。",
                                      "Enter the parameter count.")
            return {"weight_params": params, "params_from": "typed", "mtp_params": 0,
                    "kv_cache_bytes_per_token": 0, "kv_cache_bounded_bytes": 0,
                    "has_kv_shape": False, "config_source": ""}
        raise ValidationError("config", "config.json を貼り付けるか、モデルを選んでください。",
                              "Paste a config.json or choose a model.")
    mtp = 0
    if params is None:
        size = model_size(config)
        params, params_from = size.counts.total, "config"
        mtp = size.mtp if size.mtp_known else None
    else:
        params_from = "typed"
    cache = cache_size(read_layout(config), values["context_length"],
                       inputs.BYTES_PER_ELEMENT[values["kv_dtype"]])
    return {"weight_params": params, "params_from": params_from, "mtp_params": mtp,
            "kv_cache_bytes_per_token": cache.bytes_per_token,
            # total − growth × T: the bounded part, and for DeepSeek-V4 also what the averaged
            # growth misses between two compressed entries (so the sum stays exact)
            "kv_cache_bounded_bytes": cache.total_bytes - cache.bytes_per_token * values[
                "context_length"], "has_kv_shape": True,
            "config_source": origin}


def compute(values: dict) -> dict:
    model = _weights_and_kv(values)
    weights = weight_bytes(model["weight_params"], inputs.WEIGHT_BITS[values["weight_dtype"]])
    kv_bytes = (model["kv_cache_bytes_per_token"] * values["context_length"]
                + model["kv_cache_bounded_bytes"]) * values["batch_size"]
    chip = data.chips()[values["chip"]]
    # What software can allocate (nvidia-smi's figure) where the table has it: HBM comes in GiB,
    # and the vendor's "80 GB" label would understate an H100 by about 7%.
    chip_memory = chip.get("memory_visible_bytes") or chip["memory_bytes"]
    total = weights + kv_bytes
    return {
        "model_name": inputs.model_name(values["model"], values["config"]),
        **model,
        "weight_bytes": weights,
        "kv_cache_bytes": kv_bytes,
        "total_bytes": total,
        "chip_name": chip["name"],
        "chip_memory_bytes": chip_memory,
        "chip_memory_label_bytes": chip["memory_bytes"],
        "chip_memory_is_visible": bool(chip.get("memory_visible_bytes")),
        "gpus_needed": gpus_needed(total, chip_memory),
        "fits_on_one_gpu": total <= chip_memory,
    }


def notes(values: dict, out: dict) -> list[Text]:
    found = []
    if out["chip_memory_is_visible"]:
        found.append(Text("1 基のメモリは、ソフトウェアから使える容量（nvidia-smi の表示 {visible:,} バイト）です。"
                          "ベンダーの表記は {label:,} バイト相当です。",
                          "Memory per accelerator is what software can allocate (nvidia-smi's "
                          "{visible:,} bytes); the vendor's label corresponds to {label:,} bytes.")
                     .format(visible=out["chip_memory_bytes"], label=out["chip_memory_label_bytes"]))
    if not out["has_kv_shape"]:
        found.append(Text("KV キャッシュは含みません（パラメータ数だけでは層・ヘッドの形が分からないため）。",
                          "KV cache not included: a bare parameter count does not give the layer "
                          "and head shapes."))
    if out["params_from"] == "typed":
        found.append(Text("重みは入力したパラメータ数で計算しています。",
                          "Weights use the parameter count entered."))
    if out["mtp_params"] is None:
        found.append(Text("この config が宣言する MTP 層は数え方が分からないため含めていません。",
                          "The MTP layers this config declares are not counted (their layout is "
                          "not known here)."))
    elif out["mtp_params"]:
        found.append(Text("MTP モジュール（{mtp:,} パラメータ）は含みません（投機的デコーディングでのみ読み込まれます）。",
                          "The MTP module ({mtp:,} parameters) is not included (it is loaded only "
                          "for speculative decoding).").format(mtp=out["mtp_params"]))
    return found


def _bytes_per_weight(dtype: str) -> str:
    bits = inputs.WEIGHT_BITS[dtype]
    return str(bits // 8) if bits % 8 == 0 else f"{bits / 8:g}"


def formula(values: dict, out: dict) -> list[str]:
    o = {name: latex_int(value) for name, value in out.items()
         if isinstance(value, int) and not isinstance(value, bool)}
    return [
        rf"M_w = N\,b_w = {o['weight_params']} \times {_bytes_per_weight(values['weight_dtype'])}"
        rf" = {o['weight_bytes']}\ \text{{B}}",
        rf"M_{{\text{{KV}}}} = (M_{{\text{{token}}}}\,T + M_{{\text{{bounded}}}})\,B = "
        rf"({o['kv_cache_bytes_per_token']} \times {latex_int(values['context_length'])} + "
        rf"{o['kv_cache_bounded_bytes']}) \times {latex_int(values['batch_size'])}"
        rf" = {o['kv_cache_bytes']}\ \text{{B}}",
        rf"M = M_w + M_{{\text{{KV}}}} = {o['weight_bytes']} + {o['kv_cache_bytes']}"
        rf" = {o['total_bytes']}\ \text{{B}}",
        rf"n_{{\text{{GPU}}}} = \left\lceil M / M_{{\text{{chip}}}} \right\rceil = \left\lceil "
        rf"{o['total_bytes']} / {o['chip_memory_bytes']} \right\rceil = {o['gpus_needed']}",
    ]


MEMORY = Calculator(
    id="memory",
    title=Text("推論に必要なメモリと GPU 数", "Inference memory and GPU count"),
    summary=Text("重みと KV キャッシュのバイト数を足し、選んだアクセラレータが何基要るかを計算します。",
                 "Weights plus KV cache in bytes, and how many of the chosen accelerators hold "
                 "them."),
    inputs=(
        inputs.model_or_params(),
        inputs.config(),
        inputs.params(Text("入力すると、重みはモデルの総パラメータ数の代わりにこの値で計算します。"
                        "「175B」「1.75e11」「1750億」のような書き方もできます。",
                        "When given, weights use this instead of the model's total parameters. "
                        "Forms like “175B”, “1.75e11” or “1750億” work.")),
        inputs.weight_dtype(),
        inputs.kv_dtype(),
        inputs.context_length(default=4096),
        inputs.batch_size(),
        inputs.chip(),
    ),
    outputs=(
        Output("model_name", Text("モデル", "Model"), "text"),
        Output("weight_params", Text("重みのパラメータ数", "Parameters stored"), "params"),
        Output("weight_bytes", Text("重み", "Weights"), "bytes"),
        Output("kv_cache_bytes_per_token", Text("KV キャッシュ（1 トークンあたり）",
                                                "KV cache per token"), "bytes"),
        Output("kv_cache_bounded_bytes", Text("KV キャッシュの上限のある部分（1 系列、窓・状態）",
                                              "Bounded part of the KV cache (per sequence: "
                                              "windows, states)"), "bytes"),
        Output("kv_cache_bytes", Text("KV キャッシュ（コンテキスト × バッチ）",
                                      "KV cache (context × batch)"), "bytes"),
        Output("total_bytes", Text("合計", "Total"), "bytes"),
        Output("chip_name", Text("アクセラレータ", "Accelerator"), "text"),
        Output("chip_memory_bytes", Text("1 基のメモリ", "Memory per accelerator"), "bytes"),
        Output("chip_memory_label_bytes", Text("ベンダー表記のメモリ", "Memory as the vendor labels it"),
               "data"),
        Output("chip_memory_is_visible", Text("使える容量を使ったか", "Allocatable memory used"), "data"),
        Output("gpus_needed", Text("必要な基数（メモリだけで見た下限）",
                                   "Accelerators needed (memory-only lower bound)"), "count"),
        Output("fits_on_one_gpu", Text("1 基に収まるか", "Fits on one accelerator"), "bool"),
        Output("config_source", Text("config の出典", "Config source"), "url"),
        Output("params_from", Text("重みのパラメータ数の出どころ", "Where the parameter count came from"),
               "data"),
        Output("mtp_params", Text("MTP モジュール", "MTP module"), "data"),
        Output("has_kv_shape", Text("KV キャッシュを計算できたか", "KV cache computed"), "data"),
    ),
    compute=compute,
    formula=formula,
    notes=notes,
    symbols=(
        ("N", Text("重みのパラメータ数", "parameters stored")),
        ("b_w", Text("重み 1 個あたりのバイト数", "bytes per weight")),
        ("M_{\\text{token}}", Text("1 トークンごとに増える KV キャッシュ", "KV cache added per token")),
        ("M_{\\text{bounded}}", Text("増えない部分（窓・固定サイズの状態、1 系列）",
                                       "part that does not grow (windows, fixed-size states; "
                                       "per sequence)")),
        ("T", Text("コンテキスト長", "context length")),
        ("B", Text("バッチサイズ（同時に処理する系列の数）", "batch size (concurrent sequences)")),
        ("M_{\\text{chip}}", Text("アクセラレータ 1 基のメモリ", "memory of one accelerator")),
    ),
)
