"""The attention layout a config describes: MHA/GQA/MQA, or MLA with its dimensions, and
DeepSeek Sparse Attention's indexer."""

from __future__ import annotations

from dataclasses import dataclass

from .config_keys import MAX_HEADS, MAX_LAYERS, bad_key, get_int, language_model_config


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
class Indexer:
    """DeepSeek Sparse Attention's lightning indexer (DeepSeek-V3.2-Exp, ``inference/model.py``,
    class ``Indexer``): ``heads`` query heads of ``head_dim`` score every cached token against
    one shared indexer key of ``head_dim`` values per token; the ``topk`` best tokens are the
    only ones the MLA attention then reads."""

    heads: int
    head_dim: int
    topk: int


#: DeepSeek's reference code quantises the indexer keys to FP8 in blocks of this many values,
#: one FP32 scale each (``inference/model.py`` line 16, ``block_size = 128``).
INDEXER_SCALE_BLOCK = 128
INDEXER_KEYS = ("index_n_heads", "index_head_dim", "index_topk")


def read_indexer(config: dict) -> Indexer | None:
    if all(config.get(key) is None for key in INDEXER_KEYS):
        return None
    return Indexer(heads=get_int(config, "index_n_heads", maximum=MAX_HEADS),
                   head_dim=get_int(config, "index_head_dim"),
                   topk=get_int(config, "index_topk"))


@dataclass(frozen=True)
class Attention:
    """The softmax-attention layout: ``kind`` is ``"MHA"``, ``"GQA"``, ``"MQA"`` or ``"MLA"``;
    ``head_dim`` is the query/key width of one head (``d_nope + d_rope`` for MLA).

    ``num_layers`` counts every layer of the model; ``growing_layers`` those whose cache grows by
    one entry per token (full and DSA layers; ``None`` means all of them: a uniform model), and
    ``indexer`` is DSA's lightning indexer when the model has one. Windows and fixed-size states
    are described by ``Layout``.
    """

    kind: str
    num_layers: int
    num_heads: int
    num_kv_heads: int
    head_dim: int
    mla: Mla | None = None
    growing_layers: int | None = None
    indexer: Indexer | None = None
    shared_kv: bool = False   # one vector is both key and value (DeepSeek-V4)

    @property
    def cached_elements_per_token_per_layer(self) -> int:
        """``2 n_kv d_h`` for MHA/GQA/MQA (a key and a value per KV head; ``n_kv d_h`` when
        they are one vector); ``d_c + d_h^R`` for MLA."""
        if self.mla is not None:
            return self.mla.kv_lora_rank + self.mla.rope_dim
        return (1 if self.shared_kv else 2) * self.num_kv_heads * self.head_dim

    @property
    def layers_growing(self) -> int:
        return self.num_layers if self.growing_layers is None else self.growing_layers


def classify(num_heads: int, num_kv_heads: int) -> str:
    if num_kv_heads == num_heads:
        return "MHA"
    if num_kv_heads == 1:
        return "MQA"
    return "GQA"


def attention_shape(merged: dict) -> Attention:
    """The attention layout of a config already merged with its overrides (``merged_config``)."""
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
    """Explicit ``head_dim`` (or Nemotron-H's ``attention_head_dim``) if the config has one,
    else ``hidden_size / num_attention_heads``."""
    for key in ("head_dim", "attention_head_dim"):
        explicit = get_int(config, key, default=None)
        if explicit is not None:
            return explicit
    hidden_size = get_int(config, "hidden_size")
    if hidden_size % num_heads:
        raise bad_key("hidden_size",
                      "num_attention_heads で割り切れません（head_dim を指定してください）。",
                      "it is not divisible by num_attention_heads (give head_dim).")
    return hidden_size // num_heads
