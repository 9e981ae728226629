"""KV cache: properties that hold for every layer layout, generated at random.

Sliding and chunked layers stop growing past their window; only full-attention (and DSA) layers
grow, linearly in the context; the bounded part never depends on the context once every window
is full; one decode step never reads more than the cache holds.
"""

from hypothesis import given, settings, strategies as st

import dscalc

KINDS = ["full_attention", "sliding_attention", "chunked_attention", "linear_attention", "mlp"]


@st.composite
def layouts(draw):
    layers = draw(st.integers(1, 12))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=layers, max_size=layers))
    heads = draw(st.sampled_from([1, 2, 4, 8]))
    config = {
        "num_hidden_layers": layers, "num_attention_heads": heads,
        "num_key_value_heads": draw(st.sampled_from([d for d in (1, 2, 4, 8) if heads % d == 0])),
        "head_dim": draw(st.integers(1, 256)), "layer_types": kinds,
        "sliding_window": draw(st.integers(1, 5000)),
        "attention_chunk_size": draw(st.integers(1, 5000)),
        "linear_num_key_heads": draw(st.integers(1, 8)),
        "linear_num_value_heads": draw(st.integers(1, 8)),
        "linear_key_head_dim": draw(st.integers(1, 64)),
        "linear_value_head_dim": draw(st.integers(1, 64)),
        "linear_conv_kernel_dim": draw(st.integers(1, 8)),
    }
    return config


@st.composite
def dsa_configs(draw):
    return {"num_hidden_layers": draw(st.integers(1, 8)), "num_attention_heads": 4,
            "kv_lora_rank": draw(st.integers(1, 1024)), "qk_rope_head_dim": draw(st.integers(1, 128)),
            "index_n_heads": draw(st.integers(1, 64)),
            "index_head_dim": draw(st.sampled_from([128, 256])),
            "index_topk": draw(st.integers(1, 4096))}


def cache(config, context, **inputs):
    return dscalc.run("kv-cache", {"config": config, "context_length": context, **inputs})


def longest_window(config):
    return max(config["sliding_window"], config["attention_chunk_size"])


@settings(max_examples=150, deadline=None)
@given(layouts(), st.integers(0, 10**6), st.integers(1, 10**6),
       st.sampled_from(["bf16", "fp8", "fp32"]))
def test_past_every_window_only_the_full_layers_grow_linearly(config, start, extra, dtype):
    first = longest_window(config) + start
    a, b = cache(config, first, kv_dtype=dtype), cache(config, first + extra, kv_dtype=dtype)
    assert b["total_bytes"] - a["total_bytes"] == a["bytes_per_token"] * extra
    assert a["bounded_bytes"] == b["bounded_bytes"]
    full = config["layer_types"].count("full_attention")
    assert a["bytes_per_token"] == full * 2 * a["num_kv_heads"] * a["head_dim"] * a[
        "bytes_per_element"]


@settings(max_examples=150, deadline=None)
@given(layouts(), st.integers(1, 10**6), st.integers(1, 64))
def test_the_parts_add_up_and_a_step_never_reads_more_than_the_cache(config, context, batch):
    result = cache(config, context, batch_size=batch)
    assert result["total_bytes"] == result["growing_bytes"] + result["bounded_bytes"]
    assert result["bounded_bytes"] == result["window_bytes"] + result["state_bytes"]
    assert result["growing_bytes"] == result["bytes_per_token"] * context * batch
    assert 0 <= result["bytes_read_per_decode_step"] <= result["total_bytes"]


@settings(max_examples=100, deadline=None)
@given(layouts(), st.integers(1, 5000))
def test_a_window_layer_never_holds_more_than_its_window(config, context):
    result = cache(config, context)
    window_layers = sum(kind in ("sliding_attention", "chunked_attention")
                        for kind in config["layer_types"])
    per_token = 2 * result["num_kv_heads"] * result["head_dim"] * 2
    assert result["window_bytes"] <= window_layers * per_token * min(
        context, longest_window(config) - 1)


@settings(max_examples=100, deadline=None)
@given(layouts(), st.integers(1, 10**5), st.integers(1, 10**5))
def test_the_cache_never_shrinks_as_the_context_grows(config, context, extra):
    assert cache(config, context)["total_bytes"] <= cache(config, context + extra)["total_bytes"]


@settings(max_examples=100, deadline=None)
@given(dsa_configs(), st.integers(1, 10**6))
def test_dsa_reads_all_indexer_keys_and_at_most_top_k_latents(config, context):
    result = cache(config, context)
    layers, topk = config["num_hidden_layers"], config["index_topk"]
    latent = (config["kv_lora_rank"] + config["qk_rope_head_dim"]) * 2
    index = result["indexer_bytes_per_token_per_layer"]
    assert result["bytes_read_per_decode_step"] == layers * (context * index
                                                             + min(context, topk) * latent)
    assert result["bytes_read_per_decode_step"] <= result["total_bytes"]
    if context > topk:
        assert result["bytes_read_per_decode_step"] < result["total_bytes"]


@settings(max_examples=100, deadline=None)
@given(layouts(), st.integers(1, 10**6))
def test_model_size_and_memory_accept_what_the_cache_accepts(config, context):
    # qwen3_next: a family whose parameter count reads every one of these layer kinds
    sized = dict(config, hidden_size=32, vocab_size=50, intermediate_size=16,
                 model_type="qwen3_next", tie_word_embeddings=False)
    memory = dscalc.run("memory", {"config": sized, "context_length": context})
    result = cache(sized, context)
    assert memory["kv_cache_bytes"] == result["total_bytes"]
