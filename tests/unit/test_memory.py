"""Inference memory: weights + KV cache, and how many accelerators hold them."""

import re

import pytest

import dscalc
from dscalc import web
from dscalc.calcs.memory import gpus_needed, weight_bytes


def memory(**inputs):
    return dscalc.run("memory", inputs)


def notes(lang="en", **inputs) -> str:
    """The notes the page shows under the results, joined."""
    return " ".join(web.evaluate("memory", inputs, lang)["notes"])


def test_gpt3_175b_in_fp32_is_about_700_gb_in_one_call():
    """The seed claim "GPT-3 175B in FP32 ≈ 700 GB"."""
    result = memory(model="gpt-3", weight_dtype="fp32", batch_size=1, context_length=1)
    total_params = dscalc.run("model-size", {"model": "gpt-3"})["total_params"]
    assert result["weight_params"] == total_params
    assert result["weight_bytes"] == 4 * total_params
    assert abs(result["weight_bytes"] - 700e9) / 700e9 < 0.005  # 698.4 GB


def test_exactly_175e9_parameters_in_fp32_are_exactly_700e9_bytes():
    result = memory(model="params", params=175e9, weight_dtype="fp32")
    assert result["weight_bytes"] == 700_000_000_000
    assert result["total_bytes"] == 700_000_000_000


def test_a_parameter_count_typed_as_text_works():
    assert memory(model="params", params="175e9")["weight_params"] == 175_000_000_000


@pytest.mark.parametrize("dtype, bytes_per_weight", [
    ("fp32", 4), ("bf16", 2), ("fp16", 2), ("fp8", 1), ("int8", 1), ("int4", 0.5)])
def test_weight_bytes_follow_the_data_type(dtype, bytes_per_weight):
    result = memory(model="params", params=1_000_000, weight_dtype=dtype)
    assert result["weight_bytes"] == 1_000_000 * bytes_per_weight


def test_int4_rounds_an_odd_count_up_to_a_whole_byte():
    assert weight_bytes(3, 4) == 2


def test_a_bare_parameter_count_has_no_kv_cache_and_says_so():
    result = memory(model="params", params=7e9, context_length=100_000, batch_size=8)
    assert result["kv_cache_bytes"] == 0
    assert "KV" in notes(model="params", params=7e9)
    assert "KV" in notes("ja", model="params", params=7e9)


def test_params_without_a_count_names_the_params_field():
    with pytest.raises(dscalc.ValidationError) as caught:
        memory(model="params")
    assert caught.value.field == "params"


def test_custom_without_a_config_names_the_config_field():
    with pytest.raises(dscalc.ValidationError) as caught:
        memory(model="custom")
    assert caught.value.field == "config"


def test_kv_cache_comes_from_the_kv_cache_calculator():
    inputs = {"model": "qwen2.5-72b", "context_length": 131_072, "batch_size": 4}
    kv = dscalc.run("kv-cache", dict(inputs, kv_dtype="fp8"))
    result = memory(**inputs, kv_dtype="fp8")
    assert result["kv_cache_bytes_per_token"] == kv["bytes_per_token"]
    assert result["kv_cache_bytes"] == kv["total_bytes"]
    assert result["total_bytes"] == result["weight_bytes"] + result["kv_cache_bytes"]


def test_a_given_parameter_count_replaces_the_model_total_but_keeps_its_kv_cache():
    preset = memory(model="deepseek-v3")
    given = memory(model="deepseek-v3", params=1000)
    assert given["weight_params"] == 1000
    assert given["kv_cache_bytes"] == preset["kv_cache_bytes"] > 0
    assert "entered" in notes(model="deepseek-v3", params=1000)


def test_deepseek_v3_weights_leave_out_the_mtp_module_and_say_so():
    result = memory(model="deepseek-v3", weight_dtype="fp8")
    assert result["weight_params"] == dscalc.run("model-size")["total_params"]
    assert "MTP" in notes(model="deepseek-v3", weight_dtype="fp8")
    assert "MTP" not in notes(model="llama-3.1-405b")


def test_h200_has_141_gb_from_data():
    assert memory(chip="h200-sxm")["chip_memory_bytes"] == 141_000_000_000
    assert dscalc.data.chips()["h200-sxm"]["memory_bytes"] == 141_000_000_000


def test_the_default_chip_is_the_h100_sxm_with_the_memory_software_can_allocate():
    """HBM comes in GiB: NVIDIA labels the H100 "80GB", and nvidia-smi shows 81,559 MiB usable."""
    result = memory()
    chip = dscalc.data.chips()["h100-sxm"]
    assert result["chip_memory_bytes"] == chip["memory_visible_bytes"] == 81_559 * 2**20
    assert result["chip_memory_label_bytes"] == chip["memory_bytes"] == 80_000_000_000
    assert "81,559" not in notes() and "85,520,809,984" in notes()


def test_deepseek_v3_in_bf16_needs_sixteen_h100s_by_allocatable_memory_not_seventeen():
    result = memory(model="deepseek-v3", weight_dtype="bf16", context_length=1)
    assert result["gpus_needed"] == 16  # 1.342 TB / 85.5 GB; by the "80 GB" label it would be 17
    assert -(-result["total_bytes"] // 80_000_000_000) == 17


@pytest.mark.parametrize("total, chip, needed", [
    (1, 80, 1), (80, 80, 1), (81, 80, 2), (160, 80, 2), (161, 80, 3)])
def test_gpus_needed_is_the_ceiling_of_total_over_chip_memory(total, chip, needed):
    assert gpus_needed(total, chip) == needed


def test_gpt3_in_fp32_needs_nine_80_gb_gpus_and_fits_on_none():
    result = memory(model="params", params=175e9, weight_dtype="fp32", chip="h100-sxm")
    assert result["gpus_needed"] == 9  # 700 / 80 = 8.75
    assert result["fits_on_one_gpu"] is False


def test_a_small_model_fits_on_one_gpu():
    result = memory(model="llama-3.1-8b", context_length=8192)
    assert result["gpus_needed"] == 1
    assert result["fits_on_one_gpu"] is True


def test_the_chip_choices_are_the_ids_in_data():
    choices = {choice.value for choice in dscalc.get("memory").field("chip").choices}
    assert choices == set(dscalc.data.chips())


def test_formula_binds_the_values_without_cjk():
    for lang in ("ja", "en"):
        answer = web.evaluate("memory", {"model": "params", "params": 175e9,
                                         "weight_dtype": "fp32"}, lang)
        assert any("700{,}000{,}000{,}000" in line for line in answer["formula"])
        assert not any(re.search(r"[\u3040-\u30ff\u3400-\u9fff]", line)
                       for line in answer["formula"])
