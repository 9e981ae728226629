"""Oracle: Gemma 4's text decoder against transformers 5.24's ``Gemma4ForCausalLM``.

Tiny random models switch on, one design at a time and together, what sets Gemma 4 apart:
global layers with their own head width and KV-head count, ``attention_k_eq_v``, KV-shared
layers (with a double-wide MLP), the MoE block beside the dense MLP and per-layer embeddings.
The cache's tensors are counted byte for byte after a prompt and after decoding, and the
parameters one by one.
"""

import pytest
from reference import oracle
from test_cache_oracle import held_bytes

torch = oracle("torch")
transformers = oracle("transformers")

import dscalc  # noqa: E402

BASE = {"model_type": "gemma4_text", "vocab_size": 512, "hidden_size": 64,
        "intermediate_size": 96, "num_hidden_layers": 7, "num_attention_heads": 4,
        "num_key_value_heads": 2, "head_dim": 16, "global_head_dim": 32, "sliding_window": 32,
        "hidden_size_per_layer_input": 0, "torch_dtype": "bfloat16"}

TINY = {
    "dense, global layers wider (default pattern)": {},
    "K = V in global layers with their own KV heads": {
        "attention_k_eq_v": True, "num_global_key_value_heads": 1},
    "KV-shared layers with a double-wide MLP": {
        "num_kv_shared_layers": 3, "use_double_wide_mlp": True,
        "layer_types": ["sliding_attention", "full_attention", "sliding_attention",
                        "full_attention", "sliding_attention", "sliding_attention",
                        "full_attention"]},
    "MoE block beside the dense MLP, per-layer embeddings": {
        "enable_moe_block": True, "num_experts": 4, "top_k_experts": 2,
        "moe_intermediate_size": 24, "hidden_size_per_layer_input": 8,
        "vocab_size_per_layer_input": 300, "attention_k_eq_v": True,
        "num_global_key_value_heads": 1, "tie_word_embeddings": False},
    "everything at once, biases on": {
        "enable_moe_block": True, "num_experts": 4, "top_k_experts": 1,
        "moe_intermediate_size": 24, "hidden_size_per_layer_input": 8,
        "num_kv_shared_layers": 2, "attention_k_eq_v": True, "num_global_key_value_heads": 1,
        "use_double_wide_mlp": True, "attention_bias": True,
        "layer_types": ["sliding_attention", "sliding_attention", "full_attention",
                        "sliding_attention", "full_attention", "sliding_attention",
                        "full_attention"]},
}


def test_a_shared_layer_without_a_producer_of_its_type_is_refused_like_transformers_does():
    # 7 layers in the default pattern: five sliding, then two full (the last is forced full);
    # sharing the last two leaves no full layer to share from.
    config = {**BASE, "num_kv_shared_layers": 2}
    with pytest.raises(ValueError, match="layer types"):
        build(config)
    with pytest.raises(dscalc.ValidationError) as caught:
        dscalc.run("kv-cache", {"config": config})
    assert "num_kv_shared_layers" in caught.value.message_en


def config_of(name: str) -> dict:
    return {**BASE, **TINY[name]}


def build(config: dict):
    kwargs = {key: value for key, value in config.items() if key != "model_type"}
    hf_config = transformers.AutoConfig.for_model("gemma4_text", **kwargs)
    torch.manual_seed(0)
    return transformers.Gemma4ForCausalLM._from_config(hf_config, dtype=torch.bfloat16).eval()


def measured(model, prompt: int, steps: int = 0) -> int:
    # output_hidden_states turns off the prefill shortcut through the KV-shared layers, which in
    # transformers 5.24 fails without per-layer inputs (it slices a per_layer_inputs of None);
    # the shortcut changes no cache tensor: shared layers write none.
    with torch.no_grad():
        out = model(input_ids=torch.randint(0, 300, (1, prompt)), use_cache=True,
                    output_hidden_states=True)
        cache = out.past_key_values
        for _ in range(steps):
            out = model(input_ids=torch.randint(0, 300, (1, 1)), past_key_values=cache,
                        use_cache=True)
            cache = out.past_key_values
    return held_bytes(cache)


@pytest.fixture(scope="module", params=list(TINY))
def tiny(request):
    config = config_of(request.param)
    return config, build(config)


@pytest.mark.parametrize("prompt, steps", [(10, 0), (100, 0), (100, 4)])
def test_the_cache_matches_transformers_byte_for_byte(tiny, prompt, steps):
    config, model = tiny
    ours = dscalc.run("kv-cache", {"config": config, "context_length": prompt + steps,
                                   "kv_dtype": "bf16"})
    assert ours["total_bytes"] == measured(model, prompt, steps)


def test_the_parameters_match_transformers_exactly(tiny):
    config, model = tiny
    assert dscalc.run("model-size", {"config": config})["total_params"] == sum(
        item.numel() for item in model.parameters())
