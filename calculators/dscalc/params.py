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
- **norm**: every RMSNorm/LayerNorm weight (and bias): two per layer, the final norm, Qwen3's
  QK-norm (``2 × head_dim`` per layer) and MLA's ``q_a_layernorm``/``kv_a_layernorm``.

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
    Some publishers quote this figure (OpenAI's gpt-oss counts exclude the embedding).

MTP modules (DeepSeek-V3's ``num_nextn_predict_layers``) are excluded from both and reported
separately, as stored in the checkpoint (``mtp``, including their copies of the embedding and
head) and without those copies (``mtp_unique``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .configs import (MAX_DIM, MOE_STYLE_NAMES, Mla, Moe, bad_key, check_supported, get_bool,
                      get_int, language_model_config, missing_key, model_type, read_attention,
                      read_mla, read_moe, tie_word_embeddings, traits)
from .errors import ValidationError


@dataclass(frozen=True)
class ParamCounts:
    """Parameters by kind (ints). ``tied_head`` is the embedding matrix's use as the output
    head when tied (already counted in ``embedding``; it matters for ``matmul``)."""

    embedding: int = 0
    lm_head: int = 0
    attention: int = 0
    dense_mlp: int = 0
    routed_experts: int = 0
    active_routed_experts: int = 0
    shared_experts: int = 0
    router: int = 0
    norm: int = 0
    tied_head: int = 0

    @property
    def total(self) -> int:
        return (self.embedding + self.lm_head + self.attention + self.dense_mlp
                + self.routed_experts + self.shared_experts + self.router + self.norm)

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

    def attention_flops_per_token(self, context_length: int) -> int:
        """``2 L T n_h (d_qk + d_v)``: scores and the weighted sum over ``T`` cached tokens
        (MLA in its naive, non-absorbed form)."""
        return (2 * self.num_layers * context_length * self.num_heads
                * (self.qk_head_dim + self.v_head_dim))


def gated_mlp_params(hidden: int, intermediate: int, bias: bool = False) -> int:
    """SwiGLU MLP: gate and up ``d × d_ff``, down ``d_ff × d`` (+ their biases)."""
    return 3 * hidden * intermediate + ((2 * intermediate + hidden) if bias else 0)


def standard_attention_params(hidden: int, heads: int, kv_heads: int, head_dim: int,
                              qkv_bias: bool, o_bias: bool) -> int:
    """Q ``d × n_h d_h``, K and V ``d × n_kv d_h``, O ``n_h d_h × d`` (+ biases)."""
    weights = 2 * hidden * heads * head_dim + 2 * hidden * kv_heads * head_dim
    biases = (heads * head_dim + 2 * kv_heads * head_dim if qkv_bias else 0) + (
        hidden if o_bias else 0)
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
    config = language_model_config(config)
    check_supported(config)
    if model_type(config) == "gpt3":
        return _gpt3_size(config)
    layout = traits(config)
    attention = read_attention(config)
    hidden = get_int(config, "hidden_size")
    vocab = get_int(config, "vocab_size", maximum=MAX_DIM * 10)
    layers = attention.num_layers
    heads = attention.num_heads
    moe = read_moe(config)
    mla = read_mla(config)
    norm_width = 2 if layout.norm_bias else 1

    if mla is not None:
        _require_mla_projection_dims(config)
        attention_per_layer = mla_attention_params(mla, hidden, heads, layout.o_bias)
        attention_norms = mla_norm_params(mla)
        qk_dim, v_dim = mla.qk_head_dim, mla.v_dim
    else:
        head = attention.head_dim
        attention_per_layer = standard_attention_params(hidden, heads, attention.num_kv_heads,
                                                        head, layout.qkv_bias, layout.o_bias)
        attention_norms = 2 * head if layout.qk_norm else 0
        qk_dim = v_dim = head

    def layer(index: int) -> ParamCounts:
        counts = ParamCounts(attention=attention_per_layer,
                             norm=2 * hidden * norm_width + attention_norms)
        if moe is not None and moe.is_moe_layer(index):
            return counts + _moe_layer(moe, hidden)
        intermediate = get_int(config, "intermediate_size")
        return counts + ParamCounts(dense_mlp=gated_mlp_params(hidden, intermediate,
                                                               layout.mlp_bias))

    moe_layers = [index for index in range(layers) if moe is not None and moe.is_moe_layer(index)]
    dense_layers = [index for index in range(layers) if moe is None or not moe.is_moe_layer(index)]
    # Every MoE layer has the same shape, and so has every dense layer.
    body = ParamCounts()
    for group in (moe_layers, dense_layers):
        if group:
            body = body + layer(group[0]).times(len(group))
    tied = tie_word_embeddings(config)
    ends = ParamCounts(embedding=vocab * hidden,
                       lm_head=(0 if tied else vocab * hidden)
                       + (vocab if layout.lm_head_bias else 0),
                       tied_head=vocab * hidden if tied else 0, norm=hidden * norm_width)
    mtp, mtp_unique = _mtp(config, mla, layer, layers, hidden, vocab)
    return ModelSize(counts=body + ends, mtp=mtp, mtp_unique=mtp_unique, num_layers=layers,
                     num_moe_layers=len(moe_layers),
                     attention_kind=attention.kind,
                     counted_as=_counted_as(layout.family, mla, moe),
                     num_heads=heads, qk_head_dim=qk_dim, v_head_dim=v_dim)


def _counted_as(family: str, mla: Mla | None, moe: Moe | None) -> str:
    """``"deepseek_v3: MLA, DeepSeek-style MoE"``, ``"llama"``, ``"kimi_k2 → by keys: MLA"``."""
    details = (["MLA"] if mla else []) + (
        [f"{MOE_STYLE_NAMES[moe.style]}-style MoE"] if moe else [])
    return f"{family}: {', '.join(details)}" if details else family


def _moe_layer(moe: Moe, hidden: int) -> ParamCounts:
    expert = gated_mlp_params(hidden, moe.expert_intermediate)
    router = moe.num_experts * hidden + (moe.num_experts if moe.router_bias else 0) + (
        hidden if moe.shared_gate else 0)
    shared = gated_mlp_params(hidden, moe.shared_intermediate) if moe.shared_intermediate else 0
    return ParamCounts(routed_experts=moe.num_experts * expert,
                       active_routed_experts=moe.top_k * expert, shared_experts=shared,
                       router=router)


def _mtp(config: dict, mla: Mla | None, layer, layers: int, hidden: int,
         vocab: int) -> tuple[int, int]:
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
        unique += 3 * hidden + 2 * hidden * hidden + layer(layers + index).total
    return unique + depth * 2 * vocab * hidden, unique


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
