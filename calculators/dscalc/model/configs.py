"""Reading Hugging Face ``config.json`` objects: one reader for every calculator.

Typed look-ups whose errors name the key (``get_int``, ``get_bool``), and the structures the
calculators share: the attention layout (MHA/GQA/MQA, or MLA with its dimensions), the layer
layout (which layers keep a growing cache, a window, a fixed recurrent state or nothing:
``read_layout``), the MoE layout (DeepSeek, Qwen, Mixtral, gpt-oss or Llama 4 style), the
modelling traits (biases, norms, tied embeddings), and the checks that refuse what the calculators
cannot count. Multimodal configs keep the language model under ``text_config``;
``language_model_config`` returns that part.

Layer layouts, as the reference implementations build them (transformers 5.24 for every family
but DeepSeek-V3.2, whose cache follows DeepSeek's own ``inference/model.py``):

- ``layer_types`` when the config lists them (``full_attention``, ``sliding_attention``,
  ``chunked_attention``, ``indexed_attention``, ``linear_attention``; ``mlp``/``moe`` hold no
  cache);
- otherwise the family's rule: gpt-oss slides on even layers; Llama 4 attends globally (NoPE) on
  every ``no_rope_layer_interval``-th layer (default 4) and in chunks of
  ``attention_chunk_size`` elsewhere; Qwen3-Next/Qwen3.5 use full attention on every
  ``full_attention_interval``-th layer (default 4) and Gated DeltaNet elsewhere; Nemotron-H reads
  ``hybrid_override_pattern`` (``M`` Mamba-2, ``*`` attention, ``-`` MLP); Qwen2/Qwen3 slide
  from ``max_window_layers`` on when ``use_sliding_window`` is true; any other config slides on
  every layer when it names a ``sliding_window`` (as transformers does), or chunks on every layer
  when it names an ``attention_chunk_size``;
- DeepSeek Sparse Attention (``index_n_heads``, ``index_head_dim``, ``index_topk`` with MLA):
  every attention layer keeps the MLA latent plus one indexer key per token.

DeepSeek-V4 (``model_type`` ``deepseek_v4`` or a ``compress_ratios`` list) is read by
``dscalc.model.compressed_attention``. Structures whose primary description could not be read
(Jamba-style periods, Gemma's coded patterns…) are refused with a message naming the keys.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from ..framework.errors import ValidationError
from ..framework.text import clip

#: Input name used in error messages when a config is at fault.
CONFIG_FIELD = "config"

MAX_DIM = 10_000_000
MAX_LAYERS = 100_000
MAX_HEADS = 100_000
MAX_EXPERTS = 1_000_000


# --------------------------------------------------------------------------- typed look-ups

#: Keys a multimodal config keeps at its top level that describe its language model too.
INHERITED_KEYS = ("model_type", "tie_word_embeddings", "torch_dtype", "dtype")


def language_model_config(config: dict) -> dict:
    """The language model's part of a config: ``text_config`` of a multimodal config (with the
    top-level keys it inherits), or the config itself."""
    nested = config.get("text_config")
    if "num_hidden_layers" not in config and isinstance(nested, dict):
        merged = dict(nested)
        for key in INHERITED_KEYS:
            if merged.get(key) is None and config.get(key) is not None:
                merged[key] = config[key]
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


def _merged(config: dict, overrides: dict | None) -> dict:
    merged = dict(language_model_config(config))
    for key, value in (overrides or {}).items():
        if value is not None:
            merged[key] = value
    return merged


def _attention_shape(merged: dict) -> Attention:
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


def read_attention(config: dict, overrides: dict | None = None) -> Attention:
    """Read the attention layout from a HF config; ``overrides`` (same key names) win.

    The answer knows which layers grow (``growing_layers``) and DSA's indexer, so
    ``kv_cache_bytes_per_token`` stays right for hybrid models; the bounded part of their cache
    (windows, recurrent states) needs ``read_layout``.
    """
    return read_layout(config, overrides).attention


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


# --------------------------------------------------------------------------- layer layout

FULL = "full_attention"
SLIDING = "sliding_attention"
CHUNKED = "chunked_attention"
INDEXED = "indexed_attention"   # full attention plus DSA's indexer key
LINEAR = "linear_attention"     # Gated DeltaNet (Qwen3-Next, Qwen3.5)
MAMBA = "mamba2"                # Mamba-2 mixer (Nemotron-H)
NO_CACHE = "mlp"                # MLP-only layer: no cache
MOE_BLOCK = "moe"               # MoE-only layer (Nemotron-H's "E"): no cache
SOFTMAX_KINDS = (FULL, SLIDING, CHUNKED, INDEXED)
LAYER_KINDS = (FULL, SLIDING, CHUNKED, INDEXED, LINEAR, MAMBA, NO_CACHE, MOE_BLOCK)

#: ``layer_types`` values and what each one keeps (transformers 5.24,
#: ``cache_utils.DYNAMIC_LAYER_TYPE_MAPPING``).
LAYER_TYPE_NAMES = {"full_attention": FULL, "sliding_attention": SLIDING,
                    "chunked_attention": CHUNKED, "indexed_attention": INDEXED,
                    "linear_attention": LINEAR, "mlp": NO_CACHE, "moe": MOE_BLOCK}

#: Keys of attention designs whose primary description (paper or reference code) we could not
#: read, or whose layer pattern lives in code rather than in the config: refused, never guessed.
UNMODELLED_KEYS = {
    "attn_layer_period": "Jamba-style layer period", "attn_layer_offset": "Jamba-style layer period",
    "sliding_window_pattern": "coded sliding-window pattern", "attn_type_list": "MiniMax-style layer list",
    "num_kv_shared_layers": "shared KV layers", "kv_sharing_modes": "shared KV layers",
    "mamba_d_state": "Jamba/Falcon-H1 Mamba", "mamba_d_conv": "Jamba/Falcon-H1 Mamba",
    "mamba_expand": "Jamba/Falcon-H1 Mamba",
}
#: Keys only DeepSeek-V4 (``model_type`` deepseek_v4) gives a meaning to.
V4_KEYS = ("compress_ratios", "compress_rates", "compress_rope_theta", "hc_mult",
           "hc_sinkhorn_iters", "o_groups", "o_lora_rank", "num_hash_layers")
#: Families whose alternation of sliding and global layers transformers builds in code.
CODED_PATTERN_TYPES = ("gemma2", "gemma3", "gemma3_text", "gemma3n", "gemma3n_text", "cohere2")
QWEN_WINDOW_TYPES = ("qwen2", "qwen2_moe", "qwen3", "qwen3_moe")
LLAMA4_TYPES = ("llama4", "llama4_text")
GDN_TYPES = ("qwen3_next", "qwen3_5", "qwen3_5_text", "qwen3_5_moe", "qwen3_5_moe_text")
NEMOTRON_H_TYPES = ("nemotron_h",)
COMPRESSED_TYPES = ("deepseek_v4",)   # read by dscalc.model.compressed_attention
GEMMA4_TYPES = ("gemma4_text",)       # read by dscalc.model.gemma4

#: Bytes per element of the data types a config names (``torch_dtype``, ``dtype``, state types).
DTYPE_BYTES = {"bfloat16": 2, "float16": 2, "float32": 4, "bf16": 2, "fp16": 2, "fp32": 4,
               "half": 2, "float": 4}


@dataclass(frozen=True)
class GatedDeltaNet:
    """A Gated DeltaNet layer (Qwen3-Next, Qwen3.5; transformers ``Qwen3NextGatedDeltaNet``):
    a causal convolution over the query/key/value channels and a per-head ``d_k × d_v`` state."""

    key_heads: int
    value_heads: int
    key_dim: int
    value_dim: int
    conv_kernel: int

    @property
    def conv_channels(self) -> int:
        """``2 H_k d_k + H_v d_v``: the convolved query, key and value channels."""
        return 2 * self.key_heads * self.key_dim + self.value_heads * self.value_dim

    @property
    def state_elements(self) -> int:
        """``H_v d_k d_v``: the recurrent state."""
        return self.value_heads * self.key_dim * self.value_dim


@dataclass(frozen=True)
class Mamba2:
    """A Mamba-2 mixer (Nemotron-H; transformers ``NemotronHMamba2Mixer``): a causal convolution
    over ``H d + 2 G N`` channels and a per-head ``d × N`` state."""

    heads: int
    head_dim: int
    groups: int
    state_size: int
    conv_kernel: int

    @property
    def conv_channels(self) -> int:
        return self.heads * self.head_dim + 2 * self.groups * self.state_size

    @property
    def state_elements(self) -> int:
        return self.heads * self.head_dim * self.state_size


@dataclass(frozen=True)
class Layout:
    """What every layer keeps while generating.

    ``kinds`` has one entry per layer (``LAYER_KINDS``). ``window`` is the sliding window ``W``
    (tokens a query sees, itself included), ``chunk`` Llama 4's ``attention_chunk_size``.
    Recurrent layers keep a convolution state of ``conv_channels × conv_kernel`` values in the
    model's data type (``conv_bytes`` each; ``dtype_stated`` is false when the config does not
    name one and BF16 is assumed) and a state of ``state_elements`` values of ``state_bytes``
    each (FP32 unless the config says otherwise).
    """

    attention: Attention
    kinds: tuple[str, ...]
    window: int | None = None
    chunk: int | None = None
    indexer: Indexer | None = None
    linear: GatedDeltaNet | None = None
    mamba: Mamba2 | None = None
    conv_bytes: int = 2
    state_bytes: int = 4
    dtype_stated: bool = True
    compressed: Any = None   # DeepSeek-V4's CSA/HCA sizes (``compressed_attention.Compressed``)
    per_layer: Any = None    # Gemma 4's per-layer shapes (``gemma4.Gemma4``)

    @cached_property
    def counts(self) -> dict[str, int]:
        """Layers per kind (counted once: a junk config may list 100,000 layers)."""
        return {kind: self.kinds.count(kind) for kind in LAYER_KINDS}

    def count(self, kind: str) -> int:
        return self.counts.get(kind, 0)

    @property
    def design(self) -> str:
        """An identifier: ``dsa``, ``mamba2-hybrid``, ``gated-deltanet-hybrid``, ``chunked``,
        ``sliding-window`` or ``full``."""
        if self.compressed is not None:
            return "csa-hca"
        if self.per_layer is not None:
            return "sliding-window"
        if self.indexer is not None:
            return "dsa"
        if MAMBA in self.kinds:
            return "mamba2-hybrid"
        if LINEAR in self.kinds:
            return "gated-deltanet-hybrid"
        if CHUNKED in self.kinds:
            return "chunked"
        if SLIDING in self.kinds:
            return "sliding-window"
        return "full"

    @property
    def mix(self) -> str:
        """``"18 full_attention + 18 sliding_attention (W = 128)"``: layers by kind, in the
        config's own vocabulary."""
        parts = []
        if self.compressed is not None:  # DeepSeek-V4: every layer also keeps a window
            names = dict.fromkeys(self.kinds)
            return " + ".join(f"{self.kinds.count(kind)} {kind}" for kind in names) + (
                f" (W = {self.window:,}, m = {self.compressed.csa_rate}, "
                f"m' = {self.compressed.hca_rate}, top-k = {self.compressed.index_topk:,})")
        for kind in LAYER_KINDS:
            count = self.count(kind)
            if not count:
                continue
            part = f"{count} {kind}"
            if kind == SLIDING:
                part += f" (W = {self.window:,})"
            elif kind == CHUNKED:
                part += f" (C = {self.chunk:,})"
            elif kind == INDEXED:
                part += f" (top-k = {self.indexer.topk:,})"
            parts.append(part)
        return " + ".join(parts)


def _refuse_unmodelled(merged: dict, original: dict) -> None:
    foreign_v4 = [key for key in V4_KEYS if merged.get(key) is not None]
    if foreign_v4 and model_type(merged) not in COMPRESSED_TYPES:
        names = "」「".join(foreign_v4[:8])
        raise ValidationError(
            CONFIG_FIELD,
            f"config.json の「{names}」は DeepSeek-V4 の構造を示すキーですが、model_type が "
            "deepseek_v4 ではありません（transformers もこの組み合わせでは V4 として組み立てません）。",
            f"The config.json keys “{'”, “'.join(foreign_v4[:8])}” describe DeepSeek-V4, but its "
            "model_type is not deepseek_v4 (transformers would not build V4 from it either).")
    found = [key for key in UNMODELLED_KEYS if merged.get(key) is not None
             or original.get(key) is not None]
    if found:
        names = "」「".join(found[:8])
        names_en = "”, “".join(found[:8])
        reasons = ", ".join(dict.fromkeys(UNMODELLED_KEYS[key] for key in found))
        raise ValidationError(
            CONFIG_FIELD,
            f"config.json の「{names}」は、この計算機がモデル化していない構造（{reasons}）を示しています。"
            "一次資料（論文・参照コード）で確かめられないため、推測では計算しません。",
            f"The config.json keys “{names_en}” describe a structure this calculator does not "
            f"model ({reasons}); without a primary description (paper or reference code) to "
            "check against, it refuses rather than guesses.")


def _dtype_bytes(config: dict, keys: tuple[str, ...], default: int) -> tuple[int, bool]:
    for key in keys:
        value = config.get(key)
        if value is None:
            continue
        name = value.replace("torch.", "") if isinstance(value, str) else None
        if name not in DTYPE_BYTES:
            raise bad_key(key, "bfloat16 / float16 / float32 のいずれかである必要があります。",
                          "it must be bfloat16, float16 or float32.")
        return DTYPE_BYTES[name], True
    return default, False


def _layer_type_list(merged: dict, num_layers: int) -> list[str] | None:
    value = merged.get("layer_types")
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != num_layers:
        raise bad_key("layer_types", "層数（num_hidden_layers）と同じ長さのリストである必要があります。",
                      "it must be a list as long as num_hidden_layers.")
    kinds = []
    for item in value:
        if not isinstance(item, str) or item not in LAYER_TYPE_NAMES:
            shown = clip(item, 30)
            raise bad_key("layer_types",
                          f"「{shown}」の層はモデル化していません（扱えるのは "
                          f"{', '.join(LAYER_TYPE_NAMES)}）。",
                          f"a “{shown}” layer is not modelled (known: "
                          f"{', '.join(LAYER_TYPE_NAMES)}).")
        kinds.append(LAYER_TYPE_NAMES[item])
    return kinds


def _pattern_kinds(merged: dict, num_layers: int) -> list[str]:
    """Nemotron-H's ``hybrid_override_pattern``: one character per layer (``E`` is a latent
    MoE block, read by ``dscalc.model.latent_moe``); or its ``layers_block_type`` list."""
    listed = merged.get("layers_block_type")
    if listed is not None and merged.get("hybrid_override_pattern") is None:
        return _layer_type_list({"layer_types": listed}, num_layers)
    pattern = merged.get("hybrid_override_pattern")
    if not isinstance(pattern, str):
        raise missing_key("hybrid_override_pattern")
    if len(pattern) != num_layers:
        raise bad_key("hybrid_override_pattern",
                      "層数（num_hidden_layers）と同じ長さの文字列である必要があります。",
                      "it must have one character per layer (num_hidden_layers).")
    table = {"M": MAMBA, "*": FULL, "-": NO_CACHE, "E": MOE_BLOCK}
    unknown = sorted(set(pattern) - set(table))
    if unknown:
        shown = "".join(unknown)[:10]
        raise bad_key("hybrid_override_pattern",
                      f"「{shown}」の層はモデル化していません（扱えるのは M、*、-、E）。",
                      f"“{shown}” layers are not modelled (known: M, *, -, E).")
    return [table[char] for char in pattern]


def _layer_kinds(merged: dict, num_layers: int) -> tuple[list[str], int | None, int | None]:
    """Per-layer kinds, the sliding window and the chunk size (see the module docstring)."""
    kind = model_type(merged)
    window = get_int(merged, "sliding_window", default=None)
    if merged.get("use_sliding_window") is False:
        window = None
    chunk = get_int(merged, "attention_chunk_size", default=None)
    listed = _layer_type_list(merged, num_layers)
    if listed is not None:
        kinds = listed
    elif kind in NEMOTRON_H_TYPES or merged.get("hybrid_override_pattern") is not None or (
            merged.get("layers_block_type") is not None):
        kinds = _pattern_kinds(merged, num_layers)
    elif kind in GDN_TYPES or merged.get("full_attention_interval") is not None:
        interval = get_int(merged, "full_attention_interval", default=4, maximum=MAX_LAYERS)
        kinds = [FULL if (index + 1) % interval == 0 else LINEAR for index in range(num_layers)]
    elif kind in LLAMA4_TYPES:
        rope = merged.get("no_rope_layers")
        if rope is None:
            interval = get_int(merged, "no_rope_layer_interval", default=4, maximum=MAX_LAYERS)
            rope = [int((index + 1) % interval != 0) for index in range(num_layers)]
        elif (not isinstance(rope, list) or len(rope) != num_layers
              or any(item not in (0, 1) or isinstance(item, bool) for item in rope)):
            raise bad_key("no_rope_layers", "層数と同じ長さの 0/1 のリストである必要があります。",
                          "it must be a list of 0/1 as long as num_hidden_layers.")
        kinds = [CHUNKED if flag and chunk is not None else FULL for flag in rope]
    elif kind == "gpt_oss":
        kinds = [SLIDING if window is not None and index % 2 == 0 else FULL
                 for index in range(num_layers)]
    elif kind in QWEN_WINDOW_TYPES:
        if merged.get("use_sliding_window") is True and window is not None:
            first = get_int(merged, "max_window_layers", minimum=0, maximum=MAX_LAYERS)
            kinds = [SLIDING if index >= first else FULL for index in range(num_layers)]
        else:
            kinds, window = [FULL] * num_layers, None
    elif kind in CODED_PATTERN_TYPES and window is not None:
        raise bad_key("layer_types", f"{kind} の層の並び（スライディングと全体）は config.json に"
                      "書かれていません（layer_types を含む config を貼り付けてください）。",
                      f"the {kind} pattern of sliding and global layers is not in this "
                      "config.json (paste one that lists layer_types).")
    elif window is not None:
        kinds = [SLIDING] * num_layers
    elif chunk is not None:
        kinds = [CHUNKED] * num_layers
    else:
        kinds = [FULL] * num_layers
    if SLIDING in kinds and window is None:
        raise missing_key("sliding_window")
    if CHUNKED in kinds and chunk is None:
        raise missing_key("attention_chunk_size")
    return kinds, window if SLIDING in kinds else None, chunk if CHUNKED in kinds else None


def read_gated_deltanet(config: dict) -> GatedDeltaNet:
    return GatedDeltaNet(
        key_heads=get_int(config, "linear_num_key_heads", maximum=MAX_HEADS),
        value_heads=get_int(config, "linear_num_value_heads", maximum=MAX_HEADS),
        key_dim=get_int(config, "linear_key_head_dim"),
        value_dim=get_int(config, "linear_value_head_dim"),
        conv_kernel=get_int(config, "linear_conv_kernel_dim", maximum=MAX_LAYERS))


def read_mamba2(config: dict) -> Mamba2:
    return Mamba2(heads=get_int(config, "mamba_num_heads", maximum=MAX_HEADS),
                  head_dim=get_int(config, "mamba_head_dim"),
                  groups=get_int(config, "n_groups", maximum=MAX_HEADS),
                  state_size=get_int(config, "ssm_state_size"),
                  conv_kernel=get_int(config, "conv_kernel", maximum=MAX_LAYERS))


def read_layout(config: dict, overrides: dict | None = None) -> Layout:
    """Every layer's kind and the sizes of what it keeps (see the module docstring)."""
    merged = _merged(config, overrides)
    if model_type(merged) in GEMMA4_TYPES:
        from .gemma4 import read_gemma4_layout
        return read_gemma4_layout(merged)
    _refuse_unmodelled(merged, config)
    if model_type(merged) in COMPRESSED_TYPES:
        from .compressed_attention import read_compressed_layout
        return read_compressed_layout(merged)
    attention = _attention_shape(merged)
    kinds, window, chunk = _layer_kinds(merged, attention.num_layers)
    indexer = read_indexer(merged)
    if indexer is not None:
        if attention.mla is None:
            raise bad_key("index_n_heads", "DSA のインデクサは MLA（kv_lora_rank）と組でしか扱えません。",
                          "DSA's indexer is modelled only together with MLA (kv_lora_rank).")
        kinds = [INDEXED if kind == FULL else kind for kind in kinds]
        if any(kind in (SLIDING, CHUNKED) for kind in kinds):
            raise bad_key("index_topk", "DSA とスライディング／チャンク層の組み合わせはモデル化していません。",
                          "DSA combined with sliding or chunked layers is not modelled.")
    elif INDEXED in kinds:
        raise missing_key("index_n_heads")
    linear = mamba = None
    if LINEAR in kinds:
        if model_type(merged) in NEMOTRON_H_TYPES or merged.get("mamba_num_heads") is not None:
            mamba = read_mamba2(merged)
            kinds = [MAMBA if kind == LINEAR else kind for kind in kinds]
        else:
            linear = read_gated_deltanet(merged)
    elif MAMBA in kinds:
        mamba = read_mamba2(merged)
    conv_bytes, stated, state_bytes = 2, True, 4
    if linear is not None or mamba is not None:  # the data types matter only for the states
        conv_bytes, stated = _dtype_bytes(merged, ("torch_dtype", "dtype"), 2)
        state_bytes, _ = _dtype_bytes(merged, ("mamba_ssm_cache_dtype", "mamba_ssm_dtype"), 4)
    growing = sum(kind in (FULL, INDEXED) for kind in kinds)
    attention = replace(attention, growing_layers=growing, indexer=indexer)
    return Layout(attention=attention, kinds=tuple(kinds), window=window, chunk=chunk,
                  indexer=indexer, linear=linear, mamba=mamba, conv_bytes=conv_bytes,
                  state_bytes=state_bytes, dtype_stated=stated)


# --------------------------------------------------------------------------- mixture of experts

@dataclass(frozen=True)
class Moe:
    """The MoE layout: ``style`` is ``"deepseek"``, ``"qwen"``, ``"mixtral"``, ``"gpt_oss"`` or
    ``"llama4"``; sizes are the intermediate widths of one routed expert and of all shared
    experts together. ``expert_bias``: every expert's projections have biases (gpt-oss);
    ``moe_layers``: the layers that are MoE when the family lists them (Llama 4)."""

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
    expert_bias: bool = False
    moe_layers: frozenset | None = None

    def is_moe_layer(self, index: int) -> bool:
        if self.moe_layers is not None:
            return index in self.moe_layers
        if self.style == "deepseek":
            return index >= self.first_dense and index % self.layer_freq == 0
        if self.style == "qwen":
            return index not in self.dense_layers and (index + 1) % self.sparse_step == 0
        return True


MOE_STYLE_NAMES = {"deepseek": "DeepSeek", "qwen": "Qwen", "mixtral": "Mixtral",
                   "gpt_oss": "gpt-oss", "llama4": "Llama 4"}


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
            topk_method is None and model_type(config) in ("deepseek_v3", "deepseek_v32"))
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
    kind = model_type(config)
    if kind == "gpt_oss":
        # transformers GptOssExperts: gate_up (d × 2I) and down (I × d) with biases; the router
        # (GptOssTopKRouter) has a bias per expert.
        return Moe("gpt_oss", num_experts, top_k, get_int(config, "intermediate_size"),
                   router_bias=True, expert_bias=True)
    if kind in LLAMA4_TYPES:
        # transformers Llama4TextMoe: routed experts and one shared expert of intermediate_size;
        # the other layers are dense MLPs of intermediate_size_mlp.
        expert = get_int(config, "intermediate_size")
        listed = config.get("moe_layers")
        if listed is None:
            step = get_int(config, "interleave_moe_layer_step", default=1, maximum=MAX_LAYERS)
            layers = get_int(config, "num_hidden_layers", maximum=MAX_LAYERS)
            listed = list(range(step - 1, layers, step))
        else:
            listed = sorted(layer_list(config, "moe_layers"))
        return Moe("llama4", num_experts, top_k, expert, shared_intermediate=expert,
                   moe_layers=frozenset(listed))
    return Moe("mixtral", num_experts, top_k, get_int(config, "intermediate_size"))


# --------------------------------------------------------------------------- modelling traits

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
