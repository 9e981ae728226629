"""KV-cache size: the published per-token figures, and how the formula behaves."""

import pytest

import dscalc
from dscalc.model.layout import read_attention

# "Insights into DeepSeek-V3: Scaling Challenges and Reflections on Hardware for AI
# Architectures" (ISCA 2025, arXiv:2505.09343), Table 1: KV cache per token in BF16.
ISCA_2025_TABLE_1_BYTES_PER_TOKEN = {
    "deepseek-v3": 70_272,
    "qwen2.5-72b": 327_680,
    "llama-3.1-405b": 516_096,
}


@pytest.mark.parametrize("model, expected", ISCA_2025_TABLE_1_BYTES_PER_TOKEN.items())
def test_reproduces_isca_2025_table_1_in_bf16(model, expected):
    result = dscalc.run("kv-cache", {"model": model, "kv_dtype": "bf16"})
    assert result["bytes_per_token"] == expected


@pytest.mark.parametrize("model", ISCA_2025_TABLE_1_BYTES_PER_TOKEN)
def test_the_table_values_recorded_in_data_agree_with_the_paper(model):
    published = dscalc.data.models()[model]["published"]["kv_cache_bytes_per_token_bf16"]
    assert published["value"] == ISCA_2025_TABLE_1_BYTES_PER_TOKEN[model]
    assert "2505.09343" in published["source_url"]


@pytest.mark.parametrize("model, kind", [
    ("deepseek-v3", "MLA"), ("qwen2.5-72b", "GQA"), ("llama-3.1-405b", "GQA"),
])
def test_detects_the_attention_kind_of_real_configs(model, kind):
    assert dscalc.run("kv-cache", {"model": model})["attention_kind"] == kind


def test_mla_caches_the_latent_plus_the_decoupled_rope_key_per_layer():
    config = dscalc.data.models()["deepseek-v3"]["config"]
    attention = read_attention(config)
    assert attention.cached_elements_per_token_per_layer == 512 + 64
    assert attention.num_layers == 61


def test_total_is_bytes_per_token_times_context_times_batch():
    result = dscalc.run("kv-cache", {"model": "qwen2.5-72b", "context_length": 131_072,
                                     "batch_size": 8})
    assert result["total_bytes"] == 327_680 * 131_072 * 8


@pytest.mark.parametrize("dtype, factor", [("fp8", 0.5), ("fp16", 1), ("fp32", 2)])
def test_data_type_scales_the_cache_against_bf16(dtype, factor):
    bf16 = dscalc.run("kv-cache", {"model": "llama-3.1-405b"})["bytes_per_token"]
    other = dscalc.run("kv-cache", {"model": "llama-3.1-405b", "kv_dtype": dtype})
    assert other["bytes_per_token"] == bf16 * factor


GQA_CONFIG = {"num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
              "hidden_size": 4096}


def test_a_pasted_config_wins_over_the_preset():
    result = dscalc.run("kv-cache", {"model": "deepseek-v3", "config": GQA_CONFIG})
    assert result["bytes_per_token"] == 32 * 2 * 8 * 128 * 2
    assert result["attention_kind"] == "GQA"


def test_a_config_may_arrive_as_json_text():
    import json
    text = json.dumps(GQA_CONFIG)
    assert dscalc.run("kv-cache", {"config": text}) == dscalc.run("kv-cache", {"config": GQA_CONFIG})


@pytest.mark.parametrize("kv_heads, kind", [(32, "MHA"), (8, "GQA"), (1, "MQA")])
def test_classifies_mha_gqa_mqa_by_kv_heads(kv_heads, kind):
    config = dict(GQA_CONFIG, num_key_value_heads=kv_heads)
    result = dscalc.run("kv-cache", {"config": config})
    assert result["attention_kind"] == kind
    assert result["bytes_per_token"] == 32 * 2 * kv_heads * 128 * 2


def test_missing_num_key_value_heads_means_mha_as_in_transformers():
    config = {key: value for key, value in GQA_CONFIG.items() if key != "num_key_value_heads"}
    assert dscalc.run("kv-cache", {"config": config})["attention_kind"] == "MHA"


def test_explicit_head_dim_wins_over_hidden_size_divided_by_heads():
    config = dict(GQA_CONFIG, head_dim=256)
    assert dscalc.run("kv-cache", {"config": config})["bytes_per_token"] == 32 * 2 * 8 * 256 * 2


def test_reads_the_language_model_of_a_multimodal_config():
    config = {"model_type": "llava", "text_config": GQA_CONFIG}
    assert dscalc.run("kv-cache", {"config": config})["bytes_per_token"] == 32 * 2 * 8 * 128 * 2


def test_individual_fields_work_without_any_config():
    result = dscalc.run("kv-cache", {"model": "custom", "num_hidden_layers": 61,
                                     "num_attention_heads": 128, "kv_lora_rank": 512,
                                     "qk_rope_head_dim": 64})
    assert result["bytes_per_token"] == 70_272


def test_a_single_field_overrides_the_preset():
    result = dscalc.run("kv-cache", {"model": "deepseek-v3", "num_hidden_layers": 1})
    assert result["bytes_per_token"] == (512 + 64) * 2


def test_custom_without_config_names_the_missing_field():
    with pytest.raises(dscalc.ValidationError) as caught:
        dscalc.run("kv-cache", {"model": "custom"})
    assert caught.value.field == "num_hidden_layers"


def test_a_config_without_layers_is_refused_by_name():
    with pytest.raises(dscalc.ValidationError) as caught:
        dscalc.run("kv-cache", {"config": {"num_attention_heads": 8, "hidden_size": 512}})
    assert caught.value.field == "config"
    assert "num_hidden_layers" in caught.value.message_en
    assert "num_hidden_layers" in caught.value.message_ja


def test_mla_cache_does_not_depend_on_the_number_of_heads():
    base = {"model": "deepseek-v3"}
    assert (dscalc.run("kv-cache", dict(base, num_attention_heads=16))["bytes_per_token"]
            == dscalc.run("kv-cache", dict(base, num_attention_heads=128))["bytes_per_token"])
