"""Attention layouts (MHA, GQA, MQA, MLA) and what each one caches per token.

Per layer and token, standard attention caches a key and a value for every KV head:
``2 × n_kv_heads × head_dim`` elements. MQA is the case ``n_kv_heads = 1``, MHA the case
``n_kv_heads = n_heads``, GQA everything between. MLA (DeepSeek-V2/V3) caches one compressed
latent of ``kv_lora_rank`` elements plus the decoupled RoPE key of ``qk_rope_head_dim``
elements, shared by all heads (DeepSeek-V2 report, arXiv:2405.04434, Sec. 2.1).
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import bad_key, get_int, language_model_config


@dataclass(frozen=True)
class Attention:
    kind: str  # "MHA", "GQA", "MQA" or "MLA"
    num_layers: int
    num_heads: int
    num_kv_heads: int
    head_dim: int
    kv_lora_rank: int | None = None
    qk_rope_head_dim: int | None = None

    @property
    def cached_elements_per_token_per_layer(self) -> int:
        if self.kind == "MLA":
            return self.kv_lora_rank + self.qk_rope_head_dim
        return 2 * self.num_kv_heads * self.head_dim


def classify(num_heads: int, num_kv_heads: int) -> str:
    if num_kv_heads == num_heads:
        return "MHA"
    if num_kv_heads == 1:
        return "MQA"
    return "GQA"


def attention_from_config(config: dict, overrides: dict | None = None) -> Attention:
    """Read the attention layout from a HF config; ``overrides`` (same key names) win."""
    merged = dict(language_model_config(config))
    for key, value in (overrides or {}).items():
        if value is not None:
            merged[key] = value
    num_layers = get_int(merged, "num_hidden_layers", maximum=100_000)
    num_heads = get_int(merged, "num_attention_heads", maximum=100_000)
    if get_int(merged, "kv_lora_rank", default=None) is not None:
        return _mla(merged, num_layers, num_heads)
    num_kv_heads = get_int(merged, "num_key_value_heads", default=num_heads, maximum=100_000)
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
    explicit = get_int(config, "head_dim", default=None, maximum=1_000_000)
    if explicit is not None:
        return explicit
    hidden_size = get_int(config, "hidden_size", maximum=10_000_000)
    if hidden_size % num_heads:
        raise bad_key("hidden_size",
                      "num_attention_heads で割り切れません（head_dim を指定してください）。",
                      "it is not divisible by num_attention_heads (give head_dim).")
    return hidden_size // num_heads


def _mla(config: dict, num_layers: int, num_heads: int) -> Attention:
    kv_lora_rank = get_int(config, "kv_lora_rank", maximum=1_000_000)
    rope_dim = get_int(config, "qk_rope_head_dim", maximum=1_000_000)
    # Only the query/key head size needs the non-RoPE part; the cache does not.
    nope_dim = get_int(config, "qk_nope_head_dim", default=0, minimum=0, maximum=1_000_000)
    return Attention(kind="MLA", num_layers=num_layers, num_heads=num_heads,
                     num_kv_heads=num_heads, head_dim=nope_dim + rope_dim,
                     kv_lora_rank=kv_lora_rank, qk_rope_head_dim=rope_dim)
