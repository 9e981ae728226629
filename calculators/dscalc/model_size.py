"""Parameter count, active parameters and FLOPs per token of a decoder-only transformer.

Everything is counted from a Hugging Face ``config.json``, matrix by matrix, the way the
``transformers`` (or the model's own) modelling code builds the layers:

- **embedding**: the input token table ``V × d`` (GPT-3 also has learned positions ``n_ctx × d``);
- **lm_head**: the output projection ``V × d`` when it is *not* tied to the embedding (0 when
  tied: the one matrix is counted once, as the embedding), plus its bias where there is one;
- **attention**: the Q/K/V/O projections and their biases. MLA (DeepSeek-V2/V3) counts the
  query down/up projections (or one plain ``q_proj`` when ``q_lora_rank`` is null), the joint
  KV down-projection ``d × (d_c + d_h^R)``, the KV up-projection ``d_c × n_h (d_nope + d_v)``
  and ``o_proj``;
- **dense_mlp**: gated (SwiGLU) MLPs of the dense layers, ``3 × d × d_ff``;
- **routed_expert**: all routed experts of all MoE layers, ``E × 3 × d × d_E`` per layer;
- **shared_expert**: DeepSeek's ``n_shared_experts × moe_intermediate_size`` and Qwen2-MoE's
  ``shared_expert_intermediate_size``;
- **router**: expert gates ``E × d``, Qwen2-MoE's ``shared_expert_gate`` (``d × 1``) and
  DeepSeek-V3's ``e_score_correction_bias`` (``E`` per MoE layer). That bias is a buffer, not a
  trained weight (it is nudged by the load balancer, not by gradients), but it is stored in the
  checkpoint, so it is counted;
- **norm**: every RMSNorm/LayerNorm weight (and bias): two per layer, the final norm, Qwen3's
  QK-norm (``2 × head_dim`` per layer) and MLA's ``q_a_layernorm``/``kv_a_layernorm``.

Active parameters (the one convention used here)
    The parameters that take part in a matrix multiplication for one token: everything except
    the routed experts that the router did not pick (``num_experts_per_tok`` of ``E`` are used
    in each MoE layer) **and except the input embedding table**, which is a table look-up (one row
    is read; nothing is multiplied). When the embedding is tied to the output head, that matrix
    *is* multiplied (as the head) and is counted as active. Multi-token-prediction (MTP) modules
    are excluded from both total and active. This is the convention that reproduces DeepSeek's
    figures: DeepSeek-V3 36.6B ("37B" in the report; "36.7B" in its README_WEIGHTS.md), and
    DeepSeek-V2-Lite 2.45B ("2.4B"); counting the input table as well would give 37.6B and
    2.66B. Mistral and Qwen count the input table too (Mixtral: 12.75B here, 12.9B with the
    table), so add ``embedding_params`` to compare with them.

FLOPs per token
    ``forward_flops_per_token = 2 × active_params`` (one multiply and one add per weight).
    ``attention_flops_per_token`` is the part that grows with the context and has no weights:
    a new token attending to ``T`` cached tokens computes, in each layer and each of the ``n_h``
    query heads, ``T`` dot products of length ``d_qk`` (scores) and a ``T``-term weighted sum
    of ``d_v``-wide values, i.e. ``2 T (d_qk + d_v)`` FLOPs, so in total
    ``2 × L × T × n_h × (d_qk + d_v)``. For MHA/GQA ``d_qk = d_v = head_dim`` (GQA shares K/V
    between heads but every query head still does its own dot products); for MLA
    ``d_qk = qk_nope_head_dim + qk_rope_head_dim`` and ``d_v = v_head_dim`` (the naive,
    non-absorbed form). A causal prefill of ``T`` tokens averages ``T/2`` per token.

Which configs are understood
    ``model_type`` llama, mistral, qwen2, qwen3, qwen2_moe, qwen3_moe, mixtral, phimoe,
    deepseek_v2, deepseek_v3 and gpt3 (the GPT-3 paper's Table 2.1 written as a config: learned
    positions, biases everywhere, LayerNorm, a non-gated 4d MLP, tied embeddings). Any other
    ``model_type`` (which must then state ``tie_word_embeddings``) is read by its keys as a
    Llama-style decoder (MLA if ``kv_lora_rank`` is
    present; DeepSeek-, Qwen- or Mixtral-style MoE from ``n_routed_experts``, ``num_experts``
    or ``num_local_experts``), unless it has a key that marks a different architecture
    (GPT-2's ``n_layer``/``n_embd``, LayerNorm epsilons, parallel residuals, partial rotary,
    soft-capping, linear-attention or state-space keys, ...), an unknown MoE key (a name with
    "expert" or "moe" in it), or an MTP module outside DeepSeek's layout: then it is refused
    with a ValidationError naming that key rather than counted wrongly. ``counted_as`` says
    which reading was used. A config of unknown ``model_type`` is assumed to have no QK-norm.

MTP
    DeepSeek-V3's ``num_nextn_predict_layers`` module (``enorm``, ``hnorm``, ``eh_proj``
    ``2d × d``, one more decoder layer, ``shared_head.norm``) is reported as ``mtp_params`` *as
    stored in the checkpoint*, i.e. including its own copies of the embedding and the output head
    (``2 V d``); ``mtp_unique_params`` leaves those copies out. ``total_params_with_mtp`` is the
    checkpoint's size: 684.5B for DeepSeek-V3 (its README: 685B = 671B + 14B).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .attention import attention_from_config
from .config import bad_key, get_bool, get_int, language_model_config
from .errors import ValidationError
from .formatting import latex_int
from .presets import config_field, model_field, model_name, resolve_config
from .registry import register
from .schema import Calculator, Field, Output, Text

#: ``model_type`` values with a reading of their own (any other is read by its keys).
KNOWN_MODEL_TYPES = ("llama", "mistral", "qwen2", "qwen3", "qwen2_moe", "qwen3_moe", "mixtral",
                     "phimoe", "deepseek_v2", "deepseek_v3", "gpt3")

#: Keys with "expert" or "moe" in their name that this module understands.
KNOWN_MOE_KEYS = frozenset({
    "n_routed_experts", "n_shared_experts", "num_experts_per_tok", "num_experts",
    "num_local_experts", "moe_intermediate_size", "shared_expert_intermediate_size",
    "moe_layer_freq",
})

#: Keys that mark an architecture this module does not count (the reason is for readers).
FOREIGN_KEYS = {
    "n_layer": "GPT-2 style", "n_embd": "GPT-2 style", "n_head": "GPT-2 style",
    "n_inner": "GPT-2 style", "n_positions": "GPT-2 style", "n_ctx": "GPT-2 style",
    "d_model": "MPT/T5 style", "n_layers": "MPT style", "n_heads": "MPT style",
    "num_layers": "T5 style", "d_ff": "T5 style", "ffn_dim": "OPT style",
    "enable_bias": "OPT style", "use_bias": "StarCoder2 style",
    "layer_norm_eps": "LayerNorm with bias", "layer_norm_epsilon": "LayerNorm with bias",
    "norm_epsilon": "LayerNorm with bias", "use_parallel_residual": "parallel residual",
    "parallel_attn": "parallel residual", "new_decoder_architecture": "Falcon style",
    "multi_query": "Falcon style", "num_kv_heads": "Falcon style", "alibi": "ALiBi",
    "rotary_pct": "partial rotary", "partial_rotary_factor": "partial rotary",
    "use_qk_norm": "QK-norm switch", "attn_logit_softcapping": "Gemma 2/3 style",
    "final_logit_softcapping": "Gemma 2/3 style", "query_pre_attn_scalar": "Gemma 2/3 style",
    "logit_scale": "Cohere style", "interleave_moe_layer_step": "Llama 4 style",
    "full_attention_interval": "hybrid linear attention",
}
FOREIGN_PREFIXES = ("linear_", "mamba", "ssm_", "attn_layer_", "index_")
ATTENTION_LAYER_TYPES = ("full_attention", "sliding_attention")

MAX_DIM = 10_000_000
MAX_LAYERS = 100_000
MAX_EXPERTS = 1_000_000


@dataclass(frozen=True)
class Traits:
    """What the modelling code adds besides the plain matrices."""

    family: str
    qkv_bias: bool = False
    o_bias: bool = False
    mlp_bias: bool = False
    qk_norm: bool = False
    norm_bias: bool = False  # LayerNorm (weight and bias) instead of RMSNorm (weight)
    lm_head_bias: bool = False


@dataclass(frozen=True)
class Moe:
    style: str  # "deepseek", "qwen" or "mixtral"
    num_experts: int
    top_k: int
    expert_intermediate: int
    shared_intermediate: int = 0
    shared_gate: bool = False
    router_bias: bool = False
    first_dense: int = 0
    layer_freq: int = 1
    sparse_step: int = 1
    dense_layers: frozenset = frozenset()

    def is_moe_layer(self, index: int) -> bool:
        if self.style == "deepseek":
            return index >= self.first_dense and index % self.layer_freq == 0
        if self.style == "qwen":
            return index not in self.dense_layers and (index + 1) % self.sparse_step == 0
        return True


@dataclass(frozen=True)
class ParamCounts:
    """Parameters by kind (ints). ``tied_head`` is the embedding matrix's use as the output
    head when tied (already counted in ``embedding``; only used for ``active``)."""

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
        """Everything a token multiplies by: not the input table, not the unpicked experts."""
        return (self.tied_head + self.lm_head + self.attention + self.dense_mlp
                + self.active_routed_experts + self.shared_experts + self.router + self.norm)

    def __add__(self, other: "ParamCounts") -> "ParamCounts":
        return ParamCounts(**{item.name: getattr(self, item.name) + getattr(other, item.name)
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
        return (2 * self.num_layers * context_length * self.num_heads
                * (self.qk_head_dim + self.v_head_dim))


# --------------------------------------------------------------------------- reading the config

def _model_type(config: dict) -> str | None:
    value = config.get("model_type")
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_key("model_type", "文字列である必要があります。", "it must be a string.")
    return value


def check_supported(config: dict) -> None:
    """Refuse configs whose keys say they are not a Llama/Qwen/Mixtral/DeepSeek decoder."""
    for key in config:
        name = str(key)
        lowered = name.lower()
        if name in FOREIGN_KEYS or lowered.startswith(FOREIGN_PREFIXES):
            reason = FOREIGN_KEYS.get(name, "unsupported layer type")
            raise ValidationError(
                "config",
                f"config.json の「{name[:40]}」は、この計算機が数えられない構造（{reason}）を示しています。",
                f"The config.json key “{name[:40]}” marks an architecture this calculator "
                f"cannot count ({reason}).")
        if ("expert" in lowered or "moe" in lowered) and name not in KNOWN_MOE_KEYS:
            raise ValidationError(
                "config",
                f"config.json の MoE のキー「{name[:40]}」は未対応です（数え方が分かりません）。",
                f"The config.json’s MoE key “{name[:40]}” is not supported "
                "(its layout is unknown).")
    layer_types = config.get("layer_types")
    if layer_types is not None:
        if not isinstance(layer_types, list) or any(kind not in ATTENTION_LAYER_TYPES
                                                     for kind in layer_types):
            raise bad_key("layer_types", "full_attention / sliding_attention 以外の層は数えられません。",
                          "only full_attention and sliding_attention layers can be counted.")


def traits(config: dict) -> Traits:
    """Biases and norms by ``model_type``; unknown types read the generic keys."""
    model_type = _model_type(config)
    attention_bias = get_bool(config, "attention_bias", False)
    if model_type == "llama":
        return Traits("llama", qkv_bias=attention_bias, o_bias=attention_bias,
                      mlp_bias=get_bool(config, "mlp_bias", False))
    if model_type in ("mistral", "mixtral"):
        return Traits(model_type)
    if model_type == "qwen2":
        return Traits("qwen2", qkv_bias=True)
    if model_type == "qwen2_moe":
        return Traits("qwen2_moe", qkv_bias=get_bool(config, "qkv_bias", True))
    if model_type in ("qwen3", "qwen3_moe"):
        return Traits(model_type, qkv_bias=attention_bias, o_bias=attention_bias, qk_norm=True)
    if model_type == "phimoe":
        return Traits("phimoe", qkv_bias=attention_bias, o_bias=attention_bias, norm_bias=True,
                      lm_head_bias=get_bool(config, "lm_head_bias", False))
    if model_type in ("deepseek_v2", "deepseek_v3"):
        return Traits(model_type, qkv_bias=attention_bias, o_bias=attention_bias)
    family = f"{model_type or 'no model_type'} → by keys"
    if "qkv_bias" in config:
        return Traits(family, qkv_bias=get_bool(config, "qkv_bias", False),
                      mlp_bias=get_bool(config, "mlp_bias", False))
    return Traits(family, qkv_bias=attention_bias, o_bias=attention_bias,
                  mlp_bias=get_bool(config, "mlp_bias", False))


def read_moe(config: dict) -> Moe | None:
    """The MoE layout from its keys, or ``None`` for a dense model."""
    styles = {key: get_int(config, key, default=None, minimum=0, maximum=MAX_EXPERTS)
              for key in ("n_routed_experts", "num_experts", "num_local_experts")}
    present = [key for key, value in styles.items() if value]
    if len(present) > 1:
        raise bad_key(present[1], f"「{present[0]}」と同時には使えません。",
                      f"it cannot be combined with “{present[0]}”.")
    if not present:
        if get_int(config, "num_experts_per_tok", default=None, minimum=0):
            raise bad_key("num_experts_per_tok",
                          "エキスパート数のキー（n_routed_experts / num_experts / "
                          "num_local_experts）がありません。",
                          "there is no expert count (n_routed_experts, num_experts or "
                          "num_local_experts).")
        return None
    key = present[0]
    num_experts = styles[key]
    top_k = get_int(config, "num_experts_per_tok", maximum=MAX_EXPERTS)
    if top_k > num_experts:
        raise bad_key("num_experts_per_tok", f"{key} 以下である必要があります。",
                      f"it cannot exceed {key}.")
    if key == "n_routed_experts":
        shared = get_int(config, "n_shared_experts", default=0, minimum=0, maximum=MAX_EXPERTS)
        expert = get_int(config, "moe_intermediate_size", maximum=MAX_DIM)
        topk_method = config.get("topk_method")
        router_bias = topk_method == "noaux_tc" or (
            topk_method is None and _model_type(config) == "deepseek_v3")
        return Moe("deepseek", num_experts, top_k, expert, shared_intermediate=shared * expert,
                   router_bias=router_bias,
                   first_dense=get_int(config, "first_k_dense_replace", default=0, minimum=0,
                                       maximum=MAX_LAYERS),
                   layer_freq=get_int(config, "moe_layer_freq", default=1, maximum=MAX_LAYERS))
    if key == "num_experts":
        # Qwen2-MoE always has a shared expert, so its size is required (``...``); elsewhere
        # (Qwen3-MoE) no key means no shared expert.
        shared_default = ... if _model_type(config) == "qwen2_moe" else 0
        shared = get_int(config, "shared_expert_intermediate_size", default=shared_default,
                         minimum=0, maximum=MAX_DIM)
        return Moe("qwen", num_experts, top_k, get_int(config, "moe_intermediate_size",
                                                       maximum=MAX_DIM),
                   shared_intermediate=shared, shared_gate=shared > 0,
                   sparse_step=get_int(config, "decoder_sparse_step", default=1,
                                       maximum=MAX_LAYERS),
                   dense_layers=_layer_list(config, "mlp_only_layers"))
    return Moe("mixtral", num_experts, top_k, get_int(config, "intermediate_size",
                                                      maximum=MAX_DIM))


def _layer_list(config: dict, key: str) -> frozenset:
    value = config.get(key)
    if value is None:
        return frozenset()
    if not isinstance(value, list) or any(isinstance(item, bool) or not isinstance(item, int)
                                          for item in value):
        raise bad_key(key, "層番号（整数）のリストである必要があります。",
                      "it must be a list of layer numbers.")
    return frozenset(value)


# --------------------------------------------------------------------------- counting

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


@dataclass(frozen=True)
class Mla:
    q_lora_rank: int | None
    kv_lora_rank: int
    rope_dim: int
    nope_dim: int
    v_dim: int

    def attention_params(self, hidden: int, heads: int, bias: bool) -> int:
        """MLA projections (weights + biases; the two MLA norms are in ``norm_params``)."""
        qk_dim = self.nope_dim + self.rope_dim
        if self.q_lora_rank:
            query = (hidden * self.q_lora_rank + (self.q_lora_rank if bias else 0)
                     + self.q_lora_rank * heads * qk_dim)
        else:
            query = hidden * heads * qk_dim
        kv_down = hidden * (self.kv_lora_rank + self.rope_dim) + (
            self.kv_lora_rank + self.rope_dim if bias else 0)
        kv_up = self.kv_lora_rank * heads * (self.nope_dim + self.v_dim)
        output = heads * self.v_dim * hidden + (hidden if bias else 0)
        return query + kv_down + kv_up + output

    def norm_params(self) -> int:
        return (self.q_lora_rank or 0) + self.kv_lora_rank


def read_mla(config: dict) -> Mla | None:
    if get_int(config, "kv_lora_rank", default=None, maximum=MAX_DIM) is None:
        return None
    return Mla(q_lora_rank=get_int(config, "q_lora_rank", default=None, minimum=0,
                                   maximum=MAX_DIM) or None,
               kv_lora_rank=get_int(config, "kv_lora_rank", maximum=MAX_DIM),
               rope_dim=get_int(config, "qk_rope_head_dim", maximum=MAX_DIM),
               nope_dim=get_int(config, "qk_nope_head_dim", minimum=0, maximum=MAX_DIM),
               v_dim=get_int(config, "v_head_dim", maximum=MAX_DIM))


def model_size(config: dict) -> ModelSize:
    """Count every parameter of the decoder a config describes (see the module docstring)."""
    if not config:
        raise ValidationError("config", "config.json を貼り付けるか、モデルを選んでください。",
                              "Paste a config.json or choose a model.")
    config = language_model_config(config)
    check_supported(config)
    if _model_type(config) == "gpt3":
        return _gpt3_size(config)
    layout = traits(config)
    attention = attention_from_config(config)
    hidden = get_int(config, "hidden_size", maximum=MAX_DIM)
    vocab = get_int(config, "vocab_size", maximum=MAX_DIM * 10)
    layers = attention.num_layers
    heads = attention.num_heads
    moe = read_moe(config)
    mla = read_mla(config)
    norm_width = 2 if layout.norm_bias else 1

    if mla is not None:
        attention_per_layer = mla.attention_params(hidden, heads, layout.o_bias)
        attention_norms = mla.norm_params()
        qk_dim, v_dim = mla.nope_dim + mla.rope_dim, mla.v_dim
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
        intermediate = get_int(config, "intermediate_size", maximum=MAX_DIM)
        return counts + ParamCounts(dense_mlp=gated_mlp_params(hidden, intermediate,
                                                               layout.mlp_bias))

    moe_layers = [index for index in range(layers) if moe is not None and moe.is_moe_layer(index)]
    dense_layers = [index for index in range(layers) if moe is None or not moe.is_moe_layer(index)]
    # Every MoE layer has the same shape, and so has every dense layer.
    body = ParamCounts()
    for group in (moe_layers, dense_layers):
        if group:
            body = body + _times(layer(group[0]), len(group))
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


def tie_word_embeddings(config: dict) -> bool:
    """Whether the output head is the embedding matrix.

    A missing key means the config class's default: ``False`` for every supported family. For
    any other ``model_type`` the default is unknown (``transformers`` leaves the key out of a
    saved config when it equals the class default, which is ``True`` for Gemma, say), so the key
    is required.
    """
    if _model_type(config) in KNOWN_MODEL_TYPES:
        return get_bool(config, "tie_word_embeddings", False)
    if config.get("tie_word_embeddings") is None:
        raise ValidationError(
            "config",
            "config.json に「tie_word_embeddings」がありません"
            "（この model_type では既定値が分からないため必要です）。",
            "The config.json has no “tie_word_embeddings” (needed: its default is not known for "
            "this model_type).")
    return get_bool(config, "tie_word_embeddings", False)


def _counted_as(family: str, mla: Mla | None, moe: Moe | None) -> str:
    """``"deepseek_v3: MLA, DeepSeek-style MoE"``, ``"llama"``, ``"kimi_k2 → by keys: MLA"``."""
    details = (["MLA"] if mla else []) + (
        [f"{MOE_STYLE_NAMES[moe.style]}-style MoE"] if moe else [])
    return f"{family}: {', '.join(details)}" if details else family


MOE_STYLE_NAMES = {"deepseek": "DeepSeek", "qwen": "Qwen", "mixtral": "Mixtral"}


def _times(counts: ParamCounts, repeat: int) -> ParamCounts:
    """``repeat`` layers of the same shape."""
    return ParamCounts(**{item.name: getattr(counts, item.name) * repeat
                          for item in fields(counts)})


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
    attention = attention_from_config(config)
    hidden = get_int(config, "hidden_size", maximum=MAX_DIM)
    vocab = get_int(config, "vocab_size", maximum=MAX_DIM * 10)
    positions = get_int(config, "max_position_embeddings", maximum=MAX_DIM)
    intermediate = get_int(config, "intermediate_size", default=4 * hidden, maximum=MAX_DIM)
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
    body = _times(per_layer, attention.num_layers)
    return ModelSize(counts=body + ends, mtp=0, mtp_unique=0, num_layers=attention.num_layers,
                     num_moe_layers=0, attention_kind=attention.kind, counted_as="gpt3",
                     num_heads=attention.num_heads, qk_head_dim=head, v_head_dim=head)


# --------------------------------------------------------------------------- the calculator

def _compute(inputs: dict) -> dict:
    config, origin = resolve_config(inputs["model"], inputs["config"])
    size = model_size(config)
    counts = size.counts
    return {
        "model_name": model_name(inputs["model"], inputs["config"]),
        "counted_as": size.counted_as,
        "attention_kind": size.attention_kind,
        "num_layers": size.num_layers,
        "num_moe_layers": size.num_moe_layers,
        "total_params": counts.total,
        "active_params": counts.active,
        "mtp_params": size.mtp,
        "mtp_unique_params": size.mtp_unique,
        "total_params_with_mtp": counts.total + size.mtp,
        "embedding_params": counts.embedding,
        "lm_head_params": counts.lm_head,
        "attention_params": counts.attention,
        "dense_mlp_params": counts.dense_mlp,
        "routed_expert_params": counts.routed_experts,
        "active_routed_expert_params": counts.active_routed_experts,
        "shared_expert_params": counts.shared_experts,
        "router_params": counts.router,
        "norm_params": counts.norm,
        "forward_flops_per_token": 2 * counts.active,
        "attention_flops_per_token": size.attention_flops_per_token(inputs["context_length"]),
        "config_source": origin,
    }


def _formula(inputs: dict, outputs: dict, lang: str) -> list[str]:
    config, _ = resolve_config(inputs["model"], inputs["config"])
    size = model_size(config)
    o = {name: latex_int(value) for name, value in outputs.items() if isinstance(value, int)}
    lines = [
        rf"N = N_{{\text{{emb}}}} + N_{{\text{{head}}}} + N_{{\text{{attn}}}} + N_{{\text{{mlp}}}}"
        rf" + N_E + N_S + N_r + N_{{\text{{norm}}}} = {o['embedding_params']} + "
        rf"{o['lm_head_params']} + {o['attention_params']} + {o['dense_mlp_params']} + "
        rf"{o['routed_expert_params']} + {o['shared_expert_params']} + {o['router_params']} + "
        rf"{o['norm_params']} = {o['total_params']}",
    ]
    tied = latex_int(size.counts.tied_head)
    lines.append(
        rf"N_{{\text{{act}}}} = N - N_{{\text{{emb}}}} + N_{{\text{{tied}}}} - N_E"
        rf" + N_E^{{\text{{act}}}}"
        rf" = {o['total_params']} - {o['embedding_params']} + {tied} - "
        rf"{o['routed_expert_params']} + {o['active_routed_expert_params']}"
        rf" = {o['active_params']}")
    lines.append(rf"C_{{\text{{fwd}}}} = 2\,N_{{\text{{act}}}} = 2 \times {o['active_params']}"
                 rf" = {o['forward_flops_per_token']}\ \text{{FLOP}}")
    lines.append(
        rf"C_{{\text{{attn}}}} = 2\,L\,T\,n_h\,(d_{{qk}} + d_v) = 2 \times "
        rf"{o['num_layers']} \times "
        rf"{latex_int(inputs['context_length'])} \times {latex_int(size.num_heads)} \times "
        rf"({latex_int(size.qk_head_dim)} + {latex_int(size.v_head_dim)})"
        rf" = {o['attention_flops_per_token']}\ \text{{FLOP}}")
    if size.mtp:
        lines.append(rf"N + N_{{\text{{MTP}}}} = {o['total_params']} + {o['mtp_params']}"
                     rf" = {o['total_params_with_mtp']}")
    return lines


def _params(name: str, ja: str, en: str) -> Output:
    return Output(name, Text(ja, en), "params")


MODEL_SIZE = register(Calculator(
    id="model-size",
    title=Text("パラメータ数と FLOPs", "Parameters and FLOPs"),
    summary=Text("config.json から総パラメータ数・アクティブパラメータ数・内訳と、"
                 "1 トークンあたりの FLOPs を数えます。",
                 "Total and active parameters, their breakdown, and FLOPs per token, counted "
                 "from a config.json."),
    inputs=(
        model_field(),
        config_field(),
        Field("context_length", "int", Text("コンテキスト長（アテンション FLOPs 用）",
                                            "Context length (for attention FLOPs)"),
              default=4096, unit=Text("トークン", "tokens"), minimum=1, maximum=10_000_000),
    ),
    outputs=(
        Output("model_name", Text("モデル", "Model"), "text"),
        Output("counted_as", Text("数え方", "Counted as"), "text"),
        Output("attention_kind", Text("アテンション方式", "Attention kind"), "text"),
        Output("num_layers", Text("層数", "Layers"), "count"),
        Output("num_moe_layers", Text("MoE 層数", "MoE layers"), "count"),
        _params("total_params", "総パラメータ数（MTP を除く）", "Total parameters (without MTP)"),
        _params("active_params", "アクティブパラメータ数（1 トークンあたり）",
                "Active parameters (per token)"),
        _params("mtp_params", "MTP モジュール（チェックポイント上）",
                "MTP module (as stored in the checkpoint)"),
        _params("mtp_unique_params", "MTP モジュール（共有行列の複製を除く）",
                "MTP module (without the copies of shared matrices)"),
        _params("total_params_with_mtp", "総パラメータ数（MTP を含む）",
                "Total parameters (with MTP)"),
        _params("embedding_params", "入力埋め込み", "Input embedding"),
        _params("lm_head_params", "出力ヘッド（lm_head）", "Output head (lm_head)"),
        _params("attention_params", "アテンション", "Attention"),
        _params("dense_mlp_params", "密な MLP", "Dense MLP"),
        _params("routed_expert_params", "ルーティングされるエキスパート（全部）",
                "Routed experts (all)"),
        _params("active_routed_expert_params", "ルーティングされるエキスパート（選ばれる分）",
                "Routed experts (picked per token)"),
        _params("shared_expert_params", "共有エキスパート", "Shared experts"),
        _params("router_params", "ルーター（ゲート）", "Router (gates)"),
        _params("norm_params", "正規化層", "Norms"),
        Output("forward_flops_per_token", Text("順伝播 FLOPs / トークン（2 × アクティブ）",
                                               "Forward FLOPs per token (2 × active)"), "flops"),
        Output("attention_flops_per_token", Text("アテンション FLOPs / トークン（コンテキスト分）",
                                                 "Attention FLOPs per token (over the context)"),
               "flops"),
        Output("config_source", Text("config の出典", "Config source"), "url"),
    ),
    compute=_compute,
    formula=_formula,
    source_module="dscalc/model_size.py",
    extra={"symbols": (
        ("N", Text("総パラメータ数", "total parameters")),
        ("N_{\\text{emb}}", Text("入力埋め込み（表引きなのでアクティブに数えない）",
                                 "input embedding (a look-up, so not active)")),
        ("N_{\\text{tied}}", Text("出力ヘッドと共有された埋め込み行列（ヘッドとして掛け算される）",
                                  "embedding matrix shared with the output head "
                                  "(multiplied as the head)")),
        ("N_E", Text("ルーティングされるエキスパート全部", "all routed experts")),
        ("N_E^{\\text{act}}", Text("選ばれるエキスパート（層ごとに k 個）",
                                   "picked experts (k per layer)")),
        ("N_S", Text("共有エキスパート", "shared experts")),
        ("N_r", Text("ルーター", "routers")),
        ("L", Text("層数", "layers")),
        ("T", Text("コンテキスト長", "context length")),
        ("n_h", Text("クエリヘッド数", "query heads")),
        ("d_{qk}", Text("ヘッドあたりのクエリ・キー次元", "query/key dimension per head")),
        ("d_v", Text("ヘッドあたりのバリュー次元", "value dimension per head")),
    )},
))
