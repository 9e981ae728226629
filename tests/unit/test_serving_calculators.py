"""serving-cost, api-cost and jevons against numbers we did not write.

- DeepSeek's open-infra day-6 write-up (github.com/deepseek-ai/open-infra-index,
  202502OpenSourceWeek/day_6_one_more_thing_deepseekV3R1_inference_system_overview.md, commit
  3122a25): 226.75 nodes on average, 8 H800 per node, US$2 per GPU-hour, US$87,072 a day;
  608B input tokens of which 342B (56.3%) cache hits, 168B output tokens; ~73.7k input tokens/s
  per node in prefill and ~14.8k output tokens/s per node in decode; R1 prices US$0.14 / 0.55 /
  2.19 per 1M tokens; theoretical revenue US$562,027 a day; cost-profit margin 545%.
- DeepSeek's API pricing page (data/prices.json): the USD and CNY lists, the off-peak discounts
  (50% for V3, 75% for R1 in 2025; half the peak price for every model from 2026-08-16), the
  retirement of deepseek-chat / deepseek-reasoner (2026-07-24).
- Identities of the constant-elasticity demand model.

Only the standard library, pytest and hypothesis: these tests also run inside Pyodide.
"""

import math
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

import dscalc
from dscalc import web
from dscalc.calcs import jevons, serving_cost
from dscalc.economics.prices import fx_on, parse_day, price_on

# --------------------------------------------------------------------------- DeepSeek day 6

DAY6 = {"chip_hour_price": 2, "chips_per_replica": 8, "input_tokens_per_s": 73_700,
        "output_tokens_per_s": 14_800, "input_tokens_per_day": 608e9,
        "cache_hit_tokens_per_day": 342e9, "output_tokens_per_day": 168e9,
        "prices_from": "deepseek-reasoner", "prices_date": "2025-02-27"}
PUBLISHED_NODES = 226.75
PUBLISHED_COST = 87_072
PUBLISHED_REVENUE = 562_027
PUBLISHED_MARGIN = 5.45
#: Token counts are published rounded to the billion: each may be off by up to 0.5B tokens.
ROUNDING_TOKENS = 0.5e9


def revenue_rounding_bound(prices: dict) -> float:
    """Largest revenue change the billion-rounding of the three token counts can cause (USD)."""
    return ROUNDING_TOKENS * (prices["input_cache_hit"] + prices["input_cache_miss"]
                              + prices["output"]) / 1e6 + ROUNDING_TOKENS * prices["input_cache_miss"] / 1e6


def test_day6_daily_cost_is_reproduced_exactly_from_the_node_count():
    out = dscalc.run("serving-cost", {**DAY6, "replicas": PUBLISHED_NODES})
    assert out["daily_cost"] == PUBLISHED_COST
    assert out["chip_hours_per_day"] == PUBLISHED_NODES * 8 * 24


def test_day6_node_count_follows_from_the_per_node_throughputs():
    # 608B / (86,400 × 73.7k) + 168B / (86,400 × 14.8k) = 95.5 prefill + 131.4 decode nodes; the
    # throughputs are "~" figures, so agreement to 0.1% is what their rounding allows.
    out = dscalc.run("serving-cost", DAY6)
    assert out["replicas_from"] == "implied"
    assert out["replicas_implied"] == pytest.approx(PUBLISHED_NODES, rel=1e-3)


def test_day6_revenue_and_margin_within_the_write_ups_rounding():
    out = dscalc.run("serving-cost", {**DAY6, "replicas": PUBLISHED_NODES})
    prices = {"input_cache_hit": 0.14, "input_cache_miss": 0.55, "output": 2.19}
    assert (out["price_input_cache_hit"], out["price_input_cache_miss"], out["price_output"]) == (
        0.14, 0.55, 2.19)
    assert out["price_record"] == "deepseek-reasoner-2025-01-20-standard-usd"
    assert abs(out["daily_revenue"] - PUBLISHED_REVENUE) <= revenue_rounding_bound(prices)
    assert out["daily_revenue"] == pytest.approx(562_100)
    margin_bound = revenue_rounding_bound(prices) / PUBLISHED_COST + 0.005  # "545%" is itself rounded
    assert abs(out["cost_profit_margin"] - PUBLISHED_MARGIN) <= margin_bound
    assert round((PUBLISHED_REVENUE - PUBLISHED_COST) / PUBLISHED_COST, 2) == PUBLISHED_MARGIN
    assert math.floor(out["cache_hit_share"] * 1000 + 0.5) / 1000 == 0.563  # the write-up's 56.3%


def test_day6_typed_r1_prices_equal_the_price_list():
    typed = dscalc.run("serving-cost", {key: value for key, value in DAY6.items()
                                        if key not in ("prices_from", "prices_date")})
    listed = dscalc.run("serving-cost", DAY6)
    assert typed["daily_revenue"] == pytest.approx(listed["daily_revenue"])


def test_day6_cost_per_million_tokens():
    out = dscalc.run("serving-cost", DAY6)
    assert out["cost_per_million_input"] == pytest.approx(16 * 1e6 / (3600 * 73_700))
    assert out["cost_per_million_output"] == pytest.approx(16 * 1e6 / (3600 * 14_800))
    assert out["margin_output"] == pytest.approx(1 - out["cost_per_million_output"] / 2.19)


def test_v3_prices_for_every_token_lower_the_margin():
    # DeepSeek's first caveat: V3 is priced below R1.
    r1 = dscalc.run("serving-cost", {**DAY6, "replicas": PUBLISHED_NODES})
    v3 = dscalc.run("serving-cost", {**DAY6, "replicas": PUBLISHED_NODES, "prices_from": "deepseek-chat"})
    assert v3["daily_revenue"] == pytest.approx((342 * 0.07 + 266 * 0.27 + 168 * 1.10) * 1e3)
    assert v3["cost_profit_margin"] < r1["cost_profit_margin"]


def test_the_night_discount_lowers_revenue_in_the_day6_window():
    # DeepSeek's third caveat: the off-peak list (75% off R1) was in force from 2025-02-26.
    full = dscalc.run("serving-cost", {**DAY6, "replicas": PUBLISHED_NODES})
    night = dscalc.run("serving-cost", {**DAY6, "replicas": PUBLISHED_NODES, "off_peak_share": 1})
    assert night["price_output"] == 0.55
    assert night["daily_revenue"] < full["daily_revenue"]


# --------------------------------------------------------------------------- cost ∝ 1/throughput

@settings(max_examples=100, deadline=None)
@given(throughput=st.floats(1, 1e7), factor=st.floats(1.01, 1000), price=st.floats(0.01, 100),
       chips=st.integers(1, 1000), utilisation=st.floats(0.01, 1))
def test_cost_per_token_is_inversely_proportional_to_throughput(throughput, factor, price, chips,
                                                               utilisation):
    common = {"chip_hour_price": price, "chips_per_replica": chips, "utilisation": utilisation,
              "input_tokens_per_s": throughput}
    slow = dscalc.run("serving-cost", {**common, "output_tokens_per_s": throughput})
    fast = dscalc.run("serving-cost", {**common, "output_tokens_per_s": throughput * factor})
    assert slow["cost_per_million_output"] == pytest.approx(fast["cost_per_million_output"] * factor,
                                                            rel=1e-9)
    assert slow["cost_per_million_output"] * throughput == pytest.approx(
        price * chips * 1e6 / (3600 * utilisation), rel=1e-9)


def test_efficiency_scales_a_roofline_bound_down_to_the_achieved_throughput():
    bound = dscalc.run("serving-cost", {"output_tokens_per_s": 20_000, "efficiency": 1})
    half = dscalc.run("serving-cost", {"output_tokens_per_s": 20_000, "efficiency": 0.5})
    assert half["achieved_output_tokens_per_s"] == 10_000
    assert half["cost_per_million_output"] == pytest.approx(2 * bound["cost_per_million_output"])
    assert serving_cost.achieved_throughput(3_000, 0.4) == pytest.approx(1_200)


def test_owned_chips_cost_the_write_off_plus_electricity():
    out = dscalc.run("serving-cost", {"cost_basis": "own", "chip_purchase_price": 35_040,
                                      "amortisation_years": 4, "power_kw": 1,
                                      "facility_overhead": 1.5, "electricity_price": 0.1})
    assert out["chip_hour_cost"] == pytest.approx(35_040 / (4 * 8_760) + 1 * 1.5 * 0.1)


def test_serving_cost_refuses_inconsistent_inputs():
    with pytest.raises(dscalc.ValidationError) as error:
        dscalc.run("serving-cost", {"cost_basis": "own"})
    assert error.value.field == "chip_purchase_price"
    with pytest.raises(dscalc.ValidationError) as error:
        dscalc.run("serving-cost", {"input_tokens_per_day": 1e9, "cache_hit_tokens_per_day": 2e9})
    assert error.value.field == "cache_hit_tokens_per_day"
    with pytest.raises(dscalc.ValidationError) as error:
        dscalc.run("serving-cost", {"prices_from": "deepseek-chat", "prices_date": "2024-06-01"})
    assert error.value.field == "prices_date"
    for bad in ({"efficiency": 0}, {"utilisation": 1.5}, {"chips_per_replica": 0},
                {"output_tokens_per_s": -1}, {"prices_date": "yesterday", "prices_from": "openai-o1"}):
        with pytest.raises(dscalc.ValidationError):
            dscalc.run("serving-cost", bad)


# --------------------------------------------------------------------------- api-cost

def one_million(kind: str) -> dict:
    """A workload of exactly 1M tokens of one kind, so the cost equals the list price."""
    return {"requests_per_day": 1, "cache_hit_rate": 1 if kind == "hit" else 0,
            "input_tokens_per_request": 0 if kind == "output" else 1_000_000,
            "output_tokens_per_request": 1_000_000 if kind == "output" else 0}


@pytest.mark.parametrize("day, currency, expected", [
    ("2025-01-15", "USD", (0.014, 0.14, 0.28)),   # launch promotion (V2.5 prices)
    ("2025-03-01", "USD", (0.07, 0.27, 1.10)),    # V3 standard
    ("2025-03-01", "CNY", (0.5, 2, 8)),           # the "0.5 / 2 / 8" of source article 000
    ("2025-09-10", "USD", (0.07, 0.56, 1.68)),    # V3.1, night discount cancelled
    ("2025-10-01", "USD", (0.028, 0.28, 0.42)),   # V3.2-Exp price cut
    ("2026-05-01", "USD", (0.0028, 0.14, 0.28)),  # V4-Flash after the cache-hit cut
])
def test_deepseek_chat_list_prices_by_date(day, currency, expected):
    costs = [dscalc.run("api-cost", {"model": "deepseek-chat", "date": day, "currency": currency,
                                     **one_million(kind)})["cost_per_day"]
             for kind in ("hit", "miss", "output")]
    assert costs == pytest.approx(list(expected))


def test_the_usd_list_is_the_cny_list_at_the_exchange_rate():
    # DeepSeek's two lists agree at the Federal Reserve's February 2025 average (7.27 yuan/$).
    cny = dscalc.run("api-cost", {"date": "2025-02-27", "currency": "CNY", **one_million("output")})
    usd = dscalc.run("api-cost", {"date": "2025-02-27", "currency": "USD", **one_million("output")})
    assert cny["usd_cny_date"] == "2025-02"
    assert cny["cost_per_day_usd"] == pytest.approx(usd["cost_per_day_usd"], rel=0.01)
    assert cny["list_price_output_cny"] == 8 and usd["list_price_output_usd"] == 1.1


def test_off_peak_discounts_are_50_and_75_percent():
    chat = dscalc.run("api-cost", {"date": "2025-03-01", "off_peak_share": 1, **one_million("output")})
    reasoner = dscalc.run("api-cost", {"model": "deepseek-reasoner", "date": "2025-03-01",
                                       "off_peak_share": 1, **one_million("output")})
    assert chat["saving_off_peak_usd"] == pytest.approx(1.10 * 0.5)
    assert reasoner["saving_off_peak_usd"] == pytest.approx(2.19 - 0.55)
    after = dscalc.run("api-cost", {"date": "2025-09-10", "off_peak_share": 1, **one_million("output")})
    assert after["saving_off_peak_usd"] == 0 and after["off_peak_record"] == ""


# DeepSeek's pricing page, per 1M tokens (input cache hit, input cache miss, output), as quoted in
# data/facts/deepseek-releases.yaml: flat V4 prices until 2026-08-16 16:00 UTC, then a peak list and
# an off-peak list at half of it; V4.1-Flash (deepseek-flash, and the legacy name deepseek-v4-flash
# billed at the Flash price) from 2026-09-10.
@pytest.mark.parametrize("model, day, currency, off_peak_share, expected", [
    ("deepseek-v4-flash", "2026-05-01", "USD", 0, (0.0028, 0.14, 0.28)),
    ("deepseek-v4-flash", "2026-05-01", "USD", 1, (0.0028, 0.14, 0.28)),   # no off-peak list yet
    ("deepseek-v4-pro", "2026-07-01", "USD", 0, (0.003625, 0.435, 0.87)),
    ("deepseek-v4-flash", "2026-09-01", "USD", 0, (0.014, 0.44, 1.32)),    # V4-Flash-0731 at peak
    ("deepseek-v4-flash", "2026-09-01", "USD", 1, (0.007, 0.22, 0.66)),    # ... and off-peak
    ("deepseek-v4-pro", "2026-09-01", "USD", 0, (0.044, 1.32, 3.96)),
    ("deepseek-v4-pro", "2026-09-01", "USD", 1, (0.022, 0.66, 1.98)),
    ("deepseek-v4-flash", "2026-12-01", "USD", 0, (0.006, 0.3, 1.2)),      # served by V4.1-Flash
    ("deepseek-v4-flash", "2026-12-01", "USD", 1, (0.003, 0.15, 0.6)),
    ("deepseek-flash", "2026-12-01", "USD", 0, (0.006, 0.3, 1.2)),
    ("deepseek-flash", "2026-12-01", "USD", 1, (0.003, 0.15, 0.6)),
    ("deepseek-flash", "2026-12-01", "CNY", 0, (0.04, 2, 8)),
    ("deepseek-flash", "2026-12-01", "CNY", 1, (0.02, 1, 4)),
])
def test_deepseek_2026_list_prices_by_date_at_peak_and_off_peak(model, day, currency, off_peak_share, expected):
    costs = [dscalc.run("api-cost", {"model": model, "date": day, "currency": currency,
                                     "off_peak_share": off_peak_share, **one_million(kind)})["cost_per_day"]
             for kind in ("hit", "miss", "output")]
    assert costs == pytest.approx(list(expected))


def test_the_2026_off_peak_rule_is_half_price_unlike_2025():
    # 2025: 50% off V3, 75% off R1 in the night window; 2026: every list at half outside peak hours.
    for model, day in (("deepseek-v4-flash", "2026-09-01"), ("deepseek-v4-pro", "2026-09-01"),
                       ("deepseek-flash", "2026-12-01"), ("deepseek-v4-pro", "2026-12-01")):
        peak = dscalc.run("api-cost", {"model": model, "date": day, "off_peak_share": 0})
        night = dscalc.run("api-cost", {"model": model, "date": day, "off_peak_share": 1})
        assert night["cost_per_day_usd"] == pytest.approx(peak["cost_per_day_usd"] / 2)
        assert night["saving_off_peak_usd"] == pytest.approx(peak["cost_per_day_usd"] / 2)
        half = dscalc.run("api-cost", {"model": model, "date": day, "off_peak_share": 0.5})
        assert half["cost_per_day_usd"] == pytest.approx(0.75 * peak["cost_per_day_usd"])
    for lang in ("ja", "en"):
        text = " ".join(web.evaluate("api-cost", {"model": "deepseek-flash", "date": "2026-12-01",
                                                  "off_peak_share": 0.5}, lang)["notes"])
        assert "01:00" in text and "06:00" in text and "16:30" not in text
    night = " ".join(web.evaluate("api-cost", {"date": "2025-03-01", "off_peak_share": 0.5}, "en")["notes"])
    assert "16:30" in night


def test_the_peak_list_starts_on_16_august_2026():
    before = dscalc.run("api-cost", {"model": "deepseek-v4-flash", "date": "2026-08-15", **one_million("output")})
    after = dscalc.run("api-cost", {"model": "deepseek-v4-flash", "date": "2026-08-16", **one_million("output")})
    assert before["cost_per_day"] == pytest.approx(0.28) and before["off_peak_record"] == ""
    assert after["cost_per_day"] == pytest.approx(1.32) and after["off_peak_record"]


def test_retired_api_names_have_no_price_after_24_july_2026():
    last = dscalc.run("api-cost", {"model": "deepseek-chat", "date": "2026-07-23", **one_million("output")})
    assert last["cost_per_day"] == pytest.approx(0.28)
    for model in ("deepseek-chat", "deepseek-reasoner"):
        for day in ("2026-07-24", "2026-12-01"):
            with pytest.raises(dscalc.ValidationError) as error:
                dscalc.run("api-cost", {"model": model, "date": day})
            assert error.value.field == "date"
            assert "2026-07-24" in error.value.message_ja and "retired" in error.value.message_en


def test_v4_pro_after_14_september_is_shown_as_disputed():
    out = dscalc.run("api-cost", {"model": "deepseek-v4-pro", "date": "2026-10-01"})
    assert out["price_status"] == "disputed"
    notes = dscalc.get("api-cost").notes({"off_peak_share": 0, "date": "2026-10-01"}, out)
    assert any("V4.1-Flash" in note.ja and "V4.1-Flash" in note.en for note in notes)
    before = dscalc.run("api-cost", {"model": "deepseek-v4-pro", "date": "2026-09-13"})
    assert before["price_status"] == "verified"


def test_serving_cost_bills_2026_off_peak_tokens_at_half_the_peak_price():
    inputs = {**DAY6, "replicas": PUBLISHED_NODES, "prices_from": "deepseek-flash", "prices_date": "2026-12-01"}
    peak = dscalc.run("serving-cost", {**inputs, "off_peak_share": 0})
    off_peak = dscalc.run("serving-cost", {**inputs, "off_peak_share": 1})
    assert off_peak["daily_revenue"] == pytest.approx(peak["daily_revenue"] / 2)
    assert peak["daily_revenue"] == pytest.approx((342e9 * 0.006 + (608e9 - 342e9) * 0.3 + 168e9 * 1.2) / 1e6)


def test_workload_arithmetic_and_cache_saving():
    out = dscalc.run("api-cost", {"date": "2025-03-01", "requests_per_day": 10_000,
                                  "input_tokens_per_request": 2_000, "output_tokens_per_request": 500,
                                  "cache_hit_rate": 0.5, "days": 30})
    expected = 10_000 * (1_000 * 0.07 + 1_000 * 0.27 + 500 * 1.10) / 1e6
    assert out["cost_per_day_usd"] == pytest.approx(expected)
    assert out["cost_per_period_usd"] == pytest.approx(30 * expected)
    assert out["saving_cache_usd"] == pytest.approx(10_000 * 1_000 * (0.27 - 0.07) / 1e6)
    assert out["usd_jpy_date"] == "2025-03"
    assert out["cost_per_day_jpy"] == pytest.approx(expected * out["usd_jpy"])
    typed = dscalc.run("api-cost", {"date": "2025-03-01", "usd_jpy": 150})
    assert typed["cost_per_day_jpy"] == pytest.approx(typed["cost_per_day_usd"] * 150)
    assert typed["usd_jpy_date"] == "typed"


def test_the_comparison_lists_only_models_priced_that_day():
    early = {row["series"] for row in dscalc.run("api-cost", {"date": "2025-03-01"})["comparison"]}
    assert {"deepseek-chat", "deepseek-reasoner", "openai-o1", "anthropic-claude-3-7-sonnet"} <= early
    assert "openai-o3" not in early and "openai-gpt-5" not in early
    late = {row["series"] for row in dscalc.run("api-cost", {"date": "2025-08-10"})["comparison"]}
    assert {"openai-o3", "openai-gpt-5", "anthropic-claude-sonnet-4"} <= late


@pytest.mark.parametrize("inputs, field", [
    ({"model": "deepseek-chat", "date": "2024-06-01"}, "date"),      # before any DeepSeek-V3 price
    ({"model": "openai-o3", "date": "2025-03-01"}, "date"),          # o3 not yet in the API
    ({"model": "deepseek-chat", "date": "2026-04-10"}, "date"),      # V4-Flash switch date unknown
    ({"model": "google-gemini-2.5-pro"}, "date"),                    # start date not established
    ({"model": "openai-o1", "currency": "CNY"}, "date"),             # no yuan list
    ({"date": "2025-02-30"}, "date"),
    ({"date": "1999-01-01"}, "date"),
    ({"model": "no-such-model"}, "model"),
    ({"cache_hit_rate": 1.5}, "cache_hit_rate"),
    ({"usd_jpy": 0}, "usd_jpy"),
])
def test_api_cost_refuses_dates_and_models_without_a_sourced_price(inputs, field):
    with pytest.raises(dscalc.ValidationError) as error:
        dscalc.run("api-cost", inputs)
    assert error.value.field == field
    assert error.value.message_ja and error.value.message_en


def test_price_and_rate_lookup_rules():
    listed = price_on("deepseek-chat", "USD", parse_day("2025-02-08"))
    assert listed["base"]["condition"] == "standard"  # the promotion ended on 2025-02-08 (16:00 UTC)
    assert fx_on("USD/JPY", parse_day("2025-03-15"))["date"] == "2025-03"
    assert fx_on("USD/JPY", date(2023, 6, 1))["date"] == "2023"
    assert fx_on("USD/JPY", parse_day("2024-02-02"))["date"] == "2024-02-02"


# --------------------------------------------------------------------------- jevons

def test_elasticity_one_leaves_compute_demand_unchanged():
    for gain in (1.5, 10, 1000):
        out = dscalc.run("jevons", {"efficiency_gain": gain, "elasticity": 1})
        assert out["compute_demand_multiplier"] == pytest.approx(1)
        assert out["token_demand_multiplier"] == pytest.approx(gain)
        assert out["regime"] == "break_even" and out["gpus_matter_more"] is False
        assert out["rebound"] == pytest.approx(1)
    assert dscalc.run("jevons")["break_even_elasticity"] == 1


@settings(max_examples=200, deadline=None)
@given(gain=st.floats(1.001, 1e6), elasticity=st.floats(0, 5))
def test_compute_multiplier_is_gain_to_the_elasticity_minus_one(gain, elasticity):
    out = dscalc.run("jevons", {"efficiency_gain": gain, "elasticity": elasticity})
    assert out["compute_demand_multiplier"] == pytest.approx(gain ** (elasticity - 1), rel=1e-9)
    assert out["token_demand_multiplier"] == pytest.approx(gain ** elasticity, rel=1e-9)
    assert out["compute_demand_multiplier"] == pytest.approx(
        out["token_demand_multiplier"] * out["compute_per_token"], rel=1e-9)
    assert out["gpus_matter_more"] == (out["compute_demand_multiplier"] > 1 + 1e-9)
    if elasticity > 1 + 1e-6:
        assert out["regime"] == "backfire" and out["rebound"] > 1
    elif 1e-6 < elasticity < 1 - 1e-6:
        assert out["regime"] == "partial_rebound" and 0 < out["rebound"] < 1


def test_zero_elasticity_means_no_rebound():
    out = dscalc.run("jevons", {"efficiency_gain": 10, "elasticity": 0})
    assert out["compute_demand_multiplier"] == pytest.approx(0.1)
    assert out["rebound"] == pytest.approx(0) and out["regime"] == "zero_rebound"


def test_partial_pass_through_moves_the_break_even():
    out = dscalc.run("jevons", {"efficiency_gain": 10, "elasticity": 1.5, "pass_through": 0.5})
    assert out["break_even_elasticity"] == 2
    assert out["compute_demand_multiplier"] == pytest.approx(10 ** (0.75 - 1))
    assert out["price_multiplier"] == pytest.approx(10 ** -0.5)
    assert jevons.break_even_elasticity(0.25) == 4


def test_a_price_falling_faster_than_cost_lowers_the_break_even_below_one():
    """θ > 1 (a price war, a subsidy): an inelastic demand (ε = 0.8) still raises compute."""
    out = dscalc.run("jevons", {"efficiency_gain": 10, "elasticity": 0.8, "pass_through": 2})
    assert out["break_even_elasticity"] == 0.5
    assert out["price_multiplier"] == pytest.approx(10 ** -2)
    assert out["compute_demand_multiplier"] == pytest.approx(10 ** (1.6 - 1))
    assert out["regime"] == "backfire"
    assert "faster than the cost" in " ".join(web.evaluate("jevons", {"pass_through": 2}, "en")["notes"])


def test_pass_through_above_three_is_refused_at_the_field():
    with pytest.raises(dscalc.ValidationError) as caught:
        dscalc.run("jevons", {"pass_through": 3.5})
    assert caught.value.field == "pass_through"


def test_no_gain_no_change():
    out = dscalc.run("jevons", {"efficiency_gain": 1, "elasticity": 3})
    assert out["compute_demand_multiplier"] == 1 and out["rebound"] is None
    assert out["regime"] == "no_change"
    assert math.isclose(jevons.rebound(1.0, 2.0) or 0, 0)
