"""data/markets.yaml: the market reaction of 2025-01-27/28 and NVIDIA's recovery.

Every record names its source, the date it was read and a status; the value is a number with a
known metric; dates are valid and in order; ids are unique. NVIDIA's 2025-01-27 loss of market
value is shown as the dispute it is (about US$593B per Reuters, about US$589B per Bloomberg and
AFP), both in markets.yaml and in the fact the pages cite.
"""

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from tests.data.test_provenance import check_provenance

DATA = Path(__file__).resolve().parents[2] / "data"
RECORDS = yaml.safe_load((DATA / "markets.yaml").read_text(encoding="utf-8"))
METRICS = {"close_change_pct", "market_value_change_usd", "market_value_usd", "close_usd",
           "index_change_pct", "midday_change_pct", "intraday_change_pct"}
NATURES = {"measured", "reported", "estimated"}


@pytest.mark.parametrize("record", RECORDS, ids=lambda record: record["id"])
def test_every_market_record_has_a_number_a_metric_and_provenance(record):
    check_provenance(record, record["id"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(record["date"])), record["id"]
    assert date(2024, 12, 1) <= date.fromisoformat(record["date"]) <= date.today()
    assert record["metric"] in METRICS, record["metric"]
    assert isinstance(record["value"], (int, float)) and not isinstance(record["value"], bool)
    assert record.get("nature") in NATURES, record["id"]
    security = record["security"]
    assert security.get("ticker") and security.get("exchange")
    assert security["name"].get("ja") and security["name"].get("en")
    assert record["display"].get("ja") and record["display"].get("en")
    if record["metric"].endswith("_pct"):
        assert -100 < record["value"] < 100 and record.get("unit") == "percent"
    if record["status"] == "disputed":
        assert record.get("dispute"), f"{record['id']}: a disputed record lists the other sources"
        for alternative in record["dispute"]:
            assert str(alternative.get("source_url", "")).startswith("https://")
            assert alternative.get("quote") and "value" in alternative


def test_records_are_in_date_order_with_unique_ids():
    dates = [record["date"] for record in RECORDS]
    assert dates == sorted(dates)
    ids = [record["id"] for record in RECORDS]
    assert len(ids) == len(set(ids))


def test_the_chart_of_27_january_has_the_names_the_issue_asks_for():
    day = {record["security"]["ticker"] for record in RECORDS
           if record["date"] == "2025-01-27" and record["metric"] in ("close_change_pct", "index_change_pct")}
    assert {"NVDA", "AVGO", "MU", "AMD", "VST", "CEG", "COMP", "9984"} <= day, day


def nvidia_loss_values(record: dict) -> set[int]:
    return {round(record["value"] / 1e9)} | {round(item["value"] / 1e9) for item in record["dispute"]}


def test_nvidias_loss_of_market_value_is_shown_as_a_dispute():
    record = next(item for item in RECORDS if item["id"] == "nvda-2025-01-27-market-value-change")
    assert record["date"] == "2025-01-27" and record["metric"] == "market_value_change_usd"
    assert record["status"] == "disputed"
    assert {-593, -589} <= nvidia_loss_values(record)
    sources = {record["source_url"]} | {item["source_url"] for item in record["dispute"]}
    assert len(sources) >= 3, "Reuters, Bloomberg and AFP each with their own source"
    assert "589" in record["display"]["en"] and "593" in record["display"]["en"]


def test_the_fact_the_pages_cite_shows_the_same_dispute():
    facts = yaml.safe_load((DATA / "facts" / "shock.yaml").read_text(encoding="utf-8"))
    fact = next(item for item in facts if item["id"] == "shock-nvda-mcap-loss-2025-01-27")
    assert fact["status"] == "disputed"
    assert {-593, -589} <= nvidia_loss_values(fact)


def test_nvidia_recovery_series_has_the_milestones():
    nvda = {(record["date"], record["metric"]) for record in RECORDS if record["security"]["ticker"] == "NVDA"}
    for milestone in [("2025-01-06", "close_usd"), ("2025-06-25", "close_usd"),
                      ("2025-07-09", "market_value_usd"), ("2025-10-29", "market_value_usd")]:
        assert milestone in nvda, milestone
    closes = [record for record in RECORDS if record["security"]["ticker"] == "NVDA"
              and record["metric"] == "market_value_usd" and record.get("basis") == "close"]
    assert len(closes) >= 4, "the recovery chart of shock.md plots market value at the close"
