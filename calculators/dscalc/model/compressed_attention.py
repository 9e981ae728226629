"""DeepSeek-V4's hybrid attention: Compressed Sparse Attention (CSA) and Heavily Compressed
Attention (HCA) beside a sliding window, read from a ``deepseek_v4`` config.

As transformers 5.24 builds it (``models/deepseek_v4``, whose docstrings cite sections 2.1–2.3 of
the DeepSeek-V4 report) every layer has one shared key-value head of ``head_dim`` values (the
same vector is the key and the value: shared-KV MQA) and a sliding window of ``W`` tokens; a
layer is then one of

- **sliding** (``compress_ratios`` 0): the window only;
- **CSA** (ratio ``m``, 4): one compressed entry of ``head_dim`` values per ``m`` tokens, plus a
  Lightning Indexer with its own compressed key of ``index_head_dim`` values per ``m`` tokens;
  each query attends to the ``index_topk`` entries the indexer picks;
- **HCA** (ratio ``m'``, 128): one compressed entry per ``m'`` tokens, all of them attended.

What a cache keeps per sequence and layer after ``T`` tokens (``b`` bytes per cached element,
measured in tests/oracles against transformers' ``DeepseekV4CSACache``/``HCACache``):

- the window: ``min(T, W − 1)`` tokens of ``head_dim`` values — once in a CSA/HCA layer (the key
  *is* the value), twice in a pure sliding layer (transformers' ordinary sliding layer stores
  the same tensor as key and as value);
- the compressed entries: ``⌊T/m⌋`` of ``head_dim`` (+ ``index_head_dim`` in CSA): the part
  that grows;
- the compressor's buffer: the ``T mod m`` tokens not yet compressed, their projected values and
  gates (CSA projects two overlapping series, so ``2 × head_dim`` each; HCA ``head_dim``);
- CSA's overlap state, once a window has closed: the last window's first series (``m ×
  head_dim`` values and as many gates; the same for the indexer). The gates have had the FP32
  ``position_bias`` added, so a BF16 model — whose loader keeps ``position_bias`` in FP32
  (``_keep_in_fp32_modules_strict``) — holds them in FP32.

One decode step reads the window, the ``min(⌊T/m⌋, k)`` selected CSA entries, every HCA entry and
the indexer's compressed keys (it scores them all).

DeepSeek's own storage (``storage="deepseek"``): FlashMLA, DeepSeek's decoding kernel, stores a
``head_dim`` = 512 entry with 64 RoPE values as 448 FP8 values, 64 BF16 values and 7 UE8M0
scales plus one pad byte, 584 bytes (github.com/deepseek-ai/FlashMLA, ``tests/quant.py``, layout
``MODEL1_FP8Sparse``, commit 082094b); the V4 report (read in copies only) says the indexer keys
are FP4: ``index_head_dim / 2`` bytes, their scales not counted (no layout could be read).
"""

from __future__ import annotations

from dataclasses import dataclass

from .attention import Attention
from .config_keys import MAX_DIM, MAX_EXPERTS, MAX_HEADS, MAX_LAYERS, bad_key, get_bool, get_int
from .layout import SLIDING, Layout
from ..framework.errors import ValidationError

CSA = "compressed_sparse_attention"
HCA = "heavily_compressed_attention"
V4_TYPES = ("deepseek_v4",)
#: transformers' ``_COMPRESS_RATIO_TO_LAYER_TYPE``: the values ``compress_ratios`` may hold.
RATIO_KINDS = {0: SLIDING, 4: CSA, 128: HCA}
LAYER_TYPE_KINDS = {"sliding_attention": SLIDING, CSA: CSA, HCA: HCA}

#: How the cache is stored: as transformers holds it (model data type; overlap gates FP32), or
#: as DeepSeek deploys it (FlashMLA's FP8 layout, FP4 indexer keys).
MODEL_DTYPE = "model_dtype"
DEEPSEEK_STORAGE = "deepseek"
FLASHMLA_NOPE_FP8 = 448
FLASHMLA_SCALES = 7 + 1   # seven UE8M0 scales (one per 64 FP8 values) and a pad byte
FLASHMLA_ROPE = 64


@dataclass(frozen=True)
class Compressed:
    """The V4 attention's sizes (elements) and rates."""

    head_dim: int
    rope_dim: int
    window: int
    csa_rate: int
    hca_rate: int
    index_heads: int
    index_head_dim: int
    index_topk: int
    num_heads: int

    def rate(self, kind: str) -> int:
        return self.csa_rate if kind == CSA else self.hca_rate


def is_compressed(config: dict) -> bool:
    return config.get("model_type") in V4_TYPES or config.get("compress_ratios") is not None


def _schedule(config: dict, key: str, names: dict, layers: int, extra: int) -> list:
    value = config.get(key)
    allowed = (layers, layers + extra)
    if not isinstance(value, list) or len(value) not in allowed:
        raise bad_key(key, f"層数（num_hidden_layers = {layers:,}）と同じ長さ（MTP 層の分を足した"
                      f" {layers + extra:,} も可）のリストである必要があります。",
                      f"it must be a list as long as num_hidden_layers ({layers:,}), or "
                      f"{layers + extra:,} with the MTP layers.")
    kinds = []
    for item in value[:layers]:
        if isinstance(item, bool) or not isinstance(item, (int, str)) or item not in names:
            shown = str(item)[:20]
            known = ", ".join(str(name) for name in names)
            raise bad_key(key, f"「{shown}」は使えません（使えるのは {known}）。",
                          f"“{shown}” is not allowed (known: {known}).")
        kinds.append(names[item])
    return kinds


def _rates(config: dict) -> tuple[int, int]:
    rates = config.get("compress_rates")
    if rates is not None and not isinstance(rates, dict):
        raise bad_key("compress_rates", "層の種類ごとの圧縮率の辞書である必要があります。",
                      "it must map layer types to compression rates.")
    rates = rates or {}
    csa = get_int(rates, CSA, default=None) if CSA in rates else None
    hca = get_int(rates, HCA, default=None) if HCA in rates else None
    csa = csa or get_int(config, "compress_rate_csa", default=4, maximum=MAX_LAYERS)
    hca = hca or get_int(config, "compress_rate_hca", default=128, maximum=MAX_LAYERS)
    return csa, hca


def _layer_kinds(config: dict, layers: int) -> list[str]:
    mtp = get_int(config, "num_nextn_predict_layers", default=0, minimum=0, maximum=100)
    if config.get("layer_types") is not None:
        return _schedule(config, "layer_types", LAYER_TYPE_KINDS, layers, mtp)
    if config.get("compress_ratios") is not None:
        return _schedule(config, "compress_ratios", RATIO_KINDS, layers, mtp)
    # transformers' default: two HCA layers, then CSA and HCA in turn
    return [HCA] * min(layers, 2) + [CSA if index % 2 else HCA for index in range(layers - 2)]


def read_compressed(config: dict) -> Compressed:
    head_dim = get_int(config, "head_dim", default=512)
    heads = get_int(config, "num_attention_heads", maximum=MAX_HEADS)
    rope = get_int(config, "qk_rope_head_dim", default=None, maximum=MAX_DIM)
    if rope is None:
        factor = config.get("partial_rotary_factor", 0.125)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 < factor <= 1:
            raise bad_key("partial_rotary_factor", "0 より大きく 1 以下の数である必要があります。",
                          "it must be a number above 0 and at most 1.")
        rope = int(head_dim * factor)
    if rope > head_dim:
        raise bad_key("qk_rope_head_dim", "head_dim 以下である必要があります。",
                      "it cannot exceed head_dim.")
    csa, hca = _rates(config)
    return Compressed(head_dim=head_dim, rope_dim=rope,
                      window=get_int(config, "sliding_window", default=128, maximum=MAX_DIM),
                      csa_rate=csa, hca_rate=hca,
                      index_heads=get_int(config, "index_n_heads", default=64, maximum=MAX_HEADS),
                      index_head_dim=get_int(config, "index_head_dim", default=128),
                      index_topk=get_int(config, "index_topk", default=512),
                      num_heads=heads)


def read_compressed_layout(config: dict) -> Layout:
    """The per-layer kinds (sliding, CSA, HCA) and sizes of a DeepSeek-V4 config."""
    layers = get_int(config, "num_hidden_layers", maximum=MAX_LAYERS)
    compressed = read_compressed(config)
    kinds = _layer_kinds(config, layers)
    attention = Attention(kind="MQA", num_layers=layers, num_heads=compressed.num_heads,
                          num_kv_heads=1, head_dim=compressed.head_dim,
                          growing_layers=sum(kind != SLIDING for kind in kinds), shared_kv=True)
    return Layout(attention=attention, kinds=tuple(kinds), window=compressed.window,
                  compressed=compressed)


# --------------------------------------------------------------------------- the cache

def entry_bytes(compressed: Compressed, width: int, storage: str) -> int:
    """One cached ``head_dim`` entry (window or compressed)."""
    if storage == DEEPSEEK_STORAGE:
        if compressed.head_dim != FLASHMLA_NOPE_FP8 + FLASHMLA_ROPE or (
                compressed.rope_dim != FLASHMLA_ROPE):
            raise ValidationError(
                "compressed_storage", "DeepSeek の FP8 形式（FlashMLA）は head_dim 512・RoPE 64 次元の場合しか"
                "分かりません。", "DeepSeek's FP8 layout (FlashMLA) is known only for head_dim 512 "
                "with 64 RoPE dimensions.")
        return FLASHMLA_NOPE_FP8 + 2 * FLASHMLA_ROPE + FLASHMLA_SCALES
    return compressed.head_dim * width


def index_key_bytes(compressed: Compressed, width: int, storage: str) -> float:
    if storage == DEEPSEEK_STORAGE:
        return compressed.index_head_dim / 2  # FP4, scales not counted (no layout read)
    return compressed.index_head_dim * width


@dataclass(frozen=True)
class CompressedCache:
    """Per sequence, bytes: ``growing`` (compressed entries), ``window``, ``state`` (buffers and
    overlap), ``read`` (one decode step), ``per_token`` (growth averaged over the rates)."""

    growing: float
    window: int
    state: int
    read: float
    per_token: float
    window_tokens: int
    selected: int


def cache(layout: Layout, context: int, width: int, storage: str = MODEL_DTYPE) -> CompressedCache:
    comp = layout.compressed
    entry = entry_bytes(comp, width, storage)
    index = index_key_bytes(comp, width, storage)
    kept = min(context, comp.window - 1)
    sliding, csa, hca = (layout.kinds.count(kind) for kind in (SLIDING, CSA, HCA))
    window = (2 * sliding + csa + hca) * kept * entry
    csa_entries, hca_entries = context // comp.csa_rate, context // comp.hca_rate
    growing = csa * csa_entries * (entry + index) + hca * hca_entries * entry
    gate32 = 4
    csa_left, hca_left = context % comp.csa_rate, context % comp.hca_rate
    dims = comp.head_dim + comp.index_head_dim
    state = csa * csa_left * 2 * dims * 2 * width + hca * hca_left * comp.head_dim * 2 * width
    if csa_entries:
        state += csa * comp.csa_rate * dims * (width + gate32)
    selected = min(csa_entries, comp.index_topk)
    read = (window + csa * (selected * entry + csa_entries * index)
            + hca * hca_entries * entry)
    per_token = csa * (entry + index) / comp.csa_rate + hca * entry / comp.hca_rate
    return CompressedCache(growing=growing, window=window, state=state, read=read,
                           per_token=per_token, window_tokens=kept, selected=selected)


def attention_flops(layout: Layout, context: int) -> int:
    """Attention FLOPs of one new token at context ``T``: ``2 n_h × 2 d_h`` per attended entry
    (scores and weighted sum over the shared key-value vector) for the window, the selected CSA
    entries and every HCA entry, plus the indexer's ``2 H_I d_I`` per compressed CSA key."""
    comp = layout.compressed
    kept = min(context, comp.window - 1)
    per_entry = 4 * comp.num_heads * comp.head_dim
    total = 0
    for kind in layout.kinds:
        attended = kept
        if kind == CSA:
            entries = context // comp.csa_rate
            attended += min(entries, comp.index_topk)
            total += 2 * entries * comp.index_heads * comp.index_head_dim
        elif kind == HCA:
            attended += context // comp.hca_rate
        total += attended * per_entry
    return total


# --------------------------------------------------------------------------- parameters

def _hyper_connection(hidden: int, streams: int) -> int:
    """One mHC module: ``fn`` ``(2 + N) N × N d``, ``base`` ``(2 + N) N``, ``scale`` 3."""
    mixes = (2 + streams) * streams
    return mixes * streams * hidden + mixes + 3


def parameter_parts(config: dict, layout: Layout) -> dict[str, dict[str, int]]:
    """Parameters by layer kind (``sliding``/CSA/HCA, each a dict of ``ParamCounts`` fields),
    plus ``"hash"`` (the extra of a hash-routed layer, negative: no router bias) and ``"ends"``
    (embedding, head, final norm and mHC head), as transformers 5.24 builds them."""
    comp = layout.compressed
    hidden = get_int(config, "hidden_size")
    vocab = get_int(config, "vocab_size", maximum=MAX_DIM * 10)
    heads, head = comp.num_heads, comp.head_dim
    q_rank = get_int(config, "q_lora_rank", default=1024)
    groups = get_int(config, "o_groups", default=8, maximum=MAX_HEADS)
    o_rank = get_int(config, "o_lora_rank", default=1024)
    if (heads * head) % groups:
        raise bad_key("o_groups", "num_attention_heads × head_dim を割り切れる数である必要があります。",
                      "it must divide num_attention_heads × head_dim.")
    streams = get_int(config, "hc_mult", default=4, maximum=64)
    experts = get_int(config, "n_routed_experts", default=256, maximum=MAX_EXPERTS)
    top_k = get_int(config, "num_experts_per_tok", default=6, maximum=MAX_EXPERTS)
    if top_k > experts:
        raise bad_key("num_experts_per_tok", "n_routed_experts 以下である必要があります。",
                      "it cannot exceed n_routed_experts.")
    width = get_int(config, "moe_intermediate_size", default=2048)
    # transformers builds exactly one shared expert (DeepseekV4MLP) whatever n_shared_experts
    # says; the released configs say 1
    get_int(config, "n_shared_experts", default=1, minimum=0, maximum=MAX_EXPERTS)
    shared = 1
    attention = (hidden * q_rank + q_rank * heads * head + hidden * head
                 + groups * o_rank * (heads * head // groups) + groups * o_rank * hidden + heads)
    norms = q_rank + head + 2 * hidden
    expert = 3 * hidden * width
    common = {"attention": attention, "norm": norms,
              "hyper_connections": 2 * _hyper_connection(hidden, streams),
              "routed_experts": experts * expert, "active_routed_experts": top_k * expert,
              "shared_experts": shared * expert, "router": experts * hidden + experts}
    hca = 2 * hidden * head + comp.hca_rate * head
    index_dim = comp.index_head_dim
    indexer = (2 * hidden * 2 * index_dim + comp.csa_rate * 2 * index_dim
               + q_rank * comp.index_heads * index_dim + hidden * comp.index_heads)
    csa = 2 * hidden * 2 * head + comp.csa_rate * 2 * head
    tied = get_bool(config, "tie_word_embeddings", False)
    return {
        SLIDING: common,
        HCA: {**common, "attention": attention + hca, "norm": norms + head},
        CSA: {**common, "attention": attention + csa, "norm": norms + head + index_dim,
              "indexer": indexer},
        "hash": {"router": -experts},
        "ends": {"embedding": vocab * hidden, "norm": hidden,
                 "lm_head": 0 if tied else vocab * hidden,
                 "tied_head": vocab * hidden if tied else 0,
                 "hyper_connections": streams * streams * hidden + streams + 1},
    }


def hash_layers(config: dict, layers: int) -> int:
    """Layers routed by the frozen token-id hash (``mlp_layer_types`` or ``num_hash_layers``)."""
    listed = config.get("mlp_layer_types")
    if listed is not None:
        mtp = get_int(config, "num_nextn_predict_layers", default=0, minimum=0, maximum=100)
        kinds = _schedule(config, "mlp_layer_types", {"hash_moe": "hash", "moe": "moe"},
                          layers, mtp)
        return kinds.count("hash")
    return min(layers, get_int(config, "num_hash_layers", default=3, minimum=0,
                               maximum=MAX_LAYERS))
