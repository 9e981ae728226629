"""KV cache of a decoder, layer by layer, as the reference implementation stores it.

Every layer keeps one of four things (``dscalc.model.layout.read_layout`` reads which from the config):

- **a growing cache** (full attention): ``E = 2 n_kv d_h b`` bytes per token (MHA/GQA/MQA) or
  ``E = (d_c + d_h^R) b`` (MLA), for every one of the ``T`` tokens;
- **a window** (sliding or chunked attention): ``min(T, W − 1)`` tokens of ``E`` bytes — what
  transformers' ``DynamicSlidingWindowLayer`` keeps (the new token's own key and value are
  added before attending, so a query still sees ``W`` tokens). Llama 4's chunked layers use the
  same class with ``W = attention_chunk_size``: the figure is the most a chunk ever needs (an
  exact chunked cache would keep ``T mod C`` tokens);
- **a fixed-size state** (Gated DeltaNet, Mamba-2): a convolution state of
  ``channels × K`` values in the model's data type (transformers keeps all ``K`` columns) and a
  recurrent state of ``H d_k d_v`` (or ``H d N``) values in FP32;
- **DSA** (DeepSeek-V3.2): the MLA latent and RoPE key in the cache data type plus one indexer
  key of ``d_I`` values per token, which DeepSeek's ``inference/model.py`` stores as FP8 with one
  FP32 scale per 128 values (``d_I + 4 d_I / 128`` bytes; transformers keeps it in the model's
  data type instead: the ``cache_dtype`` choice).

``bytes_per_token`` is the part that grows with every token (full and DSA layers); the window
and state part is bounded. ``total_bytes = (bytes_per_token × T + bounded) × N``. With BF16 this
reproduces Table 1 of "Insights into DeepSeek-V3" (ISCA 2025, arXiv:2505.09343): DeepSeek-V3
70,272 B, Qwen2.5-72B 327,680 B, LLaMA-3.1-405B 516,096 B per token.

``bytes_read_per_decode_step``: what generating one token reads from the cache of every
sequence — all ``T`` entries of a full layer, the window of a sliding layer, the state of a
recurrent layer, and for DSA the indexer keys of all ``T`` tokens plus the ``min(T, k)`` selected
latents (what DeepSeek's sparse decoding kernel, FlashMLA, reads; the reference code's decode
path computes dense scores over every cached latent and masks them).

Comparison: for the same attention layers ``L_a``, query heads ``n_h``, per-head dimension ``d_h``
and data type, the bytes per token of three hypothetical layouts (DeepSeek-V2 report,
arXiv:2405.04434, Table 1), every attention layer global: MHA ``L_a × 2 n_h d_h b``, GQA
``L_a × 2 n_g d_h b`` and MLA ``L_a × (d_c + d_h^R) b``. For an MLA model ``d_h`` is the report's
per-head dimension (``qk_nope_head_dim``); when it is not known the MHA and GQA variants are
``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .. import data
from ..framework import inputs
from ..model import compressed_attention, gemma4
from ..charts import LineChart, Marker, Series
from ..model.attention import INDEXER_SCALE_BLOCK, Attention, Indexer
from ..model.config_keys import get_int, language_model_config
from ..model.layout import (CHUNKED, FULL, INDEXED, LINEAR, MAMBA, SLIDING, SOFTMAX_KINDS, Layout,
                            read_layout)
from ..framework.errors import ValidationError
from ..framework.schema import Calculator, ChartSlot, Choice, Field, Output
from ..framework.text import Text
from ..framework.units import format_bytes, latex_int

#: Inputs that override single config.json keys (same names as in config.json).
OVERRIDE_FIELDS = ("num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
                   "kv_lora_rank", "qk_rope_head_dim")

#: How DSA's indexer keys are stored: DeepSeek's reference code (FP8 values and one FP32 scale
#: per 128), or in the cache's own data type (transformers 5.24).
FP8_SCALED = "fp8_scaled"
CACHE_DTYPE = "cache_dtype"
INDEXER_FORMATS = (FP8_SCALED, CACHE_DTYPE)

#: Context lengths plotted: 1K (2**10) to 1M (2**20) tokens.
CHART_CONTEXTS = tuple(2**power for power in range(10, 21))
CHART_TICKS = ((2**10, "1K"), (2**12, "4K"), (2**14, "16K"), (2**16, "64K"), (2**18, "256K"),
               (2**20, "1M"))

#: The designs drawn side by side: MLA, MLA + DSA, CSA/HCA, sliding window, chunked, Gated
#: DeltaNet hybrid, and a dense GQA model (presets from data/models).
DESIGN_MODELS = ("deepseek-v3", "deepseek-v3.2", "deepseek-v4-pro", "deepseek-v4-flash",
                 "gpt-oss-120b", "llama-4-maverick-17b-128e", "qwen3.5-397b-a17b", "qwen2.5-72b")


# --------------------------------------------------------------------------- arithmetic

def attention_bytes_per_token(attention: Attention, bytes_per_element: int) -> int:
    """``E``: bytes one token occupies in one attention layer (key and value, or MLA latent)."""
    return attention.cached_elements_per_token_per_layer * bytes_per_element


def indexer_bytes_per_token(indexer: Indexer, indexer_format: str, bytes_per_element: int) -> int:
    """Bytes of one DSA indexer key: ``d_I`` FP8 values and ``d_I / 128`` FP32 scales
    (DeepSeek's ``inference/model.py``, lines 448-449), or ``d_I`` values of the cache type."""
    if indexer_format == CACHE_DTYPE:
        return indexer.head_dim * bytes_per_element
    if indexer.head_dim % INDEXER_SCALE_BLOCK:
        raise ValidationError(
            "indexer_cache",
            f"DeepSeek の FP8 形式は index_head_dim が {INDEXER_SCALE_BLOCK} の倍数のときだけ使えます"
            "（この config では「キャッシュと同じ数値型」を選んでください）。",
            f"DeepSeek's FP8 format needs index_head_dim to be a multiple of "
            f"{INDEXER_SCALE_BLOCK} (choose “same type as the cache” for this config).")
    return indexer.head_dim + (indexer.head_dim // INDEXER_SCALE_BLOCK) * 4


def kv_cache_bytes_per_token(attention: Attention, bytes_per_element: int,
                             indexer_format: str = FP8_SCALED) -> int:
    """Bytes the cache grows by with every token, over all layers: the full-attention (and DSA)
    layers only; windows and recurrent states do not grow (see ``cache_size``)."""
    per_layer = attention_bytes_per_token(attention, bytes_per_element)
    if attention.indexer is not None:
        per_layer += indexer_bytes_per_token(attention.indexer, indexer_format, bytes_per_element)
    return attention.layers_growing * per_layer


def recurrent_state_bytes(layout: Layout) -> tuple[int, int]:
    """Bytes of one recurrent layer's (convolution state, recurrent state), per sequence."""
    mixer = layout.linear or layout.mamba
    if mixer is None:
        return 0, 0
    return (mixer.conv_channels * mixer.conv_kernel * layout.conv_bytes,
            mixer.state_elements * layout.state_bytes)


@dataclass(frozen=True)
class CacheSize:
    """One layout's cache at context ``T`` for ``N`` sequences (bytes). ``bytes_per_token`` is per
    sequence; every other figure is for the whole batch."""

    bytes_per_token: int
    growing_bytes: int
    window_bytes: int
    state_bytes: int
    bytes_read_per_decode_step: int
    window_tokens: int
    indexer_bytes_per_token: int

    @property
    def bounded_bytes(self) -> int:
        return self.window_bytes + self.state_bytes

    @property
    def total_bytes(self) -> int:
        return self.growing_bytes + self.bounded_bytes


def window_tokens(layout: Layout, kind: str, context_length: int) -> int:
    """Tokens a sliding or chunked layer keeps: ``min(T, W − 1)`` (transformers)."""
    size = layout.window if kind == SLIDING else layout.chunk
    return min(context_length, size - 1)


def _compressed_cache_size(layout: Layout, context_length: int, bytes_per_element: int,
                           batch_size: int, storage: str) -> CacheSize:
    """DeepSeek-V4 (``dscalc.model.compressed_attention``): the compressed entries grow; windows,
    compressor buffers and overlap state are bounded. Growth per token is averaged over the
    compression rates (exact when ``T`` is a multiple of them)."""
    size = compressed_attention.cache(layout, context_length, bytes_per_element, storage)
    per_token = int(size.per_token) if float(size.per_token).is_integer() else size.per_token
    index = compressed_attention.index_key_bytes(layout.compressed, bytes_per_element, storage)
    return CacheSize(bytes_per_token=per_token,
                     growing_bytes=_whole(size.growing * batch_size),
                     window_bytes=size.window * batch_size, state_bytes=size.state * batch_size,
                     bytes_read_per_decode_step=_whole(size.read * batch_size),
                     window_tokens=size.window_tokens,
                     indexer_bytes_per_token=_whole(index))


def _whole(value: float):
    return int(value) if float(value).is_integer() else value


def cache_size(layout: Layout, context_length: int, bytes_per_element: int,
               batch_size: int = 1, indexer_format: str = FP8_SCALED,
               compressed_storage: str = compressed_attention.MODEL_DTYPE) -> CacheSize:
    """The cache of ``batch_size`` sequences of ``context_length`` tokens, and what one decode
    step reads from it (see the module docstring)."""
    if layout.compressed is not None:
        return _compressed_cache_size(layout, context_length, bytes_per_element, batch_size,
                                      compressed_storage)
    if layout.per_layer is not None:  # Gemma 4: per-layer head widths, shared layers
        per_token, window, read, kept = gemma4.cache(layout, context_length, bytes_per_element)
        return CacheSize(bytes_per_token=per_token,
                         growing_bytes=per_token * context_length * batch_size,
                         window_bytes=window * batch_size, state_bytes=0,
                         bytes_read_per_decode_step=read * batch_size, window_tokens=kept,
                         indexer_bytes_per_token=0)
    attention = layout.attention
    entry = attention_bytes_per_token(attention, bytes_per_element)
    index = (indexer_bytes_per_token(layout.indexer, indexer_format, bytes_per_element)
             if layout.indexer is not None else 0)
    full, indexed = layout.count(FULL), layout.count(INDEXED)
    per_token = full * entry + indexed * (entry + index)
    windows = kept = 0
    for kind in (SLIDING, CHUNKED):
        layers = layout.count(kind)
        if layers:
            kept = window_tokens(layout, kind, context_length)
            windows += layers * kept * entry
    conv, state = recurrent_state_bytes(layout)
    states = (layout.count(LINEAR) + layout.count(MAMBA)) * (conv + state)
    selected = min(context_length, layout.indexer.topk) if layout.indexer is not None else 0
    read = (full * entry * context_length
            + indexed * (index * context_length + entry * selected) + windows + states)
    return CacheSize(bytes_per_token=per_token,
                     growing_bytes=per_token * context_length * batch_size,
                     window_bytes=windows * batch_size, state_bytes=states * batch_size,
                     bytes_read_per_decode_step=read * batch_size, window_tokens=kept,
                     indexer_bytes_per_token=index)


def cache_for_config(config: dict, context_length: int, kv_dtype: str = "bf16",
                     batch_size: int = 1, indexer_format: str = FP8_SCALED,
                     compressed_storage: str = compressed_attention.MODEL_DTYPE) -> CacheSize:
    """``cache_size`` straight from a config (for other calculators: memory, roofline)."""
    return cache_size(read_layout(config), context_length, inputs.BYTES_PER_ELEMENT[kv_dtype],
                      batch_size, indexer_format, compressed_storage)


def variant_bytes_per_token(kind: str, *, num_layers: int, num_heads: int, head_dim: int | None,
                            bytes_per_element: int, gqa_groups: int = 8, mla_latent_dim: int = 512,
                            mla_rope_dim: int = 64) -> int | None:
    """Bytes per token of a hypothetical ``"MHA"``, ``"GQA"`` or ``"MLA"`` cache.

    MHA and GQA need the per-head dimension and give ``None`` without it; GQA uses
    ``min(gqa_groups, num_heads)`` KV heads (a layer cannot have more KV heads than heads).
    """
    if kind == "MLA":
        return num_layers * (mla_latent_dim + mla_rope_dim) * bytes_per_element
    if head_dim is None:
        return None
    kv_heads = num_heads if kind == "MHA" else min(gqa_groups, num_heads)
    return num_layers * 2 * kv_heads * head_dim * bytes_per_element


def comparison_head_dim(attention: Attention, config: dict, head_dim_override: int | None) -> int | None:
    """The per-head dimension ``d_h`` the MHA/GQA variants use (see the module docstring)."""
    if attention.mla is None:
        return attention.head_dim
    if head_dim_override is not None:
        return head_dim_override
    if attention.mla.nope_dim:
        return attention.mla.nope_dim
    merged = language_model_config(config) if config else {}
    return get_int(merged, "v_head_dim", default=None)


def _require_fields(overrides: dict) -> None:
    for name in ("num_hidden_layers", "num_attention_heads"):
        if overrides[name] is None:
            raise ValidationError(name, "config.json を貼り付けるか、この値を入力してください。",
                                  "Paste a config.json or enter this value.")


def compute(values: dict) -> dict:
    config, origin = inputs.resolve_config(values["model"], values["config"])
    overrides = {name: values[name] for name in OVERRIDE_FIELDS}
    if not config:
        _require_fields(overrides)
    layout = read_layout(config, overrides)
    attention = layout.attention
    width = inputs.BYTES_PER_ELEMENT[values["kv_dtype"]]
    context, batch = values["context_length"], values["batch_size"]
    size = cache_size(layout, context, width, batch, values["indexer_cache"],
                      values["compressed_storage"])
    head_dim = comparison_head_dim(attention, config, values["head_dim"])
    groups = min(values["gqa_groups"], attention.num_heads)
    attention_layers = sum(layout.count(kind) for kind in SOFTMAX_KINDS)
    shape = {"num_layers": attention_layers, "num_heads": attention.num_heads,
             "head_dim": head_dim, "bytes_per_element": width, "gqa_groups": groups,
             "mla_latent_dim": values["mla_latent_dim"], "mla_rope_dim": values["mla_rope_dim"]}
    mla = attention.mla
    conv, state = recurrent_state_bytes(layout)
    counts = {kind: layout.kinds.count(kind) for kind in dict.fromkeys(layout.kinds)}
    compressed = layout.compressed
    return {
        "model_name": inputs.model_name(values["model"], values["config"]),
        "config_source": origin,
        "attention_kind": attention.kind,
        "design": layout.design,
        "layer_mix": layout.mix,
        "layer_counts": counts,
        "num_layers": attention.num_layers,
        "attention_layers": attention_layers,
        "growing_layers": attention.layers_growing,
        "num_heads": attention.num_heads,
        "num_kv_heads": attention.num_kv_heads,
        "head_dim": attention.head_dim,
        "kv_lora_rank": mla.kv_lora_rank if mla else None,
        "qk_rope_head_dim": mla.rope_dim if mla else None,
        "sliding_window": layout.window,
        "attention_chunk_size": layout.chunk,
        "window_tokens_kept": size.window_tokens,
        "index_head_dim": (compressed.index_head_dim if compressed else
                           layout.indexer.head_dim if layout.indexer else None),
        "index_topk": (compressed.index_topk if compressed else
                       layout.indexer.topk if layout.indexer else None),
        "per_layer_shapes": layout.per_layer is not None,
        "compress_rate_csa": compressed.csa_rate if compressed else None,
        "compress_rate_hca": compressed.hca_rate if compressed else None,
        "compressed_entry_bytes": (compressed_attention.entry_bytes(
            compressed, width, values["compressed_storage"]) if compressed else None),
        "indexer_bytes_per_token_per_layer": size.indexer_bytes_per_token,
        "conv_state_bytes_per_layer": conv,
        "recurrent_state_bytes_per_layer": state,
        "conv_state_bytes_per_element": layout.conv_bytes,
        "recurrent_state_bytes_per_element": layout.state_bytes,
        "model_dtype_stated": layout.dtype_stated,
        "comparison_head_dim": head_dim,
        "comparison_gqa_groups": groups,
        "cached_elements_per_token_per_layer": attention.cached_elements_per_token_per_layer,
        "bytes_per_element": width,
        "bytes_per_token": size.bytes_per_token,
        "growing_bytes": size.growing_bytes,
        "window_bytes": size.window_bytes,
        "state_bytes": size.state_bytes,
        "bounded_bytes": size.bounded_bytes,
        "total_bytes": size.total_bytes,
        "bytes_read_per_decode_step": size.bytes_read_per_decode_step,
        "bytes_per_token_mha": variant_bytes_per_token("MHA", **shape),
        "bytes_per_token_gqa": variant_bytes_per_token("GQA", **shape),
        "bytes_per_token_mla": variant_bytes_per_token("MLA", **shape),
    }


# --------------------------------------------------------------------------- presentation

def _i(value: int) -> str:
    return latex_int(value)


def _num(value) -> str:
    return _i(value) if float(value).is_integer() else f"{value:,.2f}"


def _compressed_formula(values: dict, out: dict) -> list[str]:
    counts = out["layer_counts"]
    csa, hca = counts.get(compressed_attention.CSA, 0), counts.get(compressed_attention.HCA, 0)
    sliding = counts.get(SLIDING, 0)
    entry, index = out["compressed_entry_bytes"], out["indexer_bytes_per_token_per_layer"]
    m, m2 = out["compress_rate_csa"], out["compress_rate_hca"]
    context = values["context_length"]
    return [
        rf"E = {_num(entry)}\ \text{{B}},\quad E_I = {_num(index)}\ \text{{B}}",
        rf"M_{{\text{{token}}}} = L_{{\text{{CSA}}}}\,\tfrac{{E + E_I}}{{m}} + "
        rf"L_{{\text{{HCA}}}}\,\tfrac{{E}}{{m'}} = {_i(csa)} \times \tfrac{{{_num(entry)} + "
        rf"{_num(index)}}}{{{m}}} + {_i(hca)} \times \tfrac{{{_num(entry)}}}{{{m2}}} = "
        rf"{_num(out['bytes_per_token'])}\ \text{{B}}",
        rf"M_W = (2 L_{{\text{{SWA}}}} + L_{{\text{{CSA}}}} + L_{{\text{{HCA}}}})\,\min(T, W - 1)\,E"
        rf" = {_i(2 * sliding + csa + hca)} \times \min({_i(context)}, "
        rf"{_i(out['sliding_window'] - 1)}) \times {_num(entry)} = "
        rf"{_i(out['window_bytes'] // values['batch_size'])}\ \text{{B}}",
        rf"M = N\,(L_{{\text{{CSA}}}} \lfloor T/m \rfloor (E + E_I) + L_{{\text{{HCA}}}}"
        rf" \lfloor T/m' \rfloor E + M_W + M_{{\text{{buf}}}}) = "
        rf"\text{{{format_bytes(out['total_bytes'])}}}",
        rf"R = N\,(M_W + L_{{\text{{CSA}}}} (\min(\lfloor T/m \rfloor, k)\,E + \lfloor T/m "
        rf"\rfloor E_I) + L_{{\text{{HCA}}}} \lfloor T/m' \rfloor E) = "
        rf"\text{{{format_bytes(out['bytes_read_per_decode_step'])}}}",
    ]


def _per_layer_formula(values: dict, out: dict) -> list[str]:
    """Gemma 4: one entry size per layer shape; shared layers keep nothing."""
    config, _ = inputs.resolve_config(values["model"], values["config"])
    gemma = read_layout(config, {name: values[name] for name in OVERRIDE_FIELDS}).per_layer
    width, lines = out["bytes_per_element"], []
    for kind, symbol in ((FULL, "G"), (SLIDING, "W")):
        shapes = [layer for layer in gemma.layers if layer.kind == kind]
        if not shapes:
            continue
        shape, kept = shapes[0], sum(not layer.shared for layer in shapes)
        entry = 2 * shape.kv_heads * shape.head_dim * width
        lines.append(rf"E_{symbol} = 2\,n_{{kv}}\,d_h\,b = 2 \times {_i(shape.kv_heads)} \times "
                     rf"{_i(shape.head_dim)} \times {_i(width)} = {_i(entry)}\ \text{{B}}"
                     rf"\quad (L_{symbol} = {_i(kept)})")
    lines.append(rf"M_{{\text{{token}}}} = L_G\,E_G = {_i(out['bytes_per_token'])}\ \text{{B}},\quad "
                 rf"M_W = L_W \min(T, W - 1)\,E_W = "
                 rf"{_i(out['window_bytes'] // values['batch_size'])}\ \text{{B}}")
    total = format_bytes(out["total_bytes"])
    lines.append(rf"M = N\,(M_{{\text{{token}}}}\,T + M_W) = \text{{{total}}}")
    return lines


def formula(values: dict, out: dict) -> list[str]:
    if out["design"] == "csa-hca":
        return _compressed_formula(values, out)
    if out["per_layer_shapes"]:
        return _per_layer_formula(values, out)
    width = _i(out["bytes_per_element"])
    counts = out["layer_counts"]
    context, batch = values["context_length"], values["batch_size"]
    entry = out["cached_elements_per_token_per_layer"] * out["bytes_per_element"]
    if out["attention_kind"] == "MLA":
        element = (rf"E = (d_c + d_h^R)\,b = ({_i(out['kv_lora_rank'])} + "
                   rf"{_i(out['qk_rope_head_dim'])}) \times {width} = {_i(entry)}\ \text{{B}}")
    else:
        element = (rf"E = 2\,n_{{kv}}\,d_h\,b = 2 \times {_i(out['num_kv_heads'])} \times "
                   rf"{_i(out['head_dim'])} \times {width} = {_i(entry)}\ \text{{B}}")
    lines = [element]
    full, indexed = counts.get(FULL, 0), counts.get(INDEXED, 0)
    index = out["indexer_bytes_per_token_per_layer"]
    if indexed:
        if values["indexer_cache"] == FP8_SCALED:
            lines.append(rf"E_I = d_I \cdot 1 + \tfrac{{d_I}}{{128}} \cdot 4 = "
                         rf"{_i(out['index_head_dim'])} + {_i(out['index_head_dim'] // 128)}"
                         rf" \times 4 = {_i(index)}\ \text{{B}}")
        else:
            lines.append(rf"E_I = d_I\,b = {_i(out['index_head_dim'])} \times {width} = "
                         rf"{_i(index)}\ \text{{B}}")
        lines.append(rf"M_{{\text{{token}}}} = L\,(E + E_I) = {_i(indexed)} \times ({_i(entry)} + "
                     rf"{_i(index)}) = {_i(out['bytes_per_token'])}\ \text{{B}}")
    else:
        lines.append(rf"M_{{\text{{token}}}} = L_{{\text{{full}}}}\,E = {_i(full)} \times "
                     rf"{_i(entry)} = {_i(out['bytes_per_token'])}\ \text{{B}}")
    bounded_terms, bounded_values = [], []
    for kind, symbol in ((SLIDING, "W"), (CHUNKED, "C")):
        layers = counts.get(kind, 0)
        if layers:
            size = out["sliding_window"] if kind == SLIDING else out["attention_chunk_size"]
            value = layers * out["window_tokens_kept"] * entry
            lines.append(rf"M_{{{symbol}}} = L_{{{symbol}}}\,\min(T, {symbol} - 1)\,E = "
                         rf"{_i(layers)} \times \min({_i(context)}, {_i(size - 1)}) \times "
                         rf"{_i(entry)} = {_i(value)}\ \text{{B}}")
            bounded_terms.append(f"M_{{{symbol}}}")
            bounded_values.append(_i(value))
    recurrent = counts.get(LINEAR, 0) + counts.get(MAMBA, 0)
    if recurrent:
        per_layer = out["conv_state_bytes_per_layer"] + out["recurrent_state_bytes_per_layer"]
        lines.append(rf"M_S = L_S\,(S_{{\text{{conv}}}} + S_{{\text{{rec}}}}) = {_i(recurrent)}"
                     rf" \times ({_i(out['conv_state_bytes_per_layer'])} + "
                     rf"{_i(out['recurrent_state_bytes_per_layer'])}) = "
                     rf"{_i(recurrent * per_layer)}\ \text{{B}}")
        bounded_terms.append("M_S")
        bounded_values.append(_i(recurrent * per_layer))
    bounded = " + ".join(bounded_terms)
    bound_values = "".join(f" + {value}" for value in bounded_values)
    # The total with every value bound, so the reader sees T and N enter the sum.
    lines.append(rf"M = (M_{{\text{{token}}}}\,T{' + ' + bounded if bounded else ''})\,N = "
                 rf"({_i(out['bytes_per_token'])} \times {_i(context)}{bound_values}) \times "
                 rf"{_i(batch)} = {_i(out['total_bytes'])}\ \text{{B}}")
    if indexed:
        lines.append(rf"R = L\,(T\,E_I + \min(T, k)\,E)\,N = {_i(indexed)} \times "
                     rf"({_i(context)} \times {_i(index)} + {_i(min(context, out['index_topk']))}"
                     rf" \times {_i(entry)}) \times {_i(batch)} = "
                     rf"{_i(out['bytes_read_per_decode_step'])}\ \text{{B}}")
    else:
        lines.append(rf"R = (L_{{\text{{full}}}}\,T\,E{' + ' + bounded if bounded else ''})\,N = "
                     rf"{_i(out['bytes_read_per_decode_step'])}\ \text{{B}}")
    layers = _i(out["attention_layers"])
    if out["comparison_head_dim"] is not None:
        head = _i(out["comparison_head_dim"])
        lines.append(rf"M^{{\text{{MHA}}}}_{{\text{{token}}}} = L_a \cdot 2\,n_h\,d_h\,b = {layers}"
                     rf" \times 2 \times {_i(out['num_heads'])} \times {head} \times {width}"
                     rf" = {_i(out['bytes_per_token_mha'])}\ \text{{B}}")
        lines.append(rf"M^{{\text{{GQA}}}}_{{\text{{token}}}} = L_a \cdot 2\,n_g\,d_h\,b = {layers}"
                     rf" \times 2 \times {_i(out['comparison_gqa_groups'])} \times {head}"
                     rf" \times {width} = {_i(out['bytes_per_token_gqa'])}\ \text{{B}}")
    lines.append(rf"M^{{\text{{MLA}}}}_{{\text{{token}}}} = L_a\,(d_c + d_h^R)\,b = {layers} \times "
                 rf"({_i(values['mla_latent_dim'])} + {_i(values['mla_rope_dim'])})"
                 rf" \times {width} = {_i(out['bytes_per_token_mla'])}\ \text{{B}}")
    return lines


def notes(values: dict, out: dict) -> list[Text]:
    found = []
    counts = out["layer_counts"]
    if out["design"] == "csa-hca":
        found.append(Text(
            "DeepSeek-V4 は transformers 5.24 の DeepseekV4 キャッシュと同じ数え方です。全層に直近 W − 1 "
            "トークンの窓（キーとバリューは同じベクトル）があり、CSA 層は m トークンごと、HCA 層は m′ "
            "トークンごとに圧縮エントリを 1 個ためます。まだ圧縮されていない端数のトークンと CSA の"
            "重なり状態（ゲートは FP32）は上限のある部分に入れています。",
            "DeepSeek-V4 is counted as transformers 5.24’s DeepseekV4 cache holds it: every layer "
            "keeps a window of the last W − 1 tokens (key and value are one vector); CSA layers add "
            "one compressed entry per m tokens, HCA layers one per m′ tokens. Tokens not yet "
            "compressed and CSA’s overlap state (gates in FP32) are in the bounded part."))
        if values["compressed_storage"] == compressed_attention.DEEPSEEK_STORAGE:
            found.append(Text(
                "DeepSeek の形式: 窓と圧縮エントリは FlashMLA の MODEL1 形式（FP8 448 個＋BF16 の RoPE "
                "64 個＋スケール 8 バイト＝584 バイト）、インデクサ・キーは FP4（d_I / 2 バイト、スケールは"
                "形式が読めないため含めません）。圧縮前の端数と重なり状態は BF16／FP32 のままです。",
                "DeepSeek’s format: window and compressed entries in FlashMLA’s MODEL1 layout "
                "(448 FP8 + 64 BF16 RoPE values + 8 scale bytes = 584 bytes), indexer keys in FP4 "
                "(d_I / 2 bytes; their scales are not counted, no layout could be read). Buffers "
                "and overlap state stay BF16/FP32."))
        return found
    if out["per_layer_shapes"]:
        found.append(Text(
            "Gemma 4 は transformers 5.24 と同じく層ごとに数えています。全体を見る層は global_head_dim と"
            "（attention_k_eq_v のとき）num_global_key_value_heads の幅です。KV を共有する最後の層は"
            "キャッシュを持たず、読み出しだけを数えます。",
            "Gemma 4 is counted layer by layer as transformers 5.24 builds it: the layers that see "
            "everything use global_head_dim and (with attention_k_eq_v) "
            "num_global_key_value_heads; the last, KV-sharing layers keep no cache and count "
            "only in the bytes read."))
    if counts.get(SLIDING):
        found.append(Text(
            "スライディング層は transformers の DynamicCache と同じく直近 W − 1 = {kept:,} トークンだけを"
            "保持するとして数えています（新しいトークンのキーとバリューを足してから注意するので、"
            "各クエリは W トークンを見ます）。StaticCache は W 個の枠を確保し、OpenAI の Triton 参照実装は"
            "全層に全文脈分のキャッシュを確保します。",
            "Sliding layers are counted as transformers’ DynamicCache keeps them: the last "
            "W − 1 = {kept:,} tokens (the new token’s key and value are added before attending, "
            "so every query still sees W tokens). StaticCache reserves W slots, and OpenAI’s "
            "Triton reference allocates a full-context cache in every layer.").format(
                kept=out["sliding_window"] - 1))
    if counts.get(CHUNKED):
        found.append(Text(
            "チャンク層は transformers と同じく最大 C − 1 = {kept:,} トークンを保持・読み出すとして数えています。"
            "チャンク境界を正確に扱う実装なら T mod C トークンで足り、平均ではその約半分です。",
            "Chunked layers are counted as transformers keeps and reads them: up to "
            "C − 1 = {kept:,} tokens. A cache that followed chunk boundaries exactly would hold "
            "T mod C tokens, about half that on average.").format(
                kept=out["attention_chunk_size"] - 1))
    if counts.get(INDEXED):
        if values["indexer_cache"] == FP8_SCALED:
            found.append(Text(
                "DSA のインデクサ・キーは DeepSeek の参照実装（inference/model.py）どおり FP8 と "
                "128 値ごとの FP32 スケールで数えています。transformers はキャッシュと同じ数値型で保持します。",
                "DSA’s indexer keys are counted as DeepSeek’s reference code (inference/model.py) "
                "stores them: FP8 plus one FP32 scale per 128 values. transformers keeps them in "
                "the cache’s own data type."))
        found.append(Text(
            "1 ステップの読み出しは、全トークンのインデクサ・キーと選ばれた {k:,} トークンの潜在ベクトルです"
            "（DeepSeek の疎デコードカーネル FlashMLA の場合）。参照実装のデコードは全潜在ベクトルで"
            "スコアを計算してからマスクします。",
            "One step reads the indexer keys of every token and the latents of the {k:,} "
            "selected tokens (as DeepSeek’s sparse decoding kernel, FlashMLA, does); the "
            "reference code’s decode path scores every cached latent and then masks them.").format(
                k=out["index_topk"]))
    if counts.get(LINEAR) or counts.get(MAMBA):
        found.append(Text(
            "線形アテンション／Mamba 層の状態は transformers どおり、畳み込み状態（カーネル幅 K 列すべて）を"
            "モデルの数値型、再帰状態を FP32 で数えています。どちらもキャッシュの数値型の選択には従いません。",
            "Linear-attention and Mamba states are counted as transformers keeps them: the "
            "convolution state (all K columns of the kernel) in the model’s data type and the "
            "recurrent state in FP32; neither follows the cache data type chosen here."))
        if not out["model_dtype_stated"]:
            found.append(Text("config.json がモデルの数値型を示していないため、畳み込み状態は BF16 と仮定しました。",
                              "The config.json names no model data type: the convolution state "
                              "is assumed to be BF16."))
    return found


def _total_series(layout: Layout, width: int, batch: int, indexer_format: str,
                  reads: bool = False) -> tuple[tuple[float, float], ...]:
    points = []
    for context in CHART_CONTEXTS:
        size = cache_size(layout, context, width, batch, indexer_format)
        value = size.bytes_read_per_decode_step if reads else size.total_bytes
        if value > 0:
            points.append((context, value / 1e9))
    return tuple(points)


def cache_chart(values: dict, out: dict) -> LineChart:
    """The model's cache (GB) and three all-global variants against context length."""
    batch = values["batch_size"]
    config, _ = inputs.resolve_config(values["model"], values["config"])
    layout = read_layout(config, {name: values[name] for name in OVERRIDE_FIELDS})
    width = out["bytes_per_element"]
    model_label = Text(f"このモデル（{out['attention_kind']}、{out['design']}）",
                       f"this model ({out['attention_kind']}, {out['design']})")
    series = [Series(model_label, _total_series(layout, width, batch, values["indexer_cache"]),
                     emphasis=True)]
    variants = {
        "bytes_per_token_mha": f"MHA (n_h = {out['num_heads']})",
        "bytes_per_token_gqa": f"GQA (n_g = {out['comparison_gqa_groups']})",
        "bytes_per_token_mla": (f"MLA (d_c = {values['mla_latent_dim']}, "
                                f"d_h^R = {values['mla_rope_dim']})"),
    }
    for key, label in variants.items():
        if out[key]:
            series.append(Series(label, tuple((context, out[key] * context * batch / 1e9)
                                              for context in CHART_CONTEXTS)))
    series = tuple(item for item in series if item.points)
    longest = CHART_CONTEXTS[-1]
    sizes = "; ".join(f"{item.label if isinstance(item.label, str) else item.label.en}: "
                      f"{format_bytes(item.points[-1][1] * 1e9)}" for item in series
                      if item.points[-1][0] == longest)
    return LineChart(
        title=Text(f"KV キャッシュとコンテキスト長（バッチ {batch:,}）",
                   f"KV cache vs context length (batch {batch:,})"),
        x_label=Text("コンテキスト長（トークン、対数）", "context length (tokens, log)"),
        y_label=Text("KV キャッシュ（GB、対数）", "KV cache (GB, log)"),
        series=series, x_log=True, y_log=True, x_ticks=CHART_TICKS,
        markers=(Marker(values["context_length"], f"T = {values['context_length']:,}"),),
        x_format="count", y_format="number",
        description=Text(f"{longest:,} トークンでの大きさ: {sizes}",
                         f"Size at {longest:,} tokens: {sizes}"))


@lru_cache(maxsize=None)
def _design_layout(model_id: str) -> Layout:
    return read_layout(data.models()[model_id]["config"])


def _design_chart(values: dict, out: dict, reads: bool) -> LineChart:
    batch, width = values["batch_size"], inputs.BYTES_PER_ELEMENT[values["kv_dtype"]]
    series = []
    for model_id in DESIGN_MODELS:
        layout = _design_layout(model_id)
        label = f"{data.models()[model_id]['name'].split(' (')[0]} ({layout.design})"
        chosen = values["config"] is None and values["model"] == model_id
        points = _total_series(layout, width, batch, values["indexer_cache"], reads)
        if points:
            series.append(Series(label, points, emphasis=chosen))
    longest = CHART_CONTEXTS[-1]
    sizes = "; ".join(f"{item.label}: {format_bytes(item.points[-1][1] * 1e9)}"
                      for item in series if item.points[-1][0] == longest)
    if reads:
        title = Text(f"1 デコードステップで読むキャッシュ（設計別、バッチ {batch:,}）",
                     f"Cache read per decode step, by design (batch {batch:,})")
        y_label = Text("読み出し（GB、対数）", "bytes read (GB, log)")
        description = Text(f"{longest:,} トークンで 1 ステップに読む量: {sizes}",
                           f"Read per step at {longest:,} tokens: {sizes}")
    else:
        title = Text(f"KV キャッシュ（設計別、バッチ {batch:,}）",
                     f"KV cache, by design (batch {batch:,})")
        y_label = Text("キャッシュ（GB、対数）", "cache (GB, log)")
        description = Text(f"{longest:,} トークンでの大きさ: {sizes}",
                           f"Size at {longest:,} tokens: {sizes}")
    return LineChart(
        title=title,
        x_label=Text("コンテキスト長（トークン、対数）", "context length (tokens, log)"),
        y_label=y_label, series=tuple(series), x_log=True, y_log=True, x_ticks=CHART_TICKS,
        markers=(Marker(values["context_length"], f"T = {values['context_length']:,}"),),
        x_format="count", y_format="number", description=description)


def designs_chart(values: dict, out: dict) -> LineChart:
    return _design_chart(values, out, reads=False)


def reads_chart(values: dict, out: dict) -> LineChart:
    return _design_chart(values, out, reads=True)


# --------------------------------------------------------------------------- declaration

def _override(name: str, ja: str, en: str, shows: str) -> Field:
    return Field(name, "int", Text(ja, en), optional=True, advanced=True, minimum=1,
                 maximum=1_000_000, placeholder_output=shows,
                 help=Text("空欄なら config.json の値を使います。",
                           "Leave empty to use the config.json value."))


KV_CACHE = Calculator(
    id="kv-cache",
    title=Text("KV キャッシュ容量", "KV-cache size"),
    summary=Text("実在モデルの config.json から、層ごとの方式（全体・窓・DSA・線形アテンション）に沿って"
                 " KV キャッシュの大きさと 1 ステップの読み出し量を計算します。",
                 "KV-cache size and the bytes one decode step reads, layer by layer (full, "
                 "window, DSA, linear attention), from a real model's config.json."),
    inputs=(
        inputs.model(),
        inputs.config(),
        inputs.kv_dtype(label=Text("キャッシュの数値型", "Cache data type")),
        inputs.context_length(),
        inputs.batch_size(),
        Field("indexer_cache", "choice", Text("DSA インデクサ・キーの保存形式",
                                              "DSA indexer keys stored as"),
              default=FP8_SCALED, advanced=True,
              choices=(Choice(FP8_SCALED, Text("FP8 ＋ 128 値ごとの FP32 スケール（DeepSeek の参照実装）",
                                               "FP8 + one FP32 scale per 128 values "
                                               "(DeepSeek's reference code)")),
                       Choice(CACHE_DTYPE, Text("キャッシュと同じ数値型（transformers）",
                                                "Same type as the cache (transformers)"))),
              help=Text("DeepSeek-V3.2 のような DSA のモデルだけに効きます。",
                        "Matters only for DSA models such as DeepSeek-V3.2.")),
        Field("compressed_storage", "choice", Text("DeepSeek-V4 のキャッシュの保存形式",
                                                   "DeepSeek-V4 cache stored as"),
              default=compressed_attention.MODEL_DTYPE, advanced=True,
              choices=(Choice(compressed_attention.MODEL_DTYPE,
                              Text("上で選んだ数値型（transformers）",
                                   "The data type chosen above (transformers)")),
                       Choice(compressed_attention.DEEPSEEK_STORAGE,
                              Text("DeepSeek の形式（FP8 ＋ BF16 の RoPE、FP4 インデクサ）",
                                   "DeepSeek's format (FP8 + BF16 RoPE, FP4 indexer)"))),
              help=Text("DeepSeek-V4 のモデルだけに効きます。DeepSeek の形式は 1 エントリ 584 バイト"
                        "（FlashMLA）、インデクサ・キーは FP4（V4 報告書の写し）です。",
                        "Matters only for DeepSeek-V4 models. DeepSeek's format is 584 bytes per "
                        "entry (FlashMLA) with FP4 indexer keys (V4 report, read in copies).")),
        _override("num_hidden_layers", "層数 L", "Layers L", "num_layers"),
        _override("num_attention_heads", "アテンションヘッド数", "Attention heads", "num_heads"),
        _override("num_key_value_heads", "KV ヘッド数 n_kv", "KV heads n_kv", "num_kv_heads"),
        _override("head_dim", "ヘッド次元 d_h", "Head dimension d_h", "head_dim"),
        _override("kv_lora_rank", "MLA 潜在次元 d_c", "MLA latent dimension d_c", "kv_lora_rank"),
        _override("qk_rope_head_dim", "MLA RoPE キー次元 d_h^R", "MLA RoPE key dimension d_h^R", "qk_rope_head_dim"),
        Field("gqa_groups", "int", Text("比較: GQA の KV ヘッド数 n_g",
                                        "Comparison: GQA KV heads n_g"),
              default=8, minimum=1, maximum=100_000, advanced=True,
              help=Text("比較用の仮想 GQA が持つ KV ヘッド（グループ）数。ヘッド数を超える値はヘッド数に切り詰めます。",
                        "KV heads (groups) of the hypothetical GQA variant; capped at the number "
                        "of heads.")),
        Field("mla_latent_dim", "int", Text("比較: MLA 潜在次元 d_c", "Comparison: MLA latent d_c"),
              default=512, minimum=1, maximum=1_000_000, advanced=True),
        Field("mla_rope_dim", "int", Text("比較: MLA RoPE キー次元 d_h^R",
                                          "Comparison: MLA RoPE key d_h^R"),
              default=64, minimum=0, maximum=1_000_000, advanced=True),
    ),
    outputs=(
        Output("model_name", Text("モデル", "Model"), "text"),
        Output("attention_kind", Text("アテンション方式", "Attention kind"), "text"),
        Output("layer_mix", Text("層の内訳", "Layers by kind"), "text"),
        Output("num_layers", Text("層数", "Layers"), "count"),
        Output("cached_elements_per_token_per_layer",
               Text("1 層・1 トークンあたりのキャッシュ要素数（アテンション層）",
                    "Cached elements per token per attention layer"), "count"),
        Output("bytes_per_element", Text("要素あたりバイト数", "Bytes per element"), "bytes_exact"),
        Output("bytes_per_token", Text("1 トークンごとに増える分", "Growth per token"), "bytes_exact"),
        Output("total_bytes", Text("合計（コンテキスト × バッチ）", "Total (context × batch)"),
               "bytes"),
        Output("growing_bytes", Text("うちコンテキストに比例して増える部分",
                                     "of which grows with the context"), "bytes"),
        Output("bounded_bytes", Text("うち上限のある部分（窓・固定サイズの状態）",
                                     "of which is bounded (windows, fixed-size states)"), "bytes"),
        Output("bytes_read_per_decode_step", Text("1 デコードステップで読むキャッシュ",
                                                  "Cache read per decode step"), "bytes"),
        Output("config_source", Text("config の出典", "Config source"), "url"),
        Output("bytes_per_token_mha", Text("比較: 全層 MHA なら 1 トークンあたり",
                                           "Comparison: per token with MHA everywhere"),
               "bytes_exact"),
        Output("bytes_per_token_gqa", Text("比較: 全層 GQA なら 1 トークンあたり",
                                           "Comparison: per token with GQA everywhere"),
               "bytes_exact"),
        Output("bytes_per_token_mla", Text("比較: 全層 MLA なら 1 トークンあたり",
                                           "Comparison: per token with MLA everywhere"),
               "bytes_exact"),
        Output("design", Text("設計", "Design"), "data"),
        Output("layer_counts", Text("種類ごとの層数", "Layers per kind"), "data"),
        Output("attention_layers", Text("アテンション層の数", "Attention layers"), "data"),
        Output("growing_layers", Text("キャッシュが増え続ける層の数", "Layers whose cache grows"),
               "data"),
        Output("num_heads", Text("クエリヘッド数", "Query heads"), "data"),
        Output("num_kv_heads", Text("KV ヘッド数", "KV heads"), "data"),
        Output("head_dim", Text("ヘッド次元", "Head dimension"), "data"),
        Output("kv_lora_rank", Text("MLA 潜在次元", "MLA latent dimension"), "data"),
        Output("qk_rope_head_dim", Text("MLA RoPE キー次元", "MLA RoPE key dimension"), "data"),
        Output("sliding_window", Text("スライディングウィンドウ W", "Sliding window W"), "data"),
        Output("attention_chunk_size", Text("チャンク長 C", "Chunk length C"), "data"),
        Output("window_tokens_kept", Text("窓の層が保持するトークン数", "Tokens a window layer keeps"),
               "data"),
        Output("index_head_dim", Text("インデクサ・キーの次元", "Indexer key dimension"), "data"),
        Output("index_topk", Text("DSA が選ぶトークン数", "Tokens DSA selects"), "data"),
        Output("indexer_bytes_per_token_per_layer",
               Text("インデクサ・キー（1 層・1 トークン）", "Indexer key per token per layer"), "data"),
        Output("conv_state_bytes_per_layer", Text("畳み込み状態（1 層）", "Convolution state per layer"),
               "data"),
        Output("recurrent_state_bytes_per_layer", Text("再帰状態（1 層）", "Recurrent state per layer"),
               "data"),
        Output("conv_state_bytes_per_element", Text("畳み込み状態の要素あたりバイト数",
                                                    "Bytes per convolution-state element"), "data"),
        Output("recurrent_state_bytes_per_element", Text("再帰状態の要素あたりバイト数",
                                                         "Bytes per recurrent-state element"),
               "data"),
        Output("model_dtype_stated", Text("モデルの数値型が config にあるか",
                                          "Model data type stated in the config"), "data"),
        Output("window_bytes", Text("窓の層の分", "Window layers"), "data"),
        Output("per_layer_shapes", Text("層ごとに形が違うか（Gemma 4）",
                                        "Layer shapes differ (Gemma 4)"), "data"),
        Output("compress_rate_csa", Text("CSA の圧縮率 m", "CSA compression rate m"), "data"),
        Output("compress_rate_hca", Text("HCA の圧縮率 m′", "HCA compression rate m′"), "data"),
        Output("compressed_entry_bytes", Text("圧縮エントリ 1 個（バイト）",
                                              "One compressed entry (bytes)"), "data"),
        Output("state_bytes", Text("固定サイズの状態の分", "Fixed-size states"), "data"),
        Output("comparison_head_dim", Text("比較に使うヘッド次元", "Head dimension of the variants"),
               "data"),
        Output("comparison_gqa_groups", Text("比較に使う GQA の KV ヘッド数",
                                             "KV heads of the GQA variant"), "data"),
    ),
    compute=compute,
    formula=formula,
    notes=notes,
    charts=(ChartSlot("chart", Text("KV キャッシュとコンテキスト長のグラフ",
                                    "Chart: KV cache vs context length"), cache_chart),
            ChartSlot("designs", Text("設計別の KV キャッシュのグラフ",
                                      "Chart: KV cache by design"), designs_chart),
            ChartSlot("reads", Text("設計別の 1 ステップの読み出し量のグラフ",
                                    "Chart: bytes read per decode step by design"), reads_chart)),
    symbols=(
        ("L", Text("層数（DSA では全層）", "layers (every layer for DSA)")),
        ("L_{\\text{full}}", Text("全体を見るアテンション層の数", "full-attention layers")),
        ("L_W,\\ L_C", Text("スライディング層・チャンク層の数", "sliding and chunked layers")),
        ("L_S", Text("線形アテンション／Mamba 層の数", "linear-attention / Mamba layers")),
        ("L_a", Text("アテンション層の数（比較用）", "attention layers (for the variants)")),
        ("E", Text("1 層・1 トークンのキャッシュ（バイト）", "cache per token per layer (bytes)")),
        ("E_I", Text("DSA インデクサ・キー（バイト）", "DSA indexer key (bytes)")),
        ("W,\\ C", Text("スライディングウィンドウ、チャンク長", "sliding window, chunk length")),
        ("k", Text("DSA が選ぶトークン数", "tokens DSA selects")),
        ("S_{\\text{conv}},\\ S_{\\text{rec}}", Text("1 層の畳み込み状態・再帰状態（バイト）",
                                                      "convolution and recurrent state per layer (bytes)")),
        ("n_{kv}", Text("KV ヘッド数", "KV heads")),
        ("n_h", Text("クエリヘッド数", "query heads")),
        ("n_g", Text("比較用 GQA の KV ヘッド数", "KV heads of the hypothetical GQA")),
        ("d_h", Text("ヘッド次元", "head dimension")),
        ("d_c", Text("MLA の圧縮潜在次元", "MLA compressed latent dimension")),
        ("d_h^R", Text("MLA の分離 RoPE キー次元", "MLA decoupled RoPE key dimension")),
        ("d_I", Text("DSA インデクサ・キーの次元", "DSA indexer key dimension")),
        ("b", Text("要素あたりバイト数", "bytes per element")),
        ("T", Text("コンテキスト長", "context length")),
        ("N", Text("バッチサイズ（同時に処理する系列の数）", "batch size (concurrent sequences)")),
        ("R", Text("1 デコードステップで読むキャッシュ", "cache read per decode step")),
    ),
)
