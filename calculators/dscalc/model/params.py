"""Parameter counts of a decoder-only transformer, matrix by matrix, from its ``config.json``.

Counted the way the ``transformers`` (or the model's own) modelling code builds the layers:

- **embedding**: the input token table ``V × d`` (GPT-3 also has learned positions ``n_ctx × d``);
- **lm_head**: the output projection ``V × d`` when it is *not* tied to the embedding (0 when
  tied: the one matrix is counted once, as the embedding), plus its bias where there is one;
- **attention**: the Q/K/V/O projections and their biases. MLA (DeepSeek-V2/V3) counts the
  query down/up projections (or one plain ``q_proj`` when ``q_lora_rank`` is null), the joint
  KV down-projection ``d × (d_c + d_h^R)``, the KV up-projection ``d_c × n_h (d_nope + d_v)``
  and ``o_proj``;
- **dense_mlp**: gated (SwiGLU) MLPs of the dense layers, ``3 × d × d_ff``;
- **routed_experts**: all routed experts of all MoE layers, ``E × 3 × d × d_E`` per layer;
- **shared_experts**: DeepSeek's ``n_shared_experts × moe_intermediate_size`` and Qwen2-MoE's
  ``shared_expert_intermediate_size``;
- **router**: expert gates ``E × d``, Qwen2-MoE's ``shared_expert_gate`` (``d × 1``) and
  DeepSeek-V3's ``e_score_correction_bias`` (``E`` per MoE layer: a buffer nudged by the load
  balancer, not trained by gradients, but stored in the checkpoint, so counted);
- **norm**: every RMSNorm/LayerNorm weight (and bias): two per layer (one per Nemotron-H block),
  the final norm, Qwen3's QK-norm (``2 × head_dim`` per attention layer) and MLA's
  ``q_a_layernorm``/``kv_a_layernorm``;
- **indexer**: DeepSeek Sparse Attention's lightning indexer in every DSA layer, as DeepSeek's
  ``inference/model.py`` builds it: ``wq_b`` (``q_lora_rank × H_I d_I``), ``wk`` (``d × d_I``),
  ``k_norm`` (a LayerNorm, ``2 d_I``) and ``weights_proj`` (``d × H_I``);
- **recurrent**: the token mixers of linear-attention and Mamba layers (transformers 5.24):
  Gated DeltaNet (Qwen3-Next/3.5) ``d (2 H_k d_k + 2 H_v d_v + 2 H_v)`` input projections, a
  depth-wise convolution ``(2 H_k d_k + H_v d_v) K``, ``dt_bias`` and ``A_log`` (``H_v`` each), a
  gated norm ``d_v`` and ``H_v d_v × d`` out; Mamba-2 (Nemotron-H) ``d (2 H p + 2 G N + H)`` in,
  a convolution ``(H p + 2 G N) K`` (+ bias), ``dt_bias``, ``A_log``, ``D`` (``H`` each), a gated
  norm ``H p`` and ``H p × d`` out.

Family details: gpt-oss adds a bias to every projection, expert and router and one learned sink
per query head; Llama 4 interleaves MoE layers (routed experts plus one shared expert of
``intermediate_size``) with dense layers of ``intermediate_size_mlp``; Qwen3-Next/3.5 attention
layers project ``2 n_h d_h`` queries (half of them an output gate); Nemotron-H's MLP is
``d → d_ff → d`` without a gate. Llama 4's vision encoder and projector are counted separately
(``vision``) when the config carries its ``vision_config``.

Two per-token counts, because publishers use two conventions:

``active`` (the vendors' convention)
    Everything except the routed experts a token does not use: ``total − N_E + N_E^act``. The
    embedding table and the output head are included; for a dense model active = total. This is
    how DeepSeek ("36.7B including 0.9B for Embedding and 0.9B for the output Head",
    README_WEIGHTS.md), Mistral (Mixtral 12.9B) and Qwen count. Counting DeepSeek-V3's config
    this way gives 37.55B.
``matmul`` (weights multiplied per token)
    ``active`` without the input embedding table, which is a look-up (one row is read, nothing is
    multiplied); a tied embedding is multiplied as the output head, so it stays. This is what
    sets the FLOPs: ``forward FLOPs per token = 2 × matmul``, plus attention over the context.
    Some publishers quote this figure: OpenAI's gpt-oss "5.1B active" (120b) and "3.6B" (20b)
    match it, not the vendors' count.

MTP modules (DeepSeek-V3's ``num_nextn_predict_layers``) are excluded from both and reported
separately, as stored in the checkpoint (``mtp``, including their copies of the embedding and
head) and without those copies (``mtp_unique``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields

from ..framework.errors import ValidationError
from . import compressed_attention, gemma4, latent_moe
from .attention import Mla
from .config_keys import (MAX_DIM, bad_key, get_bool, get_int, language_model_config, missing_key,
                          model_type)
from .families import check_supported, tie_word_embeddings, traits
from .layout import (CHUNKED, FULL, INDEXED, LINEAR, MAMBA, MOE_BLOCK, NO_CACHE, SLIDING,
                     SOFTMAX_KINDS, GatedDeltaNet, Layout, Mamba2, read_attention, read_layout)
from .moe import MOE_STYLE_NAMES, Moe, read_moe


@dataclass(frozen=True)
class ParamCounts:
    """Parameters by kind (ints). ``tied_head`` is the embedding matrix's use as the output
    head when tied (already counted in ``embedding``; it matters for ``matmul``)."""

    embedding: int = 0
    lm_head: int = 0
    attention: int = 0
    indexer: int = 0
    recurrent: int = 0
    dense_mlp: int = 0
    routed_experts: int = 0
    active_routed_experts: int = 0
    shared_experts: int = 0
    router: int = 0
    norm: int = 0
    tied_head: int = 0
    hyper_connections: int = 0

    @property
    def total(self) -> int:
        return (self.embedding + self.lm_head + self.attention + self.indexer + self.recurrent
                + self.dense_mlp + self.routed_experts + self.shared_experts + self.router
                + self.norm + self.hyper_connections)

    @property
    def active(self) -> int:
        """The vendors' convention: every parameter except the routed experts not chosen."""
        return self.total - self.routed_experts + self.active_routed_experts

    @property
    def matmul(self) -> int:
        """Weights a token is multiplied by: ``active`` without the input embedding look-up."""
        return self.active - self.embedding + self.tied_head

    def __add__(self, other: "ParamCounts") -> "ParamCounts":
        return ParamCounts(**{item.name: getattr(self, item.name) + getattr(other, item.name)
                              for item in fields(self)})

    def times(self, repeat: int) -> "ParamCounts":
        """``repeat`` layers of the same shape."""
        return ParamCounts(**{item.name: getattr(self, item.name) * repeat
                              for item in fields(self)})


@dataclass(frozen=True)
class ModelSize:
    counts: ParamCounts
    mtp: int
    mtp_unique: int
    num_layers: int
    num_moe_layers: int
    attention_kind: str
    counted_as: str
    num_heads: int
    qk_head_dim: int
    v_head_dim: int
    layout: Layout | None = None
    vision: int | None = 0
    notes: tuple[str, ...] = ()

    @property
    def mtp_known(self) -> bool:
        """False when the config declares MTP layers whose layout is not known (``mtp`` and
        ``mtp_unique`` are then 0 and do not count them)."""
        return "mtp_not_counted" not in self.notes

    @property
    def layer_mix(self) -> str:
        return self.layout.mix if self.layout is not None else f"{self.num_layers} {FULL}"

    def attended_tokens(self, kind: str, context_length: int) -> int:
        """Cached tokens a new token attends to in a layer of ``kind`` (the same bounds as the
        kv-cache calculator: ``W − 1``, ``C − 1``, DSA's ``k``)."""
        layout = self.layout
        if kind == SLIDING:
            return min(context_length, layout.window - 1)
        if kind == CHUNKED:
            return min(context_length, layout.chunk - 1)
        if kind == INDEXED:
            return min(context_length, layout.indexer.topk)
        return context_length

    def attention_flops_per_token(self, context_length: int) -> int:
        """``2 T_a n_h (d_qk + d_v)`` per attention layer: scores and the weighted sum over the
        ``T_a`` cached tokens it attends to (MLA in its naive, non-absorbed form), plus DSA's
        indexer scoring all ``T`` tokens: ``2 T H_I d_I`` per DSA layer."""
        per_token = 2 * self.num_heads * (self.qk_head_dim + self.v_head_dim)
        if self.layout is not None and self.layout.compressed is not None:
            return compressed_attention.attention_flops(self.layout, context_length)
        if self.layout is not None and self.layout.per_layer is not None:
            return gemma4.attention_flops(self.layout, context_length)
        if self.layout is None:
            return self.num_layers * context_length * per_token
        total = 0
        for kind in SOFTMAX_KINDS:
            layers = self.layout.count(kind)
            if layers:
                total += layers * self.attended_tokens(kind, context_length) * per_token
        indexer = self.layout.indexer
        if indexer is not None:
            total += (self.layout.count(INDEXED) * 2 * context_length * indexer.heads
                      * indexer.head_dim)
        return total

    @property
    def recurrent_flops_per_token(self) -> int:
        """``4 × state elements`` per linear-attention or Mamba layer: reading the state out and
        its rank-one update each multiply-add every state element once; gates, decays and the
        short convolution are left out."""
        if self.layout is None:
            return 0
        mixer = self.layout.linear or self.layout.mamba
        if mixer is None:
            return 0
        layers = self.layout.count(LINEAR) + self.layout.count(MAMBA)
        return 4 * mixer.state_elements * layers


def gated_mlp_params(hidden: int, intermediate: int, bias: bool = False) -> int:
    """SwiGLU MLP: gate and up ``d × d_ff``, down ``d_ff × d`` (+ their biases)."""
    return 3 * hidden * intermediate + ((2 * intermediate + hidden) if bias else 0)


def plain_mlp_params(hidden: int, intermediate: int, bias: bool = False) -> int:
    """Non-gated MLP (Nemotron-H's ReLU²): up ``d × d_ff``, down ``d_ff × d`` (+ biases)."""
    return 2 * hidden * intermediate + ((intermediate + hidden) if bias else 0)


def standard_attention_params(hidden: int, heads: int, kv_heads: int, head_dim: int,
                              qkv_bias: bool, o_bias: bool, gated_query: bool = False) -> int:
    """Q ``d × n_h d_h`` (twice that with an output gate), K and V ``d × n_kv d_h``,
    O ``n_h d_h × d`` (+ biases)."""
    query = heads * head_dim * (2 if gated_query else 1)
    weights = hidden * query + 2 * hidden * kv_heads * head_dim + heads * head_dim * hidden
    biases = (query + 2 * kv_heads * head_dim if qkv_bias else 0) + (hidden if o_bias else 0)
    return weights + biases


def mla_attention_params(mla: Mla, hidden: int, heads: int, bias: bool) -> int:
    """MLA projections (weights + biases; the two MLA norms are in ``mla_norm_params``)."""
    v_dim = mla.v_dim or 0
    if mla.q_lora_rank:
        query = (hidden * mla.q_lora_rank + (mla.q_lora_rank if bias else 0)
                 + mla.q_lora_rank * heads * mla.qk_head_dim)
    else:
        query = hidden * heads * mla.qk_head_dim
    kv_down = hidden * (mla.kv_lora_rank + mla.rope_dim) + (
        mla.kv_lora_rank + mla.rope_dim if bias else 0)
    kv_up = mla.kv_lora_rank * heads * (mla.nope_dim + v_dim)
    output = heads * v_dim * hidden + (hidden if bias else 0)
    return query + kv_down + kv_up + output


def mla_norm_params(mla: Mla) -> int:
    return (mla.q_lora_rank or 0) + mla.kv_lora_rank


def indexer_params(layout: Layout, mla: Mla, hidden: int) -> int:
    """DSA's lightning indexer (DeepSeek-V3.2-Exp ``inference/model.py``, class ``Indexer``):
    ``wq_b`` ``q_lora_rank × H_I d_I``, ``wk`` ``d × d_I``, ``k_norm`` (LayerNorm: weight and bias,
    ``2 d_I``), ``weights_proj`` ``d × H_I``; no biases."""
    indexer = layout.indexer
    if not mla.q_lora_rank:
        raise bad_key("index_n_heads", "DSA のインデクサは q_lora_rank（圧縮クエリ）を入力にとります。",
                      "DSA's indexer takes the compressed query (q_lora_rank) as its input.")
    return (mla.q_lora_rank * indexer.heads * indexer.head_dim + hidden * indexer.head_dim
            + 2 * indexer.head_dim + hidden * indexer.heads)


def gated_deltanet_params(mixer: GatedDeltaNet, hidden: int) -> int:
    """transformers ``Qwen3NextGatedDeltaNet`` (Qwen3.5 splits the same input projection in
    four): q, k, v, z and the b, a gates in, the depth-wise convolution (no bias), ``dt_bias``,
    ``A_log``, the gated RMSNorm over ``d_v`` and the output projection."""
    key, value = mixer.key_heads * mixer.key_dim, mixer.value_heads * mixer.value_dim
    return (hidden * (2 * key + 2 * value + 2 * mixer.value_heads)
            + mixer.conv_channels * mixer.conv_kernel + 2 * mixer.value_heads + mixer.value_dim
            + value * hidden)


def mamba2_params(mixer: Mamba2, hidden: int, proj_bias: bool, conv_bias: bool) -> int:
    """transformers ``NemotronHMamba2Mixer``: ``in_proj`` ``d × (H p + conv channels + H)``,
    the depth-wise convolution, ``dt_bias``, ``A_log``, ``D``, the gated RMSNorm over ``H p`` and
    ``out_proj`` ``H p × d``."""
    inner = mixer.heads * mixer.head_dim
    projection = inner + mixer.conv_channels + mixer.heads
    return (hidden * projection + (projection if proj_bias else 0)
            + mixer.conv_channels * mixer.conv_kernel + (mixer.conv_channels if conv_bias else 0)
            + 3 * mixer.heads + inner + inner * hidden + (hidden if proj_bias else 0))


def _require_mla_projection_dims(config: dict) -> None:
    # The cache needs only d_c and d_h^R; counting the projections needs these two as well.
    for key in ("qk_nope_head_dim", "v_head_dim"):
        if config.get(key) is None:
            raise missing_key(key)


def model_size(config: dict) -> ModelSize:
    """Count every parameter of the decoder a config describes (see the module docstring)."""
    if not config:
        raise ValidationError("config", "config.json を貼り付けるか、モデルを選んでください。",
                              "Paste a config.json or choose a model.")
    whole = config
    config = language_model_config(config)
    check_supported(config)
    if model_type(config) == "gpt3":
        return _gpt3_size(config)
    layout = read_layout(config)
    if layout.compressed is not None:
        return _compressed_size(config, layout)
    if layout.per_layer is not None:
        return _gemma4_size(whole, config, layout)
    layout_traits = traits(config)
    attention = layout.attention
    hidden = get_int(config, "hidden_size")
    vocab = get_int(config, "vocab_size", maximum=MAX_DIM * 10)
    heads = attention.num_heads
    moe = read_moe(config)
    mla = attention.mla
    norm_width = 2 if layout_traits.norm_bias else 1

    if mla is not None:
        _require_mla_projection_dims(config)
        attention_per_layer = mla_attention_params(mla, hidden, heads, layout_traits.o_bias)
        attention_norms = mla_norm_params(mla)
        qk_dim, v_dim = mla.qk_head_dim, mla.v_dim
    else:
        head = attention.head_dim
        attention_per_layer = standard_attention_params(
            hidden, heads, attention.num_kv_heads, head, layout_traits.qkv_bias,
            layout_traits.o_bias, layout_traits.gated_query) + (
            heads if layout_traits.sinks else 0)
        attention_norms = 2 * head if layout_traits.qk_norm else 0
        qk_dim = v_dim = head
    indexer = indexer_params(layout, mla, hidden) if layout.indexer is not None else 0
    mixer = 0
    if layout.linear is not None:
        mixer = gated_deltanet_params(layout.linear, hidden)
    elif layout.mamba is not None:
        mixer = mamba2_params(layout.mamba, hidden, get_bool(config, "use_bias", False),
                              get_bool(config, "use_conv_bias", True))
    nemotron = layout_traits.family == "nemotron_h"

    def layer(index: int, kind: str) -> ParamCounts:
        counts = ParamCounts(norm=layout_traits.norms_per_layer * hidden * norm_width)
        if kind in SOFTMAX_KINDS:
            counts += ParamCounts(attention=attention_per_layer, norm=attention_norms,
                                  indexer=indexer if kind == INDEXED else 0)
        elif kind in (LINEAR, MAMBA):
            counts += ParamCounts(recurrent=mixer)
        if nemotron:  # one block per layer: a mixer, ('-') an MLP or ('E') an MoE block
            if kind == NO_CACHE:
                counts += ParamCounts(dense_mlp=plain_mlp_params(
                    hidden, get_int(config, "intermediate_size"), layout_traits.mlp_bias))
            elif kind == MOE_BLOCK:
                counts += ParamCounts(**latent_moe.moe_block_params(config, hidden))
            return counts
        if moe is not None and moe.is_moe_layer(index):
            return counts + _moe_layer(moe, hidden)
        width = "intermediate_size_mlp" if moe is not None and moe.style == "llama4" else (
            "intermediate_size")
        return counts + ParamCounts(dense_mlp=gated_mlp_params(
            hidden, get_int(config, width), layout_traits.mlp_bias))

    shapes = Counter((kind, moe is not None and not nemotron and moe.is_moe_layer(index))
                     for index, kind in enumerate(layout.kinds))
    first = {}
    for index, kind in enumerate(layout.kinds):
        first.setdefault((kind, moe is not None and not nemotron and moe.is_moe_layer(index)),
                         index)
    body = ParamCounts()
    for shape, count in shapes.items():
        body = body + layer(first[shape], shape[0]).times(count)
    tied = tie_word_embeddings(config)
    ends = ParamCounts(embedding=vocab * hidden,
                       lm_head=(0 if tied else vocab * hidden)
                       + (vocab if layout_traits.lm_head_bias else 0),
                       tied_head=vocab * hidden if tied else 0, norm=hidden * norm_width)
    notes = []
    if nemotron and get_int(config, "num_nextn_predict_layers", default=0, minimum=0,
                            maximum=100):
        # transformers does not build Nemotron-H's MTP layers (it drops their weights on load)
        mtp, mtp_unique = 0, 0
        notes.append("mtp_not_counted")
    else:
        mtp, mtp_unique = _mtp(config, mla, layer, attention.num_layers, hidden, vocab,
                               INDEXED if layout.indexer is not None else FULL)
    if get_int(config, "mtp_num_hidden_layers", default=0, minimum=0, maximum=100):
        mtp = mtp_unique = 0
        notes.append("mtp_not_counted")
    vision = _vision(whole, hidden)
    if vision is None:
        notes.append("vision_not_counted")
    num_moe_layers = sum(count for (kind, is_moe), count in shapes.items()
                         if is_moe or kind == MOE_BLOCK)
    return ModelSize(counts=body + ends, mtp=mtp, mtp_unique=mtp_unique,
                     num_layers=attention.num_layers, num_moe_layers=num_moe_layers,
                     attention_kind=attention.kind,
                     counted_as=_counted_as(layout_traits.family, mla, moe, layout),
                     num_heads=heads, qk_head_dim=qk_dim, v_head_dim=v_dim, layout=layout,
                     vision=vision, notes=tuple(notes))


def _compressed_size(config: dict, layout: Layout) -> ModelSize:
    """DeepSeek-V4 as transformers 5.24 builds it (``dscalc.model.compressed_attention``): every layer
    MoE, the first hash-routed ones without a router bias, the mHC modules in
    ``hyper_connections``. Its MTP layer is not built by transformers and is not counted."""
    parts = compressed_attention.parameter_parts(config, layout)
    body = ParamCounts()
    for kind in dict.fromkeys(layout.kinds):
        body += ParamCounts(**parts[kind]).times(layout.kinds.count(kind))
    hashed = compressed_attention.hash_layers(config, len(layout.kinds))
    body += ParamCounts(**parts["hash"]).times(hashed) + ParamCounts(**parts["ends"])
    attention = layout.attention
    notes = ("mtp_not_counted",) if get_int(config, "num_nextn_predict_layers", default=0,
                                            minimum=0, maximum=100) else ()
    return ModelSize(counts=body, mtp=0, mtp_unique=0, num_layers=attention.num_layers,
                     num_moe_layers=attention.num_layers, attention_kind="MQA",
                     counted_as="deepseek_v4: CSA/HCA + sliding window, shared-KV MQA, mHC, "
                                "DeepSeek-style MoE (hash-routed first layers)",
                     num_heads=attention.num_heads, qk_head_dim=attention.head_dim,
                     v_head_dim=attention.head_dim, layout=layout, notes=notes)


def _gemma4_size(whole: dict, config: dict, layout: Layout) -> ModelSize:
    """Gemma 4's text decoder as transformers 5.24 builds it (``dscalc.model.gemma4``); the vision and
    audio towers of a multimodal config are not counted."""
    counts = ParamCounts(**gemma4.parameter_counts(config, layout))
    moe = get_bool(config, "enable_moe_block", False)
    attention = layout.attention
    notes = () if _vision(whole, 0) == 0 and not isinstance(whole.get("audio_config"), dict) \
        else ("vision_not_counted",)
    return ModelSize(counts=counts, mtp=0, mtp_unique=0, num_layers=attention.num_layers,
                     num_moe_layers=attention.num_layers if moe else 0,
                     attention_kind=attention.kind,
                     counted_as="gemma4_text: sliding/global layers, "
                                + ("MoE beside the dense MLP" if moe else "dense MLP"),
                     num_heads=attention.num_heads, qk_head_dim=attention.head_dim,
                     v_head_dim=attention.head_dim, layout=layout,
                     vision=None if notes else 0, notes=notes)


def _counted_as(family: str, mla: Mla | None, moe: Moe | None, layout: Layout) -> str:
    """``"deepseek_v3: MLA, DeepSeek-style MoE"``, ``"llama"``, ``"kimi_k2 → by keys: MLA"``."""
    design = {"dsa": "DSA", "sliding-window": "sliding window", "chunked": "chunked attention",
              "gated-deltanet-hybrid": "Gated DeltaNet hybrid",
              "mamba2-hybrid": "Mamba-2 hybrid"}.get(layout.design)
    details = (["MLA"] if mla else []) + ([design] if design else []) + (
        [f"{MOE_STYLE_NAMES[moe.style]}-style MoE"] if moe else [])
    return f"{family}: {', '.join(details)}" if details else family


def _moe_layer(moe: Moe, hidden: int) -> ParamCounts:
    expert = gated_mlp_params(hidden, moe.expert_intermediate, moe.expert_bias)
    router = moe.num_experts * hidden + (moe.num_experts if moe.router_bias else 0) + (
        hidden if moe.shared_gate else 0)
    shared = gated_mlp_params(hidden, moe.shared_intermediate) if moe.shared_intermediate else 0
    return ParamCounts(routed_experts=moe.num_experts * expert,
                       active_routed_experts=moe.top_k * expert, shared_experts=shared,
                       router=router)


def _mtp(config: dict, mla: Mla | None, layer, layers: int, hidden: int, vocab: int,
         kind: str) -> tuple[int, int]:
    """DeepSeek-V3's MTP modules: (as stored in the checkpoint, without the copied matrices)."""
    depth = get_int(config, "num_nextn_predict_layers", default=0, minimum=0, maximum=100)
    if not depth:
        return 0, 0
    if mla is None:
        raise bad_key("num_nextn_predict_layers",
                      "MTP モジュールの構成は DeepSeek-V3（MLA）のものしか分かりません。",
                      "only DeepSeek-V3's (MLA) MTP module layout is known.")
    unique = 0
    for index in range(depth):
        # enorm, hnorm, eh_proj (2d -> d), one decoder layer, shared_head.norm
        unique += 3 * hidden + 2 * hidden * hidden + layer(layers + index, kind).total
    return unique + depth * 2 * vocab * hidden, unique


def _vision(config: dict, text_hidden: int) -> int | None:
    """Llama 4's vision encoder and projector (transformers ``Llama4VisionModel`` and
    ``Llama4MultiModalProjector``); 0 without a vision part, ``None`` for a vision part of
    another family (not counted)."""
    vision = config.get("vision_config")
    if not isinstance(vision, dict):
        return 0
    if vision.get("model_type") != "llama4_vision_model":
        return None
    hidden = get_int(vision, "hidden_size")
    intermediate = get_int(vision, "intermediate_size")
    layers = get_int(vision, "num_hidden_layers", minimum=0, maximum=MAX_DIM)
    patch = get_int(vision, "patch_size")
    image = get_int(vision, "image_size")
    channels = get_int(vision, "num_channels")
    patches = (image // patch) ** 2 + 1
    per_layer = 4 * (hidden * hidden + hidden) + 2 * hidden * intermediate + intermediate + (
        hidden) + 4 * hidden
    adapter = (intermediate * get_int(vision, "projector_input_dim")
               + get_int(vision, "projector_output_dim") ** 2)
    projector = get_int(vision, "vision_output_dim") * text_hidden + (
        text_hidden if get_bool(vision, "multi_modal_projector_bias", False) else 0)
    return (hidden + patches * hidden + channels * patch * patch * hidden + 4 * hidden
            + layers * per_layer + adapter + projector)


def _gpt3_size(config: dict) -> ModelSize:
    """GPT-3 (arXiv:2005.14165, Table 2.1) as GPT-2's architecture: learned position
    embeddings ``n_ctx × d``, pre-LayerNorm with bias, Q/K/V/O with biases, a non-gated MLP
    ``d → d_ff → d`` with biases (``d_ff`` = 4d unless given), tied embeddings unless said
    otherwise. Per layer ``12 d² + 13 d`` with d_ff = 4d: the paper's ``12 n_layer d²``."""
    attention = read_attention(config)
    hidden = get_int(config, "hidden_size")
    vocab = get_int(config, "vocab_size", maximum=MAX_DIM * 10)
    positions = get_int(config, "max_position_embeddings")
    intermediate = get_int(config, "intermediate_size", default=4 * hidden)
    head = attention.head_dim
    per_layer = ParamCounts(
        attention=standard_attention_params(hidden, attention.num_heads, attention.num_kv_heads,
                                            head, qkv_bias=True, o_bias=True),
        dense_mlp=2 * hidden * intermediate + intermediate + hidden,
        norm=2 * 2 * hidden)
    tied = get_bool(config, "tie_word_embeddings", True)
    ends = ParamCounts(embedding=vocab * hidden + positions * hidden,
                       lm_head=0 if tied else vocab * hidden,
                       tied_head=vocab * hidden if tied else 0, norm=2 * hidden)
    return ModelSize(counts=per_layer.times(attention.num_layers) + ends, mtp=0, mtp_unique=0,
                     num_layers=attention.num_layers, num_moe_layers=0,
                     attention_kind=attention.kind, counted_as="gpt3",
                     num_heads=attention.num_heads, qk_head_dim=head, v_head_dim=head)
