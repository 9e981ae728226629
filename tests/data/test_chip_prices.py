"""Chip-hour prices (data/chip_prices.json): every price names a chip of the chip table, a basis,
a positive amount, a date and its provenance."""

import json
from datetime import date
from pathlib import Path

import pytest

from test_provenance import check_provenance, strict_json

DATA = Path(__file__).resolve().parents[2] / "data"
PRICES = strict_json((DATA / "chip_prices.json").read_text(encoding="utf-8"))["prices"]
CHIPS = {chip["id"] for chip in json.loads((DATA / "chips.json").read_text(encoding="utf-8"))["chips"]}


@pytest.mark.parametrize("price", PRICES, ids=lambda price: price["id"])
def test_every_chip_hour_price_is_sourced_dated_and_for_a_known_chip(price):
    check_provenance(price, price["id"])
    assert price["chip"] in CHIPS
    assert price["basis"] in ("rent", "own")
    assert isinstance(price["usd_per_chip_hour"], (int, float)) and 0 < price["usd_per_chip_hour"] < 1_000
    assert date(2023, 1, 1) <= date.fromisoformat(price["date"]) <= date.today()
    assert price["provider"] and price["offering"] and price["source_title"]
    if price["status"] == "unverified":
        assert "secondary copies read" in price["note"].lower() or "from memory" in price["note"].lower()


def test_chip_hour_price_ids_are_unique():
    ids = [price["id"] for price in PRICES]
    assert len(ids) == len(set(ids))
