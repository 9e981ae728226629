"""data/prices.json: every price record names its currency, unit, dates and source; the rates too.

Also checks that the serving-cost calculator's defaults are DeepSeek's published day-6 figures
as recorded in data/facts/serving.yaml, so the form and the facts cannot drift apart.
"""

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from tests.data.test_provenance import check_provenance

DATA = Path(__file__).resolve().parents[2] / "data"
PRICES = json.loads((DATA / "prices.json").read_text(encoding="utf-8"))
CONDITIONS = {"standard", "promotional", "peak", "off-peak"}


def day(text):
    return date.fromisoformat(text) if text else None


@pytest.mark.parametrize("record", PRICES["prices"], ids=lambda record: record["id"])
def test_every_price_record_has_currency_unit_dates_and_provenance(record):
    check_provenance(record, record["id"])
    assert record["currency"] in {"USD", "CNY"}
    assert record["unit"] == "per 1M tokens"
    assert record["condition"] in CONDITIONS
    assert record["series"] and record["provider"] and record["model"]
    start, end = day(record.get("effective_from")), day(record.get("effective_to"))
    observed = record.get("observed_in_effect")
    assert start or end or observed, "an effective date: start, end, or when a source showed it in force"
    if observed:
        assert len(observed.split("-")) == 2 and date.fromisoformat(observed + "-01")
    if start and end:
        assert start < end
    if record.get("effective_from_not_before"):
        assert start is None and day(record["effective_from_not_before"]) < end
    assert record["input_cache_miss"] is not None and record["output"] is not None
    for key in ("input_cache_hit", "input_cache_miss", "output"):
        value = record[key]
        assert value is None or (isinstance(value, (int, float)) and value >= 0), key
    if record["input_cache_hit"] is not None:
        assert record["input_cache_hit"] <= record["input_cache_miss"]
    if record["status"] == "unverified":
        assert record.get("note"), "an unverified record says what was read instead"


def test_record_ids_are_unique():
    ids = [record["id"] for record in PRICES["prices"]]
    assert len(ids) == len(set(ids))


def test_no_two_dated_records_of_a_series_overlap_unless_one_is_open_ended():
    groups = {}
    for record in PRICES["prices"]:
        if record.get("effective_from"):
            kind = "off-peak" if record["condition"] == "off-peak" else "base"
            groups.setdefault((record["series"], record["currency"], kind), []).append(record)
    for key, records in groups.items():
        records.sort(key=lambda record: record["effective_from"])
        for earlier, later in zip(records, records[1:]):
            if earlier.get("effective_to"):
                assert earlier["effective_to"] <= later["effective_from"], key


@pytest.mark.parametrize("rate", PRICES["fx"], ids=lambda rate: f"{rate['pair']}-{rate['date']}")
def test_every_exchange_rate_has_a_period_and_provenance(rate):
    check_provenance(rate, f"fx {rate['pair']} {rate['date']}")
    assert rate["pair"] in {"USD/JPY", "USD/CNY"}
    parts = str(rate["date"]).split("-")
    assert 1 <= len(parts) <= 3 and all(part.isdigit() for part in parts)
    assert rate["period"]
    low, high = (100, 200) if rate["pair"] == "USD/JPY" else (6, 8)
    assert low < rate["rate"] < high
    assert str(rate["rate"]).rstrip("0").rstrip(".") in str(rate["quote"]).replace(",", " ") or \
        f"{rate['rate']:.4f}" in str(rate["quote"])


def test_the_0_5_2_8_yuan_list_is_recorded_beside_the_dollar_list():
    by_id = {record["id"]: record for record in PRICES["prices"]}
    cny = by_id["deepseek-chat-2025-02-08-standard-cny"]
    usd = by_id["deepseek-chat-2025-02-08-standard-usd"]
    assert (cny["input_cache_hit"], cny["input_cache_miss"], cny["output"]) == (0.5, 2, 8)
    assert (usd["input_cache_hit"], usd["input_cache_miss"], usd["output"]) == (0.07, 0.27, 1.1)
    assert cny["effective_from"] == usd["effective_from"]


def test_serving_cost_defaults_are_the_day6_facts():
    facts = {fact["id"]: fact for fact in
             yaml.safe_load((DATA / "facts" / "serving.yaml").read_text(encoding="utf-8"))}
    import dscalc
    calc = dscalc.get("serving-cost")
    defaults = {spec.name: spec.default for spec in calc.inputs}
    assert defaults["chip_hour_price"] == facts["serve-gpu-hour-price"]["value"]
    assert defaults["chips_per_replica"] == facts["serve-gpus-per-node"]["value"]
    assert defaults["input_tokens_per_s"] == facts["serve-prefill-throughput-per-node"]["value"]
    assert defaults["output_tokens_per_s"] == facts["serve-decode-throughput-per-node"]["value"]
    assert defaults["input_tokens_per_day"] == facts["serve-input-tokens"]["value"]
    assert defaults["cache_hit_tokens_per_day"] == facts["serve-cache-hit-tokens"]["value"]
    assert defaults["output_tokens_per_day"] == facts["serve-output-tokens"]["value"]
    r1 = next(record for record in PRICES["prices"]
              if record["id"] == "deepseek-reasoner-2025-01-20-standard-usd")
    assert (defaults["price_input_cache_hit"], defaults["price_input_cache_miss"],
            defaults["price_output"]) == (r1["input_cache_hit"], r1["input_cache_miss"], r1["output"])


# --------------------------------------------------------------------------- DeepSeek, 2026

DEEPSEEK_2026 = [record for record in PRICES["prices"]
                 if record["provider"] == "DeepSeek" and record["condition"] in {"peak", "off-peak"}
                 and "peak_hours_utc" in record]


def fact_prices(fact_id: str) -> dict:
    """``{api name: (cache hit, cache miss, output)}`` from a fact's value 'name: a / b / c USD; ...'."""
    facts = {fact["id"]: fact for fact in
             yaml.safe_load((DATA / "facts" / "deepseek-releases.yaml").read_text(encoding="utf-8"))}
    found = {}
    for name, hit, miss, output in re.findall(r"([a-z0-9.-]+)(?: \([^)]*\))?: ([0-9.]+) / ([0-9.]+) / ([0-9.]+) USD",
                                              facts[fact_id]["value"]):
        found[name] = (float(hit), float(miss), float(output))
    return found


def listed(record_id: str) -> tuple:
    record = next(record for record in PRICES["prices"] if record["id"] == record_id)
    return record["input_cache_hit"], record["input_cache_miss"], record["output"]


def test_deepseek_2026_records_match_the_verified_facts():
    flat = fact_prices("ds-v4-api-price-2026-08")
    assert listed("deepseek-v4-flash-2026-04-26-standard-usd") == flat["deepseek-v4-flash"]
    assert listed("deepseek-v4-pro-2026-05-31-standard-usd") == flat["deepseek-v4-pro"]
    peak = fact_prices("ds-v4-api-price-peak-2026-08")
    assert listed("deepseek-v4-flash-2026-08-16-peak-usd") == peak["deepseek-v4-flash"]
    assert listed("deepseek-v4-pro-2026-08-16-peak-usd") == peak["deepseek-v4-pro"]
    assert listed("deepseek-v4-pro-2026-09-14-peak-usd") == peak["deepseek-v4-pro"]
    flash = fact_prices("ds-v41-flash-api-price")
    for series in ("deepseek-flash", "deepseek-v4-flash", "deepseek-v4-flash-vision-exp"):
        assert listed(f"{series}-2026-09-10-peak-usd") == flash["deepseek-flash"], series


@pytest.mark.parametrize("record", DEEPSEEK_2026, ids=lambda record: record["id"])
def test_deepseek_2026_off_peak_is_half_of_peak_from_16_august(record):
    """DeepSeek's rule from 2026-08-16: 'off-peak rates at half the peak rates', every kind of token."""
    twin = next(other for other in DEEPSEEK_2026
                if other["series"] == record["series"] and other["currency"] == record["currency"]
                and other.get("effective_from") == record.get("effective_from") and other is not record)
    peak, off_peak = (record, twin) if record["condition"] == "peak" else (twin, record)
    for key in ("input_cache_hit", "input_cache_miss", "output"):
        assert off_peak[key] == pytest.approx(peak[key] / 2), key
    assert record["peak_hours_utc"] == ["01:00-04:00", "06:00-10:00"]
    assert record["peak_days"] in {"daily", "weekdays", "daily-then-weekdays"}
    assert peak.get("effective_from_utc", "2026-08-16T16:00:00Z") >= "2026-08-16T16:00:00Z"


@pytest.mark.parametrize("record", [record for record in DEEPSEEK_2026 if "PRICING(" in record["quote"]
                                    or "价格(" in record["quote"]], ids=lambda record: record["id"])
def test_deepseek_2026_figures_appear_in_their_quote(record):
    for key in ("input_cache_hit", "input_cache_miss", "output"):
        assert f"{record[key]:g}" in record["quote"], key


def test_deepseek_chat_and_reasoner_end_when_the_names_were_retired():
    for series in ("deepseek-chat", "deepseek-reasoner"):
        dated = [record for record in PRICES["prices"] if record["series"] == series]
        last = max((record for record in dated if record.get("effective_from")),
                   key=lambda record: record["effective_from"])
        assert last["effective_to"] == "2026-07-24" and last["name_retired_utc"] == "2026-07-24T15:59:00Z"
        assert not any(record.get("effective_from", "") and record["effective_from"] >= "2026-07-24"
                       for record in dated)
