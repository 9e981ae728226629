"""Gemma 4's text decoder and Nemotron-H's (latent) MoE layers: cache and parameters by hand,
keys meaning "off" accepted, junk refused by name (ja and en). The comparisons with
transformers 5.24 are in tests/oracles/test_gemma4_oracle.py and test_latent_moe_oracle.py."""

import pytest

import dscalc

BASE = {"model_type": "gemma4_text", "vocab_size": 1000, "hidden_size": 64,
        "intermediate_size": 96, "num_hidden_layers": 6, "num_attention_heads": 4,
        "num_key_value_heads": 2, "head_dim": 16, "global_head_dim": 32, "sliding_window": 32,
        "hidden_size_per_layer_input": 0}


def kv(config: dict, context: int = 1000) -> dict:
    return dscalc.run("kv-cache", {"config": config, "context_length": context})


def test_five_sliding_layers_then_one_global_layer_of_its_own_width():
    result = kv(BASE)
    # global layer: 2 × 2 KV heads × 32 × 2 B per token; sliding: 31 tokens × 2 × 2 × 16 × 2 B
    assert result["bytes_per_token"] == 2 * 2 * 32 * 2
    assert result["window_bytes"] == 5 * 31 * 2 * 2 * 16 * 2


def test_global_kv_heads_apply_only_with_k_eq_v_as_in_transformers():
    assert kv({**BASE, "num_global_key_value_heads": 1})["bytes_per_token"] == 256
    assert kv({**BASE, "num_global_key_value_heads": 1,
               "attention_k_eq_v": True})["bytes_per_token"] == 2 * 1 * 32 * 2


def test_kv_shared_layers_keep_nothing_but_read_again():
    shared = {**BASE, "num_kv_shared_layers": 2,
              "layer_types": ["sliding_attention", "full_attention"] * 3}
    alone = {**shared, "num_kv_shared_layers": 0}
    assert kv(shared)["total_bytes"] < kv(alone)["total_bytes"]
    assert kv(shared)["bytes_read_per_decode_step"] == kv(alone)["bytes_read_per_decode_step"]


@pytest.mark.parametrize("off", [{"num_kv_shared_layers": 0}, {"enable_moe_block": False},
                                 {"hidden_size_per_layer_input": 0},
                                 {"attention_k_eq_v": False}])
def test_a_key_that_means_off_is_accepted(off):
    assert dscalc.run("model-size", {"config": {**BASE, **off}})["total_params"] > 0


def test_the_moe_block_adds_experts_beside_the_dense_mlp():
    moe = {**BASE, "enable_moe_block": True, "num_experts": 8, "top_k_experts": 2,
           "moe_intermediate_size": 24}
    dense = dscalc.run("model-size", {"config": BASE})
    result = dscalc.run("model-size", {"config": moe})
    assert result["dense_mlp_params"] == dense["dense_mlp_params"]
    assert result["routed_expert_params"] == 6 * 8 * 3 * 64 * 24
    assert result["active_params"] == result["total_params"] - 6 * 6 * 3 * 64 * 24


def test_a_multimodal_config_is_read_through_its_text_config():
    wrapped = {"model_type": "gemma4", "text_config": BASE, "vision_config": {"model_type": "x"}}
    result = dscalc.run("model-size", {"config": wrapped})
    assert result["total_params"] == dscalc.run("model-size", {"config": BASE})["total_params"]
    assert "vision_not_counted" in result["counting_notes"]


JUNK = {
    "layer_types of the wrong length": ("layer_types", {"layer_types": ["full_attention"] * 2}),
    "an unknown layer type": ("layer_types", {"layer_types": ["chunked_attention"] * 6}),
    "a negative window": ("sliding_window", {"sliding_window": -1}),
    "more shared layers than layers": ("num_kv_shared_layers", {"num_kv_shared_layers": 9}),
    "KV heads that do not divide the heads": ("num_key_value_heads", {"num_key_value_heads": 3}),
    "an MoE block without experts": ("num_experts", {"enable_moe_block": True}),
    "more experts per token than experts": ("top_k_experts", {
        "enable_moe_block": True, "num_experts": 2, "top_k_experts": 3,
        "moe_intermediate_size": 8}),
}


@pytest.mark.parametrize("case", JUNK)
def test_junk_is_refused_naming_the_key(case):
    key, change = JUNK[case]
    with pytest.raises(dscalc.ValidationError) as caught:
        dscalc.run("model-size", {"config": {**BASE, **change}})
    assert key in caught.value.message_en and key in caught.value.message_ja


# --------------------------------------------------------------------------- Nemotron-H's E layers

NEMOTRON = {"model_type": "nemotron_h", "vocab_size": 1000, "hidden_size": 64,
            "num_hidden_layers": 4, "hybrid_override_pattern": "ME*E",
            "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
            "intermediate_size": 128, "mamba_num_heads": 8, "mamba_head_dim": 16, "n_groups": 2,
            "ssm_state_size": 16, "conv_kernel": 4, "n_routed_experts": 8,
            "num_experts_per_tok": 2, "moe_intermediate_size": 32,
            "moe_shared_expert_intermediate_size": 48, "moe_latent_size": 16}


def test_nemotron_e_layers_hold_no_cache_and_count_their_latent_experts():
    result = dscalc.run("model-size", {"config": NEMOTRON})
    assert result["routed_expert_params"] == 2 * 8 * 2 * 32 * 16
    assert result["active_routed_expert_params"] == 2 * 2 * 2 * 32 * 16
    assert result["num_moe_layers"] == 2
    assert kv(NEMOTRON)["layer_counts"]["moe"] == 2


def test_nemotron_layers_block_type_reads_like_the_pattern():
    listed = {key: value for key, value in NEMOTRON.items() if key != "hybrid_override_pattern"}
    listed["layers_block_type"] = ["linear_attention", "moe", "full_attention", "moe"]
    assert dscalc.run("model-size", {"config": listed})["total_params"] == dscalc.run(
        "model-size", {"config": NEMOTRON})["total_params"]


@pytest.mark.parametrize("key, change", [
    ("hybrid_override_pattern", {"hybrid_override_pattern": "ME*EE"}),
    ("hybrid_override_pattern", {"hybrid_override_pattern": "MX*E"}),
    ("n_group", {"n_group": 3}),
    ("num_experts_per_tok", {"num_experts_per_tok": 9}),
])
def test_nemotron_junk_is_refused_naming_the_key(key, change):
    with pytest.raises(dscalc.ValidationError) as caught:
        dscalc.run("model-size", {"config": {**NEMOTRON, **change}})
    assert key in caught.value.message_en and key in caught.value.message_ja


def test_a_layer_list_of_the_wrong_type_is_refused_not_crashed_on():
    with pytest.raises(dscalc.ValidationError) as caught:
        kv({**BASE, "layer_types": [["full_attention"]] * 6})
    assert "layer_types" in caught.value.message_en
