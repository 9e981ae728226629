"""Model size: properties that hold for every config, dense or MoE, generated at random."""

import json

from hypothesis import assume, given, settings, strategies as st

import dscalc

BREAKDOWN = ("embedding_params", "lm_head_params", "attention_params", "indexer_params",
             "recurrent_params", "dense_mlp_params", "routed_expert_params",
             "shared_expert_params", "router_params", "norm_params")


@st.composite
def dense_configs(draw):
    heads = draw(st.integers(1, 16))
    kv_heads = draw(st.sampled_from([d for d in range(1, heads + 1) if heads % d == 0]))
    return {
        "model_type": draw(st.sampled_from(["llama", "mistral", "qwen2", "qwen3", "my_decoder"])),
        "num_hidden_layers": draw(st.integers(1, 12)),
        "hidden_size": draw(st.integers(1, 512)),
        "num_attention_heads": heads,
        "num_key_value_heads": kv_heads,
        "head_dim": draw(st.integers(1, 128)),
        "intermediate_size": draw(st.integers(1, 2048)),
        "vocab_size": draw(st.integers(1, 5000)),
        "tie_word_embeddings": draw(st.booleans()),
        "attention_bias": draw(st.booleans()),
    }


@st.composite
def moe_configs(draw):
    base = draw(dense_configs())
    style = draw(st.sampled_from(["deepseek", "qwen2_moe", "qwen3_moe", "mixtral"]))
    experts = draw(st.integers(1, 64))
    top_k = draw(st.integers(1, experts))
    layers = base["num_hidden_layers"]
    if style == "deepseek":
        base.update(model_type=draw(st.sampled_from(["deepseek_v2", "deepseek_v3"])),
                    n_routed_experts=experts, num_experts_per_tok=top_k,
                    n_shared_experts=draw(st.integers(0, 4)),
                    moe_intermediate_size=draw(st.integers(1, 512)),
                    first_k_dense_replace=draw(st.integers(0, layers)),
                    moe_layer_freq=draw(st.integers(1, 3)))
        if draw(st.booleans()):  # MLA
            base.update(kv_lora_rank=draw(st.integers(1, 256)),
                        q_lora_rank=draw(st.one_of(st.none(), st.integers(1, 256))),
                        qk_rope_head_dim=draw(st.integers(1, 64)),
                        qk_nope_head_dim=draw(st.integers(0, 128)),
                        v_head_dim=draw(st.integers(1, 128)))
    elif style in ("qwen2_moe", "qwen3_moe"):
        base.update(model_type=style, num_experts=experts, num_experts_per_tok=top_k,
                    moe_intermediate_size=draw(st.integers(1, 512)),
                    decoder_sparse_step=draw(st.integers(1, 3)),
                    mlp_only_layers=draw(st.lists(st.integers(0, layers), max_size=3)))
        if style == "qwen2_moe":
            base["shared_expert_intermediate_size"] = draw(st.integers(0, 512))
    else:
        base.update(model_type="mixtral", num_local_experts=experts, num_experts_per_tok=top_k)
    return base


@st.composite
def hybrid_configs(draw):
    """The families after MLA: gpt-oss windows, Llama 4 chunks, Gated DeltaNet and Mamba-2
    hybrids, DSA."""
    base = draw(dense_configs())
    layers = base["num_hidden_layers"]
    family = draw(st.sampled_from(["gpt_oss", "llama4_text", "qwen3_next", "nemotron_h",
                                   "deepseek_v32"]))
    experts = draw(st.integers(1, 16))
    if family == "gpt_oss":
        base.update(model_type=family, num_local_experts=experts,
                    num_experts_per_tok=draw(st.integers(1, experts)),
                    sliding_window=draw(st.integers(1, 512)))
    elif family == "llama4_text":
        base.update(model_type=family, num_local_experts=experts,
                    num_experts_per_tok=draw(st.integers(1, experts)),
                    interleave_moe_layer_step=draw(st.integers(1, 3)),
                    intermediate_size_mlp=draw(st.integers(1, 256)),
                    attention_chunk_size=draw(st.integers(1, 9000)))
    elif family == "qwen3_next":
        base.update(model_type=family, full_attention_interval=draw(st.integers(1, 4)),
                    linear_num_key_heads=draw(st.integers(1, 4)),
                    linear_num_value_heads=draw(st.integers(1, 8)),
                    linear_key_head_dim=draw(st.integers(1, 32)),
                    linear_value_head_dim=draw(st.integers(1, 32)),
                    linear_conv_kernel_dim=draw(st.integers(1, 4)))
    elif family == "nemotron_h":
        base.update(model_type=family, hybrid_override_pattern="".join(
            draw(st.lists(st.sampled_from("M*-"), min_size=layers, max_size=layers))),
            mamba_num_heads=draw(st.integers(1, 8)), mamba_head_dim=draw(st.integers(1, 16)),
            n_groups=draw(st.integers(1, 4)), ssm_state_size=draw(st.integers(1, 16)),
            conv_kernel=draw(st.integers(1, 4)))
    else:
        base.update(model_type=family, n_routed_experts=experts,
                    num_experts_per_tok=draw(st.integers(1, experts)), n_shared_experts=1,
                    moe_intermediate_size=draw(st.integers(1, 64)), kv_lora_rank=16,
                    q_lora_rank=draw(st.integers(1, 64)), qk_rope_head_dim=4,
                    qk_nope_head_dim=8, v_head_dim=8, index_n_heads=draw(st.integers(1, 8)),
                    index_head_dim=128, index_topk=draw(st.integers(1, 4096)))
    return base


def count(config):
    return dscalc.run("model-size", {"config": config})


@settings(max_examples=150, deadline=None)
@given(hybrid_configs(), st.integers(1, 10**6))
def test_hybrid_families_add_up_and_their_flops_are_finite_and_non_negative(config, context):
    result = dscalc.run("model-size", {"config": config, "context_length": context})
    assert sum(result[name] for name in BREAKDOWN) == result["total_params"]
    assert 0 < result["active_params"] <= result["total_params"]
    assert result["attention_flops_per_token"] >= 0 and result["recurrent_flops_per_token"] >= 0
    if config["model_type"] == "deepseek_v32":
        assert result["indexer_params"] > 0
    if config["model_type"] in ("qwen3_next", "nemotron_h") and result["recurrent_params"]:
        assert result["recurrent_flops_per_token"] > 0


@settings(max_examples=150, deadline=None)
@given(st.one_of(dense_configs(), moe_configs(), hybrid_configs()))
def test_the_breakdown_adds_up_and_active_never_exceeds_total(config):
    result = count(config)
    assert sum(result[name] for name in BREAKDOWN) == result["total_params"]
    assert 0 < result["active_params"] <= result["total_params"]
    # The two per-token counts differ by exactly the input table (unless it is tied to the head).
    assert (result["active_params"] - result["matmul_params_per_token"]
            == result["embedding_params"] - result["tied_head_params"])
    assert result["active_routed_expert_params"] <= result["routed_expert_params"]
    assert result["forward_flops_per_token"] == 2 * result["matmul_params_per_token"]
    assert result["total_params_with_mtp"] == result["total_params"] + result["mtp_params"]
    assert json.loads(json.dumps(result)) == result


@settings(max_examples=100, deadline=None)
@given(dense_configs())
def test_a_dense_model_is_active_in_full_and_multiplies_all_but_the_input_table(config):
    """Dense: active == total (the vendors' convention). Weights multiplied per token: tied, the
    table is multiplied as the output head, so all of them; untied, all but the input table."""
    result = count(config)
    assert result["routed_expert_params"] == result["num_moe_layers"] == 0
    assert result["active_params"] == result["total_params"]
    if config["tie_word_embeddings"]:
        assert result["matmul_params_per_token"] == result["total_params"]
    else:
        assert (result["matmul_params_per_token"]
                == result["total_params"] - result["embedding_params"])


@settings(max_examples=100, deadline=None)
@given(st.one_of(dense_configs(), moe_configs()))
def test_tying_the_embeddings_removes_exactly_vocab_times_hidden(config):
    tied = count(dict(config, tie_word_embeddings=True))
    untied = count(dict(config, tie_word_embeddings=False))
    assert (untied["total_params"] - tied["total_params"]
            == config["vocab_size"] * config["hidden_size"])
    assert (untied["active_params"] - tied["active_params"]
            == config["vocab_size"] * config["hidden_size"])
    assert untied["matmul_params_per_token"] == tied["matmul_params_per_token"]


@settings(max_examples=100, deadline=None)
@given(moe_configs())
def test_one_more_routed_expert_adds_to_total_but_not_to_active(config):
    key = next(k for k in ("n_routed_experts", "num_experts", "num_local_experts") if k in config)
    before = count(config)
    after = count(dict(config, **{key: config[key] + 1}))
    assume(before["num_moe_layers"] > 0)
    assert after["total_params"] > before["total_params"]
    per_layer = (after["routed_expert_params"] - before["routed_expert_params"]) // before[
        "num_moe_layers"]
    assert per_layer * before["num_moe_layers"] == (after["routed_expert_params"]
                                                    - before["routed_expert_params"])
    assert after["active_routed_expert_params"] == before["active_routed_expert_params"]


REQUIRED = ("num_hidden_layers", "hidden_size", "num_attention_heads", "vocab_size",
            "intermediate_size")


@settings(max_examples=100, deadline=None)
@given(dense_configs(), st.sampled_from(REQUIRED))
def test_a_partial_config_is_refused_by_naming_the_missing_key(config, key):
    del config[key]
    try:
        count(config)
    except dscalc.ValidationError as error:
        assert error.field == "config"
        assert key in error.message_en and key in error.message_ja
    else:
        raise AssertionError(f"counted a config without {key}")


JUNK = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**12), st.floats(),
                 st.text(max_size=10), st.lists(st.integers(-3, 3), max_size=3),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(dscalc.data.models())), st.data())
def test_a_real_config_with_one_junk_value_counts_or_names_the_problem(model, data):
    config = dict(dscalc.data.models()[model]["config"])
    key = data.draw(st.sampled_from(sorted(config) + ["mlp_only_layers", "layer_types",
                                                      "q_lora_rank", "n_shared_experts"]))
    config[key] = data.draw(JUNK)
    try:
        result = count(config)
    except dscalc.ValidationError as error:
        assert error.field == "config"
        assert error.message_ja and error.message_en
    else:
        assert 0 < result["active_params"] <= result["total_params"]
