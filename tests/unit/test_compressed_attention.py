"""DeepSeek-V4's CSA/HCA cache and parameter count: the arithmetic by hand, the published totals,
and junk configs refused with a message that names the key (ja and en).

The byte-for-byte comparison with transformers 5.24 is in
tests/oracles/test_compressed_attention_oracle.py.
"""

import pytest

import dscalc

B = 1_000_000_000
M = 2**20


def config_of(model_id: str) -> dict:
    return dscalc.data.models()[model_id]["config"]


def kv(model_id: str | None = None, **inputs) -> dict:
    if model_id is not None:
        inputs["model"] = model_id
    return dscalc.run("kv-cache", inputs)


def test_v4_pro_grows_by_csa_and_hca_entries_only():
    # 30 CSA layers: (512 + 128) × 2 B every 4 tokens; 31 HCA layers: 512 × 2 B every 128.
    result = kv("deepseek-v4-pro", context_length=M)
    assert result["bytes_per_token"] == 30 * 640 * 2 // 4 + 31 * 512 * 2 // 128 == 9848
    assert result["growing_bytes"] == 9848 * M
    # every layer's window: 127 tokens of one 512-wide BF16 vector (key = value)
    assert result["window_bytes"] == 61 * 127 * 1024
    assert result["layer_counts"] == {"heavily_compressed_attention": 31,
                                      "compressed_sparse_attention": 30}


def test_v4_flash_sliding_only_layers_hold_key_and_value_separately():
    result = kv("deepseek-v4-flash", context_length=M)
    assert result["bytes_per_token"] == 21 * 640 * 2 // 4 + 20 * 1024 // 128 == 6880
    assert result["window_bytes"] == (2 * 2 + 21 + 20) * 127 * 1024


def test_one_decode_step_reads_window_topk_hca_stream_and_indexer_keys():
    result = kv("deepseek-v4-pro", context_length=M)
    entries = M // 4
    expected = (61 * 127 * 1024 + 30 * (1024 * 1024 + entries * 256)
                + 31 * (M // 128) * 1024)
    assert result["bytes_read_per_decode_step"] == expected


def test_below_one_compressed_window_only_the_window_and_buffers_are_kept():
    result = kv("deepseek-v4-flash", context_length=3)
    assert result["growing_bytes"] == 0
    assert result["bounded_bytes"] == result["total_bytes"] > 0


def test_deepseeks_storage_uses_flashmlas_584_byte_entries_and_fp4_indexer_keys():
    result = kv("deepseek-v4-pro", context_length=M, compressed_storage="deepseek")
    assert result["compressed_entry_bytes"] == 448 + 64 * 2 + 8 == 584
    assert result["indexer_bytes_per_token_per_layer"] == 64
    assert result["bytes_per_token"] == pytest.approx(30 * (584 + 64) / 4 + 31 * 584 / 128)


def test_the_published_totals_are_reproduced_within_their_rounding():
    # "1.6T parameters (49B activated)" and "284B parameters (13B activated)"
    pro = dscalc.run("model-size", {"model": "deepseek-v4-pro"})
    flash = dscalc.run("model-size", {"model": "deepseek-v4-flash"})
    assert round(pro["total_params"] / 1e11) == 16
    assert round(flash["total_params"] / B) == 284
    assert round(pro["matmul_params_per_token"] / B) == 49
    assert round(flash["matmul_params_per_token"] / B) == 13
    assert pro["counting_notes"] == ["mtp_not_counted"]


def test_a_hash_layer_has_a_router_but_no_router_bias():
    base = dict(config_of("deepseek-v4-flash"))
    without = dscalc.run("model-size", {"config": dict(base, num_hash_layers=0)})
    with_three = dscalc.run("model-size", {"config": base})
    assert without["router_params"] - with_three["router_params"] == 3 * 256


def test_a_count_of_zero_means_off_and_is_accepted():
    result = dscalc.run("model-size", {"config": dict(config_of("deepseek-v4-flash"),
                                                      num_hash_layers=0)})
    assert result["total_params"] > 0


def test_layer_types_may_be_spelled_out_instead_of_compress_ratios():
    config = dict(config_of("deepseek-v4-flash"))
    ratios = config.pop("compress_ratios")
    names = {0: "sliding_attention", 4: "compressed_sparse_attention",
             128: "heavily_compressed_attention"}
    config["layer_types"] = [names[ratio] for ratio in ratios[:43]]
    assert kv(config=config, context_length=M)["total_bytes"] == kv(
        "deepseek-v4-flash", context_length=M)["total_bytes"]


def _refused(calc: str, config: dict) -> dscalc.ValidationError:
    with pytest.raises(dscalc.ValidationError) as caught:
        dscalc.run(calc, {"config": config})
    return caught.value


JUNK = {
    "a compress ratio that is no rate": ("compress_ratios", {"compress_ratios": [0, 0, 5] * 14 + [4, 0]}),
    "a schedule shorter than the layers": ("compress_ratios", {"compress_ratios": [4] * 40}),
    "a schedule longer than layers and MTP": ("compress_ratios", {"compress_ratios": [4] * 50}),
    "layer_types of the wrong length": ("layer_types", {"layer_types": ["sliding_attention"] * 3}),
    "a negative window": ("sliding_window", {"sliding_window": -128}),
    "a zero compress rate": ("compress_rate_csa", {"compress_rate_csa": 0}),
    "groups that do not divide the heads": ("o_groups", {"o_groups": 7}),
    "more experts per token than experts": ("num_experts_per_tok", {"num_experts_per_tok": 300}),
    "a hash schedule of the wrong length": ("mlp_layer_types", {"mlp_layer_types": ["moe"] * 2}),
}


#: Keys only the parameter count reads (the kv-cache calculator rightly ignores them).
PARAMETER_KEYS = ("o_groups", "num_experts_per_tok", "mlp_layer_types")
CASES = [(calc, case) for case in JUNK for calc in ("kv-cache", "model-size", "memory", "roofline")
         if not (calc == "kv-cache" and JUNK[case][0] in PARAMETER_KEYS)]


@pytest.mark.parametrize("calc, case", CASES)
def test_junk_configs_are_refused_naming_the_key(calc, case):
    key, change = JUNK[case]
    error = _refused(calc, dict(config_of("deepseek-v4-flash"), **change))
    assert error.field == "config"
    assert key in error.message_en and key in error.message_ja


def test_deepseeks_format_is_refused_for_an_entry_flashmla_does_not_describe():
    config = dict(config_of("deepseek-v4-flash"), head_dim=256)
    with pytest.raises(dscalc.ValidationError) as caught:
        kv(config=config, compressed_storage="deepseek")
    assert caught.value.field == "compressed_storage"
    assert "FlashMLA" in caught.value.message_en and "FlashMLA" in caught.value.message_ja


@pytest.mark.parametrize("value", [[[4]] * 43, [{"a": 1}] * 43, "4" * 43, 4])
def test_a_schedule_of_the_wrong_type_is_refused_not_crashed_on(value):
    error = _refused("kv-cache", dict(config_of("deepseek-v4-flash"), compress_ratios=value))
    assert "compress_ratios" in error.message_en and "compress_ratios" in error.message_ja
