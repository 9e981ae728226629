"""Training economics: training-cost, pipeline-bubble, mtp-speedup, cluster-reliability.

Checked against things we did not write: the DeepSeek-V3 technical report (Table 1, Sec. 1,
Table 2, Sec. 5.4.3), the DualPipe repository's README figure and code, the R1 paper's cost table
as transcribed, the Llama 3 paper (Sec. 3.3.4), and Daly's checkpoint formula as implemented in
LLNL's SCR library. Standard library, pytest and hypothesis only (this file also runs in Pyodide).
"""

import math

import pytest
from hypothesis import assume, given, settings, strategies as st

import dscalc
from dscalc.parallelism import schedules
from dscalc import web
from dscalc.calcs import cluster_reliability, mtp_speedup

# DeepSeek-V3 technical report (arXiv:2412.19437), Table 1 and Sec. 1.
V3_PRETRAIN_GPU_HOURS = 2_664_000
V3_CONTEXT_GPU_HOURS = 119_000
V3_POST_GPU_HOURS = 5_000
V3_TOTAL_GPU_HOURS = 2_788_000
V3_TOTAL_USD = 5_576_000
V3_STAGE_USD = (5_328_000, 238_000, 10_000)
V3_PRICE = 2.0
V3_TOKENS = 14_800_000_000_000
V3_ACTIVE = 37_000_000_000
V3_GPUS = 2048


def v3(**extra):
    inputs = {"active_params": V3_ACTIVE, "tokens": V3_TOKENS, "gpus": V3_GPUS,
              "gpu_hours": V3_PRETRAIN_GPU_HOURS, "usd_per_gpu_hour": V3_PRICE,
              "chip": "h800-sxm"}
    inputs.update(extra)
    return dscalc.run("training-cost", inputs)


def error_of(calc_id, inputs):
    with pytest.raises(dscalc.ValidationError) as caught:
        dscalc.run(calc_id, inputs)
    error = caught.value
    assert error.message_ja and error.message_en and error.message_ja != error.message_en
    return error


# --------------------------------------------------------------------------- training-cost

def test_v3_table_1_falls_out_exactly():
    result = v3(context_extension_gpu_hours=V3_CONTEXT_GPU_HOURS,
                post_training_gpu_hours=V3_POST_GPU_HOURS)
    assert result["total_gpu_hours"] == V3_TOTAL_GPU_HOURS
    assert result["cost_usd"] == V3_TOTAL_USD
    assert (result["pretraining_cost_usd"], result["context_extension_cost_usd"],
            result["post_training_cost_usd"]) == V3_STAGE_USD


@pytest.mark.parametrize("hours, usd", [(V3_PRETRAIN_GPU_HOURS, 5_328_000),
                                        (V3_CONTEXT_GPU_HOURS, 238_000),
                                        (V3_POST_GPU_HOURS, 10_000)])
def test_each_stage_of_table_1_at_two_dollars(hours, usd):
    assert dscalc.run("training-cost", {"gpu_hours": hours, "usd_per_gpu_hour": V3_PRICE})[
        "cost_usd"] == usd


def test_180k_gpu_hours_and_3_7_days_per_trillion_tokens():
    result = v3()
    # "training DeepSeek-V3 on each trillion tokens requires only 180K H800 GPU hours, i.e.,
    # 3.7 days on our cluster with 2048 H800 GPUs"
    assert result["gpu_hours_per_trillion_tokens"] == pytest.approx(180_000, rel=1e-12)
    assert round(result["days_per_trillion_tokens"], 1) == 3.7
    # "our pre-training stage is completed in less than two months"
    assert 50 < result["days"] < 61


def test_the_mfu_the_report_implies_against_bf16_and_fp8_peaks():
    result = v3()
    flops = 6 * V3_ACTIVE * V3_TOKENS  # 3.2856e24
    assert result["training_flops"] == pytest.approx(flops, rel=1e-15)
    assert result["implied_mfu_bf16"] == pytest.approx(flops / (V3_PRETRAIN_GPU_HOURS * 3600 * 990e12))
    assert result["implied_mfu_bf16"] == pytest.approx(0.34605, abs=5e-6)
    assert result["implied_mfu_fp8"] == pytest.approx(0.17311, abs=5e-6)
    assert result["achieved_flop_per_s_per_gpu"] == pytest.approx(342.59e12, rel=1e-4)
    assert result["direction"] == "from_gpu_hours"


def test_attention_adds_the_causal_term_for_v3():
    plain = v3()
    with_attention = v3(attention_model="deepseek-v3", sequence_length=4096)
    # 2 L n_h (d_qk + d_v) x S/2 = 2 x 61 x 128 x (192 + 128) x 2048 FLOPs per token, forward
    per_token = 2 * 61 * 128 * (192 + 128) * 2048
    assert with_attention["attention_flops_per_token"] == per_token
    assert with_attention["attention_flops"] == pytest.approx(3 * per_token * V3_TOKENS)
    assert with_attention["implied_mfu_bf16"] > plain["implied_mfu_bf16"]


def test_r1_stage_costs_as_transcribed_from_the_nature_supplement():
    # Table 7 (as transcribed; unverified): R1-Zero 101K GPU-hours / US$202K, SFT data 5K / 10K,
    # R1 41K / 82K, total 147K / 294K, on 512 (64 x 8) H800s, R1-Zero about 198 hours.
    for hours, usd in ((101_000, 202_000), (5_000, 10_000), (41_000, 82_000), (147_000, 294_000)):
        assert dscalc.run("training-cost", {"gpu_hours": hours})["cost_usd"] == usd
    days = dscalc.run("training-cost", {"gpu_hours": 101_000, "gpus": 512})["days"]
    assert days * 24 == pytest.approx(198, rel=0.01)


def test_forward_and_inverse_directions_agree():
    forward = dscalc.run("training-cost", {"mfu": 0.4})
    back = dscalc.run("training-cost", {"gpu_hours": forward["pretraining_gpu_hours"]})
    assert back["mfu_used"] == pytest.approx(0.4)
    assert forward["direction"] == "from_mfu"


@settings(max_examples=60, deadline=None)
@given(gpus=st.integers(1, 100_000), more=st.integers(1, 100_000),
       mfu=st.floats(0.01, 1.0), tokens=st.integers(10**9, 10**14))
def test_more_gpus_never_increase_gpu_hours_at_fixed_mfu(gpus, more, mfu, tokens):
    few = dscalc.run("training-cost", {"gpus": gpus, "mfu": mfu, "tokens": tokens})
    many = dscalc.run("training-cost", {"gpus": gpus + more, "mfu": mfu, "tokens": tokens})
    assert many["pretraining_gpu_hours"] <= few["pretraining_gpu_hours"]
    assert many["days"] <= few["days"]


@settings(max_examples=40, deadline=None)
@given(low=st.floats(0.01, 0.99), step=st.floats(0.001, 0.5))
def test_a_higher_mfu_never_costs_more(low, step):
    high = min(1.0, low + step)
    assert (dscalc.run("training-cost", {"mfu": high})["cost_usd"]
            <= dscalc.run("training-cost", {"mfu": low})["cost_usd"])


@pytest.mark.parametrize("inputs, field", [
    ({"gpus": 0}, "gpus"), ({"mfu": 0}, "mfu"), ({"mfu": 1.5}, "mfu"),
    ({"gpu_hours": 0}, "gpu_hours"), ({"tokens": -1}, "tokens"),
    ({"chip": "rubin"}, "peak_tflops"), ({"usd_per_gpu_hour": -2}, "usd_per_gpu_hour"),
    ({"attention_model": "gpt-5"}, "attention_model"),
])
def test_training_cost_rejects_junk_in_both_languages(inputs, field):
    assert error_of("training-cost", inputs).field == field


# --------------------------------------------------------------------------- pipeline-bubble

@pytest.mark.parametrize("inputs, expected", [
    # Hand-computed from Table 2: (PP-1)(F+B), (PP-1)(F+B-2W), (PP/2-1)(F&B+B-3W).
    ({"pp": 8, "micro_batches": 20, "f": 1, "b": 2, "w": 1}, (21, 7, 6)),
    ({"pp": 16, "micro_batches": 32, "f": 1, "b": 2, "w": 1, "fb": 3}, (45, 15, 14)),
    ({"pp": 4, "micro_batches": 8, "f": 1.5, "b": 3, "w": 1, "fb": 4}, (13.5, 7.5, 4)),
    ({"pp": 2, "micro_batches": 4, "f": 1, "b": 2, "w": 0.5, "fb": 2.5}, (3, 2, 0)),
    ({"pp": 6, "micro_batches": 12, "f": 2, "b": 4, "w": 2, "fb": 5}, (30, 10, 6)),
])
def test_table_2_formulas_against_hand_computed_cases(inputs, expected):
    result = dscalc.run("pipeline-bubble", inputs)
    got = (result["bubble_1f1b"], result["bubble_zb1p"], result["bubble_dualpipe"])
    assert got == pytest.approx(expected)


def test_table_2_memory_columns():
    result = dscalc.run("pipeline-bubble", {"pp": 16, "micro_batches": 32})
    assert (result["params_1f1b"], result["params_zb1p"], result["params_dualpipe"]) == (1, 1, 2)
    assert (result["activations_1f1b"], result["activations_zb1p"],
            result["activations_dualpipe"]) == (16, 16, 17)


def test_the_readme_example_is_reproduced():
    # DualPipe README / report Figure 5: 8 PP ranks, 20 micro-batches, F = W = 1, B = 2, and each
    # overlapped pair drawn as wide as F + B.
    slots = schedules.simulate(schedules.program_dualpipe(8, 20), schedules.durations(1, 2, 1, 3))
    kinds = [[slot.kind for slot in row] for row in slots]
    # Device 0 starts with seven forwards of the forward direction (cells 0-6 of the figure)...
    assert kinds[0][:7] == ["F"] * 7
    assert [schedules.label(slot.op) for slot in slots[0][:7]] == [f"→{i}" for i in range(7)]
    # ...and device 7, the mirror image, with seven of the reverse direction, then "0 0 0 1 1 1":
    # forward, backward for input, backward for weights of micro-batch 0, then of 1.
    assert kinds[7][:13] == ["F"] * 7 + ["F", "Bi", "W", "F", "Bi", "W"]
    # The idle time of every device is (PP/2 - 1)(F&B + B - 3W) = 6 cells.
    assert schedules.idle_times(slots) == [6.0] * 8
    # Every device runs every micro-batch of both directions forward and backward once.
    for row in slots:
        forwards = sorted((part.direction, part.micro_batch) for slot in row
                          for part in slot.op.parts if part.kind == "F")
        backwards = sorted((part.direction, part.micro_batch) for slot in row
                           for part in slot.op.parts if part.kind == "B")
        assert forwards == backwards == sorted((d, m) for d in (0, 1) for m in range(10))


times = st.floats(0.1, 10.0, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(half=st.integers(1, 8), extra=st.integers(0, 4), f=times, b=times, share=st.floats(0, 1))
def test_1f1b_and_zb1p_simulations_equal_the_formulas(half, extra, f, b, share):
    pp, micro_batches = 2 * half, min(32, 4 * half + 2 * extra)
    w = b * share
    result = dscalc.run("pipeline-bubble", {"pp": pp, "micro_batches": micro_batches,
                                            "f": f, "b": b, "w": w})
    assert result["simulated_bubble_1f1b"] == pytest.approx(result["bubble_1f1b"])
    # ZB-H1's bubble holds while the weight passes fit into the waits (W <= F, W <= B - W).
    if w <= f and w <= b - w:
        assert result["simulated_bubble_zb1p"] == pytest.approx(result["bubble_zb1p"])
        assert result["zb1p_formula_matches"]


@settings(max_examples=40, deadline=None)
@given(half=st.integers(1, 8), extra=st.integers(0, 4), f=times, overlap=st.floats(0, 1))
def test_dualpipe_simulation_equals_the_formula_in_the_figures_proportions(half, extra, f, overlap):
    # W = F and B = 2F, as in Figure 5; any overlapped-pair time between B and F + B.
    pp, micro_batches = 2 * half, min(32, 4 * half + 2 * extra)
    fb = 2 * f + overlap * f
    result = dscalc.run("pipeline-bubble", {"pp": pp, "micro_batches": micro_batches,
                                            "f": f, "b": 2 * f, "w": f, "fb": fb})
    assert result["simulated_bubble_dualpipe"] == pytest.approx(result["bubble_dualpipe"])
    assert result["dualpipe_formula_matches"]


@settings(max_examples=60, deadline=None)
@given(half=st.integers(1, 8), f=times, b=times, w_share=st.floats(0, 1), fb_share=st.floats(0, 1))
def test_dualpipe_bubble_never_exceeds_1f1b_where_the_reports_assumptions_hold(
        half, f, b, w_share, fb_share):
    # Assumptions of Table 2: W is part of B; an overlapped pair takes no longer than F + B.
    w = b * w_share
    fb = max(f, b) + fb_share * (f + b - max(f, b))
    result = dscalc.run("pipeline-bubble", {"pp": 2 * half, "micro_batches": 4 * half,
                                            "f": f, "b": b, "w": w, "fb": fb})
    assert result["bubble_dualpipe"] <= result["bubble_1f1b"] + 1e-9


def test_the_formula_and_the_simulation_part_ways_outside_the_figures_proportions():
    result = dscalc.run("pipeline-bubble", {"pp": 8, "micro_batches": 20, "f": 1, "b": 2,
                                            "w": 0.5, "fb": 2.5})
    assert result["bubble_dualpipe"] == pytest.approx(9.0)
    assert result["simulated_bubble_dualpipe"] == pytest.approx(8.0)
    assert not result["dualpipe_formula_matches"]
    answer = web.evaluate("pipeline-bubble", {"pp": 8, "micro_batches": 20, "w": 0.5}, "en")
    assert any("W = F" in note for note in answer["notes"])


@pytest.mark.parametrize("inputs, field", [
    ({"pp": 5, "micro_batches": 10}, "pp"), ({"pp": 8, "micro_batches": 14}, "micro_batches"),
    ({"pp": 4, "micro_batches": 9}, "micro_batches"), ({"w": 3, "b": 2}, "w"),
    ({"f": 1, "b": 2, "fb": 1.5}, "fb"), ({"pp": 18, "micro_batches": 36}, "pp"),
    ({"f": 0}, "f"), ({"micro_batches": 100}, "micro_batches"),
])
def test_pipeline_bubble_rejects_junk_in_both_languages(inputs, field):
    assert error_of("pipeline-bubble", inputs).field == field


# --------------------------------------------------------------------------- mtp-speedup

@pytest.mark.parametrize("rate, tokens, implied", [(0.85, 1.85, 1.85 / 1.8 - 1),
                                                   (0.90, 1.90, 1.90 / 1.8 - 1)])
def test_the_reports_acceptance_rates_and_1_8x(rate, tokens, implied):
    # Sec. 5.4.3: acceptance of the second token 85-90%, "1.8 times TPS".
    result = dscalc.run("mtp-speedup", {"acceptance_rate": rate, "observed_speedup": 1.8})
    assert result["tokens_per_step"] == pytest.approx(tokens)
    assert result["implied_step_overhead"] == pytest.approx(implied)
    assert 0.02 < result["implied_step_overhead"] < 0.06
    assert result["speedup"] == pytest.approx(tokens)  # no overhead by default


@settings(max_examples=60, deadline=None)
@given(rate=st.floats(0, 0.99), depth=st.integers(1, 8))
def test_tokens_per_step_is_the_geometric_sum(rate, depth):
    expected = (1 - rate ** (depth + 1)) / (1 - rate)
    assert mtp_speedup.expected_tokens_per_step(rate, depth) == pytest.approx(expected)


@settings(max_examples=60, deadline=None)
@given(low=st.floats(0, 1), high=st.floats(0, 1), overhead=st.floats(0, 2), depth=st.integers(1, 8))
def test_speedup_rises_with_acceptance_and_falls_with_overhead(low, high, overhead, depth):
    low, high = sorted((low, high))
    slow = dscalc.run("mtp-speedup", {"acceptance_rate": low, "depth": depth, "step_overhead": overhead})
    fast = dscalc.run("mtp-speedup", {"acceptance_rate": high, "depth": depth, "step_overhead": overhead})
    assert slow["speedup"] <= fast["speedup"] + 1e-12
    dearer = dscalc.run("mtp-speedup", {"acceptance_rate": high, "depth": depth,
                                        "step_overhead": overhead + 0.1})
    assert dearer["speedup"] < fast["speedup"]


@pytest.mark.parametrize("inputs, field", [
    ({"acceptance_rate": 1.2}, "acceptance_rate"), ({"depth": 0}, "depth"),
    ({"depth": 9}, "depth"), ({"step_overhead": -0.1}, "step_overhead"),
    ({"observed_speedup": 0}, "observed_speedup"),
])
def test_mtp_speedup_rejects_junk_in_both_languages(inputs, field):
    assert error_of("mtp-speedup", inputs).field == field


# --------------------------------------------------------------------------- cluster-reliability

LLAMA3 = {"gpus": 16_384, "observed_interruptions": 419, "observed_days": 54}


def test_llama_3_unexpected_interruptions():
    # Llama 3 paper, Sec. 3.3.4: 419 unexpected interruptions in a 54-day snapshot; 16,384 GPUs.
    result = dscalc.run("cluster-reliability", {**LLAMA3, "checkpoint_write_s": 60})
    assert result["interruptions_per_day"] == pytest.approx(419 / 54)
    assert result["system_mtbf_hours"] == pytest.approx(54 * 24 / 419)  # about 3.09 h
    assert result["gpu_mtbf_hours_used"] == pytest.approx(16_384 * 54 * 24 / 419)  # about 50,700 h
    assert result["mtbf_from"] == "observed"
    mtbf_s = 54 * 24 / 419 * 3600
    assert result["checkpoint_interval_young_s"] == pytest.approx(math.sqrt(2 * 60 * mtbf_s))
    assert result["checkpoint_interval_young_s"] == pytest.approx(1155.9455, rel=1e-7)
    assert result["checkpoint_interval_daly_s"] == pytest.approx(1116.2915, rel=1e-7)


def test_daly_against_hand_computed_values():
    # Daly (2006) eq. 37, as LLNL SCR's scr_ckpt_interval.py implements it:
    # sqrt(2 d M) (1 + sqrt(d/2M)/3 + (d/2M)/9) - d for d < 2M, else M.
    assert cluster_reliability.young_interval(60, 3600) == pytest.approx(657.26707, rel=1e-7)
    assert cluster_reliability.daly_interval(60, 3600) == pytest.approx(617.87565, rel=1e-7)
    assert cluster_reliability.daly_interval(7200, 3600) == 3600
    assert cluster_reliability.daly_interval(10_000, 3600) == 3600


def test_useful_fraction_matches_the_first_order_loss_when_everything_is_small():
    tau, delta, restart, mtbf = 100.0, 1.0, 10.0, 1e6
    first_order = 1 - delta / tau - (tau / 2 + restart) / mtbf
    assert cluster_reliability.useful_fraction(tau, delta, restart, mtbf) == pytest.approx(
        first_order, abs=1e-4)


def test_useful_fraction_never_overflows():
    assert cluster_reliability.useful_fraction(1e6, 1e6, 1e6, 0.001) == 0.0
    result = dscalc.run("cluster-reliability", {"gpus": 10_000_000, "gpu_mtbf_hours": 1,
                                                "checkpoint_write_s": 1e6, "restart_s": 1e6})
    assert 0.0 <= result["useful_fraction"] <= 1.0


@settings(max_examples=80, deadline=None)
@given(short=st.floats(0.001, 1e5), longer=st.floats(0.001, 1e5), mtbf=st.floats(1.0, 1e7))
def test_a_longer_checkpoint_write_never_shortens_the_optimal_interval(short, longer, mtbf):
    short, longer = sorted((short, longer))
    assert (cluster_reliability.young_interval(short, mtbf)
            <= cluster_reliability.young_interval(longer, mtbf))
    assert (cluster_reliability.daly_interval(short, mtbf)
            <= cluster_reliability.daly_interval(longer, mtbf) * (1 + 1e-12))


@settings(max_examples=60, deadline=None)
@given(delta=st.floats(1, 600), restart=st.floats(0, 3600), mtbf=st.floats(3600, 1e6))
def test_dalys_interval_is_near_the_best_of_its_model(delta, restart, mtbf):
    assume(delta < mtbf / 10)
    tau = cluster_reliability.daly_interval(delta, mtbf)
    best = cluster_reliability.useful_fraction(tau, delta, restart, mtbf)
    for factor in (0.5, 2.0):
        assert cluster_reliability.useful_fraction(tau * factor, delta, restart, mtbf) <= best + 1e-12


@settings(max_examples=40, deadline=None)
@given(gpus=st.integers(1, 10**6), more=st.integers(1, 10**6))
def test_more_gpus_mean_more_interruptions(gpus, more):
    few = dscalc.run("cluster-reliability", {"gpus": gpus})
    many = dscalc.run("cluster-reliability", {"gpus": gpus + more})
    assert many["interruptions_per_day"] > few["interruptions_per_day"]
    assert many["useful_fraction"] <= few["useful_fraction"]


@pytest.mark.parametrize("inputs, field", [
    ({"observed_interruptions": 419}, "observed_days"),
    ({"observed_days": 54}, "observed_interruptions"),
    ({"gpu_mtbf_hours": ""}, "gpu_mtbf_hours"), ({"gpus": 0}, "gpus"),
    ({"checkpoint_write_s": 0}, "checkpoint_write_s"), ({"restart_s": -1}, "restart_s"),
])
def test_cluster_reliability_rejects_junk_in_both_languages(inputs, field):
    assert error_of("cluster-reliability", inputs).field == field


def test_a_typed_attention_term_is_tripled_for_training():
    result = v3(attention_flops_per_token=1e10)
    assert result["attention_flops"] == pytest.approx(3e10 * V3_TOKENS)
    assert result["training_flops"] == pytest.approx(6 * V3_ACTIVE * V3_TOKENS + 3e10 * V3_TOKENS)
