"""Oracle: Nemotron-H with MoE ("E") layers, Nemotron 3's latent MoE included, against
transformers 5.24's ``NemotronHForCausalLM``: the cache byte for byte (an E layer keeps none)
and every parameter (plus the router's stored score-correction bias, as for DeepSeek-V3)."""

import pytest
from reference import oracle
from test_cache_oracle import build, held_bytes, run

torch = oracle("torch")
transformers = oracle("transformers")

import dscalc  # noqa: E402

BASE = {"model_type": "nemotron_h", "vocab_size": 1000, "hidden_size": 64,
        "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
        "intermediate_size": 128, "mamba_num_heads": 8, "mamba_head_dim": 16, "n_groups": 2,
        "ssm_state_size": 16, "conv_kernel": 4, "expand": 2, "chunk_size": 64,
        "n_routed_experts": 8, "num_experts_per_tok": 2, "moe_intermediate_size": 32,
        "moe_shared_expert_intermediate_size": 48, "max_position_embeddings": 4096,
        "torch_dtype": "bfloat16"}

TINY = {
    "E layers on the full width": {"num_hidden_layers": 6, "hybrid_override_pattern": "ME*EM-"},
    "latent MoE": {"num_hidden_layers": 6, "hybrid_override_pattern": "MEM*E-",
                   "moe_latent_size": 24},
    "latent MoE with biases and groups": {"num_hidden_layers": 5,
                                          "hybrid_override_pattern": "MEM*E", "moe_latent_size": 16,
                                          "mlp_bias": True, "n_group": 2, "topk_group": 1},
}


def config_of(name: str) -> dict:
    return {**BASE, **TINY[name]}


@pytest.fixture(scope="module", params=list(TINY))
def tiny(request):
    config = config_of(request.param)
    return config, build(config, "NemotronHForCausalLM")


@pytest.mark.parametrize("prompt, steps", [(40, 0), (300, 3)])
def test_the_cache_matches_transformers_byte_for_byte(tiny, prompt, steps):
    config, model = tiny
    ours = dscalc.run("kv-cache", {"config": config, "context_length": prompt + steps,
                                   "kv_dtype": "bf16"})
    assert ours["total_bytes"] == run(model, prompt, steps)


def test_the_parameters_match_transformers_exactly(tiny):
    config, model = tiny
    stored = sum(buffer.numel() for name, buffer in model.named_buffers()
                 if name.endswith("e_score_correction_bias"))
    assert dscalc.run("model-size", {"config": config})["total_params"] == sum(
        item.numel() for item in model.parameters()) + stored


def test_the_latent_projection_shrinks_every_expert():
    wide = dscalc.run("model-size", {"config": config_of("E layers on the full width")})
    latent = dscalc.run("model-size", {"config": {**config_of("E layers on the full width"),
                                                  "moe_latent_size": 16}})
    assert latent["routed_expert_params"] * 4 == wide["routed_expert_params"]
