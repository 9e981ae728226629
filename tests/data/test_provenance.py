"""Every fact in data/ names its source, the date it was read, a quote and a status."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[2] / "data"
STATUSES = {"verified", "unverified", "disputed"}


def check_provenance(record: dict, where: str) -> None:
    assert re.match(r"^https://", str(record.get("source_url", ""))), f"{where}: source_url"
    accessed = record.get("accessed")
    accessed = accessed if isinstance(accessed, date) else date.fromisoformat(str(accessed))
    assert date(2023, 1, 1) <= accessed <= date.today(), f"{where}: accessed"
    assert record.get("status") in STATUSES, f"{where}: status"
    assert str(record.get("quote", "")).strip(), f"{where}: quote"


def fact_records():
    for path in sorted((DATA / "facts").glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")):
            yield f"{path.name}:{record.get('id')}", record


@pytest.mark.parametrize("where, record", list(fact_records()))
def test_every_fact_has_provenance_and_both_languages(where, record):
    check_provenance(record, where)
    assert "value" in record, where
    label = record.get("label") or {}
    assert label.get("ja") and label.get("en"), f"{where}: label in ja and en"
    if record["status"] == "disputed":
        assert record.get("dispute"), f"{where}: a disputed fact lists the other sources"
        for alternative in record["dispute"]:
            assert str(alternative.get("source_url", "")).startswith("https://"), where


def test_fact_ids_are_unique_across_files():
    ids = [where.split(":", 1)[1] for where, _ in fact_records()]
    assert len(ids) == len(set(ids))


def strict_json(text: str):
    """JSON as the standard defines it: Python's json also accepts NaN and Infinity, which
    JavaScript's JSON.parse (the browser) refuses."""
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")
    return json.loads(text, parse_constant=refuse)


def language_model(config: dict) -> dict:
    """A multimodal config keeps its language model under text_config."""
    if "num_hidden_layers" not in config and isinstance(config.get("text_config"), dict):
        return config["text_config"]
    return config


MODEL_RECORDS = sorted((DATA / "models").glob("*.json"))
#: Configs gathered for later: not presets (the calculators refuse them by naming their keys).
PENDING_RECORDS = sorted((DATA / "models" / "next").glob("*.json"))


@pytest.mark.parametrize("path", MODEL_RECORDS + PENDING_RECORDS, ids=lambda p: p.stem)
def test_every_model_record_has_provenance_and_a_config(path):
    record = strict_json(path.read_text(encoding="utf-8"))
    assert record["id"] == path.stem
    check_provenance(record, path.name)
    assert isinstance(record["config"], dict)
    assert language_model(record["config"]).get("num_hidden_layers")
    for name, figure in (record.get("published") or {}).items():
        check_provenance(figure, f"{path.name}:{name}")
    for check in record.get("crosscheck") or []:
        check_provenance(check, f"{path.name}:crosscheck")


def test_strict_json_refuses_what_browsers_refuse():
    with pytest.raises(ValueError):
        strict_json('{"time_step_limit": [0.0, Infinity]}')


def test_every_chip_record_has_provenance():
    chips = json.loads((DATA / "chips.json").read_text(encoding="utf-8"))["chips"]
    assert {"h100-sxm", "h800-sxm", "h200-sxm", "b200", "mi300x"} <= {chip["id"] for chip in chips}
    for chip in chips:
        check_provenance(chip, chip["id"])
        assert chip["memory_bytes"] > 10**9


def dispute_alternatives(node, where):
    """Every alternative listed under a ``dispute`` key anywhere in a data file."""
    if isinstance(node, dict):
        here = f"{where}:{node['id']}" if "id" in node else where
        for alternative in node.get("dispute") or []:
            yield here, alternative
        for value in node.values():
            yield from dispute_alternatives(value, here)
    elif isinstance(node, list):
        for value in node:
            yield from dispute_alternatives(value, where)


def data_files():
    for path in sorted(DATA.rglob("*")):
        if path.suffix in (".yaml", ".json") and "models" not in path.parts:
            text = path.read_text(encoding="utf-8")
            yield path.name, json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def test_every_disputed_alternative_says_where_and_when_it_was_read():
    alternatives = [item for name, content in data_files() for item in dispute_alternatives(content, name)]
    assert len(alternatives) >= 40  # chips, facts and markets hold that many
    for where, alternative in alternatives:
        assert str(alternative.get("source_url", "")).startswith("https://"), where
        accessed = alternative.get("accessed")
        accessed = accessed if isinstance(accessed, date) else date.fromisoformat(str(accessed))
        assert date(2023, 1, 1) <= accessed <= date.today(), f"{where}: the date the alternative was read"
