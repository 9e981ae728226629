"""Oracle: model-size's parameter counts against the models transformers (5.24) builds.

Every preset whose family transformers implements is instantiated from its own config on torch's
``meta`` device (shapes without memory), and its parameters are counted; ``dscalc`` must give
the same number. DeepSeek's ``e_score_correction_bias`` is a buffer in transformers, not a
parameter, but it is stored in the checkpoint and ``dscalc`` counts it (see ``dscalc.model.params``):
the comparison adds it. Small configs then flip the switches the presets leave alone (biases,
MoE interleaving, dense layers, tied embeddings).

Skipped where torch or transformers is not installed, except under ``make test``
(``DSCALC_REQUIRE_ORACLES=1``), where a missing oracle fails.
"""


import pytest
from reference import oracle

torch = oracle("torch")
transformers = oracle("transformers")

import dscalc  # noqa: E402

#: Preset -> (transformers class, whether to build from text_config).
PRESETS = {
    "gpt-oss-120b": ("GptOssForCausalLM", False),
    "gpt-oss-20b": ("GptOssForCausalLM", False),
    "llama-4-scout-17b-16e": ("Llama4ForConditionalGeneration", False),
    "llama-4-maverick-17b-128e": ("Llama4ForConditionalGeneration", False),
    "qwen3-next-80b-a3b": ("Qwen3NextForCausalLM", False),
    "qwen3.5-397b-a17b": ("Qwen3_5MoeForCausalLM", True),
    "nemotron-h-56b-base-8k": ("NemotronHForCausalLM", False),
    "deepseek-v3": ("DeepseekV3ForCausalLM", False),
    "deepseek-v3.2": ("DeepseekV32ForCausalLM", False),
    "kimi-k2-instruct": ("DeepseekV3ForCausalLM", False),
    "llama-3.1-8b": ("LlamaForCausalLM", False),
    "llama-2-70b": ("LlamaForCausalLM", False),
    "llama-3.1-70b": ("LlamaForCausalLM", False),
    "llama-3.3-70b": ("LlamaForCausalLM", False),
    "mixtral-8x7b": ("MixtralForCausalLM", False),
    "qwen3-235b-a22b": ("Qwen3MoeForCausalLM", False),
}
#: model_type values transformers registers under another name.
ALIASES = {"kimi_k2": "deepseek_v3"}
#: Keys that belong to the checkpoint, not to the module tree.
DROPPED = ("quantization_config", "auto_map")


def transformers_count(config: dict, class_name: str) -> int:
    """Parameters plus DeepSeek's stored router-bias buffers of the model transformers builds."""
    kwargs = {key: value for key, value in config.items()
              if key not in DROPPED and key != "model_type"}
    model_type = ALIASES.get(config["model_type"], config["model_type"])
    hf_config = transformers.AutoConfig.for_model(model_type, **kwargs)
    with torch.device("meta"):
        model = getattr(transformers, class_name)(hf_config)
    parameters = sum(item.numel() for item in model.parameters())
    stored = sum(buffer.numel() for name, buffer in model.named_buffers()
                 if name.endswith("e_score_correction_bias"))
    return parameters + stored


def ours(config: dict) -> int:
    result = dscalc.run("model-size", {"config": config})
    return result["total_params"] + (result["vision_params"] or 0)


@pytest.mark.parametrize("model", PRESETS)
def test_every_preset_counts_what_transformers_builds(model):
    class_name, text_only = PRESETS[model]
    record = dscalc.data.models()[model]["config"]
    config = dict(record["text_config"]) if text_only else record
    if text_only:  # the language model alone: its head and embedding settings from the top
        config["tie_word_embeddings"] = record.get("tie_word_embeddings", False)
    assert ours(config) == transformers_count(config, class_name)


BASE = {"vocab_size": 101, "hidden_size": 48, "num_attention_heads": 4, "num_key_value_heads": 2,
        "head_dim": 12, "tie_word_embeddings": False}

SWITCHES = {
    "gpt-oss without attention biases": ({
        **BASE, "model_type": "gpt_oss", "num_hidden_layers": 3, "intermediate_size": 20,
        "num_local_experts": 5, "num_experts_per_tok": 2, "sliding_window": 8,
        "attention_bias": False}, "GptOssForCausalLM"),
    "gpt-oss tied, attention biases by default": ({
        **BASE, "model_type": "gpt_oss", "num_hidden_layers": 2, "intermediate_size": 20,
        "num_local_experts": 3, "num_experts_per_tok": 1, "sliding_window": 8,
        "tie_word_embeddings": True}, "GptOssForCausalLM"),
    "llama 4 with listed MoE layers": ({
        **BASE, "model_type": "llama4_text", "num_hidden_layers": 5, "intermediate_size": 24,
        "intermediate_size_mlp": 40, "num_local_experts": 3, "num_experts_per_tok": 1,
        "moe_layers": [0, 3], "attention_chunk_size": 16, "use_qk_norm": True},
        "Llama4ForCausalLM"),
    "llama 4 interleaved, attention bias": ({
        **BASE, "model_type": "llama4_text", "num_hidden_layers": 4, "intermediate_size": 24,
        "intermediate_size_mlp": 40, "num_local_experts": 3, "num_experts_per_tok": 2,
        "interleave_moe_layer_step": 2, "attention_bias": True}, "Llama4ForCausalLM"),
    "qwen3-next with dense layers": ({
        **BASE, "model_type": "qwen3_next", "num_hidden_layers": 6, "intermediate_size": 36,
        "full_attention_interval": 3, "linear_conv_kernel_dim": 3, "linear_key_head_dim": 8,
        "linear_value_head_dim": 12, "linear_num_key_heads": 2, "linear_num_value_heads": 4,
        "moe_intermediate_size": 10, "shared_expert_intermediate_size": 14, "num_experts": 5,
        "num_experts_per_tok": 2, "decoder_sparse_step": 2, "mlp_only_layers": [1]},
        "Qwen3NextForCausalLM"),
    "qwen3.5-moe": ({
        **BASE, "model_type": "qwen3_5_moe_text", "num_hidden_layers": 4,
        "linear_conv_kernel_dim": 4, "linear_key_head_dim": 8, "linear_value_head_dim": 12,
        "linear_num_key_heads": 2, "linear_num_value_heads": 4, "moe_intermediate_size": 10,
        "shared_expert_intermediate_size": 14, "num_experts": 5, "num_experts_per_tok": 2},
        "Qwen3_5MoeForCausalLM"),
    "nemotron-h with biases": ({
        **BASE, "model_type": "nemotron_h", "num_hidden_layers": 6, "intermediate_size": 40,
        "hybrid_override_pattern": "M*-M-*", "mamba_num_heads": 6, "mamba_head_dim": 8,
        "n_groups": 2, "ssm_state_size": 5, "conv_kernel": 3, "use_bias": True,
        "mlp_bias": True, "use_conv_bias": False}, "NemotronHForCausalLM"),
    "deepseek-v3.2": ({
        **{key: value for key, value in BASE.items() if key != "head_dim"},
        "model_type": "deepseek_v32", "num_hidden_layers": 3, "intermediate_size": 40,
        "moe_intermediate_size": 12, "q_lora_rank": 16, "kv_lora_rank": 8,
        "qk_nope_head_dim": 8, "qk_rope_head_dim": 4, "v_head_dim": 8, "n_routed_experts": 4,
        "num_experts_per_tok": 2, "n_shared_experts": 1, "first_k_dense_replace": 1,
        "n_group": 1, "topk_group": 1, "index_n_heads": 3, "index_head_dim": 16,
        "index_topk": 8}, "DeepseekV32ForCausalLM"),
}


@pytest.mark.parametrize("name", SWITCHES)
def test_small_configs_with_other_switches_match(name):
    config, class_name = SWITCHES[name]
    assert ours(config) == transformers_count(config, class_name), name
