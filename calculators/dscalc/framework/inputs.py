"""Input declarations shared by several calculators, declared once.

Model presets follow one rule everywhere: a calculator that reads a Hugging Face
``config.json`` takes ``model`` (a preset from ``data/models``, or ``custom``) and ``config``
(a pasted config), and **a pasted config wins over the preset choice**; with no pasted config the
preset's config is used; ``custom`` without a pasted config means "no config" (the calculator
then asks for the values it needs).
"""

from __future__ import annotations

from .. import data
from .schema import Choice, Field
from .text import Text, clip

CUSTOM = "custom"
DEFAULT_MODEL = "deepseek-v3"
#: The ``model`` choice meaning "no model: a bare parameter count, typed in ``params``".
PARAMS = "params"

CUSTOM_CHOICE = Choice(CUSTOM, Text("貼り付けた config.json/個別の値",
                                    "Pasted config.json / individual values"))

#: Bytes per element of each storage type a cache or a tensor can use.
BYTES_PER_ELEMENT = {"bf16": 2, "fp16": 2, "fp8": 1, "fp32": 4}
#: Bits per weight of each storage type (INT4 and FP4 are half a byte).
WEIGHT_BITS = {"fp32": 32, "bf16": 16, "fp16": 16, "fp8": 8, "int8": 8, "fp4": 4, "int4": 4}

_FORMAT_LABELS = {"fp32": "FP32", "bf16": "BF16", "fp16": "FP16", "fp8": "FP8", "int8": "INT8",
                  "fp4": "FP4", "int4": "INT4"}


def _format_choices(bits: dict) -> tuple[Choice, ...]:
    choices = []
    for name, width in bits.items():
        size = f"{width // 8}" if width % 8 == 0 else f"{width / 8:g}"
        label = f"{_FORMAT_LABELS[name]} ({size} B)"
        choices.append(Choice(name, Text(label, label)))
    return tuple(choices)


def model_choices(extra: tuple[Choice, ...] = ()) -> tuple[Choice, ...]:
    """Every model record that carries a config, then ``extra``, then ``custom``."""
    presets = tuple(Choice(record["id"], Text(record["name"], record["name"]))
                    for record in data.models().values() if "config" in record)
    return presets + tuple(extra) + (CUSTOM_CHOICE,)


def model(extra: tuple[Choice, ...] = (), default: str = DEFAULT_MODEL) -> Field:
    """The ``model`` input: presets (plus ``extra``) and ``custom``."""
    return Field("model", "choice", Text("モデル", "Model"), default=default,
                 choices=model_choices(extra),
                 help=Text("実在モデルの config.json のプリセット（出典は「数字と出典」ページ）。"
                           "config.json を貼り付けるとそちらが優先されます。",
                           "Presets from real models' config.json files (sources on the Sources "
                           "page). A pasted config.json wins."))


def model_or_params() -> Field:
    """The ``model`` input with one more choice: a bare parameter count (the ``params`` input)."""
    return model(extra=(Choice(PARAMS, Text("パラメータ数だけで指定（下の欄）",
                                            "Parameter count only (field below)")),))


def params(help_text: Text) -> Field:
    """An optional parameter count typed as ``175B``, ``1.75e11`` or ``1750億``."""
    return Field("params", "int", Text("パラメータ数（任意）", "Parameter count (optional)"),
                 optional=True, minimum=1, maximum=10**15, unit=Text("個", "parameters"),
                 magnitudes=True, help=help_text)


def config() -> Field:
    """The optional ``config`` input (a pasted Hugging Face ``config.json``)."""
    return Field("config", "config", Text("config.json（任意）", "config.json (optional)"),
                 optional=True,
                 help=Text("Hugging Face の config.json をそのまま貼り付けてください。",
                           "Paste a Hugging Face config.json as it is."))


def context_length(default: int = 32_768, label: Text | None = None) -> Field:
    return Field("context_length", "int", label or Text("コンテキスト長", "Context length"),
                 default=default, unit=Text("トークン", "tokens"), minimum=1,
                 maximum=10_000_000, magnitudes=True)


def batch_size(default: int = 1) -> Field:
    return Field("batch_size", "int", Text("バッチサイズ（同時に処理する系列数）",
                                           "Batch size (concurrent sequences)"),
                 default=default, unit=Text("本", "sequences"), minimum=1, maximum=100_000)


def kv_dtype(default: str = "bf16", label: Text | None = None) -> Field:
    return Field("kv_dtype", "choice", label or Text("KV キャッシュの数値型", "KV-cache data type"),
                 default=default, choices=_format_choices(
                     {name: BYTES_PER_ELEMENT[name] * 8 for name in BYTES_PER_ELEMENT}))


def weight_dtype(default: str = "bf16") -> Field:
    return Field("weight_dtype", "choice", Text("重みの数値型", "Weight data type"),
                 default=default, choices=_format_choices(WEIGHT_BITS))


def chip(default: str = "h100-sxm", name: str = "chip") -> Field:
    return Field(name, "choice", Text("アクセラレータ", "Accelerator"), default=default,
                 choices=tuple(Choice(chip_id, Text(record["name"], record["name"]))
                               for chip_id, record in data.chips().items()))


def resolve_config(model_id: str, pasted: dict | None) -> tuple[dict, str]:
    """The config to use and where it came from (a URL, ``"config.json"`` or ``""``).

    A pasted config takes precedence over the preset choice. ``custom`` (or any choice that is
    not a model record) without a pasted config gives an empty config.
    """
    if pasted is not None:
        return pasted, "config.json"
    record = data.models().get(model_id)
    if record is None or "config" not in record:
        return {}, ""
    return record["config"], record["source_url"]


def model_name(model_id: str, pasted: dict | None) -> str:
    """What to call the model in results: the pasted config's name, or the preset's name."""
    if pasted is not None:
        return clip(pasted.get("_name_or_path") or pasted.get("model_type") or "config.json", 80)
    record = data.models().get(model_id)
    if record is None:
        return "—"
    return record["name"]
