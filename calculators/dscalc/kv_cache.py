"""KV-cache size of a decoder-only transformer.

Bytes cached per token = layers × elements cached per token per layer × bytes per element,
where a layer caches ``2 × n_kv_heads × head_dim`` elements (MHA/GQA/MQA) or
``kv_lora_rank + qk_rope_head_dim`` elements (MLA). The whole cache is that times the context
length times the batch size. With BF16 this reproduces Table 1 of "Insights into DeepSeek-V3"
(ISCA 2025, arXiv:2505.09343): DeepSeek-V3 70,272 B, Qwen2.5-72B 327,680 B,
LLaMA-3.1-405B 516,096 B per token.
"""

from __future__ import annotations

from . import data
from .attention import Attention, attention_from_config
from .errors import ValidationError
from .formatting import latex_int
from .registry import register
from .schema import Calculator, Choice, Field, Output, Text

#: Bytes per cached element for each storage type.
BYTES_PER_ELEMENT = {"bf16": 2, "fp16": 2, "fp8": 1, "fp32": 4}

#: Inputs that override single config.json keys (same names as in config.json).
OVERRIDE_FIELDS = ("num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
                   "kv_lora_rank", "qk_rope_head_dim")

CUSTOM = "custom"
DEFAULT_MODEL = "deepseek-v3"


def kv_cache_bytes_per_token(attention: Attention, bytes_per_element: int) -> int:
    """Bytes of KV cache one token occupies across all layers."""
    return attention.num_layers * attention.cached_elements_per_token_per_layer * bytes_per_element


def resolve_config(model: str, config: dict | None) -> tuple[dict, str]:
    """The config to use and a short description of where it came from.

    A pasted config takes precedence over the preset choice.
    """
    if config is not None:
        return config, "config.json"
    if model == CUSTOM:
        return {}, ""
    record = data.models()[model]
    return record["config"], record["source_url"]


def _compute(inputs: dict) -> dict:
    config, origin = resolve_config(inputs["model"], inputs["config"])
    overrides = {name: inputs[name] for name in OVERRIDE_FIELDS}
    if not config:
        _require_fields(overrides)
    attention = attention_from_config(config, overrides)
    bytes_per_element = BYTES_PER_ELEMENT[inputs["kv_dtype"]]
    per_token = kv_cache_bytes_per_token(attention, bytes_per_element)
    if inputs["config"] is not None:
        model_name = str(config.get("_name_or_path") or config.get("model_type") or "config.json")[:80]
    elif inputs["model"] == CUSTOM:
        model_name = "—"
    else:
        model_name = data.models()[inputs["model"]]["name"]
    return {
        "model_name": model_name,
        "config_source": origin,
        "attention_kind": attention.kind,
        "num_layers": attention.num_layers,
        "cached_elements_per_token_per_layer": attention.cached_elements_per_token_per_layer,
        "bytes_per_element": bytes_per_element,
        "bytes_per_token": per_token,
        "total_bytes": per_token * inputs["context_length"] * inputs["batch_size"],
    }


def _require_fields(overrides: dict) -> None:
    for name in ("num_hidden_layers", "num_attention_heads"):
        if overrides[name] is None:
            raise ValidationError(
                name,
                "config.json を貼り付けるか、この値を入力してください。",
                "Paste a config.json or enter this value.")


def _formula(inputs: dict, outputs: dict, lang: str) -> list[str]:
    layers = latex_int(outputs["num_layers"])
    width = latex_int(outputs["bytes_per_element"])
    per_token = latex_int(outputs["bytes_per_token"])
    config, _ = resolve_config(inputs["model"], inputs["config"])
    attention = attention_from_config(config, {name: inputs[name] for name in OVERRIDE_FIELDS})
    if attention.kind == "MLA":
        line = (rf"M_{{\text{{token}}}} = L\,(d_c + d_h^R)\,b = {layers} \times "
                rf"({latex_int(attention.kv_lora_rank)} + {latex_int(attention.qk_rope_head_dim)})"
                rf" \times {width} = {per_token}\ \text{{B}}")
    else:
        line = (rf"M_{{\text{{token}}}} = L \cdot 2\,n_{{kv}}\,d_h\,b = {layers} \times 2 \times "
                rf"{latex_int(attention.num_kv_heads)} \times {latex_int(attention.head_dim)}"
                rf" \times {width} = {per_token}\ \text{{B}}")
    total = (rf"M = M_{{\text{{token}}}}\,T\,N = {per_token} \times "
             rf"{latex_int(inputs['context_length'])} \times {latex_int(inputs['batch_size'])}"
             rf" = {latex_int(outputs['total_bytes'])}\ \text{{B}}")
    return [line, total]


def _model_choices() -> tuple[Choice, ...]:
    presets = tuple(Choice(record["id"], Text(record["name"], record["name"]))
                    for record in data.models().values() if "config" in record)
    return presets + (Choice(CUSTOM, Text("貼り付けた config.json / 個別の値",
                                          "Pasted config.json / individual values")),)


def _override(name: str, ja: str, en: str) -> Field:
    return Field(name, "int", Text(ja, en), optional=True, advanced=True, minimum=1,
                 maximum=1_000_000,
                 help=Text("空欄なら config.json の値を使います。",
                           "Leave empty to use the config.json value."))


KV_CACHE = register(Calculator(
    id="kv-cache",
    title=Text("KV キャッシュ容量", "KV-cache size"),
    summary=Text("実在モデルの config.json から、1 トークンあたりと全体の KV キャッシュ容量を計算します。",
                 "KV-cache bytes per token and in total, from a real model's config.json."),
    inputs=(
        Field("model", "choice", Text("モデル", "Model"), default=DEFAULT_MODEL,
              choices=_model_choices(),
              help=Text("公式 config.json のプリセット。config.json を貼り付けるとそちらが優先されます。",
                        "Presets from official config.json files. A pasted config.json wins.")),
        Field("config", "config", Text("config.json（任意）", "config.json (optional)"),
              optional=True,
              help=Text("Hugging Face の config.json をそのまま貼り付けてください。",
                        "Paste a Hugging Face config.json as it is.")),
        Field("kv_dtype", "choice", Text("キャッシュの数値型", "Cache data type"), default="bf16",
              choices=tuple(Choice(name, Text(label, label)) for name, label in
                            (("bf16", "BF16 (2 B)"), ("fp16", "FP16 (2 B)"),
                             ("fp8", "FP8 (1 B)"), ("fp32", "FP32 (4 B)")))),
        Field("context_length", "int", Text("コンテキスト長", "Context length"), default=32_768,
              unit="tokens", minimum=1, maximum=10_000_000),
        Field("batch_size", "int", Text("バッチサイズ（同時シーケンス数）",
                                        "Batch size (concurrent sequences)"),
              default=1, unit="sequences", minimum=1, maximum=100_000),
        _override("num_hidden_layers", "層数 L", "Layers L"),
        _override("num_attention_heads", "アテンションヘッド数", "Attention heads"),
        _override("num_key_value_heads", "KV ヘッド数 n_kv", "KV heads n_kv"),
        _override("head_dim", "ヘッド次元 d_h", "Head dimension d_h"),
        _override("kv_lora_rank", "MLA 潜在次元 d_c", "MLA latent dimension d_c"),
        _override("qk_rope_head_dim", "MLA RoPE キー次元 d_h^R", "MLA RoPE key dimension d_h^R"),
    ),
    outputs=(
        Output("model_name", Text("モデル", "Model"), "text"),
        Output("attention_kind", Text("アテンション方式", "Attention kind"), "text"),
        Output("num_layers", Text("層数", "Layers"), "count"),
        Output("cached_elements_per_token_per_layer",
               Text("1 層・1 トークンあたりのキャッシュ要素数",
                    "Cached elements per token per layer"), "count"),
        Output("bytes_per_element", Text("要素あたりバイト数", "Bytes per element"), "count", "B"),
        Output("bytes_per_token", Text("1 トークンあたり", "Per token"), "bytes"),
        Output("total_bytes", Text("合計（コンテキスト × バッチ）", "Total (context × batch)"),
               "bytes"),
        Output("config_source", Text("config の出典", "Config source"), "url"),
    ),
    compute=_compute,
    formula=_formula,
    source_module="dscalc/kv_cache.py",
    extra={"symbols": (
        ("L", Text("層数", "layers")),
        ("n_{kv}", Text("KV ヘッド数", "KV heads")),
        ("d_h", Text("ヘッド次元", "head dimension")),
        ("d_c", Text("MLA の圧縮潜在次元", "MLA compressed latent dimension")),
        ("d_h^R", Text("MLA の分離 RoPE キー次元", "MLA decoupled RoPE key dimension")),
        ("b", Text("要素あたりバイト数", "bytes per element")),
        ("T", Text("コンテキスト長", "context length")),
        ("N", Text("バッチサイズ（同時シーケンス数）", "batch size (concurrent sequences)")),
    )},
))
