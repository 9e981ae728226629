"""Gemma 4's text decoder (``model_type`` ``gemma4_text``, or a ``gemma4`` config's
``text_config``), read as transformers 5.24 builds it (``models/gemma4``):

- **two layer shapes.** ``layer_types`` (or, without it, five sliding layers then one full,
  the last layer always full) says which layers slide over ``sliding_window`` tokens. Full
  layers use ``global_head_dim`` (512 unless given) and, when ``attention_k_eq_v`` is set,
  ``num_global_key_value_heads`` KV heads; sliding layers ``head_dim`` and
  ``num_key_value_heads``;
- **K = V in full layers** (``attention_k_eq_v``): those layers have no ``v_proj``; the value is
  the key projection normalised differently, so the cache still holds a key and a value;
- **KV-shared layers** (``num_kv_shared_layers``): the last layers project queries only and
  reuse the keys and values of the last earlier layer of their type; they keep no cache
  (transformers gives them a placeholder layer) and carry a double-wide MLP when
  ``use_double_wide_mlp`` is set;
- **an MoE block beside the dense MLP** (``enable_moe_block``): every layer adds a router
  (``d × E`` projection, a ``d`` scale and a per-expert scale), ``num_experts`` experts of
  ``moe_intermediate_size`` (``top_k_experts`` per token) and three more norms;
- **per-layer embeddings** (``hidden_size_per_layer_input``, 256 unless 0): a table of
  ``vocab_size_per_layer_input × L p``, a ``d × L p`` projection and its norm, and per layer a
  ``d × p`` gate, a ``p × d`` projection and a norm.

Every layer has four ``d`` norms, a ``q_norm`` and (unless shared) a ``k_norm`` of its head
width; ``v_norm`` has no weight.
"""

from __future__ import annotations

from dataclasses import dataclass

from .attention import Attention
from .config_keys import MAX_DIM, MAX_EXPERTS, MAX_HEADS, MAX_LAYERS, bad_key, get_bool, get_int
from .layout import FULL, SLIDING, Layout

LAYER_TYPES = {"sliding_attention": SLIDING, "full_attention": FULL}


@dataclass(frozen=True)
class LayerShape:
    """One layer: ``kind`` (sliding or full), KV heads and head width, and whether it reuses an
    earlier layer's keys and values (no cache, no K/V projections)."""

    kind: str
    kv_heads: int
    head_dim: int
    shared: bool


@dataclass(frozen=True)
class Gemma4:
    layers: tuple[LayerShape, ...]
    heads: int
    window: int


def _kinds(config: dict, layers: int) -> list[str]:
    listed = config.get("layer_types")
    if listed is None:
        kinds = [SLIDING if (index + 1) % 6 else FULL for index in range(layers)]
    else:
        if not isinstance(listed, list) or len(listed) != layers:
            raise bad_key("layer_types", "層数（num_hidden_layers）と同じ長さのリストである必要があります。",
                          "it must be a list as long as num_hidden_layers.")
        if any(not isinstance(item, str) or item not in LAYER_TYPES for item in listed):
            raise bad_key("layer_types", "sliding_attention か full_attention だけを並べてください。",
                          "it may list only sliding_attention and full_attention.")
        kinds = [LAYER_TYPES[item] for item in listed]
    if kinds:
        kinds[-1] = FULL  # transformers forces the last layer to attend globally
    return kinds


def _overrides(config: dict, layers: int) -> dict[int, dict]:
    table = config.get("per_layer_config")
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise bad_key("per_layer_config", "層番号ごとの辞書である必要があります。",
                      "it must map layer numbers to settings.")
    found = {}
    for key, value in table.items():
        if not str(key).isdigit() or int(key) >= layers or not isinstance(value, dict):
            raise bad_key("per_layer_config", "層番号（0 から層数 − 1）ごとの辞書である必要があります。",
                          "it must map layer numbers (0 to layers − 1) to settings.")
        unknown = sorted(set(value) - {"head_dim", "num_key_value_heads"})
        if unknown:
            raise bad_key("per_layer_config", f"「{unknown[0][:30]}」の上書きはモデル化していません。",
                          f"overriding “{unknown[0][:30]}” is not modelled.")
        found[int(key)] = value
    return found


def read_gemma4(config: dict) -> Gemma4:
    layers = get_int(config, "num_hidden_layers", maximum=MAX_LAYERS)
    heads = get_int(config, "num_attention_heads", maximum=MAX_HEADS)
    kv_heads = get_int(config, "num_key_value_heads", maximum=MAX_HEADS)
    head_dim = get_int(config, "head_dim", default=256)
    global_dim = get_int(config, "global_head_dim", default=512)
    k_eq_v = get_bool(config, "attention_k_eq_v", False)
    global_kv = get_int(config, "num_global_key_value_heads", default=None, maximum=MAX_HEADS)
    if not k_eq_v or global_kv is None:
        global_kv = kv_heads
    window = get_int(config, "sliding_window", default=512, maximum=MAX_DIM)
    if config.get("use_bidirectional_attention") == "all":
        window = window // 2 + 1  # as transformers' config does
    shared = get_int(config, "num_kv_shared_layers", default=0, minimum=0, maximum=layers)
    kinds = _kinds(config, layers)
    first_shared = layers - shared
    if shared and set(kinds[:first_shared]) != set(kinds):
        raise bad_key("num_kv_shared_layers", "共有される層の種類が、共有しない層の中にありません。",
                      "a shared layer's type has no earlier layer of that type to share from.")
    overrides = _overrides(config, layers)
    shapes = []
    for index, kind in enumerate(kinds):
        dim, kv = (head_dim, kv_heads) if kind == SLIDING else (global_dim, global_kv)
        if index in overrides:
            dim = get_int(overrides[index], "head_dim", default=dim)
            kv = get_int(overrides[index], "num_key_value_heads", default=kv, maximum=MAX_HEADS)
        if heads % kv:
            raise bad_key("num_key_value_heads", "num_attention_heads を割り切れる数である必要があります。",
                          "it must divide num_attention_heads.")
        shapes.append(LayerShape(kind, kv, dim, index >= first_shared))
    return Gemma4(layers=tuple(shapes), heads=heads, window=window)


def read_gemma4_layout(config: dict) -> Layout:
    gemma = read_gemma4(config)
    first = gemma.layers[0]
    attention = Attention(kind="GQA" if first.kv_heads > 1 else "MQA",
                          num_layers=len(gemma.layers), num_heads=gemma.heads,
                          num_kv_heads=first.kv_heads, head_dim=first.head_dim,
                          growing_layers=sum(layer.kind == FULL and not layer.shared
                                             for layer in gemma.layers))
    return Layout(attention=attention, kinds=tuple(layer.kind for layer in gemma.layers),
                  window=gemma.window, per_layer=gemma)


# --------------------------------------------------------------------------- the cache

def cache(layout: Layout, context: int, width: int) -> tuple[int, int, int, int]:
    """(growth per token, window bytes, bytes read per decode step, window tokens kept) for one
    sequence. A shared layer keeps nothing but reads its producer's keys and values again."""
    gemma = layout.per_layer
    kept = min(context, gemma.window - 1)
    per_token = window = read = 0
    for layer in gemma.layers:
        entry = 2 * layer.kv_heads * layer.head_dim * width
        tokens = context if layer.kind == FULL else kept
        read += tokens * entry
        if layer.shared:
            continue
        if layer.kind == FULL:
            per_token += entry
        else:
            window += kept * entry
    return per_token, window, read, kept


def attention_flops(layout: Layout, context: int) -> int:
    """``2 n_h T_a × 2 d_h`` per layer (scores and weighted sum) over the tokens it sees."""
    gemma = layout.per_layer
    kept = min(context, gemma.window - 1)
    return sum(4 * gemma.heads * layer.head_dim * (context if layer.kind == FULL else kept)
               for layer in gemma.layers)


# --------------------------------------------------------------------------- parameters

def parameter_counts(config: dict, layout: Layout) -> dict[str, int]:
    """Every parameter of ``Gemma4ForCausalLM`` by ``ParamCounts`` field."""
    gemma = layout.per_layer
    hidden = get_int(config, "hidden_size")
    vocab = get_int(config, "vocab_size", maximum=MAX_DIM * 10)
    intermediate = get_int(config, "intermediate_size")
    bias = get_bool(config, "attention_bias", False)
    k_eq_v = get_bool(config, "attention_k_eq_v", False)
    double = get_bool(config, "use_double_wide_mlp", False)
    per_layer_input = get_int(config, "hidden_size_per_layer_input", default=256, minimum=0)
    heads = gemma.heads
    counts = {"embedding": vocab * hidden, "norm": hidden, "attention": 0, "dense_mlp": 0,
              "routed_experts": 0, "active_routed_experts": 0, "router": 0}
    per_layer = 0
    moe = get_bool(config, "enable_moe_block", False)
    if moe:
        experts = get_int(config, "num_experts", maximum=MAX_EXPERTS)
        top_k = get_int(config, "top_k_experts", maximum=MAX_EXPERTS)
        if top_k > experts:
            raise bad_key("top_k_experts", "num_experts 以下である必要があります。",
                          "it cannot exceed num_experts.")
        expert = 3 * hidden * get_int(config, "moe_intermediate_size")
    for layer in gemma.layers:
        query = heads * layer.head_dim
        counts["attention"] += 2 * hidden * query + (query + hidden if bias else 0)
        counts["norm"] += 4 * hidden + layer.head_dim
        if not layer.shared:
            projections = 1 if k_eq_v and layer.kind == FULL else 2
            width = layer.kv_heads * layer.head_dim
            counts["attention"] += projections * (hidden * width + (width if bias else 0))
            counts["norm"] += layer.head_dim
        counts["dense_mlp"] += 3 * hidden * intermediate * (2 if double and layer.shared else 1)
        if moe:
            counts["routed_experts"] += experts * expert
            counts["active_routed_experts"] += top_k * expert
            counts["router"] += experts * hidden + hidden + experts
            counts["norm"] += 3 * hidden
        if per_layer_input:  # the layer's gate (d × p), projection (p × d) and norm
            per_layer += 2 * hidden * per_layer_input
            counts["norm"] += hidden
    if per_layer_input:
        # transformers' default for the table's rows is 262,144, whatever vocab_size says
        table = get_int(config, "vocab_size_per_layer_input", default=262_144,
                        maximum=MAX_DIM * 10)
        packed = len(gemma.layers) * per_layer_input
        counts["embedding"] += table * packed
        per_layer += hidden * packed
        counts["norm"] += per_layer_input
    tied = config.get("tie_word_embeddings", True)
    if not isinstance(tied, bool):
        raise bad_key("tie_word_embeddings", "true か false である必要があります。",
                      "it must be true or false.")
    counts["lm_head"] = 0 if tied else vocab * hidden
    counts["tied_head"] = vocab * hidden if tied else 0
    # the per-layer-input gates and projections are dense matmuls; the packed table is a look-up
    counts["dense_mlp"] += per_layer
    return counts

