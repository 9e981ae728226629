"""The FP8 lab's four calculators, checked through their outputs against things we did not write:
the OCP OFP8 / MX definitions (key numbers, overflow conventions, hand-computed MX and NVFP4
blocks), the DeepSeek-V3 report's figures (its "nearly 2%" at K = 4096, 14-bit accumulation,
N_C = 128, its list of what stays in higher precision), the ZeRO paper's 16 bytes per
parameter, and data/chips.json. Properties (representable values are kept, rounding is
monotonic and sign-symmetric, a finer power-of-two block is never worse) and junk inputs too.

Standard library, pytest and hypothesis only: these run inside Pyodide as well.
"""

import json
import math
import time

import pytest
from hypothesis import assume, given, settings, strategies as st

import dscalc
from dscalc.numerics import accumulation as acc
from dscalc.numerics import scaling_schemes as bs
from dscalc import data, web
from dscalc.numerics import floats
from dscalc.calcs import block_scaling as scaling_schemes

FORMATS = ("e4m3", "e5m2", "e3m2", "e2m3", "e2m1", "e8m0")
SIGNED = FORMATS[:-1]


def fp(value, fmt="e4m3", saturate=True):
    return dscalc.run("fp-format", {"value": value, "format": fmt, "saturate": saturate})


def cpu_ms(function):
    """Wall-clock milliseconds (perf_counter: process_time is not reliable in Pyodide)."""
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


# =========================================================================== fp-format

@pytest.mark.parametrize("fmt, max_finite, min_normal, min_subnormal, bias, binades", [
    # OFP8 rev. 1.0 Table 1/2 (E4M3, E5M2) and the MX v1.0 element formats (FP6, FP4, E8M0).
    ("e4m3", 448.0, 2.0**-6, 2.0**-9, 7, 18),
    ("e5m2", 57344.0, 2.0**-14, 2.0**-16, 15, 32),
    ("e3m2", 28.0, 2.0**-2, 2.0**-4, 3, 9),
    ("e2m3", 7.5, 1.0, 2.0**-3, 1, 6),
    ("e2m1", 6.0, 1.0, 0.5, 1, 4),
    ("e8m0", 2.0**127, 2.0**-127, 2.0**-127, 127, 255),
])
def test_key_numbers_match_the_specifications(fmt, max_finite, min_normal, min_subnormal, bias,
                                              binades):
    out = fp(1.0, fmt)
    assert (out["max_finite"], out["min_normal"], out["min_subnormal"], out["bias"]) == (
        max_finite, min_normal, min_subnormal, bias)
    assert out["dynamic_range_binades"] == binades
    assert out["spacing_at_one"] == 2.0 ** -out["mantissa_bits"]
    assert out["decimal_digits"] == pytest.approx((out["mantissa_bits"] + 1) * math.log10(2))


def test_e4m3_and_e5m2_special_codes_follow_ofp8():
    e4m3, e5m2 = fp(1.0, "e4m3"), fp(1.0, "e5m2")
    assert (e4m3["has_inf"], e4m3["nan_codes"], e4m3["finite_values"]) == (False, 2, 254)
    assert (e5m2["has_inf"], e5m2["nan_codes"]) == (True, 6)
    for fmt in ("e3m2", "e2m3", "e2m1"):
        out = fp(1.0, fmt)
        assert (out["has_inf"], out["nan_codes"]) == (False, 0)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_representable_value_comes_back_unchanged_with_its_own_bits(fmt):
    spec = floats.format_named(fmt)
    for code in range(spec.num_codes):
        value = floats.decode(spec, code)
        if not math.isfinite(value) or (fmt != "e8m0" and value == 0):
            continue
        out = fp(value, fmt)
        assert out["quantized"] == value
        assert out["abs_error"] == 0 and out["rel_error"] == 0
        assert out["bits"] == format(code, f"0{spec.total_bits}b")
        assert int(out["bits"], 2) == out["code"] == code


def test_fields_reassemble_the_value():
    out = fp(0.1)  # 0.1015625 = 2^(3-7) x (1 + 5/8)
    assert (out["bits"], out["code_hex"]) == ("00011101", "0x1D")
    assert (out["sign_bit"], out["exponent_field"], out["mantissa_field"]) == (0, "0011", "101")
    assert out["exponent"] == -4 and out["significand"] == 1.625
    assert out["quantized"] == 2.0**-4 * 1.625 == 0.1015625
    assert out["abs_error"] == abs(0.1 - 0.1015625)
    assert out["rel_error"] == pytest.approx(0.015625)
    assert (out["next_below"], out["next_above"], out["spacing"]) == (0.09375, 0.1015625, 2.0**-7)
    sub = fp(0.001)  # a subnormal: 2^(1-7) x 1/8 = 2^-9
    assert (sub["kind"], sub["quantized"], sub["significand"], sub["exponent"]) == (
        "subnormal", 2.0**-9, 0.125, -6)


@pytest.mark.parametrize("fmt, value, expected", [
    ("e4m3", 1.0625, 1.0), ("e4m3", 1.1875, 1.25), ("e4m3", 2.0**-10, 0.0),
    ("e4m3", 1.5 * 2.0**-10, 2.0**-9), ("e5m2", 1.125, 1.0), ("e5m2", 1.375, 1.5),
    ("e2m1", 0.25, 0.0), ("e2m1", 0.75, 1.0), ("e2m1", 2.5, 2.0), ("e2m1", 5.0, 4.0),
    ("e8m0", 1.5, 2.0), ("e8m0", 3.0, 4.0), ("e8m0", 0.75, 1.0), ("e8m0", 1.4999999, 1.0),
])
def test_ties_go_to_even_and_small_values_to_subnormals_or_zero(fmt, value, expected):
    assert fp(value, fmt)["quantized"] == expected


@pytest.mark.parametrize("fmt, value, saturated, unsaturated, kind", [
    # OFP8 Sec. 5.2.1 rounds first: 464 is a tie that goes to 448 (the even code) in both modes.
    ("e4m3", 464.0, 448.0, 448.0, "normal"),
    ("e4m3", 465.0, 448.0, None, "NaN"),        # E4M3 has no infinity: NaN
    ("e4m3", -1e9, -448.0, None, "NaN"),
    ("e5m2", 61439.0, 57344.0, 57344.0, "normal"),
    ("e5m2", 61440.0, 57344.0, None, "+inf"),   # the tie goes up, to infinity
    ("e5m2", -1e9, -57344.0, None, "-inf"),
    ("e3m2", 30.0, 28.0, 28.0, "normal"),       # FP6/FP4: no inf, no NaN, always saturate
    ("e2m3", 7.75, 7.5, 7.5, "normal"),
    ("e2m1", 7.0, 6.0, 6.0, "normal"),
    ("e2m1", -1e30, -6.0, -6.0, "normal"),
    ("e8m0", 1e39, 2.0**127, None, "NaN"),
])
def test_overflow_follows_the_ocp_conventions(fmt, value, saturated, unsaturated, kind):
    on, off = fp(value, fmt, True), fp(value, fmt, False)
    assert on["quantized"] == saturated
    assert off["quantized"] == unsaturated and off["kind"] == kind
    if unsaturated is None:
        assert off["abs_error"] is None and off["rel_error"] is None and off["overflowed"]


def test_overflow_threshold_output():
    assert [fp(1, f)["overflow_threshold"] for f in SIGNED] == [464.0, 61440.0, 30.0, 7.75, 7.0]


@settings(max_examples=150, deadline=None)
@given(a=st.floats(-1e5, 1e5), b=st.floats(-1e5, 1e5), fmt=st.sampled_from(SIGNED))
def test_rounding_is_monotonic_sign_symmetric_and_idempotent(a, b, fmt):
    low, high = sorted((a, b))
    q_low, q_high = fp(low, fmt)["quantized"], fp(high, fmt)["quantized"]
    assert q_low <= q_high
    assert fp(-high, fmt)["quantized"] == -q_high
    assert fp(q_high, fmt)["quantized"] == q_high


@settings(max_examples=100, deadline=None)
@given(x=st.floats(-500, 500).filter(lambda v: v != 0), fmt=st.sampled_from(SIGNED))
def test_the_result_is_a_nearest_neighbour_and_the_errors_agree(x, fmt):
    out = fp(x, fmt)
    assume(not out["overflowed"])
    q = out["quantized"]
    assert out["abs_error"] == abs(x - q) and out["rel_error"] == pytest.approx(abs(x - q) / abs(x))
    low, high = out["next_below"], out["next_above"]
    if low is not None and high is not None:
        assert low <= x < high and min(x - low, high - x) == abs(x - q)


@pytest.mark.parametrize("inputs, field", [
    ({"value": "abc"}, "value"), ({"value": "nan"}, "value"), ({"value": "inf"}, "value"),
    ({"value": 1e41}, "value"), ({"value": -1e300}, "value"), ({"value": True}, "value"),
    ({"format": "e9m9"}, "format"), ({"format": "e8m0", "value": 0}, "value"),
    ({"format": "e8m0", "value": -2}, "value"), ({"saturate": "maybe"}, "saturate"),
])
def test_fp_format_junk_gives_a_message(inputs, field):
    with pytest.raises(dscalc.ValidationError) as error:
        dscalc.run("fp-format", inputs)
    assert error.value.field == field and error.value.message_ja and error.value.message_en


def test_fp_format_presentation_in_both_languages():
    for lang in ("ja", "en"):
        answer = web.evaluate("fp-format", {"value": 465, "saturate": False}, lang)
        assert answer["ok"] and answer["display"]["quantized"] == "—"
        assert answer["display"]["kind"] == "NaN" and len(answer["notes"]) >= 1
        assert "0x7F" in answer["display"]["code_hex"]
        assert set(answer["charts"]) == {"bits", "number_line"}


# =========================================================================== block-scaling

def bsc(**inputs):
    return dscalc.run("block-scaling", inputs)


def by_scheme(out):
    return {row["scheme"]: row for row in out["comparison"]}


def test_mxfp4_hand_computed_blocks():
    # amax 3 -> floor(log2 3) = 1 -> X = 2^(1 - 2) = 0.5; every value is then an E2M1 value.
    exact = [3.0, 1.0, -0.5, 0.25, -2.0] + [0.0] * 27
    out = bsc(values=exact, scheme="mxfp4")
    assert out["dequantized"] == exact and out["rel_error"] == 0 and out["first_block_scale"] == 0.5
    # amax 7 lies between E2M1's max 6 and the next power of two 8: X = 2^(2 - 2) = 1 and
    # 7 / X = 7 overflows (the tie between 6 and 8 goes up): the OCP floor rule clips it to 6.
    clipped = [7.0] + [1.0] * 31
    out = bsc(values=clipped, scheme="mxfp4")
    assert out["dequantized"][0] == 6.0 and out["dequantized"][1:] == [1.0] * 31
    assert out["clipped_share"] == 1 / 32 and out["first_block_scale"] == 1.0


@pytest.mark.parametrize("scheme, amax, kept", [
    ("mxfp8-e4m3", 500.0, 448.0),   # floor(log2 500) = 8 = emax: X = 1, 500 > 464 clips
    ("mxfp6-e3m2", 30.0, 28.0),     # floor(log2 30) = 4 = emax: X = 1, the tie 30 goes up
    ("mxfp8-e4m3", 464.0, 448.0),   # a tie that stays at 448: no clipping
])
def test_mx_blocks_whose_maximum_lies_past_the_element_maximum(scheme, amax, kept):
    out = bsc(values=[amax] + [1.0] * 31, scheme=scheme)
    assert out["dequantized"][0] == kept and out["first_block_scale"] == 1.0
    assert out["clipped_share"] == (0.0 if amax == 464.0 else 1 / 32)


def test_nvfp4_hand_computed_block():
    # amax 2688 = 448 x 6: s_tensor = 1; block scale E4M3(2688 / 6 / 1) = 448; 2688/448 = 6.
    values = [2688.0, 1344.0, -448.0, 224.0] + [0.0] * 12
    out = bsc(values=values, scheme="nvfp4")
    assert out["tensor_scale"] == 1.0 and out["first_block_scale"] == 448.0
    assert out["dequantized"] == values
    assert out["bits_per_value"] == (16 * 4 + 8 + 32) / 16


def test_tile_scale_is_amax_over_448_and_pow2_rounds_it_up():
    values = [float(i % 7 - 3) for i in range(128)]  # amax 3
    plain = bsc(values=values, scheme="tile-1x128-e4m3")
    assert plain["first_block_scale"] == bs.to_float32(3 / 448)
    pow2 = bsc(values=values, scheme="tile-1x128-e4m3", scale_format="ue8m0")
    assert pow2["first_block_scale"] == 2.0**-7  # 3/448 = 0.0067 -> 2^-7 = 0.0078
    assert pow2["bits_per_value"] == 8 + 8 / 128 and plain["bits_per_value"] == 8 + 32 / 128


def test_bits_per_value_of_every_scheme():
    out = bsc(rows=4, cols=256)  # 1,024 values
    bits = {name: row["bits_per_value"] for name, row in by_scheme(out).items()}
    assert bits == {"per-tensor-e4m3": 8 + 32 / 1024, "tile-1x128-e4m3": 8.25,
                    "block-128x128-e4m3": 8 + 2 * 32 / 1024, "mxfp8-e4m3": 8.25,
                    "mxfp6-e3m2": 6.25, "mxfp4": 4.25, "nvfp4": 4.5 + 32 / 1024}


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.floats(-1e4, 1e4).filter(lambda v: abs(v) > 1e-6), min_size=1,
                       max_size=300))
def test_with_power_of_two_scales_a_finer_block_is_never_worse(values):
    worst = {scheme: bsc(values=values, scheme=scheme, scale_format="ue8m0")["max_abs_error"]
             for scheme in ("per-tensor-e4m3", "tile-1x128-e4m3")}
    assert worst["tile-1x128-e4m3"] <= worst["per-tensor-e4m3"]


def test_a_representable_tensor_is_kept_exactly():
    # With amax 448 the per-tensor scale is 1, so E4M3 values come back unchanged.
    values = [448.0, -0.5, 0.1015625, 2.0**-9, 96.0, -3.75]
    out = bsc(values=values, scheme="per-tensor-e4m3")
    assert out["dequantized"] == values and out["rel_error"] == 0 and out["zero_share"] == 0


def test_outliers_ruin_per_tensor_scaling_and_fine_grained_scaling_rescues_it():
    out = bsc()  # the default: 4 x 256 normal values, 2 of them multiplied by 100,000
    rows = by_scheme(out)
    assert out["outlier_count"] == 2
    tensor, tile, mx = rows["per-tensor-e4m3"], rows["tile-1x128-e4m3"], rows["mxfp8-e4m3"]
    assert tensor["zero_share"] > 0.2 and tensor["mean_elem_error"] > 0.4
    assert tile["mean_elem_error"] < tensor["mean_elem_error"] / 5
    assert mx["mean_elem_error"] < tile["mean_elem_error"]
    # ||x - q|| / ||x|| hides it: the outliers dominate both norms.
    assert tensor["rel_error"] < 0.001
    # Without outliers the FP8 schemes agree closely.
    clean = by_scheme(bsc(outlier_rate=0))
    fp8 = [clean[s]["mean_elem_error"] for s in ("per-tensor-e4m3", "tile-1x128-e4m3",
                                                 "block-128x128-e4m3", "mxfp8-e4m3")]
    assert max(fp8) < 1.2 * min(fp8)


def test_the_comparison_equals_each_scheme_run_alone():
    out = bsc(rows=3, cols=200, outlier_rate=0.01, seed=5)
    data_ = bs.synthetic_matrix(3, 200, "normal", 0.01, 100_000, 5)
    for row in out["comparison"]:
        alone = bs.quantize_tensor(data_, row["scheme"], rows=3, cols=200)
        assert (row["rel_error"], row["zero_share"], row["clipped_share"]) == (
            alone.rel_error, alone.zero_share, alone.clipped_share)
        assert row["mean_elem_error"] == pytest.approx(
            bs.mean_element_error(data_, alone.dequantized), rel=1e-12)


def test_dequantized_only_for_pasted_values_and_pasted_shape():
    assert bsc()["dequantized"] is None
    out = bsc(values=[448.0, 2.0, 3.0, 4.0], values_cols=2, scheme="block-128x128-e4m3")
    assert (out["num_values"], out["dequantized"]) == (4, [448.0, 2.0, 3.0, 4.0])
    assert (out["rows"], out["cols"]) == (2, 2)


@pytest.mark.parametrize("inputs, field", [
    ({"values": "1, 2, x"}, "values"), ({"values": [1.0, float("nan")]}, "values"),
    ({"values": [1.0, "inf"]}, "values"), ({"values": [1e39]}, "values"),
    ({"values": [0.5] * (scaling_schemes.MAX_VALUES + 1)}, "values"),
    ({"values": [1.0, 2.0, 3.0], "values_cols": 2}, "values_cols"),
    ({"values": [1.0] * 1024, "values_cols": 1}, "values_cols"),
    ({"rows": 128, "cols": 256}, "cols"), ({"rows": 0}, "rows"), ({"rows": 513}, "rows"), ({"outlier_rate": 2}, "outlier_rate"),
    ({"scheme": "fp2"}, "scheme"), ({"distribution": "cauchy"}, "distribution"),
    ({"scale_format": "fp16"}, "scale_format"), ({"pow2_scales": True}, "pow2_scales"),
])
def test_block_scaling_junk_gives_a_message(inputs, field):
    with pytest.raises(dscalc.ValidationError) as error:
        dscalc.run("block-scaling", inputs)
    assert error.value.field == field


def test_a_list_longer_than_allowed_is_refused_with_a_message():
    answer = web.evaluate("block-scaling", {"values": [1.0] * 20_000}, "en")
    assert not answer["ok"] and "16,384" in answer["error"]["message"]


def test_block_scaling_default_is_fast_and_the_largest_input_bounded():
    web.evaluate("block-scaling", {}, "en")
    assert min(cpu_ms(lambda: web.evaluate("block-scaling", {}, "en")) for _ in range(3)) < 100
    # Loose guards (the bound to meet is 200 ms; CI machines and Pyodide vary).
    assert cpu_ms(lambda: dscalc.run("block-scaling", {"rows": 64, "cols": 256})) < 2000
    assert cpu_ms(lambda: dscalc.run("block-scaling", {"rows": 512, "cols": 32})) < 2000


# =========================================================================== fp8-accumulation

def accum(**inputs):
    return dscalc.run("fp8-accumulation", inputs)


def test_the_reports_setting_gives_an_error_of_the_reported_order():
    # DeepSeek-V3 report, Sec. 3.3.2: ~14 bits retained, K = 4096, "a maximum relative error of
    # nearly 2%"; promotion every N_C = 128. Our model (truncation) over 16 seeded trials gives a
    # maximum of 2.25% and a median of 0.82%; promotion brings the median down ~50-fold. The
    # calculator allows K x trials <= 16,384, so it is checked on 4 of those trials.
    plain = acc.simulate(4096, 14, 128, trials=16)
    errors = sorted(plain.limited_errors)
    assert errors[-1] == pytest.approx(0.022528, abs=1e-5) and 0.01 < errors[-1] < 0.05
    assert (errors[7] + errors[8]) / 2 == pytest.approx(0.00821, abs=5e-5)
    out = accum(k=4096, acc_mantissa_bits=14, promotion_interval=128, trials=4)
    assert out["limited_errors"] == list(plain.limited_errors[:4])
    assert out["promoted_errors"] == list(plain.promoted_errors[:4])
    assert out["limited_max"] == pytest.approx(0.0112, abs=1e-4)
    assert out["promoted_median"] < out["limited_median"] / 10
    assert out["promotions"] == 32 and out["accumulator_bits"] == 15


def test_the_curve_points_are_prefix_dot_products():
    out = accum(k=1000, trials=2, seed=3, promotion_interval=100)
    assert [row["k"] for row in out["curve"]] == [16, 64, 256, 1000]
    for trial in range(2):
        products = acc.trial_products(1000, 3, trial)
        for row in acc.error_curve(products, 14, 100, acc.TOWARD_ZERO, [16, 64, 256, 1000]):
            assert row[1:] == acc.dot_product_errors(products[:row[0]], 14, 100, acc.TOWARD_ZERO)
    last = out["curve"][-1]
    assert last["limited_max"] == out["limited_max"]


def test_more_accumulator_bits_and_rounding_to_nearest_reduce_the_error():
    base = accum(trials=4)["limited_median"]
    assert accum(trials=4, acc_mantissa_bits=18)["limited_median"] < base
    assert accum(trials=4, rounding="nearest-even")["limited_median"] < base / 5
    fp32 = accum(trials=4, acc_mantissa_bits=23, promotion_interval=1)
    assert fp32["limited_median"] < 1e-5


def test_the_error_grows_with_k():
    medians = [row["limited_median"] for row in accum(k=8192, trials=2)["curve"]]
    assert medians[-1] > 10 * medians[2]  # K = 8,192 against K = 256


def test_reference_point_is_drawn_only_when_passed_in():
    plain = web.evaluate("fp8-accumulation", {}, "en")
    assert "report" not in plain["charts"]["curve"]
    marked = web.evaluate("fp8-accumulation", {"reference_k": 4096, "reference_error": 0.02}, "en")
    assert "report: max ≈ 2% at K = 4,096" in marked["charts"]["curve"]
    short = web.evaluate("fp8-accumulation", {"k": 1024, "reference_k": 4096,
                                              "reference_error": 0.02}, "ja")
    assert any("4,096" in note for note in short["notes"])


@pytest.mark.parametrize("inputs, field", [
    ({"k": 16384, "trials": 2}, "trials"), ({"k": 4096, "trials": 5}, "trials"), ({"k": 0}, "k"), ({"k": 20000}, "k"),
    ({"promotion_interval": 0}, "promotion_interval"), ({"acc_mantissa_bits": 0}, "acc_mantissa_bits"),
    ({"rounding": "stochastic"}, "rounding"), ({"trials": 17}, "trials"),
    ({"reference_error": 2}, "reference_error"),
])
def test_fp8_accumulation_junk_gives_a_message(inputs, field):
    with pytest.raises(dscalc.ValidationError) as error:
        dscalc.run("fp8-accumulation", inputs)
    assert error.value.field == field


def test_tiny_dot_products_never_give_nan_or_inf():
    for k in range(1, 6):
        for bits in (1, 2, 14):
            out = accum(k=k, acc_mantissa_bits=bits, trials=16, seed=k)
            json.dumps(out, allow_nan=False)


def test_fp8_accumulation_default_is_fast_and_the_largest_input_bounded():
    web.evaluate("fp8-accumulation", {}, "en")
    assert min(cpu_ms(lambda: web.evaluate("fp8-accumulation", {}, "en")) for _ in range(3)) < 100
    assert cpu_ms(lambda: dscalc.run("fp8-accumulation", {"k": 16384, "trials": 1})) < 2000
    assert cpu_ms(lambda: dscalc.run("fp8-accumulation", {"k": 1024, "trials": 16})) < 2000


# =========================================================================== training-memory

def test_deepseek_v3_recipe_as_the_report_states_it():
    out = dscalc.run("training-memory")
    n, high, linear = out["params_trained"], out["params_high_precision"], out["params_linear"]
    assert out["params_total"] == 671_026_419_200            # "671B total parameters"
    assert n == out["params_total"] + out["params_mtp"] and linear == n - high
    # BF16 mixed precision: 2 + 2 + 4 + 4 + 4 = 16 bytes a parameter (ZeRO).
    assert out["bf16_bytes"] == 16 * n and out["bf16_bytes_per_param"] == 16
    # FP8 (Sec. 3.3.1-3.3.3): FP8 weights + 128x128 FP32 scales, FP32 gradients and master
    # weights, BF16 moments; embedding, output head, gates and norms stay BF16.
    parts = out["breakdown"]["fp8"]
    assert parts["weights"] == round(linear * (1 + 4 / 16384) + 2 * high)
    assert parts["gradients"] == parts["master"] == 4 * n and parts["optimizer"] == 4 * n
    assert out["fp8_bytes_per_param"] == pytest.approx(13.0, abs=0.01)
    assert out["fp4_bytes"] == out["bf16_bytes"]  # TE's default storage: no saving in the states
    assert 0.18 < out["fp8_saving"] < 0.19


def test_zero_papers_example_16_bytes_a_parameter():
    # ZeRO (arXiv:1910.02054), Sec. 3.1: 2 + 2 + 12 bytes a parameter, so a 1.5B-parameter model
    # needs 24 GB of model states with mixed-precision Adam (data/facts/fp8.yaml,
    # fp8-zero-mixed-precision-16-bytes: read in secondary copies only, so unverified).
    out = dscalc.run("training-memory", {"model": "params", "params": "1.5B"})
    assert out["bf16_bytes"] == 24 * 10**9 and out["params_high_precision"] == 0


@pytest.mark.parametrize("chip", ["h800-sxm", "h100-sxm", "b200", "a100-sxm-80gb", "mi300x",
                                  "ascend-910c", "rubin"])
def test_chip_throughput_comes_from_chips_json_and_nulls_say_not_published(chip):
    record = data.chips()[chip]
    out = dscalc.run("training-memory", {"chip": chip})
    for fmt in ("bf16", "fp8", "fp4"):
        assert out[f"{fmt}_flops"] == record.get(f"{fmt}_dense_flops")
        assert (fmt.upper() in out["not_published"]) == (record.get(f"{fmt}_dense_flops") is None)
    if record["fp8_dense_flops"] and record["bf16_dense_flops"]:
        assert out["fp8_speedup"] == record["fp8_dense_flops"] / record["bf16_dense_flops"]
    assert out["fp8_chips"] == -(-out["fp8_bytes"] // record["memory_bytes"])


def test_h800_fp8_doubles_bf16_as_the_report_says_in_theory():
    # "This design theoretically doubles the computational speed compared with the original
    # BF16 method" (Sec. 3.3.1); the H800's dense peaks are 1,979 and 990 TFLOP/s.
    out = dscalc.run("training-memory", {"chip": "h800-sxm"})
    assert out["fp8_speedup"] == pytest.approx(2.0, abs=0.01)


def test_training_memory_junk():
    for inputs, field in (({"model": "params"}, "params"), ({"model": "custom"}, "config"),
                          ({"params": 0}, "params"), ({"chip": "tpu-v99"}, "chip")):
        with pytest.raises(dscalc.ValidationError) as error:
            dscalc.run("training-memory", inputs)
        assert error.value.field == field


# =========================================================================== shared helpers

@settings(max_examples=80, deadline=None)
@given(values=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=60),
       scales=st.lists(st.sampled_from([1.0, 0.5, 3.0, 1 / 448, 2.0**-20, 7.25]), min_size=60,
                       max_size=60),
       fmt=st.sampled_from([floats.E4M3, floats.E5M2, floats.E3M2, floats.E2M1]))
def test_per_value_scales_equal_one_call_per_value(values, scales, fmt):
    scales = scales[:len(values)]
    each, clipped = floats.quantize_scaled_each(fmt, values, scales)
    singles = [floats.quantize_scaled(fmt, [v], s) for v, s in zip(values, scales)]
    assert each == [out[0][0] for out in singles]
    assert clipped == sum(out[1] for out in singles)


def test_outlier_mask_marks_the_values_synthetic_matrix_multiplies():
    base = bs.synthetic_matrix(8, 64, outlier_rate=0.0, seed=4)
    hit = bs.synthetic_matrix(8, 64, outlier_rate=0.05, outlier_scale=1000.0, seed=4)
    mask = bs.outlier_mask(512, 0.05, 4)
    assert [x != b for x, b in zip(hit, base)] == mask


def test_every_fp_calculator_default_answers_quickly():
    # The budget is 10 ms in CPython (measured: 1.4, 5, 8 and 1.7 ms); allow a loaded runner
    # and Pyodide (16 and 23 ms for the two slowest under Node) ten times that.
    for calc_id in ("fp-format", "block-scaling", "fp8-accumulation", "training-memory"):
        web.evaluate(calc_id, {}, "ja")
        best = min(cpu_ms(lambda: web.evaluate(calc_id, {}, "ja")) for _ in range(3))
        assert best < 100, (calc_id, best)
