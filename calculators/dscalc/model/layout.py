"""Layer layouts, as the reference implementations build them (transformers 5.24 for every family
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
from .attention import Attention, Indexer, attention_shape, read_indexer
from .config_keys import (CONFIG_FIELD, MAX_HEADS, MAX_LAYERS, bad_key, get_int, merged_config,
                          missing_key, model_type)


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
    merged = merged_config(config, overrides)
    if model_type(merged) in GEMMA4_TYPES:
        from .gemma4 import read_gemma4_layout
        return read_gemma4_layout(merged)
    _refuse_unmodelled(merged, config)
    if model_type(merged) in COMPRESSED_TYPES:
        from .compressed_attention import read_compressed_layout
        return read_compressed_layout(merged)
    attention = attention_shape(merged)
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


def read_attention(config: dict, overrides: dict | None = None) -> Attention:
    """Read the attention layout from a HF config; ``overrides`` (same key names) win.

    The answer knows which layers grow (``growing_layers``) and DSA's indexer, so
    ``kv_cache_bytes_per_token`` stays right for hybrid models; the bounded part of their cache
    (windows, recurrent states) needs ``read_layout``.
    """
    return read_layout(config, overrides).attention
