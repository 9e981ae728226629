"""The cost stack (data/facts/cost-stack.yaml): every bar says what kind of number it is, and the
bars that repeat a figure cited elsewhere agree with it."""

from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parents[2] / "data" / "facts"
NATURES = {"disclosed", "estimated", "claimed", "disputed"}
#: Stack records that repeat a fact cited on the pages.
REPEATS = {"cost-stack-v3-final-run": "v3-training-cost-usd",
           "cost-stack-r1-rl": "train-r1-total-cost-usd"}


def facts() -> dict:
    found = {}
    for path in DATA.glob("*.yaml"):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            found[record["id"]] = record
    return found


def test_every_bar_has_a_nature_words_and_a_number():
    stack = [record for record in facts().values() if record.get("cost_stack") == "deepseek"]
    assert len(stack) >= 3
    for record in stack:
        assert record["nature"] in NATURES, record["id"]
        assert isinstance(record["value"], (int, float)) and record["value"] > 0, record["id"]
        for key in ("stack_label", "stack_nature"):
            assert record[key]["ja"] and record[key]["en"], (record["id"], key)
        if record["nature"] == "estimated":
            # Third parties' estimates were read only in press reports: never "verified".
            assert record["status"] == "unverified", record["id"]


def test_repeated_figures_agree_with_the_facts_they_repeat():
    known = facts()
    for stack_id, fact_id in REPEATS.items():
        assert known[stack_id]["value"] == known[fact_id]["value"], stack_id
        assert known[stack_id]["source_url"] == known[fact_id]["source_url"], stack_id


def test_table_6_chart_records_are_the_papers_rows():
    rows = [record for record in facts().values() if record.get("chart") == "r1-distill-vs-rl"]
    assert len(rows) == 3
    for record in rows:
        # The value is the row's first number (AIME 2024 pass@1, in per cent) as a fraction.
        first = float(record["quote"].split()[1])
        assert record["value"] == round(first / 100, 4), record["id"]
