"""KV-cache size of a decoder-only transformer.

Bytes cached per token = layers × elements cached per token per layer × bytes per element,
where a layer caches ``2 × n_kv_heads × head_dim`` elements (MHA/GQA/MQA) or
``kv_lora_rank + qk_rope_head_dim`` elements (MLA). The whole cache is that times the context
length times the batch size. With BF16 this reproduces Table 1 of "Insights into DeepSeek-V3"
(ISCA 2025, arXiv:2505.09343): DeepSeek-V3 70,272 B, Qwen2.5-72B 327,680 B,
LLaMA-3.1-405B 516,096 B per token.

Comparison: for the same layers ``L``, query heads ``n_h``, per-head dimension ``d_h`` and data
type, the bytes per token of three hypothetical attention layouts (DeepSeek-V2 report,
arXiv:2405.04434, Table 1):

- MHA: ``L × 2 × n_h × d_h × b`` (every head caches its own key and value);
- GQA: ``L × 2 × n_g × d_h × b`` with ``n_g`` = ``gqa_groups`` KV heads (at most ``n_h``);
- MLA: ``L × (d_c + d_h^R) × b`` with ``d_c`` = ``mla_latent_dim``, ``d_h^R`` = ``mla_rope_dim``.

For an MLA model ``d_h`` is the per-head dimension of the report (``qk_nope_head_dim``, 128 for
DeepSeek-V2/V3), not the 192-wide query/key head that includes the RoPE part; when it is not
known (individual values without a config and no ``head_dim``) the MHA and GQA variants are
``None``. ``chart`` plots all four caches (GB, for the chosen batch size) against context length
from 1K to 1M tokens on log-log axes: each line is straight, and the vertical gap between two
lines is their ratio.
"""

from __future__ import annotations

from .attention import Attention, attention_from_config
from .charts import Series, log_log_chart
from .config import get_int, language_model_config
from .errors import ValidationError
from .formatting import format_bytes, latex_int
# CUSTOM and DEFAULT_MODEL stay importable from here (they moved to presets).
from .presets import CUSTOM, DEFAULT_MODEL  # noqa: F401
from .presets import config_field, model_field, model_name, resolve_config
from .registry import register
from .schema import Calculator, Choice, Field, Output, Text

#: Bytes per cached element for each storage type.
BYTES_PER_ELEMENT = {"bf16": 2, "fp16": 2, "fp8": 1, "fp32": 4}

#: Inputs that override single config.json keys (same names as in config.json).
OVERRIDE_FIELDS = ("num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
                   "kv_lora_rank", "qk_rope_head_dim")

#: Context lengths plotted in ``chart``: 1K (2**10) to 1M (2**20) tokens.
CHART_CONTEXTS = tuple(2**power for power in range(10, 21))
CHART_TICKS = ((2**10, "1K"), (2**12, "4K"), (2**14, "16K"), (2**16, "64K"), (2**18, "256K"),
               (2**20, "1M"))


def kv_cache_bytes_per_token(attention: Attention, bytes_per_element: int) -> int:
    """Bytes of KV cache one token occupies across all layers."""
    return attention.num_layers * attention.cached_elements_per_token_per_layer * bytes_per_element


def variant_bytes_per_token(kind: str, *, num_layers: int, num_heads: int, head_dim: int | None,
                            bytes_per_element: int, gqa_groups: int = 8, mla_latent_dim: int = 512,
                            mla_rope_dim: int = 64) -> int | None:
    """Bytes per token of a hypothetical ``"MHA"``, ``"GQA"`` or ``"MLA"`` cache.

    MHA and GQA need the per-head dimension and give ``None`` without it; GQA uses
    ``min(gqa_groups, num_heads)`` KV heads (a layer cannot have more KV heads than heads).
    """
    if kind == "MLA":
        return num_layers * (mla_latent_dim + mla_rope_dim) * bytes_per_element
    if head_dim is None:
        return None
    kv_heads = num_heads if kind == "MHA" else min(gqa_groups, num_heads)
    return num_layers * 2 * kv_heads * head_dim * bytes_per_element


def comparison_head_dim(attention: Attention, config: dict, inputs: dict) -> int | None:
    """The per-head dimension ``d_h`` the MHA/GQA variants use (see the module docstring)."""
    if attention.kind != "MLA":
        return attention.head_dim
    if inputs["head_dim"] is not None:
        return inputs["head_dim"]
    merged = language_model_config(config) if config else {}
    # Already validated by attention_from_config (0 when absent).
    nope_dim = get_int(merged, "qk_nope_head_dim", default=0, minimum=0, maximum=1_000_000)
    if nope_dim:
        return nope_dim
    return get_int(merged, "v_head_dim", default=None, maximum=1_000_000)


def _attention(inputs: dict) -> tuple[Attention, dict, str]:
    config, origin = resolve_config(inputs["model"], inputs["config"])
    overrides = {name: inputs[name] for name in OVERRIDE_FIELDS}
    if not config:
        _require_fields(overrides)
    return attention_from_config(config, overrides), config, origin


def _variants(attention: Attention, config: dict, inputs: dict, bytes_per_element: int) -> dict:
    shape = {"num_layers": attention.num_layers, "num_heads": attention.num_heads,
             "head_dim": comparison_head_dim(attention, config, inputs),
             "bytes_per_element": bytes_per_element, "gqa_groups": inputs["gqa_groups"],
             "mla_latent_dim": inputs["mla_latent_dim"], "mla_rope_dim": inputs["mla_rope_dim"]}
    return {kind: variant_bytes_per_token(kind, **shape) for kind in ("MHA", "GQA", "MLA")}


def _compute(inputs: dict) -> dict:
    attention, config, origin = _attention(inputs)
    bytes_per_element = BYTES_PER_ELEMENT[inputs["kv_dtype"]]
    per_token = kv_cache_bytes_per_token(attention, bytes_per_element)
    variants = _variants(attention, config, inputs, bytes_per_element)
    return {
        "model_name": model_name(inputs["model"], inputs["config"]),
        "config_source": origin,
        "attention_kind": attention.kind,
        "num_layers": attention.num_layers,
        "cached_elements_per_token_per_layer": attention.cached_elements_per_token_per_layer,
        "bytes_per_element": bytes_per_element,
        "bytes_per_token": per_token,
        "total_bytes": per_token * inputs["context_length"] * inputs["batch_size"],
        "bytes_per_token_mha": variants["MHA"],
        "bytes_per_token_gqa": variants["GQA"],
        "bytes_per_token_mla": variants["MLA"],
        "chart": {lang: cache_chart(attention, per_token, variants, inputs, lang) for lang in ("ja", "en")},
    }


CHART_WORDS = {
    "ja": {"this_model": "このモデル", "title": "KV キャッシュとコンテキスト長（バッチ {batch:,}）",
           "x": "コンテキスト長（トークン、対数）", "y": "KV キャッシュ（GB、対数）", "tokens": "トークン"},
    "en": {"this_model": "this model", "title": "KV cache vs context length (batch {batch:,})",
           "x": "context length (tokens, log)", "y": "KV cache (GB, log)", "tokens": "tokens"},
}


def _series_labels(attention: Attention, inputs: dict, lang: str) -> dict:
    groups = min(inputs["gqa_groups"], attention.num_heads)
    return {
        "actual": f"{CHART_WORDS[lang]['this_model']} ({attention.kind})",
        "MHA": f"MHA (n_h = {attention.num_heads})",
        "GQA": f"GQA (n_g = {groups})",
        "MLA": f"MLA (d_c = {inputs['mla_latent_dim']}, d_h^R = {inputs['mla_rope_dim']})",
    }


def cache_chart(attention: Attention, per_token: int, variants: dict, inputs: dict, lang: str) -> str:
    """SVG: KV cache (GB) of the model and the three variants against context length."""
    batch = inputs["batch_size"]
    words = CHART_WORDS[lang]
    labels = _series_labels(attention, inputs, lang)
    per_token_by_series = {"actual": per_token, **variants}
    series = [Series(labels[key], tuple((context, value * context * batch / 1e9)
                                        for context in CHART_CONTEXTS))
              for key, value in per_token_by_series.items() if value is not None]
    longest = CHART_CONTEXTS[-1]
    description = "; ".join(
        f"{labels[key]}: {format_bytes(value * longest * batch)}"
        for key, value in per_token_by_series.items() if value is not None)
    return log_log_chart(
        series,
        title=words["title"].format(batch=batch),
        x_label=words["x"],
        y_label=words["y"],
        x_ticks=CHART_TICKS,
        marker=(inputs["context_length"], f"T = {inputs['context_length']:,}"),
        description=f"{longest:,} {words['tokens']}: {description}")


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
    attention, config, _ = _attention(inputs)
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
    return [line, total] + _comparison_formula(attention, config, inputs, outputs)


def _comparison_formula(attention: Attention, config: dict, inputs: dict,
                        outputs: dict) -> list[str]:
    layers = latex_int(outputs["num_layers"])
    width = latex_int(outputs["bytes_per_element"])
    head_dim = comparison_head_dim(attention, config, inputs)
    lines = []
    if head_dim is not None:
        heads = latex_int(attention.num_heads)
        groups = latex_int(min(inputs["gqa_groups"], attention.num_heads))
        lines.append(rf"M^{{\text{{MHA}}}}_{{\text{{token}}}} = L \cdot 2\,n_h\,d_h\,b = {layers}"
                     rf" \times 2 \times {heads} \times {latex_int(head_dim)} \times {width}"
                     rf" = {latex_int(outputs['bytes_per_token_mha'])}\ \text{{B}}")
        lines.append(rf"M^{{\text{{GQA}}}}_{{\text{{token}}}} = L \cdot 2\,n_g\,d_h\,b = {layers}"
                     rf" \times 2 \times {groups} \times {latex_int(head_dim)} \times {width}"
                     rf" = {latex_int(outputs['bytes_per_token_gqa'])}\ \text{{B}}")
    lines.append(rf"M^{{\text{{MLA}}}}_{{\text{{token}}}} = L\,(d_c + d_h^R)\,b = {layers} \times "
                 rf"({latex_int(inputs['mla_latent_dim'])} + {latex_int(inputs['mla_rope_dim'])})"
                 rf" \times {width} = {latex_int(outputs['bytes_per_token_mla'])}\ \text{{B}}")
    return lines


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
        model_field(),
        config_field(),
        Field("kv_dtype", "choice", Text("キャッシュの数値型", "Cache data type"), default="bf16",
              choices=tuple(Choice(name, Text(label, label)) for name, label in
                            (("bf16", "BF16 (2 B)"), ("fp16", "FP16 (2 B)"),
                             ("fp8", "FP8 (1 B)"), ("fp32", "FP32 (4 B)")))),
        Field("context_length", "int", Text("コンテキスト長", "Context length"), default=32_768,
              unit=Text("トークン", "tokens"), minimum=1, maximum=10_000_000),
        Field("batch_size", "int", Text("バッチサイズ（同時シーケンス数）",
                                        "Batch size (concurrent sequences)"),
              default=1, unit=Text("本", "sequences"), minimum=1, maximum=100_000),
        _override("num_hidden_layers", "層数 L", "Layers L"),
        _override("num_attention_heads", "アテンションヘッド数", "Attention heads"),
        _override("num_key_value_heads", "KV ヘッド数 n_kv", "KV heads n_kv"),
        _override("head_dim", "ヘッド次元 d_h", "Head dimension d_h"),
        _override("kv_lora_rank", "MLA 潜在次元 d_c", "MLA latent dimension d_c"),
        _override("qk_rope_head_dim", "MLA RoPE キー次元 d_h^R", "MLA RoPE key dimension d_h^R"),
        Field("gqa_groups", "int", Text("比較: GQA の KV ヘッド数 n_g",
                                        "Comparison: GQA KV heads n_g"),
              default=8, minimum=1, maximum=100_000, advanced=True,
              help=Text("比較用の仮想 GQA が持つ KV ヘッド（グループ）数。ヘッド数を超える値はヘッド数に切り詰めます。",
                        "KV heads (groups) of the hypothetical GQA variant; capped at the number "
                        "of heads.")),
        Field("mla_latent_dim", "int", Text("比較: MLA 潜在次元 d_c", "Comparison: MLA latent d_c"),
              default=512, minimum=1, maximum=1_000_000, advanced=True),
        Field("mla_rope_dim", "int", Text("比較: MLA RoPE キー次元 d_h^R",
                                          "Comparison: MLA RoPE key d_h^R"),
              default=64, minimum=0, maximum=1_000_000, advanced=True),
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
        Output("bytes_per_token_mha", Text("比較: MHA なら 1 トークンあたり",
                                           "Comparison: per token with MHA"), "bytes"),
        Output("bytes_per_token_gqa", Text("比較: GQA なら 1 トークンあたり",
                                           "Comparison: per token with GQA"), "bytes"),
        Output("bytes_per_token_mla", Text("比較: MLA なら 1 トークンあたり",
                                           "Comparison: per token with MLA"), "bytes"),
        Output("chart", Text("KV キャッシュとコンテキスト長のグラフ",
                             "Chart: KV cache vs context length"), format="svg"),
    ),
    compute=_compute,
    formula=_formula,
    source_module="dscalc/kv_cache.py",
    extra={"symbols": (
        ("L", Text("層数", "layers")),
        ("n_{kv}", Text("KV ヘッド数", "KV heads")),
        ("n_h", Text("クエリヘッド数", "query heads")),
        ("n_g", Text("比較用 GQA の KV ヘッド数", "KV heads of the hypothetical GQA")),
        ("d_h", Text("ヘッド次元", "head dimension")),
        ("d_c", Text("MLA の圧縮潜在次元", "MLA compressed latent dimension")),
        ("d_h^R", Text("MLA の分離 RoPE キー次元", "MLA decoupled RoPE key dimension")),
        ("b", Text("要素あたりバイト数", "bytes per element")),
        ("T", Text("コンテキスト長", "context length")),
        ("N", Text("バッチサイズ（同時シーケンス数）", "batch size (concurrent sequences)")),
    )},
))
