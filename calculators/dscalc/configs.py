"""Reading Hugging Face ``config.json`` objects: one reader for every calculator.

Typed look-ups whose errors name the key (``get_int``, ``get_bool``), and the structures the
calculators share: the attention layout (MHA/GQA/MQA, or MLA with its dimensions), the MoE layout
(DeepSeek, Qwen or Mixtral style), the modelling traits (biases, norms, tied embeddings), and the
check that refuses architectures the calculators cannot count. Multimodal configs keep the
language model under ``text_config``; ``language_model_config`` returns that part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ValidationError

#: Input name used in error messages when a config is at fault.
CONFIG_FIELD = "config"

MAX_DIM = 10_000_000
MAX_LAYERS = 100_000
MAX_HEADS = 100_000
MAX_EXPERTS = 1_000_000


# --------------------------------------------------------------------------- typed look-ups

def language_model_config(config: dict) -> dict:
    nested = config.get("text_config")
    if "num_hidden_layers" not in config and isinstance(nested, dict):
        merged = dict(nested)
        merged.setdefault("model_type", config.get("model_type"))
        return merged
    return config


def missing_key(key: str) -> ValidationError:
    return ValidationError(CONFIG_FIELD, f"config.json に「{key}」がありません。",
                           f"The config.json has no “{key}”.")


def bad_key(key: str, ja_reason: str, en_reason: str) -> ValidationError:
    return ValidationError(CONFIG_FIELD, f"config.json の「{key}」が不正です: {ja_reason}",
                           f"The config.json’s “{key}” is invalid: {en_reason}")


def get_int(config: dict, key: str, *, default: Any = ..., minimum: int = 1,
            maximum: int = MAX_DIM) -> int | None:
    """An integer from the config. ``default=...`` makes the key required.

    A key present with value ``null`` counts as absent (HF writes ``"q_lora_rank": null``).
    """
    value = config.get(key)
    if value is None:
        if default is ...:
            raise missing_key(key)
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad_key(key, "整数ではありません。", "it is not a whole number.")
    if isinstance(value, float):
        if not value.is_integer():
            raise bad_key(key, "整数ではありません。", "it is not a whole number.")
        value = int(value)
    if not minimum <= value <= maximum:
        raise bad_key(key, f"{minimum:,} 以上 {maximum:,} 以下である必要があります。",
                      f"it must be between {minimum:,} and {maximum:,}.")
    return value


def get_bool(config: dict, key: str, default: bool) -> bool:
    value = config.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise bad_key(key, "true か false である必要があります。", "it must be true or false.")
    return value


def model_type(config: dict) -> str | None:
    value = config.get("model_type")
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_key("model_type", "文字列である必要があります。", "it must be a string.")
    return value


def layer_list(config: dict, key: str) -> frozenset:
    value = config.get(key)
    if value is None:
        return frozenset()
    if not isinstance(value, list) or any(isinstance(item, bool) or not isinstance(item, int)
                                          for item in value):
        raise bad_key(key, "層番号（整数）のリストである必要があります。",
                      "it must be a list of layer numbers.")
    return frozenset(value)


# --------------------------------------------------------------------------- attention

@dataclass(frozen=True)
class Mla:
    """Multi-head latent attention (DeepSeek-V2 report, arXiv:2405.04434, Sec. 2.1): a joint
    KV latent of ``kv_lora_rank`` elements plus a decoupled RoPE key of ``rope_dim`` elements
    are cached per token and layer, shared by all heads."""

    q_lora_rank: int | None
    kv_lora_rank: int
    rope_dim: int
    nope_dim: int
    v_dim: int | None

    @property
    def qk_head_dim(self) -> int:
        return self.nope_dim + self.rope_dim


def read_mla(config: dict) -> Mla | None:
    """The MLA dimensions, or ``None`` when the config has no ``kv_lora_rank``.

    ``qk_nope_head_dim`` and ``v_head_dim`` size the projections, not the cache: a config that
    leaves them out still has a cache size (they read as 0 and ``None``).
    """
    if get_int(config, "kv_lora_rank", default=None) is None:
        return None
    return Mla(q_lora_rank=get_int(config, "q_lora_rank", default=None, minimum=0) or None,
               kv_lora_rank=get_int(config, "kv_lora_rank"),
               rope_dim=get_int(config, "qk_rope_head_dim"),
               nope_dim=get_int(config, "qk_nope_head_dim", default=0, minimum=0),
               v_dim=get_int(config, "v_head_dim", default=None))


@dataclass(frozen=True)
class Attention:
    """The attention layout of every layer: ``kind`` is ``"MHA"``, ``"GQA"``, ``"MQA"`` or
    ``"MLA"``; ``head_dim`` is the query/key width of one head (``d_nope + d_rope`` for MLA)."""

    kind: str
    num_layers: int
    num_heads: int
    num_kv_heads: int
    head_dim: int
    mla: Mla | None = None

    @property
    def cached_elements_per_token_per_layer(self) -> int:
        """``2 n_kv d_h`` for MHA/GQA/MQA (a key and a value per KV head); ``d_c + d_h^R`` for MLA."""
        if self.mla is not None:
            return self.mla.kv_lora_rank + self.mla.rope_dim
        return 2 * self.num_kv_heads * self.head_dim


def classify(num_heads: int, num_kv_heads: int) -> str:
    if num_kv_heads == num_heads:
        return "MHA"
    if num_kv_heads == 1:
        return "MQA"
    return "GQA"


def read_attention(config: dict, overrides: dict | None = None) -> Attention:
    """Read the attention layout from a HF config; ``overrides`` (same key names) win."""
    merged = dict(language_model_config(config))
    for key, value in (overrides or {}).items():
        if value is not None:
            merged[key] = value
    num_layers = get_int(merged, "num_hidden_layers", maximum=MAX_LAYERS)
    num_heads = get_int(merged, "num_attention_heads", maximum=MAX_HEADS)
    mla = read_mla(merged)
    if mla is not None:
        return Attention(kind="MLA", num_layers=num_layers, num_heads=num_heads,
                         num_kv_heads=num_heads, head_dim=mla.qk_head_dim, mla=mla)
    num_kv_heads = get_int(merged, "num_key_value_heads", default=num_heads, maximum=MAX_HEADS)
    if merged.get("multi_query") is True:
        num_kv_heads = 1
    if num_heads % num_kv_heads:
        raise bad_key("num_key_value_heads",
                      "num_attention_heads を割り切れる数である必要があります。",
                      "it must divide num_attention_heads.")
    return Attention(kind=classify(num_heads, num_kv_heads), num_layers=num_layers,
                     num_heads=num_heads, num_kv_heads=num_kv_heads,
                     head_dim=head_dim(merged, num_heads))


def head_dim(config: dict, num_heads: int) -> int:
    """Explicit ``head_dim`` if the config has one, else ``hidden_size / num_attention_heads``."""
    explicit = get_int(config, "head_dim", default=None)
    if explicit is not None:
        return explicit
    hidden_size = get_int(config, "hidden_size")
    if hidden_size % num_heads:
        raise bad_key("hidden_size",
                      "num_attention_heads で割り切れません（head_dim を指定してください）。",
                      "it is not divisible by num_attention_heads (give head_dim).")
    return hidden_size // num_heads


# --------------------------------------------------------------------------- mixture of experts

@dataclass(frozen=True)
class Moe:
    """The MoE layout: ``style`` is ``"deepseek"``, ``"qwen"`` or ``"mixtral"``; sizes are the
    intermediate widths of one routed expert and of all shared experts together."""

    style: str
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


MOE_STYLE_NAMES = {"deepseek": "DeepSeek", "qwen": "Qwen", "mixtral": "Mixtral"}


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
        expert = get_int(config, "moe_intermediate_size")
        topk_method = config.get("topk_method")
        router_bias = topk_method == "noaux_tc" or (
            topk_method is None and model_type(config) == "deepseek_v3")
        return Moe("deepseek", num_experts, top_k, expert, shared_intermediate=shared * expert,
                   router_bias=router_bias,
                   first_dense=get_int(config, "first_k_dense_replace", default=0, minimum=0,
                                       maximum=MAX_LAYERS),
                   layer_freq=get_int(config, "moe_layer_freq", default=1, maximum=MAX_LAYERS))
    if key == "num_experts":
        # Qwen2-MoE always has a shared expert, so its size is required (``...``); elsewhere
        # (Qwen3-MoE) no key means no shared expert.
        shared_default = ... if model_type(config) == "qwen2_moe" else 0
        shared = get_int(config, "shared_expert_intermediate_size", default=shared_default,
                         minimum=0)
        return Moe("qwen", num_experts, top_k, get_int(config, "moe_intermediate_size"),
                   shared_intermediate=shared, shared_gate=shared > 0,
                   sparse_step=get_int(config, "decoder_sparse_step", default=1,
                                       maximum=MAX_LAYERS),
                   dense_layers=layer_list(config, "mlp_only_layers"))
    return Moe("mixtral", num_experts, top_k, get_int(config, "intermediate_size"))


# --------------------------------------------------------------------------- modelling traits

#: ``model_type`` values with a reading of their own (any other is read by its keys).
KNOWN_MODEL_TYPES = ("llama", "mistral", "qwen2", "qwen3", "qwen2_moe", "qwen3_moe", "mixtral",
                     "phimoe", "deepseek_v2", "deepseek_v3", "gpt3")

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
ATTENTION_LAYER_TYPES = ("full_attention", "sliding_attention")


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


def check_supported(config: dict) -> None:
    """Refuse configs whose keys say they are not a Llama/Qwen/Mixtral/DeepSeek decoder."""
    for key in config:
        name = str(key)
        lowered = name.lower()
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
    layer_types = config.get("layer_types")
    if layer_types is not None:
        if not isinstance(layer_types, list) or any(kind not in ATTENTION_LAYER_TYPES
                                                     for kind in layer_types):
            raise bad_key("layer_types", "full_attention / sliding_attention 以外の層は数えられません。",
                          "only full_attention and sliding_attention layers can be counted.")


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
    if kind in ("deepseek_v2", "deepseek_v3"):
        return Traits(kind, qkv_bias=attention_bias, o_bias=attention_bias)
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
