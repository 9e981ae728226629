"""Capex and supply-chain data (data/capex.yaml, data/supply.yaml): provenance, a period and a fiscal
note on every capex record, positive values, one chart line per company, and what the charts on the
capex page select is there."""

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[2] / "data"
CAPEX = yaml.safe_load((DATA / "capex.yaml").read_text(encoding="utf-8"))
SUPPLY = yaml.safe_load((DATA / "supply.yaml").read_text(encoding="utf-8"))
STATUSES = {"verified", "unverified", "disputed"}
PERIOD = re.compile(r"^(FY|CY)\d{4}$|^\d{4}-Q[1-4]$|^FY\d{4}-Q[1-4]$")
COMPANIES = {"Microsoft", "Amazon", "Alphabet", "Meta", "Oracle"}


def provenance(record):
    assert str(record.get("source_url", "")).startswith("https://")
    read = date.fromisoformat(str(record["accessed"]))
    assert date(2023, 1, 1) <= read <= date.today()
    assert record.get("status") in STATUSES
    assert str(record.get("quote", "")).strip()
    if record["status"] == "disputed":
        assert record.get("dispute")


def ids(record):
    return record.get("id")


@pytest.mark.parametrize("record", CAPEX, ids=ids)
def test_capex_record_has_provenance_period_and_fiscal_note(record):
    provenance(record)
    assert PERIOD.match(str(record["period"])), record["period"]
    date.fromisoformat(str(record["period_end"]))
    assert len(str(record.get("fiscal_note", ""))) > 20
    assert record["line"] in {"cash-flow", "headline", "claim"}
    assert record["kind"] in {"actual", "guidance", "claim"}
    assert record["display"].get("ja") and record["display"].get("en")
    if record["status"] != "verified":
        assert record.get("note"), "an unverified record says what was read"


@pytest.mark.parametrize("record", CAPEX, ids=ids)
def test_capex_values_are_positive(record):
    values = [record[key] for key in ("value_usd", "value_usd_low", "value_usd_high", "chart_value_usd")
              if key in record]
    assert values and all(isinstance(value, int) and value > 0 for value in values)
    if "value_usd_low" in record and "value_usd_high" in record:
        assert record["value_usd_low"] <= record["chart_value_usd"] <= record["value_usd_high"]


def test_capex_ids_are_unique():
    names = [record["id"] for record in CAPEX]
    assert len(names) == len(set(names))


def test_one_chart_line_per_company():
    """Every company's cash-flow records name the same line item in their fiscal note."""
    notes = {}
    for record in CAPEX:
        if record["line"] == "cash-flow" and not record.get("calendar_aligned"):
            notes.setdefault(record["company"], set()).add(record["fiscal_note"])
    assert set(notes) == COMPANIES
    assert all(len(found) == 1 for found in notes.values()), notes


def test_annual_chart_has_every_company_and_year():
    annual = {(r["company"], r["fiscal_year_ends_in"]) for r in CAPEX
              if r["line"] == "cash-flow" and r["kind"] == "actual" and r.get("fiscal_year_ends_in")}
    for company in COMPANIES:
        for year in (2023, 2024, 2025):
            assert (company, year) in annual, (company, year)


def test_total_check_pairs_filings_with_the_article():
    for year in (2023, 2024, 2025):
        rows = [r for r in CAPEX if r.get("total_check") and r["total_check"]["en"].startswith(f"{year}:")]
        assert {r["company"] for r in rows if r["line"] == "cash-flow"} == COMPANIES - {"Oracle"}
        assert [r for r in rows if r["line"] == "claim"], year


def test_chart_dates_are_dates():
    for record in CAPEX:
        if record.get("fy2025_path"):
            assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", str(record.get("stated"))), record["id"]


@pytest.mark.parametrize("record", SUPPLY, ids=ids)
def test_supply_record_is_attributed(record):
    provenance(record)
    assert record.get("who")
    assert record.get("made") is None or re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", str(record["made"]))
    assert record["display"].get("ja") and record["display"].get("en")
    if "chart" in record:
        assert record["chart"] in {"cowos", "forecast"}
        assert isinstance(record["chart_value"], int) and record["chart_value"] > 0
        assert record["chart_label"].get("ja") and record["chart_label"].get("en")
    if "value_low" in record:
        assert 0 < record["value_low"] <= record["value_high"]
