"""Which model families the calculators read, their modelling traits (biases, norms, tied
embeddings), and the checks that refuse what they cannot count, naming the keys."""

from __future__ import annotations

from dataclasses import dataclass

from ..framework.errors import ValidationError
from ..framework.text import clip
from .config_keys import CONFIG_FIELD, bad_key, get_bool, model_type


#: ``model_type`` values with a reading of their own (any other is read by its keys).
KNOWN_MODEL_TYPES = ("llama", "mistral", "qwen2", "qwen3", "qwen2_moe", "qwen3_moe", "mixtral",
                     "phimoe", "deepseek_v2", "deepseek_v3", "deepseek_v32", "gpt3", "gpt_oss",
                     "llama4_text", "qwen3_next", "qwen3_5_text", "qwen3_5_moe_text", "nemotron_h",
                     "deepseek_v4")

#: Keys with "expert" or "moe" in their name that the reader understands.
KNOWN_MOE_KEYS = frozenset({
    "n_routed_experts", "n_shared_experts", "num_experts_per_tok", "num_experts",
    "num_local_experts", "moe_intermediate_size", "shared_expert_intermediate_size",
    "moe_layer_freq",
})

#: Keys that mark an architecture the calculators do not count (the reason is for readers).
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

#: Per family, keys (and key prefixes) that the general check would refuse but whose meaning
#: that family's reading handles (each checked against the transformers 5.24 modelling code).
FAMILY_KEYS: dict[str, tuple[frozenset, tuple[str, ...]]] = {
    "gpt_oss": (frozenset({"experts_per_token"}), ()),
    "llama4_text": (frozenset({"interleave_moe_layer_step", "use_qk_norm", "moe_layers",
                               "intermediate_size_mlp"}), ()),
    "qwen3_next": (frozenset({"full_attention_interval", "partial_rotary_factor"}),
                   ("linear_",)),
    "qwen3_5_text": (frozenset({"full_attention_interval", "partial_rotary_factor",
                                "mamba_ssm_dtype", "attn_output_gate"}), ("linear_",)),
    "qwen3_5_moe_text": (frozenset({"full_attention_interval", "partial_rotary_factor",
                                    "mamba_ssm_dtype", "attn_output_gate"}), ("linear_",)),
    "nemotron_h": (frozenset({"layer_norm_epsilon", "use_bias", "ssm_state_size",
                              "moe_shared_expert_intermediate_size", "moe_latent_size",
                              "moe_shared_expert_overlap", "mtp_hybrid_override_pattern",
                              "mtp_layers_block_type"}),
                   ("mamba_",)),
    "deepseek_v32": (frozenset(), ("index_",)),
    "deepseek_v4": (frozenset({"expert_dtype", "partial_rotary_factor"}), ("index_",)),
    "gemma4_text": (frozenset({"final_logit_softcapping", "num_experts", "top_k_experts",
                               "moe_intermediate_size", "enable_moe_block", "num_kv_shared_layers",
                               "attention_k_eq_v", "use_double_wide_mlp", "global_head_dim",
                               "num_global_key_value_heads", "hidden_size_per_layer_input",
                               "vocab_size_per_layer_input", "use_bidirectional_attention",
                               "per_layer_config"}), ()),
}


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
    sinks: bool = False          # gpt-oss: one learned softmax sink per query head
    gated_query: bool = False    # Qwen3-Next/3.5: q_proj also yields an output gate (2 n_h d_h)
    gated_mlp: bool = True       # SwiGLU (3 matrices); Nemotron-H's ReLU² MLP has 2
    norms_per_layer: int = 2     # Nemotron-H blocks hold one mixer and one norm


def check_supported(config: dict) -> None:
    """Refuse configs whose keys say they are not a decoder this package can count."""
    allowed, prefixes = FAMILY_KEYS.get(model_type(config) or "", (frozenset(), ()))
    for key in config:
        name = key if isinstance(key, str) else clip(key)
        lowered = name.lower()
        if name in allowed or (prefixes and lowered.startswith(prefixes)):
            continue
        if name in FOREIGN_KEYS or lowered.startswith(FOREIGN_PREFIXES):
            reason = FOREIGN_KEYS.get(name, "unsupported layer type")
            raise ValidationError(
                CONFIG_FIELD,
                f"config.json の「{name[:40]}」は、この計算機が数えられない構造（{reason}）を示しています。",
                f"The config.json key “{name[:40]}” marks an architecture this calculator "
                f"cannot count ({reason}).")
        if ("expert" in lowered or "moe" in lowered) and name not in KNOWN_MOE_KEYS:
            raise ValidationError(
                CONFIG_FIELD,
                f"config.json の MoE のキー「{name[:40]}」は未対応です（数え方が分かりません）。",
                f"The config.json’s MoE key “{name[:40]}” is not supported "
                "(its layout is unknown).")
    if config.get("attn_output_gate") is False:
        raise bad_key("attn_output_gate", "出力ゲートのない Qwen3.5 の構成は数え方が分かりません。",
                      "a Qwen3.5 attention without its output gate is not modelled.")


def traits(config: dict) -> Traits:
    """Biases and norms by ``model_type``; unknown types read the generic keys."""
    kind = model_type(config)
    attention_bias = get_bool(config, "attention_bias", False)
    if kind == "llama":
        return Traits("llama", qkv_bias=attention_bias, o_bias=attention_bias,
                      mlp_bias=get_bool(config, "mlp_bias", False))
    if kind in ("mistral", "mixtral"):
        return Traits(kind)
    if kind == "qwen2":
        return Traits("qwen2", qkv_bias=True)
    if kind == "qwen2_moe":
        return Traits("qwen2_moe", qkv_bias=get_bool(config, "qkv_bias", True))
    if kind in ("qwen3", "qwen3_moe"):
        return Traits(kind, qkv_bias=attention_bias, o_bias=attention_bias, qk_norm=True)
    if kind == "phimoe":
        return Traits("phimoe", qkv_bias=attention_bias, o_bias=attention_bias, norm_bias=True,
                      lm_head_bias=get_bool(config, "lm_head_bias", False))
    if kind in ("deepseek_v2", "deepseek_v3", "deepseek_v32", "deepseek_v4"):
        return Traits(kind, qkv_bias=attention_bias, o_bias=attention_bias)
    if kind == "gpt_oss":  # GptOssConfig's attention_bias defaults to true
        bias = get_bool(config, "attention_bias", True)
        return Traits(kind, qkv_bias=bias, o_bias=bias, sinks=True)
    if kind == "llama4_text":  # its QK norm is an L2 norm without weights
        return Traits(kind, qkv_bias=attention_bias, o_bias=attention_bias)
    if kind in ("qwen3_next", "qwen3_5_text", "qwen3_5_moe_text"):
        return Traits(kind, qkv_bias=attention_bias, o_bias=attention_bias, qk_norm=True,
                      gated_query=True)
    if kind == "nemotron_h":
        return Traits(kind, qkv_bias=attention_bias, o_bias=attention_bias,
                      mlp_bias=get_bool(config, "mlp_bias", False), gated_mlp=False,
                      norms_per_layer=1)
    family = f"{kind or 'no model_type'} → by keys"
    if "qkv_bias" in config:
        return Traits(family, qkv_bias=get_bool(config, "qkv_bias", False),
                      mlp_bias=get_bool(config, "mlp_bias", False))
    return Traits(family, qkv_bias=attention_bias, o_bias=attention_bias,
                  mlp_bias=get_bool(config, "mlp_bias", False))


def tie_word_embeddings(config: dict) -> bool:
    """Whether the output head is the embedding matrix.

    A missing key means the config class's default: ``False`` for every supported family. For
    any other ``model_type`` the default is unknown (``transformers`` leaves the key out of a
    saved config when it equals the class default, which is ``True`` for Gemma, say), so the key
    is required.
    """
    if model_type(config) in KNOWN_MODEL_TYPES:
        return get_bool(config, "tie_word_embeddings", False)
    if config.get("tie_word_embeddings") is None:
        raise ValidationError(
            CONFIG_FIELD,
            "config.json に「tie_word_embeddings」がありません"
            "（この model_type では既定値が分からないため必要です）。",
            "The config.json has no “tie_word_embeddings” (needed: its default is not known for "
            "this model_type).")
    return get_bool(config, "tie_word_embeddings", False)
