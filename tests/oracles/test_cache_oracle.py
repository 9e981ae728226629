"""Oracle: the kv-cache calculator against the caches the reference implementations really hold.

For every cache structure Hugging Face transformers (5.24) implements, a tiny randomly
initialised model is built from a shrunken config on CPU, a prompt of a few hundred tokens is run
(then a few decode steps), and the bytes of the tensors its cache holds are summed — aliased
storage counted once. ``dscalc``'s ``total_bytes`` for the same config and length must be equal,
byte for byte. Where our figure follows the vendor's reference rather than transformers, the test
says so: DeepSeek-V3.2's indexer keys are FP8 with FP32 scales in DeepSeek's
``inference/model.py`` (checked against that file's buffer declarations, below) but the model's
data type in transformers (checked here with ``indexer_cache="cache_dtype"``).

Skipped where torch or transformers is not installed, except under ``make test``
(``DSCALC_REQUIRE_ORACLES=1``), where a missing oracle fails.
"""


import pytest
from reference import oracle

torch = oracle("torch")
transformers = oracle("transformers")

import dscalc  # noqa: E402

PROMPT = 300
DECODE_STEPS = 5
#: Bookkeeping tensors a cache layer keeps besides its cache (a window size as a tensor).
BOOKKEEPING = {"_sliding_window_tensor", "cumulative_length", "indexer_cumulative_length"}

BASE = {"vocab_size": 1000, "hidden_size": 64, "num_attention_heads": 4,
        "max_position_embeddings": 4096, "torch_dtype": "bfloat16"}
COMMON = {**BASE, "num_key_value_heads": 2, "head_dim": 16}

#: (name, config dict read by both transformers and dscalc, the model class's name).
TINY = {
    "llama (GQA)": ({**COMMON, "model_type": "llama", "num_hidden_layers": 3,
                     "intermediate_size": 128}, "LlamaForCausalLM"),
    "mistral (every layer slides)": ({**COMMON, "model_type": "mistral", "num_hidden_layers": 3,
                                      "intermediate_size": 128, "sliding_window": 64},
                                     "MistralForCausalLM"),
    "qwen2 (slides from max_window_layers)": (
        {**COMMON, "model_type": "qwen2", "num_hidden_layers": 4, "intermediate_size": 128,
         "use_sliding_window": True, "sliding_window": 64, "max_window_layers": 2},
        "Qwen2ForCausalLM"),
    "gpt-oss (sliding / full)": (
        {**COMMON, "model_type": "gpt_oss", "num_hidden_layers": 4, "intermediate_size": 64,
         "num_local_experts": 4, "num_experts_per_tok": 2, "sliding_window": 128,
         "layer_types": ["sliding_attention", "full_attention"] * 2}, "GptOssForCausalLM"),
    "llama 4 (chunked / global)": (
        {**COMMON, "model_type": "llama4_text", "num_hidden_layers": 4, "intermediate_size": 64,
         "intermediate_size_mlp": 128, "num_local_experts": 2, "num_experts_per_tok": 1,
         "attention_chunk_size": 64, "no_rope_layer_interval": 4,
         "interleave_moe_layer_step": 2}, "Llama4ForCausalLM"),
    "qwen3-next (Gated DeltaNet / full)": (
        {**COMMON, "model_type": "qwen3_next", "num_hidden_layers": 4, "intermediate_size": 128,
         "full_attention_interval": 4, "linear_conv_kernel_dim": 4, "linear_key_head_dim": 8,
         "linear_value_head_dim": 16, "linear_num_key_heads": 2, "linear_num_value_heads": 4,
         "moe_intermediate_size": 32, "shared_expert_intermediate_size": 32, "num_experts": 4,
         "num_experts_per_tok": 2}, "Qwen3NextForCausalLM"),
    "qwen3.5-moe (Gated DeltaNet / full)": (
        {**COMMON, "model_type": "qwen3_5_moe_text", "num_hidden_layers": 4,
         "full_attention_interval": 4, "linear_conv_kernel_dim": 4, "linear_key_head_dim": 8,
         "linear_value_head_dim": 16, "linear_num_key_heads": 2, "linear_num_value_heads": 4,
         "moe_intermediate_size": 32, "shared_expert_intermediate_size": 32, "num_experts": 4,
         "num_experts_per_tok": 2}, "Qwen3_5MoeForCausalLM"),
    "nemotron-h (Mamba-2 / attention / MLP)": (
        {**COMMON, "model_type": "nemotron_h", "num_hidden_layers": 5, "intermediate_size": 128,
         "hybrid_override_pattern": "M-M*-", "mamba_num_heads": 8, "mamba_head_dim": 16,
         "n_groups": 2, "ssm_state_size": 16, "conv_kernel": 4, "expand": 2, "chunk_size": 64},
        "NemotronHForCausalLM"),
    "deepseek-v3 (MLA)": (
        {**BASE, "model_type": "deepseek_v3", "num_hidden_layers": 3, "intermediate_size": 128,
         "moe_intermediate_size": 32, "num_key_value_heads": 4, "q_lora_rank": 32,
         "kv_lora_rank": 16, "qk_nope_head_dim": 16, "qk_rope_head_dim": 8, "v_head_dim": 16,
         "n_routed_experts": 4, "num_experts_per_tok": 2, "n_shared_experts": 1,
         "first_k_dense_replace": 1, "n_group": 1, "topk_group": 1}, "DeepseekV3ForCausalLM"),
    "deepseek-v3.2 (MLA + DSA, indexer keys as transformers keeps them)": (
        {**BASE, "model_type": "deepseek_v32", "num_hidden_layers": 3, "intermediate_size": 128,
         "moe_intermediate_size": 32, "num_key_value_heads": 4, "q_lora_rank": 32,
         "kv_lora_rank": 16, "qk_nope_head_dim": 16, "qk_rope_head_dim": 8, "v_head_dim": 16,
         "n_routed_experts": 4, "num_experts_per_tok": 2, "n_shared_experts": 1,
         "first_k_dense_replace": 1, "n_group": 1, "topk_group": 1, "index_n_heads": 4,
         "index_head_dim": 32, "index_topk": 64}, "DeepseekV32ForCausalLM"),
}

#: The totals the research notes measured for these tiny models at 300 tokens (bf16), so a
#: change in transformers shows up as a failure here and not as two equal wrong numbers.
MEASURED_AT_300 = {"gpt-oss (sliding / full)": 109_312, "llama 4 (chunked / global)": 62_592,
                   "qwen3-next (Gated DeltaNet / full)": 46_848,
                   "nemotron-h (Mamba-2 / attention / MLP)": 57_856,
                   "deepseek-v3.2 (MLA + DSA, indexer keys as transformers keeps them)": 100_800}


def _tensors(value, seen, found):
    if isinstance(value, torch.Tensor):
        key = (value.untyped_storage().data_ptr(), value.storage_offset(), tuple(value.shape),
               value.dtype)
        if key not in seen:
            seen.add(key)
            found.append(value.numel() * value.element_size())
    elif isinstance(value, dict):
        for item in value.values():
            _tensors(item, seen, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _tensors(item, seen, found)


def held_bytes(cache) -> int:
    """Bytes of every tensor the cache's layers hold (aliased storage once)."""
    seen, found = set(), []
    for layer in cache.layers:
        for name, value in vars(layer).items():
            if name not in BOOKKEEPING:
                _tensors(value, seen, found)
    return sum(found)


def build(config: dict, class_name: str):
    torch.manual_seed(0)
    kwargs = {key: value for key, value in config.items() if key != "model_type"}
    hf_config = transformers.AutoConfig.for_model(config["model_type"], **kwargs)
    model = getattr(transformers, class_name)(hf_config)
    return model.to(torch.bfloat16).eval()


def run(model, prompt: int, steps: int) -> int:
    vocab = model.config.get_text_config().vocab_size
    with torch.no_grad():
        out = model(input_ids=torch.randint(0, vocab, (1, prompt)), use_cache=True)
        cache = out.past_key_values
        for _ in range(steps):
            out = model(input_ids=torch.randint(0, vocab, (1, 1)), cache=cache,
                        use_cache=True)
            cache = out.past_key_values
    return held_bytes(cache)


def ours(config: dict, context: int, **inputs) -> dict:
    return dscalc.run("kv-cache", {"config": config, "context_length": context,
                                   "kv_dtype": "bf16", **inputs})


@pytest.fixture(scope="module", params=list(TINY))
def tiny(request):
    config, class_name = TINY[request.param]
    return request.param, config, build(config, class_name)


def _inputs(name: str) -> dict:
    return {"indexer_cache": "cache_dtype"} if "deepseek-v3.2" in name else {}


def test_the_prompt_cache_matches_byte_for_byte(tiny):
    name, config, model = tiny
    measured = run(model, PROMPT, 0)
    assert ours(config, PROMPT, **_inputs(name))["total_bytes"] == measured, name
    if name in MEASURED_AT_300:
        assert measured == MEASURED_AT_300[name]


def test_the_cache_after_decoding_matches_byte_for_byte(tiny):
    name, config, model = tiny
    measured = run(model, PROMPT, DECODE_STEPS)
    assert ours(config, PROMPT + DECODE_STEPS, **_inputs(name))["total_bytes"] == measured, name


def test_a_prompt_shorter_than_the_window_matches(tiny):
    name, config, model = tiny
    measured = run(model, 40, 0)
    assert ours(config, 40, **_inputs(name))["total_bytes"] == measured, name


# --------------------------------------------------------------------------- DeepSeek's reference

#: The four cache buffers of DeepSeek-V3.2-Exp's reference inference code, verbatim from
#: https://github.com/deepseek-ai/DeepSeek-V3.2-Exp/blob/3b99a5350d260b7c2a357e82362305509e2d0724/inference/model.py
#: (class Indexer lines 448-449, class MLA lines 533-534). The file cannot run on CPU (it needs
#: its GPU kernels), so the declarations are read, not imported, and evaluated on torch's meta
#: device with the default data type generate.py sets (line 109: torch.bfloat16).
REFERENCE_BUFFERS = {
    "indexer": [
        'torch.zeros(args.max_batch_size, args.max_seq_len, self.head_dim, '
        'dtype=torch.float8_e4m3fn)',
        'torch.zeros(args.max_batch_size, args.max_seq_len, self.head_dim // block_size, '
        'dtype=torch.float32)',
    ],
    "mla": [
        'torch.zeros(args.max_batch_size, args.max_seq_len, self.kv_lora_rank)',
        'torch.zeros(args.max_batch_size, args.max_seq_len, self.qk_rope_head_dim)',
    ],
}
BLOCK_SIZE = 128  # inference/model.py line 16


class _Namespace:
    def __init__(self, **values):
        self.__dict__.update(values)


def reference_bytes(config: dict, tokens: int, batch: int = 1) -> int:
    """Bytes the reference code allocates for ``tokens`` positions of ``batch`` sequences."""
    args = _Namespace(max_batch_size=batch, max_seq_len=tokens)
    owners = {"indexer": _Namespace(head_dim=config["index_head_dim"]),
              "mla": _Namespace(kv_lora_rank=config["kv_lora_rank"],
                                qk_rope_head_dim=config["qk_rope_head_dim"])}
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)
    try:
        total = 0
        with torch.device("meta"):
            for owner, lines in REFERENCE_BUFFERS.items():
                for line in lines:
                    buffer = eval(line, {"torch": torch, "block_size": BLOCK_SIZE},  # noqa: S307
                                  {"args": args, "self": owners[owner]})
                    total += buffer.numel() * buffer.element_size()
    finally:
        torch.set_default_dtype(previous)
    return total * config["num_hidden_layers"]


def test_deepseek_v32_follows_deepseeks_reference_buffers():
    config = dscalc.data.models()["deepseek-v3.2"]["config"]
    for tokens in (1, 4096, 131_072):
        result = ours(config, tokens)  # default: indexer keys as the reference stores them
        assert result["total_bytes"] == reference_bytes(config, tokens)
    assert ours(config, 1)["bytes_per_token"] == 78_324 == reference_bytes(config, 1)


def test_the_reference_format_differs_from_transformers_only_in_the_indexer_keys():
    config = dscalc.data.models()["deepseek-v3.2"]["config"]
    reference = ours(config, 1000)["total_bytes"]
    transformers_way = ours(config, 1000, indexer_cache="cache_dtype")["total_bytes"]
    # 128 bf16 values (256 B) instead of 128 FP8 values and one FP32 scale (132 B), 61 layers
    assert transformers_way - reference == 61 * 1000 * (256 - 132)
