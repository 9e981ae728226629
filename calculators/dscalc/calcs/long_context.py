"""Long-context cost of one model against a baseline: KV cache, bytes one decode step reads and
FLOPs per generated token at a context length — to check claims such as DeepSeek's "at 1M tokens,
V4-Pro needs 27% of V3.2's single-token FLOPs and 10% of its KV cache".

Everything comes from the other calculators' functions: the cache from ``kv_cache.cache_size``,
parameters and attention FLOPs from ``dscalc.params`` (``2 N_mm + attention FLOPs at T``; MLA in
its naive form, DSA's and V4's indexers scoring every key).

Two storage conventions:

``bf16``
    What transformers 5.24 holds in a BF16 model (every key, latent and indexer key in BF16).
``deepseek``
    DeepSeek's own formats where a primary source states them: DeepSeek-V3.2's latent in
    FlashMLA's FP8 layout (``d_c`` FP8 values, one FP32 scale per 128, the RoPE key in BF16:
    656 bytes) with indexer keys in FP8 plus a scale per 128 (``inference/model.py``); V4's
    entries in FlashMLA's ``MODEL1`` layout (584 bytes) with FP4 indexer keys
    (``dscalc.model.compressed_attention``). Other models stay BF16 (and are named in a note).

Two FLOP conventions:

``plain``
    every multiply-add counts 2, whatever its precision;
``fp8_equivalent``
    DeepSeek's wording is "equivalent FP8 FLOPs": an FP4 operation counts half, a BF16 one
    twice. The precisions assumed are DeepSeek's where stated: weights FP8 (the configs'
    ``quantization_config``), V4's routed experts FP4 (``expert_dtype``), the core attention in
    BF16 (FlashMLA dequantises to BF16), the indexer FP8 in V3.2 and FP4 in V4 (V4 report, read in
    copies). Only DeepSeek-V3.2 and V4 configs have this reading.
"""

from __future__ import annotations

from .. import data
from ..charts import LineChart, Marker, Series
from ..framework import inputs
from ..framework.errors import ValidationError
from ..framework.schema import Calculator, ChartSlot, Choice, Field, Output
from ..framework.text import Text
from ..framework.units import format_bytes
from ..model import compressed_attention
from ..model.config_keys import language_model_config, model_type
from ..model.layout import INDEXED, read_layout
from ..model.params import model_size
from .kv_cache import CACHE_DTYPE, CHART_TICKS, cache_size

BF16 = "bf16"
DEEPSEEK = "deepseek"
PLAIN = "plain"
FP8_EQUIVALENT = "fp8_equivalent"
DEEPSEEK_TYPES = ("deepseek_v32", "deepseek_v4")
#: FlashMLA's FP8 layout for DeepSeek-V3.2 (README, "FP8 with scale"): FP8 latent, one FP32
#: scale per 128 of its values, BF16 RoPE key.
FLASHMLA_TILE = 128

#: Models drawn on the chart: DeepSeek's line and the other 2025–26 designs the site has.
CHART_MODELS = ("deepseek-v3", "deepseek-v3.2", "deepseek-v4-pro", "deepseek-v4-flash",
                "kimi-k2-instruct", "gpt-oss-120b", "llama-4-maverick-17b-128e",
                "qwen3-235b-a22b", "qwen3.5-397b-a17b", "nemotron-h-56b-base-8k")
#: 4K (2**12) to 1M (2**20) tokens.
CHART_CONTEXTS = tuple(2**power for power in range(12, 21))


# --------------------------------------------------------------------------- the cache

def _flashmla_v32(layout, context: int) -> tuple[int, int]:
    """(stored, read) bytes of a DSA model in DeepSeek's formats, one sequence."""
    mla, indexer = layout.attention.mla, layout.indexer
    if mla.kv_lora_rank % FLASHMLA_TILE or indexer.head_dim % FLASHMLA_TILE:
        raise ValidationError("storage", "DeepSeek の FP8 形式は d_c と d_I が 128 の倍数のときだけ使えます。",
                              "DeepSeek's FP8 layout needs d_c and d_I to be multiples of 128.")
    entry = mla.kv_lora_rank + mla.kv_lora_rank // FLASHMLA_TILE * 4 + 2 * mla.rope_dim
    key = indexer.head_dim + indexer.head_dim // FLASHMLA_TILE * 4
    layers = layout.count(INDEXED)
    return (layers * (entry + key) * context,
            layers * (key * context + entry * min(context, indexer.topk)))


def is_deepseek(config: dict) -> bool:
    return model_type(language_model_config(config)) in DEEPSEEK_TYPES


def kv_bytes(config: dict, context: int, storage: str) -> tuple[float, float, bool]:
    """(stored, read per decode step, whether ``storage`` applied) for one sequence."""
    layout = read_layout(config)
    if storage == DEEPSEEK and layout.compressed is not None:
        size = cache_size(layout, context, 2, 1, CACHE_DTYPE,
                          compressed_attention.DEEPSEEK_STORAGE)
        return size.total_bytes, size.bytes_read_per_decode_step, True
    if storage == DEEPSEEK and layout.indexer is not None and layout.attention.mla is not None:
        stored, read = _flashmla_v32(layout, context)
        return stored, read, True
    size = cache_size(layout, context, 2, 1, CACHE_DTYPE)
    return size.total_bytes, size.bytes_read_per_decode_step, storage == BF16



# --------------------------------------------------------------------------- FLOPs

def _indexer_flops(layout, context: int) -> int:
    if layout is None:  # GPT-3: counted from the paper's table, no layout
        return 0
    if layout.compressed is not None:
        comp = layout.compressed
        layers = layout.kinds.count(compressed_attention.CSA)
        return layers * 2 * (context // comp.csa_rate) * comp.index_heads * comp.index_head_dim
    if layout.indexer is not None:
        return layout.count(INDEXED) * 2 * context * layout.indexer.heads * layout.indexer.head_dim
    return 0


def flops_per_token(config: dict, context: int, convention: str) -> dict:
    """FLOPs of one generated token at context ``T``: weights, core attention, indexer, total."""
    size = model_size(config)
    counts = size.counts
    attention = size.attention_flops_per_token(context)
    indexer = _indexer_flops(size.layout, context)
    core = attention - indexer
    experts = 2 * counts.active_routed_experts
    weights = 2 * counts.matmul - experts
    if convention == FP8_EQUIVALENT:
        if not is_deepseek(config):
            raise ValidationError("flops", "FP8 換算は DeepSeek-V3.2 と V4 の config でしか定義していません。",
                                  "The FP8-equivalent reading is defined only for DeepSeek-V3.2 "
                                  "and V4 configs.")
        merged = language_model_config(config)
        v4 = size.layout.compressed is not None
        experts *= 0.5 if merged.get("expert_dtype") == "fp4" else 1
        core *= 2
        indexer *= 0.5 if v4 else 1
    return {"weights": weights, "experts": experts, "core": core, "indexer": indexer,
            "total": weights + experts + core + indexer}


# --------------------------------------------------------------------------- compute

def _resolve(choice: str, pasted) -> dict:
    config, _ = inputs.resolve_config(choice, pasted)
    if not config:
        raise ValidationError("config", "config.json を貼り付けるか、モデルを選んでください。",
                              "Paste a config.json or choose a model.")
    return config


def compute(values: dict) -> dict:
    config = _resolve(values["model"], values["config"])
    baseline = _resolve(values["baseline"], None)
    context, storage, convention = (values["context_length"], values["storage"],
                                    values["flops"])
    stored, read, applied = kv_bytes(config, context, storage)
    base_stored, base_read, base_applied = kv_bytes(baseline, context, storage)
    flops = flops_per_token(config, context, convention)
    base_flops = flops_per_token(baseline, context, convention)
    return {
        "model_name": inputs.model_name(values["model"], values["config"]),
        "baseline_name": data.models()[values["baseline"]]["name"],
        "kv_bytes": stored, "baseline_kv_bytes": base_stored,
        "kv_fraction": stored / base_stored,
        "read_bytes": read, "baseline_read_bytes": base_read,
        "read_fraction": read / base_read,
        "flops_per_token": flops["total"], "baseline_flops_per_token": base_flops["total"],
        "flops_fraction": flops["total"] / base_flops["total"],
        "weight_flops": flops["weights"] + flops["experts"],
        "baseline_weight_flops": base_flops["weights"] + base_flops["experts"],
        "attention_flops": flops["core"], "baseline_attention_flops": base_flops["core"],
        "indexer_flops": flops["indexer"], "baseline_indexer_flops": base_flops["indexer"],
        "storage_applied": applied and base_applied,
    }


def formula(values: dict, out: dict) -> list[str]:
    return [
        rf"\frac{{M}}{{M_0}} = \frac{{{format_bytes(out['kv_bytes'])}}}"
        rf"{{{format_bytes(out['baseline_kv_bytes'])}}} = {100 * out['kv_fraction']:.1f}\%",
        r"F = F_{\text{weights}} + F_{\text{attention}} + F_{\text{indexer}}",
        rf"\frac{{F}}{{F_0}} = \frac{{{out['flops_per_token'] / 1e9:,.1f}\ \text{{GFLOP}}}}"
        rf"{{{out['baseline_flops_per_token'] / 1e9:,.1f}\ \text{{GFLOP}}}} = "
        rf"{100 * out['flops_fraction']:.1f}\%",
    ]


def notes(values: dict, out: dict) -> list[Text]:
    found = [Text("FLOPs は 1 トークン生成あたりで、重み（2 × 掛け算する重み）、アテンションの本体、インデクサの和です。"
                  "MLA の注意は吸収しない素朴な形で数えています。MTP 層は含みません。",
                  "FLOPs are per generated token: weights (2 × the weights multiplied), the core "
                  "attention and the indexer. MLA attention is counted in its naive, non-absorbed "
                  "form; MTP layers are left out.")]
    if not out["storage_applied"]:
        found.append(Text("DeepSeek の保存形式が分かるのは DeepSeek-V3.2 と V4 だけです。それ以外の"
                          "モデルは BF16 で数えています。",
                          "DeepSeek's storage formats are known only for DeepSeek-V3.2 and V4; "
                          "other models are counted in BF16."))
    return found


# --------------------------------------------------------------------------- charts

def _chart(values: dict, reads: bool) -> LineChart:
    series = []
    for model_id in CHART_MODELS:
        record = data.models()[model_id]
        points = tuple((context, kv_bytes(record["config"], context, values["storage"])[
            1 if reads else 0] / 1e9) for context in CHART_CONTEXTS)
        chosen = values["config"] is None and model_id in (values["model"], values["baseline"])
        series.append(Series(record["name"].split(" (")[0], points, emphasis=chosen))
    longest = CHART_CONTEXTS[-1]
    sizes = "; ".join(f"{item.label}: {format_bytes(item.points[-1][1] * 1e9)}"
                      for item in series)
    storage = {BF16: ("BF16", "BF16"), DEEPSEEK: ("DeepSeek の形式", "DeepSeek's format")}[
        values["storage"]]
    if reads:
        title = Text(f"1 デコードステップで読むキャッシュ（系列 1 本、{storage[0]}）",
                     f"Cache read per decode step (one sequence, {storage[1]})")
        y_label = Text("読み出し（GB、対数）", "bytes read (GB, log)")
    else:
        title = Text(f"KV キャッシュとコンテキスト長（系列 1 本、{storage[0]}）",
                     f"KV cache vs context length (one sequence, {storage[1]})")
        y_label = Text("キャッシュ（GB、対数）", "cache (GB, log)")
    return LineChart(
        title=title,
        x_label=Text("コンテキスト長（トークン、対数）", "context length (tokens, log)"),
        y_label=y_label, series=tuple(series), x_log=True, y_log=True,
        x_ticks=tuple(tick for tick in CHART_TICKS if tick[0] >= CHART_CONTEXTS[0]),
        markers=(Marker(values["context_length"], f"T = {values['context_length']:,}"),),
        x_format="count", y_format="number",
        description=Text(f"{longest:,} トークンで: {sizes}", f"At {longest:,} tokens: {sizes}"))


def cache_chart(values: dict, out: dict) -> LineChart:
    return _chart(values, reads=False)


def reads_chart(values: dict, out: dict) -> LineChart:
    return _chart(values, reads=True)


# --------------------------------------------------------------------------- declaration

def _baseline_field() -> Field:
    presets = tuple(choice for choice in inputs.model_choices() if choice.value != "custom")
    return Field("baseline", "choice", Text("比べる相手", "Baseline"), default="deepseek-v3.2",
                 choices=presets)


LONG_CONTEXT = Calculator(
    id="long-context",
    title=Text("長いコンテキストのコスト比較", "Long-context cost against a baseline"),
    summary=Text("2 つのモデルの KV キャッシュ、1 ステップの読み出し量、1 トークンあたりの FLOPs を"
                 "同じコンテキスト長で比べます（DeepSeek-V4 の「V3.2 比」の検算用）。",
                 "Compares two models' KV cache, bytes read per decode step and FLOPs per token "
                 "at one context length (to check DeepSeek-V4's “vs V3.2” figures)."),
    inputs=(
        inputs.model(default="deepseek-v4-pro"),
        inputs.config(),
        _baseline_field(),
        Field("context_length", "int", Text("コンテキスト長 T", "Context length T"),
              default=1_048_576, minimum=1, maximum=10_000_000, magnitudes=True,
              unit=Text("トークン", "tokens")),
        Field("storage", "choice", Text("キャッシュの保存形式", "Cache stored as"), default=BF16,
              choices=(Choice(BF16, Text("BF16（transformers）", "BF16 (transformers)")),
                       Choice(DEEPSEEK, Text("DeepSeek の形式（FlashMLA の FP8 など）",
                                             "DeepSeek's formats (FlashMLA FP8 and others)")))),
        Field("flops", "choice", Text("FLOPs の数え方", "FLOPs counted as"), default=PLAIN,
              choices=(Choice(PLAIN, Text("すべて同じ重み", "every operation alike")),
                       Choice(FP8_EQUIVALENT, Text("FP8 換算（FP4 は半分、BF16 は 2 倍）",
                                                   "FP8-equivalent (FP4 half, BF16 double)")))),
    ),
    outputs=(
        Output("model_name", Text("モデル", "Model"), "text"),
        Output("baseline_name", Text("比べる相手", "Baseline"), "text"),
        Output("kv_fraction", Text("KV キャッシュ（相手比）", "KV cache (vs baseline)"), "percent"),
        Output("flops_fraction", Text("1 トークンの FLOPs（相手比）", "FLOPs per token (vs baseline)"),
               "percent"),
        Output("read_fraction", Text("1 ステップの読み出し（相手比）",
                                     "Bytes read per step (vs baseline)"), "percent"),
        Output("kv_bytes", Text("KV キャッシュ", "KV cache"), "bytes"),
        Output("baseline_kv_bytes", Text("相手の KV キャッシュ", "Baseline KV cache"), "bytes"),
        Output("read_bytes", Text("1 ステップの読み出し", "Bytes read per step"), "bytes"),
        Output("baseline_read_bytes", Text("相手の 1 ステップの読み出し",
                                           "Baseline bytes read per step"), "bytes"),
        Output("flops_per_token", Text("1 トークンの FLOPs", "FLOPs per token"), "flops"),
        Output("baseline_flops_per_token", Text("相手の 1 トークンの FLOPs",
                                                "Baseline FLOPs per token"), "flops"),
        Output("weight_flops", Text("うち重み", "of which weights"), "flops"),
        Output("attention_flops", Text("うちアテンションの本体", "of which core attention"), "flops"),
        Output("indexer_flops", Text("うちインデクサ", "of which indexer"), "flops"),
        Output("baseline_weight_flops", Text("相手: 重み", "Baseline: weights"), "flops"),
        Output("baseline_attention_flops", Text("相手: アテンションの本体", "Baseline: core attention"),
               "flops"),
        Output("baseline_indexer_flops", Text("相手: インデクサ", "Baseline: indexer"), "flops"),
        Output("storage_applied", Text("保存形式が両方に当てはまるか",
                                       "Storage format applies to both"), "data"),
    ),
    compute=compute,
    formula=formula,
    notes=notes,
    charts=(ChartSlot("chart", Text("KV キャッシュとコンテキスト長のグラフ",
                                    "Chart: KV cache vs context length"), cache_chart),
            ChartSlot("reads", Text("1 ステップの読み出し量のグラフ",
                                    "Chart: bytes read per decode step"), reads_chart)),
    symbols=(
        ("M,\\ M_0", Text("KV キャッシュ（モデル、相手）", "KV cache (model, baseline)")),
        ("F,\\ F_0", Text("1 トークンの FLOPs（モデル、相手）", "FLOPs per token (model, baseline)")),
    ),
)
