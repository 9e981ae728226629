"""Accelerator memory for inference: weights plus KV cache, and how many GPUs that fills.

- Weights: ``M_w = N × b_w`` bytes, where ``N`` is the model's total parameter count (from
  ``model-size``: MTP modules are not included) or the ``params`` input when given, and ``b_w``
  is 4 (FP32), 2 (BF16/FP16), 1 (FP8/INT8) or 0.5 (INT4) bytes; rounded up to a whole byte.
- KV cache: ``M_KV = M_token × T × B`` with ``M_token`` from the ``kv-cache`` calculator (same
  code path). A model given only as a parameter count has no layer/head shape, so its KV cache
  is 0 and ``note`` says so.
- ``gpus_needed = ⌈(M_w + M_KV) / M_chip⌉`` with the chip's memory from ``data/chips.json``.

This is the memory the numbers themselves need: activations, the runtime's workspace,
fragmentation and parallelism overheads are not included, so real deployments need more.
Example: GPT-3 175B in FP32 is 4 × 174.6B = 698 GB (the paper's round "175B" gives exactly
700 GB).
"""

from __future__ import annotations

from . import data
from .attention import attention_from_config
from .errors import ValidationError
from .formatting import latex_int
from .kv_cache import BYTES_PER_ELEMENT, kv_cache_bytes_per_token
from .model_size import model_size
from .presets import config_field, model_field, model_name, resolve_config
from .registry import register
from .schema import Calculator, Choice, Field, Output, Text

#: Bits per weight for each storage type (INT4 is half a byte).
WEIGHT_BITS = {"fp32": 32, "bf16": 16, "fp16": 16, "fp8": 8, "int8": 8, "int4": 4}

PARAMS = "params"
DEFAULT_CHIP = "h100-sxm"

NOTE_NO_KV = ("KV キャッシュは含みません（パラメータ数だけでは層・ヘッドの形が分からないため）。",
              "KV cache not included: a bare parameter count does not give the layer and head "
              "shapes.")
NOTE_PARAMS = ("重みは入力したパラメータ数で計算しています。",
               "Weights use the parameter count entered.")


def weight_bytes(params: int, bits: int) -> int:
    """Bytes to store ``params`` weights of ``bits`` bits each, rounded up to a whole byte."""
    return -(-params * bits // 8)


def gpus_needed(total_bytes: int, chip_memory_bytes: int) -> int:
    """Accelerators whose combined memory holds ``total_bytes`` (at least one)."""
    return max(1, -(-total_bytes // chip_memory_bytes))


def _mtp_note(mtp_params: int) -> tuple[str, str]:
    return (f"MTP モジュール（{mtp_params:,} パラメータ）は含みません（投機的デコードでのみ読み込まれます）。",
            f"The MTP module ({mtp_params:,} parameters) is not included (it is loaded only for "
            f"speculative decoding).")


def _weights_and_kv(inputs: dict) -> tuple[int, int, int, list[tuple[str, str]], str]:
    """(weight parameters, KV bytes per token, KV bytes in total, notes, config source)."""
    params = inputs["params"]
    config, origin = resolve_config(inputs["model"], inputs["config"])
    notes = []
    if not config:
        if inputs["model"] == PARAMS:
            if params is None:
                raise ValidationError("params", "パラメータ数を入力してください。",
                                      "Enter the parameter count.")
            return params, 0, 0, [NOTE_NO_KV], ""
        raise ValidationError("config", "config.json を貼り付けるか、モデルを選んでください。",
                              "Paste a config.json or choose a model.")
    if params is None:
        size = model_size(config)
        params = size.counts.total
        if size.mtp:
            notes.append(_mtp_note(size.mtp))
    else:
        notes.append(NOTE_PARAMS)
    attention = attention_from_config(config)
    per_token = kv_cache_bytes_per_token(attention, BYTES_PER_ELEMENT[inputs["kv_dtype"]])
    kv_bytes = per_token * inputs["context_length"] * inputs["batch_size"]
    return params, per_token, kv_bytes, notes, origin


def _compute(inputs: dict) -> dict:
    params, per_token, kv_bytes, notes, origin = _weights_and_kv(inputs)
    weights = weight_bytes(params, WEIGHT_BITS[inputs["weight_dtype"]])
    chip = data.chips()[inputs["chip"]]
    chip_memory = chip["memory_bytes"]
    total = weights + kv_bytes
    return {
        "model_name": model_name(inputs["model"], inputs["config"]),
        "weight_params": params,
        "weight_bytes": weights,
        "kv_cache_bytes_per_token": per_token,
        "kv_cache_bytes": kv_bytes,
        "total_bytes": total,
        "chip_name": chip["name"],
        "chip_memory_bytes": chip_memory,
        "gpus_needed": gpus_needed(total, chip_memory),
        "fits_on_one_gpu": total <= chip_memory,
        "note": {"ja": "".join(ja for ja, _ in notes), "en": " ".join(en for _, en in notes)} if notes else None,
        "config_source": origin,
    }


def _bytes_per_weight(dtype: str) -> str:
    bits = WEIGHT_BITS[dtype]
    return str(bits // 8) if bits % 8 == 0 else f"{bits / 8:g}"


def _formula(inputs: dict, outputs: dict, lang: str) -> list[str]:
    o = {name: latex_int(value) for name, value in outputs.items()
         if isinstance(value, int) and not isinstance(value, bool)}
    return [
        rf"M_w = N\,b_w = {o['weight_params']} \times {_bytes_per_weight(inputs['weight_dtype'])}"
        rf" = {o['weight_bytes']}\ \text{{B}}",
        rf"M_{{\text{{KV}}}} = M_{{\text{{token}}}}\,T\,B = {o['kv_cache_bytes_per_token']} \times "
        rf"{latex_int(inputs['context_length'])} \times {latex_int(inputs['batch_size'])}"
        rf" = {o['kv_cache_bytes']}\ \text{{B}}",
        rf"M = M_w + M_{{\text{{KV}}}} = {o['weight_bytes']} + {o['kv_cache_bytes']}"
        rf" = {o['total_bytes']}\ \text{{B}}",
        rf"n_{{\text{{GPU}}}} = \left\lceil M / M_{{\text{{chip}}}} \right\rceil = \left\lceil "
        rf"{o['total_bytes']} / {o['chip_memory_bytes']} \right\rceil = {o['gpus_needed']}",
    ]


def _dtype_choices(table: dict, labels: dict) -> tuple[Choice, ...]:
    return tuple(Choice(name, Text(labels[name], labels[name])) for name in table)


WEIGHT_LABELS = {"fp32": "FP32 (4 B)", "bf16": "BF16 (2 B)", "fp16": "FP16 (2 B)",
                 "fp8": "FP8 (1 B)", "int8": "INT8 (1 B)", "int4": "INT4 (0.5 B)"}
KV_LABELS = {"bf16": "BF16 (2 B)", "fp16": "FP16 (2 B)", "fp8": "FP8 (1 B)", "fp32": "FP32 (4 B)"}


def _chip_choices() -> tuple[Choice, ...]:
    return tuple(Choice(chip_id, Text(chip["name"], chip["name"]))
                 for chip_id, chip in data.chips().items())


MEMORY = register(Calculator(
    id="memory",
    title=Text("推論に必要なメモリと GPU 数", "Inference memory and GPU count"),
    summary=Text("重みと KV キャッシュのバイト数を足し、選んだアクセラレータが何枚要るかを計算します。",
                 "Weights plus KV cache in bytes, and how many of the chosen accelerators hold "
                 "them."),
    inputs=(
        model_field(extra=(Choice(PARAMS, Text("パラメータ数だけで指定（下の欄）",
                                               "Parameter count only (field below)")),)),
        config_field(),
        Field("params", "int", Text("パラメータ数（任意）", "Parameter count (optional)"),
              optional=True, minimum=1, maximum=10**15, unit=Text("個", "parameters"),
              help=Text("入力すると、重みはモデルの総パラメータ数の代わりにこの値で計算します。"
                        "「175e9」のような書き方もできます。",
                        "When given, weights use this instead of the model's total parameters. "
                        "Forms like “175e9” work.")),
        Field("weight_dtype", "choice", Text("重みの数値型", "Weight data type"), default="bf16",
              choices=_dtype_choices(WEIGHT_BITS, WEIGHT_LABELS)),
        Field("kv_dtype", "choice", Text("KV キャッシュの数値型", "KV-cache data type"),
              default="bf16", choices=_dtype_choices(BYTES_PER_ELEMENT, KV_LABELS)),
        Field("context_length", "int", Text("コンテキスト長", "Context length"), default=4096,
              unit=Text("トークン", "tokens"), minimum=1, maximum=10_000_000),
        Field("batch_size", "int", Text("バッチサイズ（同時シーケンス数）",
                                        "Batch size (concurrent sequences)"),
              default=1, unit=Text("本", "sequences"), minimum=1, maximum=100_000),
        Field("chip", "choice", Text("アクセラレータ", "Accelerator"), default=DEFAULT_CHIP,
              choices=_chip_choices()),
    ),
    outputs=(
        Output("model_name", Text("モデル", "Model"), "text"),
        Output("weight_params", Text("重みのパラメータ数", "Parameters stored"), "params"),
        Output("weight_bytes", Text("重み", "Weights"), "bytes"),
        Output("kv_cache_bytes_per_token", Text("KV キャッシュ（1 トークンあたり）",
                                                "KV cache per token"), "bytes"),
        Output("kv_cache_bytes", Text("KV キャッシュ（コンテキスト × バッチ）",
                                      "KV cache (context × batch)"), "bytes"),
        Output("total_bytes", Text("合計", "Total"), "bytes"),
        Output("chip_name", Text("アクセラレータ", "Accelerator"), "text"),
        Output("chip_memory_bytes", Text("1 枚のメモリ", "Memory per accelerator"), "bytes"),
        Output("gpus_needed", Text("必要な枚数（メモリだけで見た下限）",
                                   "Accelerators needed (memory-only lower bound)"), "count"),
        Output("fits_on_one_gpu", Text("1 枚に収まるか", "Fits on one accelerator"), "text"),
        Output("note", Text("注記", "Note"), "text"),
        Output("config_source", Text("config の出典", "Config source"), "url"),
    ),
    compute=_compute,
    formula=_formula,
    source_module="dscalc/memory.py",
    extra={"symbols": (
        ("N", Text("重みのパラメータ数", "parameters stored")),
        ("b_w", Text("重み 1 個あたりのバイト数", "bytes per weight")),
        ("M_{\\text{token}}", Text("1 トークンあたりの KV キャッシュ", "KV cache per token")),
        ("T", Text("コンテキスト長", "context length")),
        ("B", Text("バッチサイズ（同時シーケンス数）", "batch size (concurrent sequences)")),
        ("M_{\\text{chip}}", Text("アクセラレータ 1 枚のメモリ", "memory of one accelerator")),
    )},
))
