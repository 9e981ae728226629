"""data/timeline/*.yaml (one time-line in three files) and data/deepseek_models.yaml.

Every event names its source, the date it was read and a status; its date is a real ISO date
(``YYYY-MM`` only when the record says ``precision: month``); each file is in date order; ids are
unique across the three files; titles exist in both languages and use the glossary's terms. Every
cell of the models table carries its own provenance.
"""

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from tests.data.test_provenance import check_provenance

DATA = Path(__file__).resolve().parents[2] / "data"
TIMELINE_FILES = sorted((DATA / "timeline").glob("*.yaml"))
CATEGORIES = {"release", "paper", "infrastructure", "company", "market", "industry", "policy"}
NATURES = {"disclosed", "estimated", "claimed", "reported", "measured", "forecast"}
PHASES = {"before", "shock", "after"}
SHOCK_WEEK = date(2025, 1, 20)  # R1's release: the start of the week the market reacted to


def load(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def events():
    for path in TIMELINE_FILES:
        for record in load(path):
            yield f"{path.name}:{record.get('id')}", record


def parse_when(record: dict) -> date:
    """The record's date as a ``date`` (the first of the month for month-precision dates)."""
    text = str(record["date"])
    if record.get("precision") == "month":
        assert re.fullmatch(r"\d{4}-\d{2}", text), f"{record['id']}: month precision is YYYY-MM"
        return date.fromisoformat(text + "-01")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text), f"{record['id']}: date is YYYY-MM-DD"
    return date.fromisoformat(text)


def test_the_time_line_has_its_three_files():
    assert [path.name for path in TIMELINE_FILES] == ["deepseek.yaml", "markets.yaml", "policy.yaml"]


@pytest.mark.parametrize("where, record", list(events()), ids=[where for where, _ in events()])
def test_every_event_has_a_valid_date_words_and_provenance(where, record):
    check_provenance(record, where)
    when = parse_when(record)
    assert date(2022, 1, 1) <= when <= date.today(), f"{where}: date in range"
    title = record.get("title") or {}
    assert title.get("ja") and title.get("en"), f"{where}: title in ja and en"
    assert record.get("category") in CATEGORIES, f"{where}: category"
    assert record.get("nature") in NATURES, f"{where}: nature"
    assert record.get("actor"), f"{where}: actor"
    if record["status"] == "disputed":
        assert record.get("dispute"), f"{where}: a disputed event lists the other sources"


@pytest.mark.parametrize("where, record", list(events()), ids=[where for where, _ in events()])
def test_phase_agrees_with_the_date(where, record):
    phase = record.get("phase")
    assert phase in PHASES, f"{where}: phase"
    when = parse_when(record)
    if phase == "before":
        assert when < SHOCK_WEEK, f"{where}: 'before' events precede 2025-01-20"
    elif phase == "after":
        assert when >= SHOCK_WEEK, f"{where}: 'after' events follow 2025-01-20"
    else:
        assert date(2024, 12, 1) <= when <= date(2025, 3, 31), f"{where}: 'shock' is Dec 2024 - Mar 2025"
    assert record.get("headline", False) in (True, False), f"{where}: headline is a boolean"


#: The shock, as the time lines draw it: from V3's release to the last day of DeepSeek's
#: Open-Source Week (day 6, 2025-03-01). One rule for every event, so events of one week or one
#: month never fall into different phases.
SHOCK_FIRST_DAY, SHOCK_LAST_DAY = date(2024, 12, 26), date(2025, 3, 1)


@pytest.mark.parametrize("where, record", list(events()), ids=[where for where, _ in events()])
def test_the_phase_follows_one_rule_for_every_event(where, record):
    when = parse_when(record)
    expected = ("before" if when < SHOCK_FIRST_DAY else "shock" if when <= SHOCK_LAST_DAY else "after")
    assert record["phase"] == expected, f"{where}: {when} is in the '{expected}' phase"


@pytest.mark.parametrize("path", TIMELINE_FILES, ids=lambda path: path.name)
def test_each_file_is_in_date_order(path):
    records = load(path)
    keys = [str(record["date"]) for record in records]
    assert keys == sorted(keys), [record["id"] for record in records]


def test_ids_are_unique_across_the_time_line():
    ids = [record["id"] for _, record in events()]
    duplicates = {item for item in ids if ids.count(item) > 1}
    assert not duplicates, duplicates


def test_the_story_of_january_2025_is_on_the_time_line():
    by_id = {record["id"]: record for _, record in events()}
    for event_id, day in [("deepseek-v3-release", "2024-12-26"), ("deepseek-r1-release", "2025-01-20"),
                          ("mkt-stargate-announcement", "2025-01-21"),
                          ("mkt-deepseek-selloff-2025-01-27", "2025-01-27")]:
        assert str(by_id[event_id]["date"]) == day, event_id
        assert by_id[event_id]["phase"] == "shock" and by_id[event_id].get("headline"), event_id


def glossary_avoid() -> list[tuple[str, str]]:
    entries = load(DATA / "glossary.yaml")
    return [(variant, entry["ja"]) for entry in entries for variant in entry.get("avoid") or []]


def without_term(line: str, wanted: str) -> str:
    """The line with the glossary's own term removed (メモリ帯域 is avoided, メモリ帯域幅 is right)."""
    return line.replace(re.sub(r"（.*）$", "", wanted), "")


@pytest.mark.parametrize("path", TIMELINE_FILES + [DATA / "markets.yaml", DATA / "deepseek_models.yaml"],
                         ids=lambda path: path.name)
def test_japanese_words_use_the_glossary(path):
    """Charts print these titles: they follow the glossary like the pages do."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if re.match(r"^\s+ja: ", line)]
    found = [(variant, wanted, line.strip()) for line in lines for variant, wanted in glossary_avoid()
             if variant in without_term(line, wanted)]
    assert not found, found


# --------------------------------------------------------------------------- DeepSeek's models

MODELS = load(DATA / "deepseek_models.yaml")
MODEL_FIELDS = {"released", "total_params", "active_params", "context_length", "licence_code",
                "licence_weights", "attention", "precision", "headline", "bases"}


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model["id"])
def test_every_models_table_cell_has_its_own_provenance(model):
    assert model.get("name"), model["id"]
    fields = model.get("fields") or {}
    assert "released" in fields, f"{model['id']}: a release date"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(fields["released"]["value"]))
    date.fromisoformat(str(fields["released"]["value"]))
    assert set(fields) <= MODEL_FIELDS, set(fields) - MODEL_FIELDS
    for name, cell in fields.items():
        check_provenance(cell, f"{model['id']}.{name}")
        assert "value" in cell, f"{model['id']}.{name}: value"
        if isinstance(cell["value"], (int, float)) and name != "released":
            display = cell.get("display") or {}
            assert display.get("ja") and display.get("en"), f"{model['id']}.{name}: display in ja and en"
        if isinstance(cell["value"], dict):
            assert cell["value"].get("ja") and cell["value"].get("en"), f"{model['id']}.{name}: ja and en"


def test_model_ids_are_unique_and_in_release_order():
    ids = [model["id"] for model in MODELS]
    assert len(ids) == len(set(ids))
    released = [str(model["fields"]["released"]["value"]) for model in MODELS]
    assert released == sorted(released), ids


def test_active_parameters_never_exceed_total_parameters():
    for model in MODELS:
        fields = model["fields"]
        if "total_params" in fields and "active_params" in fields:
            assert fields["active_params"]["value"] < fields["total_params"]["value"], model["id"]
