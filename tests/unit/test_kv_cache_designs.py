"""KV cache of the designs after MLA: DSA, sliding windows, chunked attention, Gated DeltaNet and
Mamba-2 hybrids — figures from the reference implementations, and the refusals.

The byte-for-byte comparison with the caches transformers really holds is in
tests/oracles/test_cache_oracle.py; these tests run everywhere (also inside Pyodide) and check
the real configs against the reference code's own arithmetic.
"""

import pytest

import dscalc
from dscalc.calcs.kv_cache import cache_for_config, kv_cache_bytes_per_token
from dscalc.model.layout import read_attention, read_layout


def kv(model=None, **inputs):
    if model is not None:
        inputs["model"] = model
    return dscalc.run("kv-cache", inputs)


def config_of(model):
    return dscalc.data.models()[model]["config"]


# --------------------------------------------------------------------------- DeepSeek-V3.2 (DSA)

def test_v32_caches_the_mla_latent_and_an_fp8_indexer_key_per_layer():
    # DeepSeek-V3.2-Exp inference/model.py @3b99a53: kv_cache [.., 512] and pe_cache [.., 64] in
    # the default dtype (bf16, generate.py), k_cache [.., 128] float8_e4m3fn and k_scale_cache
    # [.., 128 // 128] float32, in each of the 61 layers.
    result = kv("deepseek-v3.2")
    assert result["indexer_bytes_per_token_per_layer"] == 128 + 4
    assert result["bytes_per_token"] == 61 * ((512 + 64) * 2 + 132) == 78_324
    assert result["design"] == "dsa" and result["attention_kind"] == "MLA"


def test_v32_is_not_v3_any_more():
    assert kv("deepseek-v3.2")["bytes_per_token"] > kv("deepseek-v3")["bytes_per_token"]


def test_transformers_keeps_the_indexer_keys_in_the_cache_type():
    assert kv("deepseek-v3.2", indexer_cache="cache_dtype")["bytes_per_token"] == 85_888
    assert kv("deepseek-v3.2", indexer_cache="cache_dtype", kv_dtype="fp8")[
        "bytes_per_token"] == 61 * (576 + 128)


def test_the_cache_data_type_changes_the_latent_not_the_fp8_indexer_key():
    assert kv("deepseek-v3.2", kv_dtype="fp8")["bytes_per_token"] == 61 * (576 + 132)


def test_one_decode_step_reads_every_indexer_key_but_only_2048_latents():
    context = 131_072
    result = kv("deepseek-v3.2", context_length=context)
    assert result["bytes_read_per_decode_step"] == 61 * (context * 132 + 2048 * 1152)
    assert result["total_bytes"] == 78_324 * context
    # below top-k every latent is selected: DSA reads everything it caches
    short = kv("deepseek-v3.2", context_length=1000)
    assert short["bytes_read_per_decode_step"] == short["total_bytes"]


def test_dsa_reads_less_than_v3_once_the_context_is_long():
    for context in (8192, 131_072):
        assert (kv("deepseek-v3.2", context_length=context)["bytes_read_per_decode_step"]
                < kv("deepseek-v3", context_length=context)["bytes_read_per_decode_step"])
    assert (kv("deepseek-v3.2", context_length=1000)["bytes_read_per_decode_step"]
            > kv("deepseek-v3", context_length=1000)["bytes_read_per_decode_step"])


def test_the_old_per_token_function_knows_the_indexer():
    attention = read_attention(config_of("deepseek-v3.2"))
    assert kv_cache_bytes_per_token(attention, 2) == 78_324


def test_an_indexer_without_mla_is_refused():
    config = {"num_hidden_layers": 2, "num_attention_heads": 4, "head_dim": 8,
              "index_n_heads": 2, "index_head_dim": 128, "index_topk": 16}
    with pytest.raises(dscalc.ValidationError) as caught:
        kv(config=config)
    assert "index_n_heads" in caught.value.message_en


def test_the_fp8_format_needs_a_multiple_of_128():
    config = dict(config_of("deepseek-v3.2"), index_head_dim=96)
    with pytest.raises(dscalc.ValidationError) as caught:
        kv(config=config)
    assert caught.value.field == "indexer_cache"
    assert kv(config=config, indexer_cache="cache_dtype")["indexer_bytes_per_token_per_layer"] == 192


# --------------------------------------------------------------------------- windows

def test_gpt_oss_120b_grows_only_in_its_18_full_layers():
    # 18 full + 18 sliding layers, 8 KV heads of 64, bf16.
    result = kv("gpt-oss-120b", context_length=131_072)
    assert result["layer_counts"] == {"sliding_attention": 18, "full_attention": 18}
    assert result["bytes_per_token"] == 18 * 2 * 8 * 64 * 2 == 36_864
    assert result["window_tokens_kept"] == 127
    assert result["bounded_bytes"] == 18 * 127 * 2048
    assert result["total_bytes"] == 36_864 * 131_072 + 18 * 127 * 2048


def test_a_sliding_layer_holds_every_token_until_the_window_fills():
    assert kv("gpt-oss-120b", context_length=100)["bounded_bytes"] == 18 * 100 * 2048
    assert kv("gpt-oss-120b", context_length=127)["bounded_bytes"] == 18 * 127 * 2048
    assert kv("gpt-oss-120b", context_length=128)["bounded_bytes"] == 18 * 127 * 2048


def test_llama_4_keeps_chunk_minus_one_tokens_in_36_chunked_layers():
    result = kv("llama-4-maverick-17b-128e", context_length=1_048_576)
    assert result["layer_counts"] == {"chunked_attention": 36, "full_attention": 12}
    assert result["bytes_per_token"] == 12 * 2 * 8 * 128 * 2 == 49_152
    assert result["bounded_bytes"] == 36 * 8191 * 4096 == 1_207_812_096


@pytest.mark.parametrize("model, all_full_layers, factor", [
    ("gpt-oss-120b", 36, 2), ("llama-4-maverick-17b-128e", 48, 4), ("qwen3.5-397b-a17b", 60, 4)])
def test_the_cache_grows_two_or_four_times_slower_than_an_all_full_reading(model, all_full_layers,
                                                                          factor):
    """The issue's complaint: treating every layer as full attention made these caches grow 2×,
    4× and 4× too fast."""
    result = kv(model)
    all_full = all_full_layers * 2 * result["num_kv_heads"] * result["head_dim"] * 2
    assert result["bytes_per_token"] * factor == all_full


# --------------------------------------------------------------------------- fixed-size states

def test_qwen3_next_states_and_full_layers():
    # 36 Gated DeltaNet layers: conv [2·16·128 + 32·128 = 8192, K = 4] bf16 and state
    # [32, 128, 128] fp32; 12 full layers of 2 KV heads × 256.
    result = kv("qwen3-next-80b-a3b")
    assert result["conv_state_bytes_per_layer"] == 8192 * 4 * 2
    assert result["recurrent_state_bytes_per_layer"] == 32 * 128 * 128 * 4
    assert result["state_bytes"] == 36 * (65_536 + 2_097_152) == 77_856_768
    assert result["bytes_per_token"] == 12 * 2 * 2 * 256 * 2 == 24_576


def test_qwen35_reads_its_layer_types_from_text_config():
    result = kv("qwen3.5-397b-a17b")
    assert result["layer_counts"] == {"linear_attention": 45, "full_attention": 15}
    assert result["state_bytes"] == 193_167_360
    assert result["bytes_per_token"] == 30_720


def test_nemotron_h_reads_its_hybrid_pattern():
    result = kv("nemotron-h-56b-base-8k")
    assert result["layer_counts"] == {"mamba2": 54, "mlp": 54, "full_attention": 10}
    assert result["conv_state_bytes_per_layer"] == 20_480 * 4 * 2
    assert result["recurrent_state_bytes_per_layer"] == 256 * 64 * 256 * 4
    assert result["state_bytes"] == 914_817_024
    assert result["bytes_per_token"] == 40_960


def test_states_do_not_follow_the_cache_data_type():
    bf16, fp8 = kv("qwen3-next-80b-a3b", kv_dtype="bf16"), kv("qwen3-next-80b-a3b", kv_dtype="fp8")
    assert bf16["state_bytes"] == fp8["state_bytes"]
    assert fp8["bytes_per_token"] * 2 == bf16["bytes_per_token"]


def test_a_stated_state_dtype_is_used():
    config = dict(config_of("nemotron-h-56b-base-8k"), mamba_ssm_cache_dtype="bfloat16")
    assert kv(config=config)["recurrent_state_bytes_per_layer"] == 256 * 64 * 256 * 2


def test_a_missing_model_dtype_is_assumed_bf16_and_said():
    from dscalc import web
    config = {key: value for key, value in config_of("qwen3-next-80b-a3b").items()
              if key != "torch_dtype"}
    assert kv(config=config)["model_dtype_stated"] is False
    answer = web.evaluate("kv-cache", {"config": config}, "en")
    assert any("assumed to be BF16" in note for note in answer["notes"])


def test_the_states_are_read_once_per_step():
    result = kv("nemotron-h-56b-base-8k", context_length=8192)
    assert result["bytes_read_per_decode_step"] == result["total_bytes"]


# --------------------------------------------------------------------------- rules for other configs

GQA = {"num_hidden_layers": 4, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8}


def test_a_sliding_window_without_layer_types_slides_everywhere_as_in_transformers():
    result = kv(config=dict(GQA, model_type="mistral", sliding_window=16), context_length=100)
    assert result["layer_counts"] == {"sliding_attention": 4}
    assert result["total_bytes"] == 4 * 15 * 2 * 2 * 8 * 2


def test_qwen_slides_only_when_use_sliding_window_is_true():
    base = dict(GQA, model_type="qwen2", sliding_window=16, max_window_layers=1)
    assert kv(config=base)["design"] == "full"
    sliding = kv(config=dict(base, use_sliding_window=True))
    assert sliding["layer_counts"] == {"full_attention": 1, "sliding_attention": 3}


def test_the_real_qwen_configs_do_not_slide():
    for model in ("qwen2.5-72b", "qwen3-8b", "qwen3-235b-a22b"):
        assert kv(model)["design"] == "full"


def test_a_gemma_style_config_without_layer_types_is_refused():
    with pytest.raises(dscalc.ValidationError) as caught:
        kv(config=dict(GQA, model_type="gemma2", sliding_window=16))
    assert "layer_types" in caught.value.message_en


#: Keys only DeepSeek-V4 gives a meaning to, pasted onto a V3.2 config.
V4_KEYS = {"compress_ratios": [128, 128, 4], "compress_rope_theta": 160000, "hc_mult": 4,
           "hc_sinkhorn_iters": 20, "o_groups": 16, "o_lora_rank": 1024, "num_hash_layers": 3}


@pytest.mark.parametrize("calc", ["kv-cache", "model-size", "memory"])
def test_deepseek_v4_keys_without_its_model_type_are_refused_by_name(calc):
    config = dict(config_of("deepseek-v3.2"), num_hidden_layers=3, **V4_KEYS)
    with pytest.raises(dscalc.ValidationError) as caught:
        dscalc.run(calc, {"config": config})
    assert caught.value.field == "config"
    for key in ("compress_ratios", "hc_mult", "o_groups"):
        assert key in caught.value.message_en and key in caught.value.message_ja
    assert "deepseek_v4" in caught.value.message_en and "deepseek_v4" in caught.value.message_ja


@pytest.mark.parametrize("pattern", ["M-X*", "MZ*-"])
def test_an_unknown_hybrid_pattern_character_is_refused(pattern):
    config = dict(config_of("nemotron-h-56b-base-8k"), hybrid_override_pattern=pattern,
                  num_hidden_layers=4)
    with pytest.raises(dscalc.ValidationError) as caught:
        kv(config=config)
    assert "hybrid_override_pattern" in caught.value.message_en


def test_an_e_layer_keeps_no_cache():
    # "E" (an MoE block, dscalc.model.latent_moe) has no attention and no state
    config = dict(config_of("nemotron-h-56b-base-8k"), hybrid_override_pattern="M-E*",
                  num_hidden_layers=4)
    plain = dict(config, hybrid_override_pattern="M--*")
    assert kv(config=config)["total_bytes"] == kv(config=plain)["total_bytes"]


def test_a_linear_attention_layer_needs_its_sizes():
    with pytest.raises(dscalc.ValidationError) as caught:
        kv(config=dict(GQA, layer_types=["linear_attention"] * 3 + ["full_attention"]))
    assert "linear_num_key_heads" in caught.value.message_en


def test_an_override_of_the_layer_count_must_match_the_layer_types():
    with pytest.raises(dscalc.ValidationError) as caught:
        kv("gpt-oss-120b", num_hidden_layers=2)
    assert "layer_types" in caught.value.message_en


# --------------------------------------------------------------------------- the shared function

def test_cache_for_config_is_what_the_calculator_shows():
    for model in ("gpt-oss-20b", "deepseek-v3.2", "qwen3.5-397b-a17b"):
        size = cache_for_config(config_of(model), 50_000, "bf16", batch_size=3)
        result = kv(model, context_length=50_000, batch_size=3)
        assert size.total_bytes == result["total_bytes"]
        assert size.bytes_read_per_decode_step == result["bytes_read_per_decode_step"]


def test_layer_mix_names_the_kinds_in_the_configs_words():
    assert read_layout(config_of("gpt-oss-20b")).mix == (
        "12 full_attention + 12 sliding_attention (W = 128)")


# --------------------------------------------------------------------------- presentation

def test_the_design_charts_draw_the_eight_models_in_both_languages():
    from dscalc import web
    for lang in ("ja", "en"):
        answer = web.evaluate("kv-cache", {"model": "gpt-oss-120b"}, lang)
        for name in ("designs", "reads"):
            figure = answer["charts"][name]
            assert figure.count("<polyline") == 8
            assert "gpt-oss-120b" in figure and "DeepSeek-V3.2" in figure
            assert "DeepSeek-V4-Pro" in figure and "DeepSeek-V4-Flash" in figure


def test_the_formula_shows_windows_states_and_the_indexer():
    from dscalc import web
    lines = web.evaluate("kv-cache", {"model": "gpt-oss-120b"}, "en")["formula"]
    assert any(r"\min(32{,}768, 127)" in line for line in lines)
    lines = web.evaluate("kv-cache", {"model": "qwen3-next-80b-a3b"}, "en")["formula"]
    assert any("77{,}856{,}768" in line for line in lines)
    lines = web.evaluate("kv-cache", {"model": "deepseek-v3.2"}, "en")["formula"]
    assert any("E_I" in line and "132" in line for line in lines)
