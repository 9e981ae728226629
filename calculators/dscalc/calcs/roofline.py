"""Roofline of LLM inference: prefill and decode ceilings on GPUs and ASICs side by side.

For a model (a preset or a pasted ``config.json``, read by the shared readers), a weight format,
one accelerator from ``data/chips.json`` (and a set of others to compare), a batch per chip, a
context length and an expert-parallel degree, it bounds prefill and decode by the slower of
compute and memory (``dscalc.hardware.roofline_model``):

- weights: ``dscalc.model.params.model_size`` (the weights a token is multiplied by; the input
  embedding is a look-up and is not read as a matrix), stored in the chosen format;
- KV cache: ``dscalc.calcs.kv_cache.cache_for_config`` at the chosen context (what a decode step
  reads and what the cache stores, windows, states and sparse attention included);
- MoE: the routed experts a decode step reads are the expected distinct experts the batch's
  tokens touch, ``E (1 − (1 − k/E)^N)`` per layer, split over the expert-parallel degree;
- FLOPs: ``2 ×`` the weights per token, plus attention over the context (MLA decode in the
  absorbed form DeepSeek runs, ``2 L n_h (2 d_c + d_h^R)`` per cached token; otherwise
  ``2 L n_h (d_qk + d_v)``), timed at the chip's 16-bit peak;
- the crossover batch where decode turns compute-bound (``dscalc.hardware.roofline_model.crossover_batch``).

Peak figures are the vendors' dense ones (no sparsity). A chip whose table entry has no figure
for what is needed (``null``: not published) is skipped and named in the answer.
"""

from __future__ import annotations

import dataclasses

from .. import data
from ..framework import inputs
from ..hardware import measured, measured_view
from ..charts import BarChart, BarSeries, LineChart, Point, Series
from ..model.layout import read_attention
from ..model.config_keys import language_model_config
from ..model.moe import read_moe
from ..framework.errors import ValidationError
from ..model.params import model_size
from ..hardware.roofline_model import (ATTENTION_CHAIN, COMPUTE_CHAIN, PRECISION_FIELDS, ModelShape,
                                       Roof, compute_peak, crossover_batch, decode_work,
                                       prefill_work, times)
from ..framework.schema import Calculator, ChartSlot, Choice, Field, Output
from ..framework.text import Text
from ..framework.units import latex_int, latex_number, significant
from .kv_cache import cache_for_config

#: Chips compared with the chosen one (at most seven, so the chart's eight line styles suffice).
COMPARISONS = {
    "gpu-asic": ("h100-sxm", "b200", "mi300x", "tpu-v6e", "tpu-7x", "trainium2", "trainium3"),
    "nvidia": ("a100-sxm-80gb", "h100-sxm", "h20", "h200-sxm", "b200", "b300", "gb300"),
    "asic": ("tpu-v5e", "tpu-v5p", "tpu-v6e", "tpu-7x", "trainium2", "trainium3", "ascend-910c"),
    "china": ("a100-sxm-80gb", "h100-sxm", "h800-sxm", "h20", "h200-sxm", "ascend-910b",
              "ascend-910c"),
    "none": (),
}
KIND_LABEL = {"gpu": "GPU", "tpu": "TPU", "asic": "ASIC"}
#: The system the latency-throughput front is drawn for when no measured record is shown:
#: chips (one 8-chip node) and output tokens per request (the input is the context length).
FRONT_CHIPS = 8
FRONT_OUTPUT_TOKENS = 1_024
#: Arithmetic intensities plotted (FLOP per byte), log axis.
X_TICKS = ((0.1, "0.1"), (1.0, "1"), (10.0, "10"), (100.0, "100"), (1e3, "1K"), (1e4, "10K"),
           (1e5, "100K"), (1e6, "1M"))


# --------------------------------------------------------------------------- the model

def model_shape(config: dict, kv_dtype: str, context_length: int) -> tuple[ModelShape, dict]:
    """The roofline's view of a model config at a context length, and facts about it.

    The KV cache comes from the kv-cache calculator's own function, so sliding windows, chunks,
    fixed recurrent states and DeepSeek Sparse Attention read and store what they really do."""
    size = model_size(config)
    attention = read_attention(config)
    cache = cache_for_config(config, context_length, kv_dtype, 1)
    moe = read_moe(language_model_config(config))
    counts = size.counts
    if moe is not None and size.num_moe_layers:
        expert = counts.routed_experts // (size.num_moe_layers * moe.num_experts)
        experts, top_k, moe_layers = moe.num_experts, moe.top_k, size.num_moe_layers
    else:
        expert, experts, top_k, moe_layers = 0, 0, 0, 0
    prefill_attention = size.attention_flops_per_token(1)
    if size.layout is not None and size.layout.compressed is not None:
        # DeepSeek-V4's attention is not linear in T (windows, top-k, rates): its FLOPs at this
        # context, spread over the cached tokens, so that ``T ×`` gives them back exactly.
        prefill_attention = size.attention_flops_per_token(context_length) / context_length
        decode_attention = prefill_attention
    elif attention.mla is not None:
        mla = attention.mla
        decode_attention = (2 * attention.num_layers * attention.num_heads
                            * (2 * mla.kv_lora_rank + mla.rope_dim))
    else:
        decode_attention = prefill_attention
    shape = ModelShape(
        dense_params=counts.matmul - counts.active_routed_experts,
        expert_params=expert, num_moe_layers=moe_layers, num_experts=experts, top_k=top_k,
        matmul_flops_per_token=2.0 * counts.matmul,
        prefill_attention_flops=float(prefill_attention),
        decode_attention_flops=float(decode_attention),
        kv_bytes_per_token=cache.bytes_read_per_decode_step / context_length,
        kv_stored_bytes_per_token=cache.total_bytes / context_length)
    facts = {"attention_kind": attention.kind, "total_params": counts.total,
             "matmul_params": counts.matmul, "all_expert_params": counts.routed_experts}
    return shape, facts


# --------------------------------------------------------------------------- the chips

def chip_roof(chip: dict, weight_dtype: str) -> tuple[Roof, str] | None:
    """The chip's roof for weights in ``weight_dtype``, and the matmul precision used; ``None``
    when the table has no bandwidth or no dense figure to use."""
    bandwidth = chip.get("memory_bandwidth_bytes_per_s")
    matmul = compute_peak(chip, COMPUTE_CHAIN[weight_dtype])
    attention = compute_peak(chip, ATTENTION_CHAIN) or matmul
    if not bandwidth or matmul is None:
        return None
    return Roof(matmul_peak=matmul[1], attention_peak=attention[1],
                bandwidth=float(bandwidth)), matmul[0]


def _unverified(chip: dict, fields: tuple[str, ...]) -> bool:
    provenance = chip.get("field_provenance") or {}
    statuses = [(provenance.get(name) or {}).get("status", chip.get("status"))
                for name in fields if name]
    return any(status != "verified" for status in statuses)


def memory_per_chip(shape: ModelShape, values: dict, ep_degree: int,
                    bytes_per_weight: float) -> float:
    """Bytes one chip holds: the weights other than routed experts, its share of the experts,
    and the KV cache of its batch at the full context (activations and workspace left out)."""
    experts_on_chip = shape.num_experts / ep_degree if shape.is_moe else 0
    weights = (shape.dense_params + shape.num_moe_layers * experts_on_chip
               * shape.expert_params) * bytes_per_weight
    return weights + values["batch_size"] * values["context_length"] * shape.kv_stored_per_token


def evaluate_chip(chip: dict, roof: Roof, precision: str, shape: ModelShape, values: dict,
                  ep_degree: int, bytes_per_weight: float) -> dict:
    """Every number the answer gives for one chip."""
    batch, context = values["batch_size"], values["context_length"]
    decode = decode_work(shape, batch, context, ep_degree, bytes_per_weight)
    decode_compute, decode_memory = times(decode, roof)
    step = max(decode_compute, decode_memory)
    prefill = prefill_work(shape, batch, context, ep_degree, bytes_per_weight)
    prefill_compute, prefill_memory = times(prefill, roof)
    prefill_time = max(prefill_compute, prefill_memory)
    tokens = batch * context
    crossover = crossover_batch(shape, roof, context, ep_degree, bytes_per_weight)
    return {
        "id": chip["id"], "name": chip["name"], "short_name": chip.get("short_name") or chip["name"],
        "kind": chip.get("kind", ""),
        "precision": precision.upper(),
        "peak_flops": roof.matmul_peak, "attention_peak_flops": roof.attention_peak,
        "bandwidth_bytes_per_s": roof.bandwidth, "ridge_flop_per_byte": roof.ridge,
        "decode_step_s": step, "decode_compute_s": decode_compute,
        "decode_memory_s": decode_memory, "decode_memory_bound": decode_memory >= decode_compute,
        "decode_tokens_per_s": batch / step, "decode_tokens_per_s_per_user": 1 / step,
        "decode_compute_ceiling": batch / decode_compute,
        "decode_memory_ceiling": batch / decode_memory,
        "decode_flops": decode.flops, "decode_bytes": decode.bytes,
        "decode_intensity": decode.intensity,
        "decode_attained_flop_per_s": decode.flops / step,
        "prefill_s": prefill_time, "prefill_memory_bound": prefill_memory > prefill_compute,
        "prefill_tokens_per_s": tokens / prefill_time,
        "prefill_compute_ceiling": tokens / prefill_compute,
        "prefill_memory_ceiling": tokens / prefill_memory,
        "prefill_intensity": prefill.intensity,
        "prefill_attained_flop_per_s": prefill.flops / prefill_time,
        "crossover_batch": crossover,
        "memory_bytes": chip.get("memory_bytes"),
        "fits_in_memory": (memory_per_chip(shape, values, ep_degree, bytes_per_weight)
                           <= chip["memory_bytes"]) if chip.get("memory_bytes") else None,
        "unverified": _unverified(chip, ("memory_bandwidth_bytes_per_s",
                                         PRECISION_FIELDS.get(precision, ""))),
    }


def _primary_chip(values: dict) -> tuple[dict, Roof, str]:
    chip = data.chips()[values["chip"]]
    found = chip_roof(chip, values["weight_dtype"])
    peak, bandwidth = values["peak_tflops"], values["bandwidth_tb_s"]
    if found is None and (peak is None or bandwidth is None):
        missing_bandwidth = not chip.get("memory_bandwidth_bytes_per_s")
        raise ValidationError(
            "chip",
            f"{chip['name']} には{'メモリ帯域幅' if missing_bandwidth else 'この数値型で使える密の演算性能'}"
            "の公表値がありません（チップ表では null）。別のアクセラレータを選ぶか、詳細な入力で値を指定してください。",
            f"{chip['name']} has no published {'memory bandwidth' if missing_bandwidth else 'dense throughput for this format'}"
            " (null in the chip table). Choose another accelerator or give the values under "
            "More inputs.")
    roof, precision = found if found is not None else (None, "custom")
    if peak is not None or bandwidth is not None:
        base = roof or Roof(1.0, 1.0, 1.0)
        matmul = peak * 1e12 if peak is not None else base.matmul_peak
        roof = Roof(matmul_peak=matmul,
                    attention_peak=matmul if peak is not None else base.attention_peak,
                    bandwidth=bandwidth * 1e12 if bandwidth is not None else base.bandwidth)
        chip = dict(chip, name=chip["name"] + " *",
                    short_name=(chip.get("short_name") or chip["name"]) + " *")
        precision = "custom"
    return chip, roof, precision


# --------------------------------------------------------------------------- compute

def compute(values: dict) -> dict:
    config, origin = inputs.resolve_config(values["model"], values["config"])
    if not config:
        raise ValidationError("config", "config.json を貼り付けるか、モデルを選んでください。",
                              "Paste a config.json or choose a model.")
    shape, facts = model_shape(config, values["kv_dtype"], values["context_length"])
    requested = values["ep_degree"]
    ep_degree = min(requested, shape.num_experts) if shape.is_moe else 1
    bytes_per_weight = inputs.WEIGHT_BITS[values["weight_dtype"]] / 8
    chip, roof, precision = _primary_chip(values)
    main = evaluate_chip(chip, roof, precision, shape, values, ep_degree, bytes_per_weight)
    comparison, skipped = [], []
    for chip_id in COMPARISONS[values["compare"]]:
        if chip_id == values["chip"]:
            continue
        other = data.chips()[chip_id]
        found = chip_roof(other, values["weight_dtype"])
        if found is None:
            skipped.append(chip_id)
            continue
        comparison.append(evaluate_chip(other, found[0], found[1], shape, values, ep_degree,
                                        bytes_per_weight))
    batch, context = values["batch_size"], values["context_length"]
    experts_on_chip = shape.num_experts / ep_degree if shape.is_moe else 0
    needed = memory_per_chip(shape, values, ep_degree, bytes_per_weight)
    decode = decode_work(shape, batch, context, ep_degree, bytes_per_weight)
    batch1 = decode_work(shape, 1, context, ep_degree, bytes_per_weight)
    memory = chip.get("memory_bytes")
    return {
        **_measured(values),
        "model_name": inputs.model_name(values["model"], values["config"]),
        "config_source": origin,
        **facts,
        "is_moe": shape.is_moe,
        "num_experts": shape.num_experts, "top_k": shape.top_k,
        "num_moe_layers": shape.num_moe_layers,
        "dense_params": shape.dense_params, "expert_params": shape.expert_params,
        "ep_degree": ep_degree, "ep_degree_requested": requested,
        "bytes_per_weight": bytes_per_weight,
        "kv_bytes_per_token": shape.kv_bytes_per_token,
        "matmul_flops_per_token": shape.matmul_flops_per_token,
        "decode_attention_flops_per_context_token": shape.decode_attention_flops,
        "chip_name": main["name"], "chip_kind": main["kind"],
        "compute_precision": main["precision"],
        "peak_flops": main["peak_flops"],
        "attention_peak_flops": main["attention_peak_flops"],
        "memory_bandwidth_tb_per_s": main["bandwidth_bytes_per_s"] / 1e12,
        "ridge_flop_per_byte": main["ridge_flop_per_byte"],
        "experts_touched_per_layer": decode.experts_touched_per_layer,
        "experts_touched_share": (decode.experts_touched_per_layer / experts_on_chip
                                  if shape.is_moe else None),
        "decode_dense_weight_bytes": decode.dense_weight_bytes,
        "decode_expert_weight_bytes": decode.expert_weight_bytes,
        "decode_kv_bytes": decode.kv_bytes,
        "decode_bytes": decode.bytes,
        "decode_flops": decode.flops,
        "decode_intensity": decode.intensity,
        "model_flop_per_byte_batch1": batch1.intensity,
        "decode_compute_time": main["decode_compute_s"],
        "decode_memory_time": main["decode_memory_s"],
        "decode_memory_bound": main["decode_memory_bound"],
        "decode_compute_ceiling": main["decode_compute_ceiling"],
        "decode_memory_ceiling": main["decode_memory_ceiling"],
        "time_per_output_token": main["decode_step_s"],
        "decode_tokens_per_s_per_chip": main["decode_tokens_per_s"],
        "decode_tokens_per_s_per_user": main["decode_tokens_per_s_per_user"],
        "crossover_batch": main["crossover_batch"],
        "prefill_time": main["prefill_s"],
        "prefill_memory_bound": main["prefill_memory_bound"],
        "prefill_compute_ceiling": main["prefill_compute_ceiling"],
        "prefill_memory_ceiling": main["prefill_memory_ceiling"],
        "prefill_tokens_per_s_per_chip": main["prefill_tokens_per_s"],
        "prefill_intensity": main["prefill_intensity"],
        "memory_needed_bytes": needed,
        "chip_memory_bytes": memory,
        "fits_in_memory": main["fits_in_memory"],
        "chips": [main] + comparison,
        "skipped_chips": skipped,
    }


def _measured(values: dict) -> dict:
    """Published results for this model and chip beside their own ceilings, and the ceiling
    curves of the latency-throughput front (a pasted config has neither)."""
    if values["config"]:
        return {"measured": [], "measured_count": 0, "measured_best_share": None,
                "measured_worst_share": None, "measured_best_id": "", "measured_worst_id": "",
                "front_curves": []}
    rows = [measured.compare(record) for record in measured.matching(values["model"], values["chip"])]
    best, worst = measured.extremes(rows)
    conditions = measured_view.curve_conditions(rows, FRONT_CHIPS, values["context_length"],
                                                FRONT_OUTPUT_TOKENS)
    curves = measured_view.front_curves(values["model"], data.chips()[values["chip"]],
                                        values["weight_dtype"], values["kv_dtype"], conditions)
    return {"measured": rows, "measured_count": len(rows),
            "measured_best_share": best["share"] if best else None,
            "measured_worst_share": worst["share"] if worst else None,
            "measured_best_id": best["id"] if best else "",
            "measured_worst_id": worst["id"] if worst else "",
            "front_curves": curves}


# --------------------------------------------------------------------------- presentation

def _tera(value: float) -> str:
    return latex_number(value / 1e12, 4)


def formula(values: dict, out: dict) -> list[str]:
    b = out["bytes_per_weight"]
    batch, context = values["batch_size"], values["context_length"]
    lines = [
        rf"I^{{*}} = \frac{{P}}{{BW}} = \frac{{{_tera(out['peak_flops'])}\ \text{{TFLOP/s}}}}"
        rf"{{{latex_number(out['memory_bandwidth_tb_per_s'], 4)}\ \text{{TB/s}}}}"
        rf" = {latex_number(out['ridge_flop_per_byte'], 4)}\ \text{{FLOP/B}}",
    ]
    if out["is_moe"]:
        lines.append(
            rf"E_{{\text{{touched}}}} = \frac{{E}}{{D}}\left(1 - \left(1 - \frac{{k}}{{E}}\right)^{{B D}}\right)"
            rf" = \frac{{{out['num_experts']}}}{{{out['ep_degree']}}}\left(1 - \left(1 - "
            rf"\frac{{{out['top_k']}}}{{{out['num_experts']}}}\right)^{{{latex_int(batch)} \times "
            rf"{out['ep_degree']}}}\right) = {latex_number(out['experts_touched_per_layer'], 4)}")
        lines.append(
            rf"M_{{\text{{step}}}} = N_{{\text{{dense}}}}\,b_w + L_{{\text{{MoE}}}}\,E_{{\text{{touched}}}}"
            rf"\,N_{{e}}\,b_w + B\,T\,M_{{\text{{token}}}} = {latex_int(out['dense_params'])} \times"
            rf" {latex_number(b)} + {out['num_moe_layers']} \times "
            rf"{latex_number(out['experts_touched_per_layer'], 4)} \times {latex_int(out['expert_params'])}"
            rf" \times {latex_number(b)} + {latex_int(batch)} \times {latex_int(context)} \times "
            rf"{latex_int(out['kv_bytes_per_token'])} = {latex_number(out['decode_bytes'], 4)}\ \text{{B}}")
    else:
        lines.append(
            rf"M_{{\text{{step}}}} = N_{{\text{{dense}}}}\,b_w + B\,T\,M_{{\text{{token}}}} = "
            rf"{latex_int(out['dense_params'])} \times {latex_number(b)} + {latex_int(batch)} \times "
            rf"{latex_int(context)} \times {latex_int(out['kv_bytes_per_token'])} = "
            rf"{latex_number(out['decode_bytes'], 4)}\ \text{{B}}")
    lines += [
        rf"F_{{\text{{step}}}} = B\,(2 N_{{\text{{mm}}}} + T\,f_{{\text{{attn}}}}) = {latex_int(batch)} "
        rf"\times ({latex_number(out['matmul_flops_per_token'], 4)} + {latex_int(context)} \times "
        rf"{latex_number(out['decode_attention_flops_per_context_token'], 4)}) = "
        rf"{latex_number(out['decode_flops'], 4)}\ \text{{FLOP}}",
        rf"t_{{\text{{step}}}} = \max\!\left(\frac{{F}}{{P}}, \frac{{M}}{{BW}}\right) = \max("
        rf"{latex_number(out['decode_compute_time'] * 1e3, 4)}, "
        rf"{latex_number(out['decode_memory_time'] * 1e3, 4)})\ \text{{ms}}",
        rf"\text{{tokens/s per chip}} = \frac{{B}}{{t_{{\text{{step}}}}}} = "
        rf"\frac{{{latex_int(batch)}}}{{{latex_number(out['time_per_output_token'], 4)}\ \text{{s}}}}"
        rf" = {latex_number(out['decode_tokens_per_s_per_chip'], 4)}",
    ]
    return lines


def _chip_label(chip: dict) -> str:
    kind = KIND_LABEL.get(chip["kind"], chip["kind"].upper())
    return f"{chip['short_name']} [{kind}]"


def roofline_chart(values: dict, out: dict) -> LineChart:
    """Log-log roofline of every chip, with the model's decode and prefill points on the chosen
    chip's roof."""
    low, high = X_TICKS[0][0], X_TICKS[-1][0]
    series = []
    for index, chip in enumerate(out["chips"]):
        ridge, peak, bandwidth = (chip["ridge_flop_per_byte"], chip["peak_flops"],
                                  chip["bandwidth_bytes_per_s"])
        points = [(low, bandwidth * low)]
        if low < ridge < high:
            points.append((ridge, peak))
        points.append((high, min(peak, bandwidth * high)))
        series.append(Series(_chip_label(chip), tuple(points), emphasis=index == 0))
    main = out["chips"][0]
    points = (
        Point(main["decode_intensity"], main["decode_attained_flop_per_s"],
              Text(f"デコード B = {values['batch_size']:,}", f"decode B = {values['batch_size']:,}"), 0),
        Point(main["prefill_intensity"], main["prefill_attained_flop_per_s"],
              Text("プリフィル", "prefill"), 1),
    )
    names = ", ".join(f"{chip['short_name']} {significant(chip['ridge_flop_per_byte'], 3)}"
                      for chip in out["chips"])
    return LineChart(
        title=Text(f"ルーフライン: {out['model_name']}（重み {values['weight_dtype'].upper()}）",
                   f"Roofline: {out['model_name']} ({values['weight_dtype'].upper()} weights)"),
        x_label=Text("演算強度（FLOP/バイト、対数）", "arithmetic intensity (FLOP per byte, log)"),
        y_label=Text("到達可能な演算性能（FLOP/s、対数）", "attainable FLOP/s (log)"),
        series=tuple(series), points=points, x_log=True, y_log=True, x_ticks=X_TICKS,
        x_format="number", y_format="flop_per_s",
        description=Text(f"各線の折れ目（リッジ、FLOP/バイト）: {names}",
                         f"Ridge points (FLOP per byte): {names}"))


def throughput_chart(values: dict, out: dict) -> BarChart:
    """Decode tokens/s per chip: the memory-bound and the compute-bound ceiling of each chip
    (the lower one binds)."""
    chips = out["chips"]
    return BarChart(
        title=Text(f"デコードの上限（1 チップ、バッチ {values['batch_size']:,}、"
                   f"コンテキスト {values['context_length']:,}）",
                   f"Decode ceilings (one chip, batch {values['batch_size']:,}, "
                   f"context {values['context_length']:,})"),
        value_label=Text("トークン/秒（対数）", "tokens/s (log)"),
        categories=tuple(_chip_label(chip) for chip in chips),
        series=(BarSeries(Text("メモリ帯域幅で決まる上限", "memory-bandwidth ceiling"),
                          tuple(chip["decode_memory_ceiling"] for chip in chips)),
                BarSeries(Text("演算性能で決まる上限", "compute ceiling"),
                          tuple(chip["decode_compute_ceiling"] for chip in chips))),
        value_format="tokens_per_s", value_log=True, highlight=(0,),
        description=Text("低いほうの棒がそのチップの上限です。",
                         "The shorter bar is the chip's ceiling."))


def front_chart(values: dict, out: dict) -> LineChart:
    """Tokens/s per chip against tokens/s per user: ceilings and published measurements."""
    return measured_view.front_chart(out["model_name"], out["chip_name"], values["weight_dtype"],
                                     out["front_curves"], out["measured"])


def measured_notes(values: dict, out: dict) -> list[Text]:
    """One sentence per published result, and how its ceiling was taken."""
    if not out["measured"]:
        return [Text("このモデルとチップの組み合わせで公表された測定結果は data/measured/ にありません。",
                     "No published measurement of this model on this chip is in "
                     "data/measured/.")] if not values["config"] else []
    found = [Text("測定値の上限は、記録の条件（重みと KV キャッシュの数値型、チップ数、入出力の長さ、同時接続数または"
                  "レイテンシ目標）で計算しています。チップ数分を理想的な 1 台と見なし（重みは 1 組、通信なし）、"
                  "プリフィルの時間も含めます。",
                  "Each measurement's ceiling is computed at the record's own conditions (weight "
                  "and KV-cache formats, chip count, input and output lengths, concurrency or "
                  "latency target), treating its chips as one ideal machine (weights stored once, "
                  "no communication) and counting the prefill time.")]
    found += [measured_view.share_note(row) for row in out["measured"]]
    other = sorted({row["weights"].upper() for row in out["measured"]
                    if row["weights"] != values["weight_dtype"]})
    if other:
        found.append(Text(f"グラフの線は {values['weight_dtype'].upper()} の重みの上限です。{'・'.join(other)} の記録は、"
                          "自分の条件での上限に対する割合（%）で比べてください。",
                          f"The chart's lines are ceilings for {values['weight_dtype'].upper()} "
                          f"weights; compare the {', '.join(other)} records by their share of their "
                          "own ceiling (%)."))
    return found


def notes(values: dict, out: dict) -> list[Text]:
    found = []
    if out["ep_degree"] != out["ep_degree_requested"]:
        if out["is_moe"]:
            found.append(Text("エキスパート並列度はエキスパート数（{e}）を超えられないので {e} で計算しました。",
                              "The expert-parallel degree cannot exceed the number of experts "
                              "({e}); {e} was used.").format(e=out["ep_degree"]))
        else:
            found.append(Text("密なモデルなのでエキスパート並列度は使いません（重みは各チップに 1 組ずつ）。",
                              "A dense model: the expert-parallel degree is not used (each chip "
                              "holds the whole model)."))
    if out["fits_in_memory"] is False:
        found.append(Text("1 チップに必要なメモリ（{need:.0f} GB）がチップのメモリ（{have:.0f} GB）を超えます。"
                          "エキスパート並列度を上げるか、重みの数値型を小さくしないとこの構成は動きません。",
                          "One chip would need {need:.0f} GB of memory, more than its {have:.0f} GB: "
                          "this set-up only runs with a higher expert-parallel degree or a "
                          "smaller weight format.").format(
            need=out["memory_needed_bytes"] / 1e9, have=out["chip_memory_bytes"] / 1e9))
    weight = values["weight_dtype"].upper()
    if out["compute_precision"] not in (weight, "CUSTOM") and not (
            weight == "INT4" and out["compute_precision"] in ("BF16", "FP16")):
        found.append(Text("このチップには {w} の演算器の公表値がないため、重みを {p} に戻して {p} の性能で計算しています。",
                          "The chip has no published {w} rate, so the weights are taken as "
                          "dequantized to {p} and timed at its {p} peak.").format(
            w=weight, p=out["compute_precision"]))
    if out["is_moe"]:
        found.append(Text("ルーティングが一様でトークンごとに独立という仮定の期待値です。実際のルータは偏り、DeepSeek は冗長エキスパートで負荷を均しています。",
                          "Experts touched assume uniform, independent routing (an expected "
                          "value); real routers are skewed, and DeepSeek evens the load with "
                          "redundant experts."))
    too_small = [chip["name"] for chip in out["chips"][1:] if chip["fits_in_memory"] is False]
    if too_small:
        found.append(Text("比較したうち、この構成ではメモリに収まらないチップ: {names}（速度の上限は参考値）。",
                          "Compared chips whose memory cannot hold this set-up: {names} (their "
                          "speed limits are for reference only).").format(names=", ".join(too_small)))
    unverified = [chip["name"] for chip in out["chips"] if chip["unverified"]]
    if unverified:
        found.append(Text("一次資料で確認できていない数値を含むチップ: {names}（出典はチップ表）。",
                          "Chips with figures not checked against a primary source: {names} "
                          "(sources in the chip table).").format(names=", ".join(unverified)))
    if out["skipped_chips"]:
        names = ", ".join(data.chips()[chip_id]["name"] for chip_id in out["skipped_chips"])
        found.append(Text("公表値がない（null）ため比較から外したチップ: {names}。",
                          "Left out of the comparison for lack of a published figure (null): "
                          "{names}.").format(names=names))
    if out["crossover_batch"] is None:
        found.append(Text("このコンテキスト長では、バッチをいくら増やしてもデコードは演算律速になりません（系列ごとの KV キャッシュ読み出しが計算と同じ速さで増えるため）。",
                          "At this context length decode never turns compute-bound, however "
                          "large the batch: each sequence's KV-cache read grows as fast as its "
                          "computation."))
    found.append(Text("ルーフラインは時間の下限（速度の上限）です。通信（エキスパート並列の全対全通信、NVLink・InfiniBand）、"
                      "カーネルの効率、クロックの低下は含みません。長いコンテキストでのアテンションの実装、投機的デコーディング（MTP）、"
                      "プリフィルとデコードの干渉も含みません。",
                      "A roofline is a lower bound on time (an upper bound on speed). It leaves "
                      "out communication (expert-parallel all-to-all, NVLink, InfiniBand), kernel "
                      "efficiency, clock throttling, how attention is implemented at long "
                      "context, speculative decoding (MTP) and interference between prefill and "
                      "decode."))
    return found + measured_notes(values, out)


# --------------------------------------------------------------------------- declaration

def _batch() -> Field:
    return dataclasses.replace(
        inputs.batch_size(default=64),
        label=Text("1 チップあたりのバッチ（同時に生成する系列数）",
                   "Batch per chip (sequences generated at once)"),
        help=Text("デコードで 1 チップが同時に扱う系列数。プリフィルでは、この数の系列をまとめて処理します。",
                  "Sequences one chip decodes at once; prefill processes this many prompts "
                  "together."))


ROOFLINE = Calculator(
    id="roofline",
    title=Text("ルーフライン: プリフィルとデコードの上限", "Roofline: prefill and decode ceilings"),
    summary=Text("モデル・数値型・アクセラレータ・バッチ・コンテキスト長から、プリフィルとデコードの速度の上限と、"
                 "どちらが律速かを計算します。GPU と ASIC を並べて比べます。",
                 "Prefill and decode speed limits from a model, a weight format, an "
                 "accelerator, a batch and a context length, and which resource binds; GPUs "
                 "and ASICs side by side."),
    inputs=(
        inputs.model(),
        inputs.config(),
        inputs.weight_dtype(default="fp8"),
        inputs.kv_dtype(),
        inputs.chip(default="h800-sxm"),
        Field("compare", "choice", Text("比べるアクセラレータ", "Accelerators to compare"),
              default="gpu-asic", choices=(
                  Choice("gpu-asic", Text("GPU と ASIC の代表", "Representative GPUs and ASICs")),
                  Choice("nvidia", Text("NVIDIA の世代", "NVIDIA generations")),
                  Choice("asic", Text("TPU・Trainium・Ascend", "TPU, Trainium, Ascend")),
                  Choice("china", Text("輸出管理で話題のチップ", "Chips in the export-control story")),
                  Choice("none", Text("比べない", "None")))),
        _batch(),
        inputs.context_length(default=4096),
        Field("ep_degree", "int", Text("エキスパート並列度（チップ数）", "Expert-parallel degree (chips)"),
              default=32, minimum=1, maximum=100_000,
              help=Text("MoE のエキスパートを何チップに分けるか。エキスパート以外の重みは各チップが 1 組ずつ持ちます"
                        "（DeepSeek のデータ並列アテンション）。密なモデルでは使いません。",
                        "Chips the routed experts are split over; the other weights are "
                        "replicated on every chip (DeepSeek's data-parallel attention). Not "
                        "used for dense models.")),
        Field("peak_tflops", "float", Text("演算性能を上書き（TFLOP/s、密）",
                                           "Override peak (dense TFLOP/s)"),
              optional=True, advanced=True, minimum=0.001, maximum=1e6,
              help=Text("仮想のチップを試すとき。空欄ならチップ表の値を使います。",
                        "To try a hypothetical chip; empty uses the chip table.")),
        Field("bandwidth_tb_s", "float", Text("メモリ帯域幅を上書き（TB/s）",
                                              "Override memory bandwidth (TB/s)"),
              optional=True, advanced=True, minimum=0.001, maximum=1e4,
              help=Text("空欄ならチップ表の値を使います。", "Empty uses the chip table.")),
    ),
    outputs=(
        Output("model_name", Text("モデル", "Model"), "text"),
        Output("chip_name", Text("アクセラレータ", "Accelerator"), "text"),
        Output("compute_precision", Text("行列積の数値型", "Matrix-multiply precision"), "text"),
        Output("peak_flops", Text("演算性能（密）", "Peak (dense)"), "flop_per_s"),
        Output("memory_bandwidth_tb_per_s", Text("メモリ帯域幅", "Memory bandwidth"), "number",
               unit="TB/s"),
        Output("ridge_flop_per_byte", Text("チップの FLOP/バイト（リッジ）", "Chip FLOP per byte (ridge)"),
               "number"),
        Output("model_flop_per_byte_batch1", Text("モデルの FLOP/バイト（デコード、バッチ 1）",
                                                  "Model FLOP per byte (decode, batch 1)"), "number"),
        Output("decode_intensity", Text("デコードの演算強度（このバッチ）",
                                        "Decode arithmetic intensity (this batch)"), "number"),
        Output("decode_memory_bound", Text("デコードはメモリ律速か", "Decode memory-bound"), "bool"),
        Output("decode_memory_ceiling", Text("デコード: メモリ帯域幅の上限（1 チップ）",
                                             "Decode: memory ceiling (per chip)"), "tokens_per_s"),
        Output("decode_compute_ceiling", Text("デコード: 演算性能の上限（1 チップ）",
                                              "Decode: compute ceiling (per chip)"), "tokens_per_s"),
        Output("decode_tokens_per_s_per_chip", Text("デコード速度の上限（1 チップ）",
                                                    "Decode speed limit (per chip)"), "tokens_per_s"),
        Output("decode_tokens_per_s_per_user", Text("デコード速度の上限（1 系列）",
                                                    "Decode speed limit (per sequence)"),
               "tokens_per_s"),
        Output("time_per_output_token", Text("出力 1 トークンの時間（下限）",
                                             "Time per output token (lower bound)"), "duration"),
        Output("crossover_batch", Text("デコードが演算律速になるバッチ", "Batch where decode turns compute-bound"),
               "number"),
        Output("experts_touched_per_layer", Text("1 層で読むエキスパート数（1 チップ、期待値）",
                                                 "Experts read per layer (per chip, expected)"),
               "number"),
        Output("decode_bytes", Text("デコード 1 ステップで読むバイト数（1 チップ）",
                                    "Bytes read per decode step (per chip)"), "bytes"),
        Output("decode_flops", Text("デコード 1 ステップの演算量（1 チップ）",
                                    "FLOPs per decode step (per chip)"), "flops"),
        Output("prefill_memory_bound", Text("プリフィルはメモリ律速か", "Prefill memory-bound"), "bool"),
        Output("prefill_tokens_per_s_per_chip", Text("プリフィル速度の上限（1 チップ）",
                                                     "Prefill speed limit (per chip)"),
               "tokens_per_s"),
        Output("prefill_time", Text("プリフィル時間の下限（バッチ全体）",
                                    "Prefill time, lower bound (whole batch)"), "duration"),
        Output("memory_needed_bytes", Text("1 チップに必要なメモリ（重み＋KV キャッシュ）",
                                           "Memory needed per chip (weights + KV cache)"), "bytes"),
        Output("fits_in_memory", Text("チップのメモリに収まるか", "Fits in the chip's memory"), "bool"),
        Output("config_source", Text("config の出典", "Config source"), "url"),
        Output("measured_count", Text("このモデルとチップの公表された測定結果", "Published results for this model and chip"),
               "count"),
        Output("measured_best_share", Text("測定値の上限に対する割合（最大）", "Measured share of ceiling (largest)"),
               "percent"),
        Output("measured_best_id", Text("最大の記録", "Record with the largest share"), "text"),
        Output("measured_worst_share", Text("測定値の上限に対する割合（最小）", "Measured share of ceiling (smallest)"),
               "percent"),
        Output("measured_worst_id", Text("最小の記録", "Record with the smallest share"), "text"),
        *(Output(name, Text(ja, en), "data") for name, ja, en in (
            ("attention_kind", "アテンション方式", "attention kind"),
            ("total_params", "総パラメータ数", "total parameters"),
            ("matmul_params", "1 トークンが掛け算する重み", "weights multiplied per token"),
            ("all_expert_params", "ルーティングされるエキスパートの合計", "all routed experts"),
            ("is_moe", "MoE か", "MoE"),
            ("num_experts", "エキスパート数", "experts"),
            ("top_k", "1 トークンが選ぶエキスパート数", "experts per token"),
            ("num_moe_layers", "MoE 層の数", "MoE layers"),
            ("dense_params", "エキスパート以外の重み", "weights other than routed experts"),
            ("expert_params", "エキスパート 1 個の重み", "weights of one expert"),
            ("ep_degree", "使ったエキスパート並列度", "expert-parallel degree used"),
            ("ep_degree_requested", "入力したエキスパート並列度", "expert-parallel degree entered"),
            ("bytes_per_weight", "重み 1 個のバイト数", "bytes per weight"),
            ("kv_bytes_per_token", "1 トークンの KV キャッシュ", "KV cache per token"),
            ("matmul_flops_per_token", "1 トークンの行列積 FLOP", "matmul FLOPs per token"),
            ("decode_attention_flops_per_context_token", "文脈 1 トークンあたりのアテンション FLOP",
             "attention FLOPs per context token"),
            ("chip_kind", "チップの種類", "chip kind"),
            ("attention_peak_flops", "アテンションに使う演算性能", "attention peak"),
            ("experts_touched_share", "読むエキスパートの割合", "share of experts read"),
            ("decode_dense_weight_bytes", "エキスパート以外の重み（バイト）", "dense weight bytes"),
            ("decode_expert_weight_bytes", "エキスパートの重み（バイト）", "expert weight bytes"),
            ("decode_kv_bytes", "KV キャッシュ（バイト）", "KV-cache bytes"),
            ("decode_compute_time", "デコードの演算時間", "decode compute time"),
            ("decode_memory_time", "デコードのメモリ時間", "decode memory time"),
            ("prefill_compute_ceiling", "プリフィルの演算上限", "prefill compute ceiling"),
            ("prefill_memory_ceiling", "プリフィルのメモリ上限", "prefill memory ceiling"),
            ("prefill_intensity", "プリフィルの演算強度", "prefill arithmetic intensity"),
            ("chip_memory_bytes", "チップのメモリ", "chip memory"),
            ("chips", "チップごとの結果", "results per chip"),
            ("skipped_chips", "外したチップ", "chips left out"),
            ("measured", "測定結果と上限（記録ごと）", "measurements and ceilings, per record"),
            ("front_curves", "レイテンシとスループットの上限曲線", "latency-throughput ceiling curves"),
        )),
    ),
    compute=compute,
    formula=formula,
    charts=(ChartSlot("roofline", Text("ルーフラインのグラフ", "Chart: roofline"), roofline_chart),
            ChartSlot("throughput", Text("チップごとのデコード上限", "Chart: decode ceilings by chip"),
                      throughput_chart),
            ChartSlot("front", Text("レイテンシとスループット: 上限と測定値",
                                    "Chart: latency–throughput front, ceilings and measurements"),
                      front_chart)),
    notes=notes,
    symbols=(
        ("P", Text("行列積の演算性能（密、FLOP/s）", "matrix-multiply peak (dense, FLOP/s)")),
        ("BW", Text("メモリ帯域幅（バイト/秒）", "memory bandwidth (bytes/s)")),
        ("I^{*}", Text("チップの FLOP/バイト（リッジ）", "chip FLOP per byte (ridge point)")),
        ("E,\\ k", Text("エキスパート数と 1 トークンが選ぶ数", "experts, and experts per token")),
        ("D", Text("エキスパート並列度", "expert-parallel degree")),
        ("B", Text("1 チップあたりのバッチ", "batch per chip")),
        ("T", Text("コンテキスト長", "context length")),
        ("N_{\\text{dense}}", Text("エキスパート以外の、1 トークンが掛け算する重み",
                                   "weights multiplied per token, other than routed experts")),
        ("N_{e}", Text("エキスパート 1 個の重み", "weights of one routed expert")),
        ("L_{\\text{MoE}}", Text("MoE 層の数", "MoE layers")),
        ("b_w", Text("重み 1 個のバイト数", "bytes per weight")),
        ("M_{\\text{token}}", Text("1 トークンの KV キャッシュ", "KV cache per token")),
        ("N_{\\text{mm}}", Text("1 トークンが掛け算する重み", "weights multiplied per token")),
        ("f_{\\text{attn}}", Text("文脈 1 トークンあたりのアテンション FLOP",
                                  "attention FLOPs per context token")),
    ),
)
