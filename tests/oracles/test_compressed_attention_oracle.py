"""Oracle: DeepSeek-V4 (CSA / HCA / sliding window) against transformers 5.24's own model.

Tiny random models keep the real V4-Pro and V4-Flash layer schedules (``compress_ratios``, all
61 and 43 layers, hash-routed first layers) and shrink every width. They are built the way a
BF16 checkpoint is loaded (``_from_config(dtype=bfloat16)``, which keeps the modules listed in
``_keep_in_fp32_modules_strict`` in FP32 — so CSA's overlap gates are FP32), a prompt is run,
then a few decode steps, and the bytes of every tensor the cache holds are summed (aliased
storage once). ``dscalc`` must give the same bytes, and the same parameter count, exactly.
"""

import pytest
from reference import oracle
from test_cache_oracle import held_bytes

torch = oracle("torch")
transformers = oracle("transformers")

import dscalc  # noqa: E402

#: Widths shrunk so that a 61-layer model runs on a CPU in seconds; the schedules stay real.
SHRINK = {"hidden_size": 64, "num_attention_heads": 4, "head_dim": 32, "qk_rope_head_dim": 8,
          "q_lora_rank": 32, "o_groups": 2, "o_lora_rank": 16, "moe_intermediate_size": 32,
          "n_routed_experts": 4, "num_experts_per_tok": 2, "index_n_heads": 4,
          "index_head_dim": 16, "index_topk": 8, "vocab_size": 1000, "sliding_window": 16}
DROPPED = ("quantization_config",)


def real(model_id: str) -> dict:
    return dscalc.data.models()[model_id]["config"]


def tiny(model_id: str, **changes) -> dict:
    config = {key: value for key, value in real(model_id).items() if key not in DROPPED}
    return {**config, **SHRINK, **changes}


def build(config: dict, device: str | None = None):
    kwargs = {key: value for key, value in config.items() if key != "model_type"}
    hf_config = transformers.AutoConfig.for_model("deepseek_v4", **kwargs)
    torch.manual_seed(0)
    if device == "meta":
        with torch.device("meta"):
            return transformers.DeepseekV4ForCausalLM(hf_config)
    return transformers.DeepseekV4ForCausalLM._from_config(hf_config, dtype=torch.bfloat16).eval()


def measured(model, prompt: int, steps: int = 0) -> int:
    with torch.no_grad():
        out = model(input_ids=torch.randint(0, 1000, (1, prompt)), use_cache=True)
        cache = out.past_key_values
        for _ in range(steps):
            out = model(input_ids=torch.randint(0, 1000, (1, 1)), cache=cache, use_cache=True)
            cache = out.past_key_values
    return held_bytes(cache)


def ours(config: dict, context: int) -> dict:
    return dscalc.run("kv-cache", {"config": config, "context_length": context,
                                   "kv_dtype": "bf16"})


@pytest.fixture(scope="module", params=["deepseek-v4-pro", "deepseek-v4-flash"])
def model(request):
    config = tiny(request.param)
    return config, build(config)


@pytest.mark.parametrize("prompt, steps", [(3, 0), (40, 0), (300, 0), (300, 5), (255, 3)])
def test_the_cache_matches_transformers_byte_for_byte(model, prompt, steps):
    config, built = model
    assert ours(config, prompt + steps)["total_bytes"] == measured(built, prompt, steps)


def test_the_parameter_count_matches_transformers_exactly(model):
    config, built = model
    assert dscalc.run("model-size", {"config": config})["total_params"] == transformer_count(built)


def transformer_count(model) -> int:
    """Parameters plus the stored router-bias buffers (as for DeepSeek-V3 in
    test_param_oracle.py); the hash layers' ``tid2eid`` token table is an integer look-up, not a
    weight, and is left out."""
    return sum(item.numel() for item in model.parameters()) + sum(
        buffer.numel() for name, buffer in model.named_buffers()
        if name.endswith("e_score_correction_bias"))


@pytest.mark.parametrize("model_id", ["deepseek-v4-pro", "deepseek-v4-flash"])
def test_the_real_configs_count_what_transformers_builds(model_id):
    config = {key: value for key, value in real(model_id).items() if key not in DROPPED}
    assert (dscalc.run("model-size", {"config": config})["total_params"]
            == transformer_count(build(config, device="meta")))


def test_switches_the_presets_leave_alone_are_counted_like_transformers():
    config = tiny("deepseek-v4-flash", num_hidden_layers=6, num_hash_layers=0,
                  tie_word_embeddings=True, hc_mult=2, n_shared_experts=2,
                  compress_ratios=[4, 0, 128, 4, 4, 128])
    built = build(config)
    assert dscalc.run("model-size", {"config": config})["total_params"] == transformer_count(built)
    assert ours(config, 301)["total_bytes"] == measured(built, 301)
