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
``None``. The chart plots all four caches (GB, for the chosen batch size) against context
length from 1K to 1M tokens on log-log axes: each line is straight, and the vertical gap between
two lines is their ratio.
"""

from __future__ import annotations

from .. import inputs
from ..charts import LineChart, Marker, Series
from ..configs import Attention, get_int, language_model_config, read_attention
from ..errors import ValidationError
from ..schema import Calculator, ChartSlot, Field, Output
from ..text import Text
from ..units import format_bytes, latex_int

#: Inputs that override single config.json keys (same names as in config.json).
OVERRIDE_FIELDS = ("num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
                   "kv_lora_rank", "qk_rope_head_dim")

#: Context lengths plotted: 1K (2**10) to 1M (2**20) tokens.
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


def comparison_head_dim(attention: Attention, config: dict, head_dim_override: int | None) -> int | None:
    """The per-head dimension ``d_h`` the MHA/GQA variants use (see the module docstring)."""
    if attention.mla is None:
        return attention.head_dim
    if head_dim_override is not None:
        return head_dim_override
    if attention.mla.nope_dim:
        return attention.mla.nope_dim
    merged = language_model_config(config) if config else {}
    return get_int(merged, "v_head_dim", default=None)


def _require_fields(overrides: dict) -> None:
    for name in ("num_hidden_layers", "num_attention_heads"):
        if overrides[name] is None:
            raise ValidationError(name, "config.json を貼り付けるか、この値を入力してください。",
                                  "Paste a config.json or enter this value.")


def compute(values: dict) -> dict:
    config, origin = inputs.resolve_config(values["model"], values["config"])
    overrides = {name: values[name] for name in OVERRIDE_FIELDS}
    if not config:
        _require_fields(overrides)
    attention = read_attention(config, overrides)
    width = inputs.BYTES_PER_ELEMENT[values["kv_dtype"]]
    per_token = kv_cache_bytes_per_token(attention, width)
    head_dim = comparison_head_dim(attention, config, values["head_dim"])
    groups = min(values["gqa_groups"], attention.num_heads)
    shape = {"num_layers": attention.num_layers, "num_heads": attention.num_heads,
             "head_dim": head_dim, "bytes_per_element": width, "gqa_groups": groups,
             "mla_latent_dim": values["mla_latent_dim"], "mla_rope_dim": values["mla_rope_dim"]}
    mla = attention.mla
    return {
        "model_name": inputs.model_name(values["model"], values["config"]),
        "config_source": origin,
        "attention_kind": attention.kind,
        "num_layers": attention.num_layers,
        "num_heads": attention.num_heads,
        "num_kv_heads": attention.num_kv_heads,
        "head_dim": attention.head_dim,
        "kv_lora_rank": mla.kv_lora_rank if mla else None,
        "qk_rope_head_dim": mla.rope_dim if mla else None,
        "comparison_head_dim": head_dim,
        "comparison_gqa_groups": groups,
        "cached_elements_per_token_per_layer": attention.cached_elements_per_token_per_layer,
        "bytes_per_element": width,
        "bytes_per_token": per_token,
        "total_bytes": per_token * values["context_length"] * values["batch_size"],
        "bytes_per_token_mha": variant_bytes_per_token("MHA", **shape),
        "bytes_per_token_gqa": variant_bytes_per_token("GQA", **shape),
        "bytes_per_token_mla": variant_bytes_per_token("MLA", **shape),
    }


# --------------------------------------------------------------------------- presentation

def formula(values: dict, out: dict) -> list[str]:
    layers = latex_int(out["num_layers"])
    width = latex_int(out["bytes_per_element"])
    per_token = latex_int(out["bytes_per_token"])
    if out["attention_kind"] == "MLA":
        line = (rf"M_{{\text{{token}}}} = L\,(d_c + d_h^R)\,b = {layers} \times "
                rf"({latex_int(out['kv_lora_rank'])} + {latex_int(out['qk_rope_head_dim'])})"
                rf" \times {width} = {per_token}\ \text{{B}}")
    else:
        line = (rf"M_{{\text{{token}}}} = L \cdot 2\,n_{{kv}}\,d_h\,b = {layers} \times 2 \times "
                rf"{latex_int(out['num_kv_heads'])} \times {latex_int(out['head_dim'])}"
                rf" \times {width} = {per_token}\ \text{{B}}")
    lines = [line,
             rf"M = M_{{\text{{token}}}}\,T\,N = {per_token} \times "
             rf"{latex_int(values['context_length'])} \times {latex_int(values['batch_size'])}"
             rf" = {latex_int(out['total_bytes'])}\ \text{{B}}"]
    if out["comparison_head_dim"] is not None:
        head = latex_int(out["comparison_head_dim"])
        lines.append(rf"M^{{\text{{MHA}}}}_{{\text{{token}}}} = L \cdot 2\,n_h\,d_h\,b = {layers}"
                     rf" \times 2 \times {latex_int(out['num_heads'])} \times {head} \times {width}"
                     rf" = {latex_int(out['bytes_per_token_mha'])}\ \text{{B}}")
        lines.append(rf"M^{{\text{{GQA}}}}_{{\text{{token}}}} = L \cdot 2\,n_g\,d_h\,b = {layers}"
                     rf" \times 2 \times {latex_int(out['comparison_gqa_groups'])} \times {head}"
                     rf" \times {width} = {latex_int(out['bytes_per_token_gqa'])}\ \text{{B}}")
    lines.append(rf"M^{{\text{{MLA}}}}_{{\text{{token}}}} = L\,(d_c + d_h^R)\,b = {layers} \times "
                 rf"({latex_int(values['mla_latent_dim'])} + {latex_int(values['mla_rope_dim'])})"
                 rf" \times {width} = {latex_int(out['bytes_per_token_mla'])}\ \text{{B}}")
    return lines


def cache_chart(values: dict, out: dict) -> LineChart:
    """KV cache (GB) of the model and the three variants against context length."""
    batch = values["batch_size"]
    labels = {
        "bytes_per_token": Text(f"このモデル（{out['attention_kind']}）",
                                f"this model ({out['attention_kind']})"),
        "bytes_per_token_mha": f"MHA (n_h = {out['num_heads']})",
        "bytes_per_token_gqa": f"GQA (n_g = {out['comparison_gqa_groups']})",
        "bytes_per_token_mla": (f"MLA (d_c = {values['mla_latent_dim']}, "
                                f"d_h^R = {values['mla_rope_dim']})"),
    }
    series = tuple(Series(label, tuple((context, out[key] * context * batch / 1e9)
                                       for context in CHART_CONTEXTS), emphasis=index == 0)
                   for index, (key, label) in enumerate(labels.items()) if out[key] is not None)
    longest = CHART_CONTEXTS[-1]
    sizes = "; ".join(f"{label if isinstance(label, str) else label.en}: "
                      f"{format_bytes(out[key] * longest * batch)}"
                      for key, label in labels.items() if out[key] is not None)
    return LineChart(
        title=Text(f"KV キャッシュとコンテキスト長（バッチ {batch:,}）",
                   f"KV cache vs context length (batch {batch:,})"),
        x_label=Text("コンテキスト長（トークン、対数）", "context length (tokens, log)"),
        y_label=Text("KV キャッシュ（GB、対数）", "KV cache (GB, log)"),
        series=series, x_log=True, y_log=True, x_ticks=CHART_TICKS,
        markers=(Marker(values["context_length"], f"T = {values['context_length']:,}"),),
        x_format="count", y_format="number",
        description=Text(f"{longest:,} トークンでの大きさ: {sizes}",
                         f"Size at {longest:,} tokens: {sizes}"))


# --------------------------------------------------------------------------- declaration

def _override(name: str, ja: str, en: str, shows: str) -> Field:
    return Field(name, "int", Text(ja, en), optional=True, advanced=True, minimum=1,
                 maximum=1_000_000, placeholder_output=shows,
                 help=Text("空欄なら config.json の値を使います。",
                           "Leave empty to use the config.json value."))



KV_CACHE = Calculator(
    id="kv-cache",
    title=Text("KV キャッシュ容量", "KV-cache size"),
    summary=Text("実在モデルの config.json から、1 トークンあたりと全体の KV キャッシュ容量を計算します。",
                 "KV-cache bytes per token and in total, from a real model's config.json."),
    inputs=(
        inputs.model(),
        inputs.config(),
        inputs.kv_dtype(label=Text("キャッシュの数値型", "Cache data type")),
        inputs.context_length(),
        inputs.batch_size(),
        _override("num_hidden_layers", "層数 L", "Layers L", "num_layers"),
        _override("num_attention_heads", "アテンションヘッド数", "Attention heads", "num_heads"),
        _override("num_key_value_heads", "KV ヘッド数 n_kv", "KV heads n_kv", "num_kv_heads"),
        _override("head_dim", "ヘッド次元 d_h", "Head dimension d_h", "head_dim"),
        _override("kv_lora_rank", "MLA 潜在次元 d_c", "MLA latent dimension d_c", "kv_lora_rank"),
        _override("qk_rope_head_dim", "MLA RoPE キー次元 d_h^R", "MLA RoPE key dimension d_h^R", "qk_rope_head_dim"),
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
        Output("bytes_per_element", Text("要素あたりバイト数", "Bytes per element"), "bytes_exact"),
        Output("bytes_per_token", Text("1 トークンあたり", "Per token"), "bytes_exact"),
        Output("total_bytes", Text("合計（コンテキスト × バッチ）", "Total (context × batch)"),
               "bytes"),
        Output("config_source", Text("config の出典", "Config source"), "url"),
        Output("bytes_per_token_mha", Text("比較: MHA なら 1 トークンあたり",
                                           "Comparison: per token with MHA"), "bytes_exact"),
        Output("bytes_per_token_gqa", Text("比較: GQA なら 1 トークンあたり",
                                           "Comparison: per token with GQA"), "bytes_exact"),
        Output("bytes_per_token_mla", Text("比較: MLA なら 1 トークンあたり",
                                           "Comparison: per token with MLA"), "bytes_exact"),
        Output("num_heads", Text("クエリヘッド数", "Query heads"), "data"),
        Output("num_kv_heads", Text("KV ヘッド数", "KV heads"), "data"),
        Output("head_dim", Text("ヘッド次元", "Head dimension"), "data"),
        Output("kv_lora_rank", Text("MLA 潜在次元", "MLA latent dimension"), "data"),
        Output("qk_rope_head_dim", Text("MLA RoPE キー次元", "MLA RoPE key dimension"), "data"),
        Output("comparison_head_dim", Text("比較に使うヘッド次元", "Head dimension of the variants"),
               "data"),
        Output("comparison_gqa_groups", Text("比較に使う GQA の KV ヘッド数",
                                             "KV heads of the GQA variant"), "data"),
    ),
    compute=compute,
    formula=formula,
    charts=(ChartSlot("chart", Text("KV キャッシュとコンテキスト長のグラフ",
                                    "Chart: KV cache vs context length"), cache_chart),),
    symbols=(
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
    ),
)
