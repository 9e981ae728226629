"""Amounts typed into data/ are written exactly as dscalc writes the same amount (one formatter)."""

from pathlib import Path

import yaml
from dscalc.framework.units import display

DATA = Path(__file__).resolve().parents[2] / "data"


def test_a_computed_amount_matches_the_typed_fact_it_checks():
    """The serving page compares DeepSeek's published daily cost with dscalc's: same words."""
    fact = next(record for path in sorted(DATA.glob("facts/*.yaml"))
                for record in yaml.safe_load(path.read_text(encoding="utf-8"))
                if record["id"] == "serve-daily-cost")
    assert display("usd", fact["value"], "ja") in fact["display"]["ja"]
