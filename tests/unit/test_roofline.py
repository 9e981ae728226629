"""Roofline of inference: the arithmetic (dscalc.hardware.roofline_model) and the calculator (``roofline``).

Checked against things we did not write: the chip table's published peaks and bandwidths,
DeepSeek's own roofline arithmetic for MLA decoding on the H800 (FlashMLA deep-dive, 2025-04-22:
"peak memory bandwidth of 3.35 TB/s and peak FLOPs of 990 TFlops", MLA's compute-to-memory ratio
"≈ 2 h_q s_q"), DeepSeek's measured serving throughput on H800 nodes (open-infra-index, day 6:
~14.8k output tokens/s per node of 8 GPUs, an average KV length of 4,989 tokens, EP144 decode
units), and an exact count of expert sets by enumeration.
"""

import itertools
import math
import time
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

import dscalc
from dscalc import data, web
from dscalc.hardware.roofline_model import (ModelShape, Roof, crossover_batch, decode_work,
                                            expected_distinct_experts, step_time)


def roofline(**inputs):
    return dscalc.run("roofline", inputs)


# --------------------------------------------------------------------------- expected experts

def test_one_token_touches_exactly_its_k_experts():
    assert expected_distinct_experts(256, 8, 1) == pytest.approx(8, rel=1e-12)
    assert expected_distinct_experts(8, 2, 1) == pytest.approx(2, rel=1e-12)


def test_many_tokens_touch_every_expert():
    assert expected_distinct_experts(256, 8, 10_000) == pytest.approx(256, rel=1e-12)
    assert expected_distinct_experts(256, 8, 10**12) == 256


def test_the_formula_is_the_exact_expectation_by_enumeration():
    """All (E choose k)^B routings of B tokens, each choosing k distinct experts uniformly."""
    for experts, top_k, tokens in ((4, 2, 2), (5, 2, 3), (6, 3, 2), (5, 1, 4)):
        sets = list(itertools.combinations(range(experts), top_k))
        total = Fraction(0)
        for routing in itertools.product(sets, repeat=tokens):
            total += len(set().union(*routing))
        exact = total / len(sets) ** tokens
        closed = experts * (1 - (1 - Fraction(top_k, experts)) ** tokens)
        assert exact == closed
        assert expected_distinct_experts(experts, top_k, tokens) == pytest.approx(float(exact))


@settings(max_examples=200, deadline=None)
@given(experts=st.integers(1, 1024), data_=st.data(), tokens=st.integers(1, 10**6))
def test_experts_touched_lie_between_k_and_min_of_e_and_kb(experts, data_, tokens):
    top_k = data_.draw(st.integers(1, experts))
    touched = expected_distinct_experts(experts, top_k, tokens)
    assert top_k * (1 - 1e-9) <= touched <= min(experts, top_k * tokens) * (1 + 1e-9)
    assert touched <= expected_distinct_experts(experts, top_k, tokens + 1) + 1e-9


# --------------------------------------------------------------------------- against the chips

def test_the_h800_ridge_is_deepseeks_990_over_3_35():
    """FlashMLA deep-dive: 3.35 TB/s and 990 TFLOPS (BF16) on the H800 SXM5."""
    result = roofline(chip="h800-sxm", weight_dtype="bf16")
    assert result["compute_precision"] == "BF16"
    assert result["ridge_flop_per_byte"] == pytest.approx(990 / 3.35)


def test_decode_at_batch_one_scales_with_memory_bandwidth():
    """H100 and H200 have the same GH100 compute; only HBM differs (3.35 vs 4.8 TB/s)."""
    inputs = dict(model="llama-3.1-8b", weight_dtype="bf16", batch_size=1, context_length=1024,
                  compare="none")
    h100 = roofline(chip="h100-sxm", **inputs)
    h200 = roofline(chip="h200-sxm", **inputs)
    assert h100["decode_memory_bound"] and h200["decode_memory_bound"]
    chips = data.chips()
    ratio = (chips["h200-sxm"]["memory_bandwidth_bytes_per_s"]
             / chips["h100-sxm"]["memory_bandwidth_bytes_per_s"])
    assert h200["decode_tokens_per_s_per_chip"] / h100["decode_tokens_per_s_per_chip"] == \
        pytest.approx(ratio, rel=1e-12)


def test_doubling_bandwidth_doubles_memory_bound_speed_and_leaves_compute_bound_alone():
    base = dict(model="llama-3.1-8b", weight_dtype="bf16", compare="none", peak_tflops=1000,
                context_length=1)
    slow = roofline(batch_size=1, bandwidth_tb_s=2, **base)
    fast = roofline(batch_size=1, bandwidth_tb_s=4, **base)
    assert fast["decode_tokens_per_s_per_chip"] == pytest.approx(
        2 * slow["decode_tokens_per_s_per_chip"], rel=1e-12)
    big_slow = roofline(batch_size=5000, bandwidth_tb_s=2, **base)
    big_fast = roofline(batch_size=5000, bandwidth_tb_s=4, **base)
    assert not big_slow["decode_memory_bound"]
    assert big_fast["decode_tokens_per_s_per_chip"] == pytest.approx(
        big_slow["decode_tokens_per_s_per_chip"], rel=1e-12)


def test_the_crossover_batch_is_the_chips_flop_per_byte_over_the_models():
    """Dense model, one token of context (KV reads negligible): B* = (P/BW) / (F/W)."""
    result = roofline(model="llama-3.1-8b", weight_dtype="bf16", chip="h100-sxm",
                      batch_size=1, context_length=1, compare="none")
    assert result["crossover_batch"] == pytest.approx(
        result["ridge_flop_per_byte"] / result["model_flop_per_byte_batch1"], rel=3e-3)
    # Exactly, with the KV read: B* = W / (F·BW/P − K).
    weights = result["dense_params"] * result["bytes_per_weight"]
    flops = (result["matmul_flops_per_token"]
             + result["decode_attention_flops_per_context_token"])
    peak, bandwidth = result["peak_flops"], result["memory_bandwidth_tb_per_s"] * 1e12
    exact = weights / (flops * bandwidth / peak - result["kv_bytes_per_token"])
    assert result["crossover_batch"] == pytest.approx(exact, rel=1e-9)
    # BF16 weights: 2 FLOP per 2 bytes, so B* is about the ridge (989.5/3.35 ≈ 295).
    assert 290 < result["crossover_batch"] < 300


def test_decode_turns_compute_bound_at_the_crossover():
    inputs = dict(model="qwen3-8b", weight_dtype="fp8", chip="b200", context_length=128,
                  compare="none")
    crossover = roofline(batch_size=1, **inputs)["crossover_batch"]
    assert crossover is not None
    assert roofline(batch_size=math.floor(crossover), **inputs)["decode_memory_bound"]
    assert not roofline(batch_size=math.ceil(crossover) + 1, **inputs)["decode_memory_bound"]


def test_long_context_mla_decode_is_near_deepseeks_2_hq_ratio():
    """FlashMLA: MLA decoding does about 2·h_q FLOPs per byte of BF16 cache it reads; exactly
    n_h (2 d_c + d_h^R) / (d_c + d_h^R) in the absorbed form."""
    result = roofline(model="deepseek-v3", kv_dtype="bf16", compare="none",
                      batch_size=64, context_length=1_000_000)
    attention_flops = result["decode_attention_flops_per_context_token"]
    per_byte = attention_flops / result["kv_bytes_per_token"]
    assert per_byte == pytest.approx(128 * (2 * 512 + 64) / (512 + 64))
    assert per_byte == pytest.approx(2 * 128, rel=0.06)


def test_deepseeks_measured_serving_is_below_the_roofline_ceiling():
    """Day 6 of DeepSeek's open-infra week: ~14.8k output tokens/s per H800 node (8 GPUs),
    20-22 tokens/s per user, average KV length 4,989, decode units of EP144 (FP8 matmuls). The
    roofline is an upper bound, so it must sit above what was measured, by a believable factor."""
    per_gpu, per_user = 14_800 / 8, 21
    batch = round(per_gpu / per_user)
    result = roofline(model="deepseek-v3", chip="h800-sxm", weight_dtype="fp8", kv_dtype="bf16",
                      batch_size=batch, context_length=4989, ep_degree=144, compare="none")
    assert result["fits_in_memory"]
    assert per_gpu < result["decode_tokens_per_s_per_chip"] < 10 * per_gpu
    assert per_user < result["decode_tokens_per_s_per_user"] < 10 * per_user


# --------------------------------------------------------------------------- MoE reads

def test_an_moe_decode_step_at_batch_one_reads_the_active_weights():
    result = roofline(model="deepseek-v3", weight_dtype="fp8", batch_size=1, context_length=1,
                      ep_degree=1, compare="none")
    assert result["experts_touched_per_layer"] == pytest.approx(8)
    weights = result["decode_bytes"] - result["decode_kv_bytes"]
    assert weights == pytest.approx(result["matmul_params"] * 1.0, rel=1e-12)


def test_a_large_batch_reads_every_expert():
    result = roofline(model="deepseek-v3", weight_dtype="fp8", batch_size=100_000,
                      context_length=1, ep_degree=1, compare="none")
    assert result["decode_expert_weight_bytes"] == pytest.approx(result["all_expert_params"],
                                                                 rel=1e-9)


def test_expert_parallelism_splits_the_experts_and_keeps_the_rest():
    one = roofline(model="deepseek-v3", batch_size=4096, ep_degree=1, compare="none",
                   context_length=1)
    many = roofline(model="deepseek-v3", batch_size=4096 // 32, ep_degree=32, compare="none",
                    context_length=1)
    assert many["decode_dense_weight_bytes"] == one["decode_dense_weight_bytes"]
    assert many["decode_expert_weight_bytes"] == pytest.approx(
        one["decode_expert_weight_bytes"] / 32, rel=1e-9)


def test_the_expert_parallel_degree_is_capped_at_the_number_of_experts():
    answer = web.evaluate("roofline", {"model": "mixtral-8x7b", "ep_degree": 32}, "en")
    assert answer["outputs"]["ep_degree"] == 8
    assert any("cannot exceed the number of experts (8)" in note for note in answer["notes"])


def test_a_dense_model_ignores_the_expert_parallel_degree():
    a = roofline(model="llama-3.1-8b", ep_degree=1)
    b = roofline(model="llama-3.1-8b", ep_degree=64)
    assert a["decode_tokens_per_s_per_chip"] == b["decode_tokens_per_s_per_chip"]
    assert b["ep_degree"] == 1


# --------------------------------------------------------------------------- prefill

def test_a_long_prompt_prefill_is_compute_bound_on_every_chip():
    result = roofline(model="llama-3.1-8b", weight_dtype="bf16", batch_size=1,
                      context_length=8192, compare="gpu-asic")
    assert not result["prefill_memory_bound"]
    for chip in result["chips"]:
        assert not chip["prefill_memory_bound"], chip["id"]
        assert chip["decode_memory_bound"], chip["id"]


def test_prefill_tokens_per_second_is_tokens_over_time():
    result = roofline(batch_size=8, context_length=2048)
    assert result["prefill_tokens_per_s_per_chip"] == pytest.approx(
        8 * 2048 / result["prefill_time"])


# --------------------------------------------------------------------------- the pure functions

def test_step_time_is_the_slower_of_compute_and_memory():
    shape = ModelShape(dense_params=10**9, expert_params=0, num_moe_layers=0, num_experts=0,
                       top_k=0, matmul_flops_per_token=2e9, prefill_attention_flops=0.0,
                       decode_attention_flops=0.0, kv_bytes_per_token=0.0)
    roof = Roof(matmul_peak=1e15, attention_peak=1e15, bandwidth=1e12)
    work = decode_work(shape, 1, 1, 1, 2.0)
    assert step_time(work, roof) == pytest.approx(2e9 / 1e12)
    assert crossover_batch(shape, roof, 1, 1, 2.0) == pytest.approx(1000, rel=1e-9)


def test_no_crossover_when_the_kv_cache_outgrows_the_work():
    shape = ModelShape(dense_params=10**9, expert_params=0, num_moe_layers=0, num_experts=0,
                       top_k=0, matmul_flops_per_token=2e9, prefill_attention_flops=4e3,
                       decode_attention_flops=4e3, kv_bytes_per_token=4e3)
    roof = Roof(matmul_peak=1e15, attention_peak=1e15, bandwidth=1e12)
    assert crossover_batch(shape, roof, 10**7, 1, 2.0) is None


# --------------------------------------------------------------------------- the answer

def test_gpus_and_asics_appear_side_by_side_with_chip_kinds():
    result = roofline(compare="gpu-asic")
    kinds = {chip["kind"] for chip in result["chips"]}
    assert {"gpu", "tpu", "asic"} <= kinds
    assert result["chips"][0]["id"] == "h800-sxm"
    answer = web.evaluate("roofline", {}, "en")
    assert "TPU" in answer["charts"]["roofline"] and "Trainium" in answer["charts"]["roofline"]


def test_chips_without_published_figures_are_named_not_guessed():
    result = roofline(compare="none", chip="b200")
    assert result["skipped_chips"] == []
    with pytest.raises(dscalc.ValidationError) as error:
        roofline(chip="gaudi3")
    assert error.value.field == "chip" and "null" in error.value.message_en
    assert "null" in error.value.message_ja
    assert roofline(chip="gaudi3", peak_tflops=1835, bandwidth_tb_s=3.7)["chip_name"].endswith("*")


def test_a_format_the_chip_cannot_run_is_timed_dequantized_and_said_so():
    answer = web.evaluate("roofline", {"chip": "a100-sxm-80gb", "weight_dtype": "fp8"}, "en")
    assert answer["outputs"]["compute_precision"] == "BF16"
    assert any("no published FP8 rate" in note for note in answer["notes"])


def test_the_notes_say_what_the_roofline_leaves_out_in_both_languages():
    for lang, words in (("en", ("communication", "kernel efficiency", "long context")),
                        ("ja", ("通信", "カーネルの効率", "長いコンテキスト"))):
        notes = " ".join(web.evaluate("roofline", {}, lang)["notes"])
        for word in words:
            assert word in notes


@pytest.mark.parametrize("inputs, field", [
    ({"model": "custom"}, "config"),
    ({"batch_size": 0}, "batch_size"),
    ({"ep_degree": 0}, "ep_degree"),
    ({"context_length": "many"}, "context_length"),
    ({"compare": "everything"}, "compare"),
    ({"chip": "h900"}, "chip"),
    ({"peak_tflops": -1}, "peak_tflops"),
    ({"config": "{not json"}, "config"),
    ({"config": {"num_hidden_layers": 2}}, "config"),
])
def test_junk_is_refused_with_a_message_in_both_languages(inputs, field):
    with pytest.raises(dscalc.ValidationError) as error:
        roofline(**inputs)
    assert error.value.field == field
    assert error.value.message_ja and error.value.message_en


def test_the_largest_inputs_answer_quickly():
    start = time.perf_counter()
    answer = web.evaluate("roofline", {"batch_size": 100_000, "context_length": 10_000_000,
                                       "ep_degree": 100_000, "compare": "nvidia"}, "ja")
    assert answer["ok"]
    assert time.perf_counter() - start < 2.0  # CPython: about 6 ms; a loose guard only


def test_decode_reads_what_the_kv_cache_calculator_says_a_step_reads():
    """Windows, states and sparse attention: the roofline reads the cache the way kv-cache does,
    not all T tokens of every layer."""
    for model in ("gpt-oss-120b", "deepseek-v3.2", "qwen3.5-397b-a17b", "deepseek-v3"):
        inputs = {"model": model, "context_length": 65_536, "batch_size": 4, "compare": "none"}
        roof = dscalc.run("roofline", inputs)
        cache = dscalc.run("kv-cache", {"model": model, "context_length": 65_536, "batch_size": 4})
        assert roof["decode_kv_bytes"] == pytest.approx(cache["bytes_read_per_decode_step"], rel=1e-9), model
    full = dscalc.run("kv-cache", {"model": "gpt-oss-120b", "context_length": 65_536})
    assert full["bytes_read_per_decode_step"] < full["bytes_per_token"] * 65_536 * 2
