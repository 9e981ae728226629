"""Measured beside modelled (dscalc.hardware.measured): units normalised once, each record's ceiling at its
own conditions, the share reached, what binds, and why a figure can be above its ceiling.

Hand-derived cases first (a dense model on an ideal chip whose step times are one line of
arithmetic), then the roofline calculator's own numbers (the ceiling must be the same roofline,
not a second one), then the records in data/measured/ as published.

Only the standard library, pytest and hypothesis: these tests also run inside Pyodide, against
the JSON the wheel carries.
"""

import math

import pytest

import dscalc
from dscalc import data, web
from dscalc.hardware import measured, measured_view
from dscalc.calcs import roofline as roofline_calc
from dscalc.calcs import serving_cost
from dscalc.framework.errors import ValidationError
from dscalc.hardware.measured import Machine, compare, normalise
from dscalc.hardware.roofline_model import ModelShape, Roof

#: Records written for these tests only (not data): the shapes the publishers use.
FIXTURE = [
    {"id": "fixture-per-system", "model": "deepseek-r1",
     "precision": {"weights": "fp8", "activations": "fp8", "kv_cache": "bf16"},
     "chip": "h800-sxm", "chip_count": 8, "system": "8×H800 node", "submitter": "Fixture",
     "scenario": "server", "throughput": {"value": 14_800, "unit": "tokens/s", "per": "system"},
     "tokens_per_s_per_user": 20, "software": "inference engine", "source_url": "https://example.org/a"},
    {"id": "fixture-per-chip", "model": "llama-3.1-405b",
     "precision": {"weights": "FP8", "kv_cache": "fp8"}, "chip": "h200-sxm", "chip_count": 8,
     "system": "8×H200", "submitter": "Fixture", "scenario": "concurrency", "concurrency": 64,
     "input_tokens": 1_024, "output_tokens": 1_024,
     "throughput": {"value": 150, "unit": "tokens/s", "per": "chip"}, "source_url": "https://example.org/b"},
    {"id": "fixture-per-user", "model": "llama-3.1-405b",
     "precision": {"weights": "fp8", "kv_cache": "fp8"}, "chip": "h200-sxm", "chip_count": 8,
     "system": "8×H200", "submitter": "Fixture", "scenario": "concurrency", "concurrency": 32,
     "input_tokens": 1_024, "output_tokens": 1_024,
     "throughput": {"value": 30, "unit": "tokens/s", "per": "user"}, "source_url": "https://example.org/c"},
    {"id": "fixture-samples", "model": "llama-3.1-8b", "precision": {"weights": "fp8"},
     "chip": "h100-sxm", "chip_count": 1, "scenario": "offline",
     "throughput": {"value": 12.5, "unit": "samples/s", "per": "system"}, "source_url": "https://example.org/d"},
    {"id": "fixture-mtp", "model": "llama-3.1-8b", "precision": {"weights": "bf16", "kv_cache": "bf16"},
     "chip": "h100-sxm", "chip_count": 1, "scenario": "interactive", "concurrency": 1,
     "input_tokens": 1_000, "output_tokens": 1_000, "latency": {"tpot_ms": 1.0},
     "throughput": {"value": 1_000, "unit": "tokens/s", "per": "user"},
     "software": "engine with EAGLE speculative decoding", "source_url": "https://example.org/e"},
    {"id": "fixture-unknown-model", "model": "fixture-model-without-config", "precision": {"weights": "fp8"},
     "chip": "h100-sxm", "chip_count": 8, "scenario": "offline",
     "throughput": {"value": 30_000, "unit": "tokens/s", "per": "system"}, "source_url": "https://example.org/f"},
]


@pytest.fixture
def fixture_records(monkeypatch):
    monkeypatch.setattr(measured, "records", lambda: [dict(record) for record in FIXTURE])
    return FIXTURE


def record(record_id):
    return next(item for item in FIXTURE if item["id"] == record_id)


# --------------------------------------------------------------------------- normalisation

def test_a_figure_per_system_divided_by_the_chip_count_is_the_figure_per_chip():
    figures = normalise(record("fixture-per-system"))
    assert figures["tokens_per_s_per_system"] == 14_800
    assert figures["tokens_per_s_per_chip"] == 14_800 / 8 == 1_850
    assert (figures["tokens_per_s_per_user"], figures["user_from"]) == (20, "published")


def test_a_figure_per_chip_is_kept_and_times_the_chip_count_is_the_system():
    figures = normalise(record("fixture-per-chip"))
    assert figures["tokens_per_s_per_chip"] == 150
    assert figures["tokens_per_s_per_system"] == 1_200
    # No per-user figure published: the system's rate shared by its 64 users.
    assert figures["tokens_per_s_per_user"] == pytest.approx(1_200 / 64)
    assert figures["user_from"] == "system/concurrency"


def test_a_figure_per_user_times_the_concurrency_is_the_system():
    figures = normalise(record("fixture-per-user"))
    assert figures["tokens_per_s_per_user"] == 30
    assert figures["tokens_per_s_per_system"] == 30 * 32 == 960
    assert figures["tokens_per_s_per_chip"] == 960 / 8 == 120


def test_a_figure_per_user_without_concurrency_gives_no_system_figure():
    figures = normalise(dict(record("fixture-per-user"), concurrency=None))
    assert figures["tokens_per_s_per_user"] == 30
    assert figures["tokens_per_s_per_system"] is None and figures["tokens_per_s_per_chip"] is None


def test_tpot_gives_the_speed_per_user_when_no_other_figure_does():
    figures = normalise({"chip_count": 1, "latency": {"tpot_ms": 40},
                         "throughput": {"value": 100, "unit": "tokens/s", "per": "system"}})
    assert (figures["tokens_per_s_per_user"], figures["user_from"]) == (25, "tpot")


def test_samples_per_second_are_not_turned_into_tokens():
    figures = normalise(record("fixture-samples"))
    assert figures["tokens_per_s_per_chip"] is None and figures["tokens_per_s_per_system"] is None
    assert compare(record("fixture-samples"))["share"] is None


@pytest.mark.parametrize("junk", [None, "many", -5, 0, float("nan"), float("inf"), True])
def test_junk_throughput_values_give_no_figure_rather_than_a_wrong_one(junk):
    figures = normalise({"chip_count": 8, "throughput": {"value": junk, "unit": "tokens/s",
                                                         "per": "system"}})
    assert figures["tokens_per_s_per_chip"] is None


# --------------------------------------------------------------------------- the ceiling, by hand

def ideal_machine(memory_bytes=None):
    """A dense model of 1e9 weights (1 byte each, no KV cache, no attention) on a chip of
    1 PFLOP/s and 1 TB/s: a decode step takes max(B × 2e9 / 1e15, 1e9 / 1e12) seconds."""
    shape = ModelShape(dense_params=10**9, expert_params=0, num_moe_layers=0, num_experts=0,
                       top_k=0, matmul_flops_per_token=2e9, prefill_attention_flops=0.0,
                       decode_attention_flops=0.0, kv_bytes_per_token=0.0)
    return Machine(shape, 10**9, Roof(1e15, 1e15, 1e12), 1, memory_bytes, 1.0, 0, 100)


def test_hand_derived_decode_ceiling_memory_bound_below_the_ridge():
    machine = ideal_machine()
    # B = 10: compute 2e-5 s, memory 1e-3 s -> 10 / 1e-3 = 10,000 tokens/s, 1,000 per user.
    assert machine.step(10) == pytest.approx((2e-5, 1e-3))
    assert machine.per_chip(10) == pytest.approx(10_000)
    assert machine.per_user(10) == pytest.approx(1_000)


def test_hand_derived_decode_ceiling_compute_bound_above_the_ridge():
    machine = ideal_machine()
    # B = 2,000: compute 4e-3 s > memory 1e-3 s -> 2,000 / 4e-3 = 500,000 tokens/s = P / 2N.
    assert machine.per_chip(2_000) == pytest.approx(1e15 / 2e9)


def test_the_largest_batch_that_keeps_a_per_user_speed():
    # 500 tokens/s per user = a 2 ms step; B × 2e-6 s <= 2e-3 s up to B = 1,000.
    assert ideal_machine().batch_for_user_speed(500) == 1_000
    # Faster than the memory-bound step allows even at batch 1 (1,000 tokens/s): none.
    assert ideal_machine().batch_for_user_speed(2_000) == 0


def test_n_chips_are_one_machine_with_n_times_the_roof():
    roof = measured.system_roof(Roof(1e15, 5e14, 1e12), 8)
    assert (roof.matmul_peak, roof.attention_peak, roof.bandwidth) == (8e15, 4e15, 8e12)


# --------------------------------------------------------------------------- the same roofline

def test_a_records_ceiling_is_the_roofline_calculators_own_step():
    """One chip, a published concurrency: the ceiling's decode step is the one the roofline
    calculator computes at that batch and the mean context, and its prefill the calculator's at
    the input length."""
    row = compare(record("fixture-mtp") | {"id": "one-chip", "latency": {}, "software": "",
                                           "concurrency": 16, "throughput": {"value": 1, "unit": "tokens/s", "per": "system"}})
    decode = dscalc.run("roofline", {"model": "llama-3.1-8b", "chip": "h100-sxm", "weight_dtype": "bf16",
                                     "kv_dtype": "bf16", "batch_size": 16, "context_length": 1_500,
                                     "ep_degree": 1, "compare": "none"})
    prefill = dscalc.run("roofline", {"model": "llama-3.1-8b", "chip": "h100-sxm", "weight_dtype": "bf16",
                                      "kv_dtype": "bf16", "batch_size": 16, "context_length": 1_000,
                                      "ep_degree": 1, "compare": "none"})
    assert row["ceiling_per_user"] == pytest.approx(decode["decode_tokens_per_s_per_user"], rel=1e-9)
    expected = 16 * 1_000 / (prefill["prefill_time"] + 1_000 * decode["time_per_output_token"])
    assert row["ceiling_per_chip"] == pytest.approx(expected, rel=1e-9)
    assert row["share"] == pytest.approx(row["tokens_per_s_per_chip"] / expected, rel=1e-9)


def test_share_times_ceiling_is_the_measured_figure(fixture_records):
    for row in measured.compare_all():
        if row["share"] is not None:
            assert row["share"] * row["ceiling_per_chip"] == pytest.approx(row["tokens_per_s_per_chip"])


def test_a_latency_target_caps_the_batch_and_is_named_as_the_bound():
    # 1,000 tokens/s per user on one H100 is faster than Llama 3.1 8B in BF16 allows at batch 1
    # (16 GB over 3.35 TB/s is about 4.8 ms a step): the target is unreachable on the roofline.
    row = compare(record("fixture-mtp") | {"concurrency": None})
    assert row["bound"] == "latency-unreachable" and row["ceiling_batch"] == 1
    slow = compare(record("fixture-mtp") | {"concurrency": None, "throughput": {"value": 100, "unit": "tokens/s", "per": "user"}})
    assert slow["bound"] == "latency"
    assert slow["ceiling_per_user"] >= 100


def test_a_figure_above_its_ceiling_is_kept_and_explained():
    row = compare(record("fixture-mtp"))
    assert row["exceeds"] and row["share"] > 1  # not clipped
    assert row["reasons"] == ["speculative"]
    note = measured_view.share_note(row)
    assert "投機的デコーディング" in note.ja and "speculative decoding" in note.en


def test_a_figure_above_its_ceiling_with_no_stated_reason_is_flagged():
    row = compare(dict(record("fixture-per-chip"), throughput={"value": 10**6, "unit": "tokens/s", "per": "chip"}))
    assert row["exceeds"] and row["reasons"] == ["unexplained"]
    assert "record needs checking" in measured_view.share_note(row).en


def test_a_node_of_a_larger_deployment_is_modelled_on_enough_copies_to_hold_the_weights():
    """DeepSeek-V3/R1 in FP8 (671B weights, about 671 GB) does not fit in one 8×80 GB node: the
    ceiling is taken on two nodes, which cross the 8-GPU NVLink domain."""
    row = compare(record("fixture-per-system"))
    assert row["chips_modelled"] == 16 and row["crosses_scale_up"]
    assert row["share"] == pytest.approx(1_850 / row["ceiling_per_chip"])
    assert 0 < row["share"] < 1
    assert "インターコネクト" in measured_view.share_note(row).ja


def test_a_decode_only_system_has_no_prefill_in_its_ceiling_but_a_disaggregated_one_has():
    decode = compare(dict(record("fixture-per-system"), system="a node of the decode service",
                          input_tokens=4_000, output_tokens=1_000))
    both = compare(dict(record("fixture-per-system"), system="disaggregated prefill/decode cluster",
                        input_tokens=4_000, output_tokens=1_000))
    assert decode["decode_only"] and not both["decode_only"]
    assert decode["ceiling_per_chip"] > both["ceiling_per_chip"]
    assert decode["ceiling_per_user"] == pytest.approx(both["ceiling_per_user"])


def test_a_model_without_a_config_has_no_ceiling_and_says_why():
    row = compare(record("fixture-unknown-model"))
    assert row["no_ceiling"] == "model" and row["share"] is None
    assert "data/models" in measured_view.share_note(row).en


def test_a_chip_not_in_the_table_has_no_ceiling():
    row = compare(dict(record("fixture-per-chip"), chip="mystery-9000"))
    assert row["no_ceiling"] == "chip"


def test_extremes_pick_the_largest_and_smallest_share(fixture_records):
    rows = measured.compare_all()
    best, worst = measured.extremes(rows)
    shares = [row["share"] for row in rows if row["share"] is not None]
    assert best["share"] == max(shares) and worst["share"] == min(shares)


def test_unknown_record_id_is_refused_at_the_field_in_both_languages(fixture_records):
    with pytest.raises(ValidationError) as caught:
        measured.by_id("no-such-record")
    assert caught.value.field == "measured_record"
    assert "no-such-record" in caught.value.message_ja and "data/measured" in caught.value.message_en


# --------------------------------------------------------------------------- the calculators

def test_roofline_shows_the_records_of_its_model_and_chip(fixture_records):
    answer = web.evaluate("roofline", {"model": "llama-3.1-405b", "chip": "h200-sxm",
                                       "weight_dtype": "fp8", "kv_dtype": "fp8"}, "en")
    assert answer["ok"], answer
    out = answer["outputs"]
    assert out["measured_count"] == 2
    assert {row["id"] for row in out["measured"]} == {"fixture-per-chip", "fixture-per-user"}
    assert out["measured_best_share"] == max(row["share"] for row in out["measured"])
    assert any("fixture-per-user" in note for note in answer["notes"])
    chart = answer["charts"]["front"]
    assert "Latency–throughput front" in chart and "Fixture" in chart
    curve = out["front_curves"][0]
    assert curve["chips"] == 8 and curve["input_tokens"] == 1_024
    per_user = [x for x, _ in curve["points"]]
    per_chip = [y for _, y in curve["points"]]
    assert per_user == sorted(per_user, reverse=True) and per_chip == sorted(per_chip)


def test_roofline_says_when_no_record_exists(fixture_records):
    answer = web.evaluate("roofline", {"model": "qwen3-8b", "chip": "tpu-v6e"}, "ja")
    assert answer["ok"] and answer["outputs"]["measured_count"] == 0
    assert any("測定結果は data/measured/ にありません" in note for note in answer["notes"])


def test_the_front_chart_draws_a_point_above_every_ceiling(fixture_records):
    answer = web.evaluate("roofline", {"model": "llama-3.1-8b", "chip": "h100-sxm",
                                       "weight_dtype": "bf16"}, "en")
    row = next(row for row in answer["outputs"]["measured"] if row["id"] == "fixture-mtp")
    assert row["exceeds"]
    assert "1,000 tokens/s" in answer["charts"]["front"]  # the point is in the chart's table


def serving(**overrides):
    values = {field.name: field.default for field in serving_cost.SERVING_COST.inputs}
    values.update(overrides)
    return serving_cost.compute(values)


def test_cost_per_million_output_tokens_from_a_measured_record(fixture_records):
    """8 H800 at US$2 an hour producing 14,800 tokens/s: 16 × 10^6 / (3,600 × 14,800) = US$0.3003."""
    out = serving(measured_record="fixture-per-system", chip_hour_record="deepseek-h800-rent-2025-02",
                  output_tokens_per_s=1.0, chips_per_replica=1, efficiency=0.5)
    assert out["chips_per_replica_used"] == 8 and out["output_tokens_per_s_used"] == 14_800
    assert out["cost_per_million_output"] == pytest.approx(16e6 / (3_600 * 14_800))
    assert out["chip_hour_source_url"].startswith("https://github.com/deepseek-ai/")
    assert out["measured_source_url"] == "https://example.org/a"


def test_the_cost_front_prices_every_record_of_the_pair_like_the_cost_output(fixture_records):
    """Per chip at p dollars an hour, 10^6 tokens cost p × 10^6 / (3,600 × tokens/s per chip):
    the chosen record's point is the calculator's own cost per 1M output tokens."""
    out = serving(measured_record="fixture-per-chip", chip_hour_price=3.0)
    front = out["measured_front"]
    ids = {point["id"] for point in front["points"]}
    assert ids == {"fixture-per-chip", "fixture-per-user"}
    mine = next(point for point in front["points"] if point["id"] == "fixture-per-chip")
    assert mine["cost"] == pytest.approx(out["cost_per_million_output"])
    assert mine["cost"] == pytest.approx(3.0 * 1e6 / (3_600 * 150))
    # The roofline floor lies below every measured cost at the same conditions' speeds.
    floor = front["curves"][0]["points"]
    assert min(cost for _, cost in floor) < min(point["cost"] for point in front["points"])
    assert serving()["measured_front"] == {"points": [], "curves": [], "model": "", "chip": ""}


def test_a_record_compared_with_another_gives_the_ratio_of_their_throughputs_per_chip(fixture_records):
    """14,800 tokens/s on 8 chips (1,850 per chip) against 150 per chip: 1,850 / 150."""
    out = serving(measured_record="fixture-per-system", baseline_record="fixture-per-chip")
    assert out["measured_ratio_to_baseline"] == pytest.approx(1_850 / 150)
    assert serving(measured_record="fixture-per-system")["measured_ratio_to_baseline"] is None
    with pytest.raises(ValidationError) as caught:
        serving(baseline_record="fixture-per-chip")
    assert caught.value.field == "baseline_record"


def test_google_b200_deepseek_r1_offline_from_mlperf_v5_1_to_v6_0():
    """Both 8 × B200, as published: 57,116.9 / 31,920.3 tokens/s for the system (the page's ratio)."""
    out = serving(measured_record="mlperf60-dsr1-offline-google-b200-sxm-180gbx8-trt",
                  baseline_record="mlperf51-dsr1-offline-google-b200-sxm-180gbx8-trt")
    assert out["measured_ratio_to_baseline"] == pytest.approx(57_116.9 / 31_920.3)


def test_a_price_for_another_chip_is_refused_at_its_field(fixture_records):
    with pytest.raises(ValidationError) as caught:
        serving(measured_record="fixture-per-chip", chip_hour_record="deepseek-h800-rent-2025-02")
    assert caught.value.field == "chip_hour_record"
    assert "H800" in caught.value.message_en and "H200" in caught.value.message_ja


def test_a_record_slower_per_user_than_the_floor_is_refused(fixture_records):
    with pytest.raises(ValidationError) as caught:
        serving(measured_record="fixture-per-system", min_tokens_per_s_per_user=50)
    assert caught.value.field == "min_tokens_per_s_per_user"
    assert "20.0" in caught.value.message_en and "50" in caught.value.message_ja
    assert serving(measured_record="fixture-per-system", min_tokens_per_s_per_user=20)["measured_id"]


def test_a_record_without_tokens_per_second_cannot_be_costed(fixture_records):
    with pytest.raises(ValidationError) as caught:
        serving(measured_record="fixture-samples")
    assert caught.value.field == "measured_record"


def test_an_unknown_record_id_is_refused_by_the_form_at_its_field():
    answer = web.evaluate("serving-cost", {"measured_record": "no-such-record"}, "ja")
    assert not answer["ok"] and answer["error"]["field"] == "measured_record"
    message = answer["error"]["message"]
    # A long list of ids names the value refused; a short one lists the choices.
    assert "no-such-record" in message or message.endswith("none")


def test_chip_hour_prices_name_a_chip_of_the_table_and_a_dated_source():
    chips = data.chips()
    for price in serving_cost.chip_price_records().values():
        assert price["chip"] in chips and price["basis"] in ("rent", "own")
        assert price["usd_per_chip_hour"] > 0 and price["source_url"].startswith("https://")
        assert price["date"] and price["status"] in ("verified", "unverified", "disputed")


# --------------------------------------------------------------------------- the records as published

def stored():
    return measured.records()


def test_stored_records_normalise_consistently():
    for item in stored():
        figures = normalise(item)
        per = (item.get("throughput") or {}).get("per")
        if figures["tokens_per_s_per_chip"] is None:
            continue
        if per == "system":
            assert figures["tokens_per_s_per_chip"] == pytest.approx(item["throughput"]["value"] / item["chip_count"]), item["id"]
        elif per == "chip":
            assert figures["tokens_per_s_per_chip"] == pytest.approx(item["throughput"]["value"]), item["id"]
        elif per == "user":
            assert figures["tokens_per_s_per_system"] == pytest.approx(item["throughput"]["value"] * item["concurrency"]), item["id"]


def test_every_stored_record_compares_without_error_and_never_clips():
    for row in measured.compare_all():
        if row["share"] is not None:
            assert math.isfinite(row["share"]) and row["share"] > 0, row["id"]
            assert row["exceeds"] == (row["share"] > 1 or row["bound"] == "latency-unreachable"), row["id"]
            if row["exceeds"]:
                assert row["reasons"], row["id"]


def test_a_cost_from_a_decode_only_record_says_the_prefill_nodes_are_left_out():
    day6 = "deepseek-day6-decode-h800-node"
    assert measured.decode_only(measured.by_id(day6))
    ja = " ".join(web.evaluate("serving-cost", {"measured_record": day6}, "ja")["notes"])
    en = " ".join(web.evaluate("serving-cost", {"measured_record": day6}, "en")["notes"])
    assert "プリフィル用のノードの費用は含みません" in ja and "同じチップで動いた" not in ja
    assert "prefill nodes' cost is not in it" in en and "same chips" not in en
