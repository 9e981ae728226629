"""Measured benchmark results (data/measured/*.yaml): every file names its source, every record
carries its full conditions and provenance, and the value written down is the one in the quote.

The checker is one function, ``problems``, so that it can be shown to refuse broken records
(the last tests feed it some)."""

import copy
import json
import math
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

DATA = Path(__file__).resolve().parents[2] / "data"
MEASURED = sorted((DATA / "measured").glob("*.yaml"))
CHIP_IDS = {chip["id"] for chip in json.loads((DATA / "chips.json").read_text(encoding="utf-8"))["chips"]}
MODEL_IDS = {path.stem for path in (DATA / "models").glob("*.json")}

#: Chips measured but not in data/chips.json, with the reason they are not there.
NEW_CHIP_IDS = {}
#: Models measured but without a config in data/models/, with the reason.
NEW_MODEL_IDS = {
    "deepseek-r1": "DeepSeek-V3's architecture (data/models/deepseek-v3.json) with other weights",
}

SOURCE_FIELDS = ("id", "publisher", "title", "url", "published", "accessed", "licence", "note")
RECORD_FIELDS = ("id", "model", "precision", "chip", "chip_count", "system", "submitter", "software",
                 "division", "availability", "scenario", "concurrency", "input_tokens", "output_tokens",
                 "latency", "throughput", "tokens_per_s_per_user", "date", "source_url", "accessed", "quote",
                 "status", "note")
PRECISION_FIELDS = ("weights", "activations", "kv_cache")
LATENCY_FIELDS = ("ttft_s", "tpot_ms", "percentile")
DIVISIONS = {"closed", "open", "none"}
AVAILABILITIES = {"available", "preview", "rdi", "none"}
SCENARIOS = {"offline", "server", "interactive", "concurrency"}
UNITS = {"tokens/s", "samples/s", "queries/s"}
PER = {"system", "chip", "user"}
STATUSES = {"verified", "unverified", "disputed"}
MIN_RECORDS = 60

#: A number as a source writes it: thousands separators, decimals, an exponent, a k/M suffix.
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:[eE]([+-]?\d+))?\s?([kKM])?(?![\w])")
SUFFIX = {None: 1, "k": 1e3, "K": 1e3, "M": 1e6}


def as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def numbers_in(quote: str):
    """``(value, half the last written digit)`` for every number written in ``quote``."""
    for whole, fraction, exponent, suffix in NUMBER.findall(quote):
        digits = whole.replace(",", "") + (fraction or "")
        scale = 10.0 ** int(exponent or 0) * SUFFIX[suffix or None]
        step = 10.0 ** -(len(fraction) - 1 if fraction else 0) * scale
        yield float(digits) * scale, step / 2


def quote_shows(quote: str, value: float) -> bool:
    """The quote writes ``value`` (to the precision the quote itself uses)."""
    return any(abs(value - shown) <= half_step * (1 + 1e-9) for shown, half_step in numbers_in(quote))


def positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def problems(record: dict, today: date | None = None) -> list[str]:
    """What is wrong with one measured record (an empty list: nothing)."""
    today = today or date.today()
    found = [f"missing field {name}" for name in RECORD_FIELDS if name not in record]
    if found:
        return found
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", str(record["id"])):
        found.append("id: lowercase letters, digits, dots and hyphens")
    if record["model"] not in MODEL_IDS | set(NEW_MODEL_IDS):
        found.append(f"model {record['model']!r} is neither in data/models nor in NEW_MODEL_IDS")
    if record["chip"] not in CHIP_IDS | set(NEW_CHIP_IDS):
        found.append(f"chip {record['chip']!r} is neither in data/chips.json nor in NEW_CHIP_IDS")
    precision = record["precision"]
    if not isinstance(precision, dict) or set(precision) != set(PRECISION_FIELDS) or \
            not all(isinstance(precision[name], str) and precision[name].strip() for name in PRECISION_FIELDS):
        found.append("precision: weights, activations, kv_cache, each a format or 'not stated'")
    if not (isinstance(record["chip_count"], int) and positive(record["chip_count"])):
        found.append("chip_count: a positive whole number")
    for name in ("system", "submitter", "software", "quote"):
        if not (isinstance(record[name], str) and record[name].strip()):
            found.append(f"{name}: text")
    if record["division"] not in DIVISIONS:
        found.append(f"division not in {sorted(DIVISIONS)}")
    if record["availability"] not in AVAILABILITIES:
        found.append(f"availability not in {sorted(AVAILABILITIES)}")
    if record["scenario"] not in SCENARIOS:
        found.append(f"scenario not in {sorted(SCENARIOS)}")
    if record["scenario"] == "concurrency" and not (isinstance(record["concurrency"], int) and record["concurrency"] > 0):
        found.append("a concurrency sweep point names its concurrency")
    for name in ("concurrency", "input_tokens", "output_tokens"):
        if record[name] is not None and not (isinstance(record[name], int) and positive(record[name])):
            found.append(f"{name}: a positive whole number or null")
    if record["tokens_per_s_per_user"] is not None and not positive(record["tokens_per_s_per_user"]):
        found.append("tokens_per_s_per_user: positive or null")
    latency = record["latency"]
    if not isinstance(latency, dict) or set(latency) != set(LATENCY_FIELDS):
        found.append("latency: ttft_s, tpot_ms, percentile")
    else:
        for name in LATENCY_FIELDS:
            if latency[name] is not None and not positive(latency[name]):
                found.append(f"latency.{name}: positive or null")
        if latency["percentile"] is not None and not latency["percentile"] <= 100:
            found.append("latency.percentile: at most 100")
    throughput = record["throughput"]
    if not isinstance(throughput, dict) or set(throughput) != {"value", "unit", "per"}:
        found.append("throughput: value, unit, per")
    else:
        if not positive(throughput["value"]):
            found.append("throughput.value: positive and finite")
        elif not quote_shows(str(record["quote"]), throughput["value"]):
            found.append(f"throughput.value {throughput['value']} is not written in the quote")
        if throughput["unit"] not in UNITS:
            found.append(f"throughput.unit not in {sorted(UNITS)}")
        if throughput["per"] not in PER:
            found.append(f"throughput.per not in {sorted(PER)}")
    for name in ("date", "accessed"):
        when = as_date(record[name])
        if when is None:
            found.append(f"{name}: a date")
        elif not date(2023, 1, 1) <= when <= today:
            found.append(f"{name}: between 2023 and today")
    if as_date(record["date"]) and as_date(record["accessed"]) and as_date(record["date"]) > as_date(record["accessed"]):
        found.append("date: published after it was read")
    if not re.match(r"^https://", str(record["source_url"])):
        found.append("source_url: https")
    if record["status"] not in STATUSES:
        found.append(f"status not in {sorted(STATUSES)}")
    if record["status"] == "unverified" and not re.search(r"secondary cop|from memory", str(record["note"] or ""), re.I):
        found.append("an unverified record's note says what was read instead (secondary copy, or from memory)")
    if not isinstance(record["note"], str):
        found.append("note: text (may be empty)")
    return found


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def all_records():
    for path in MEASURED:
        for record in load(path)["records"]:
            yield path.name, record


# --------------------------------------------------------------------------- the files

def test_there_are_files_and_enough_records():
    assert {path.stem for path in MEASURED} >= {"mlperf-inference-v5.1", "deepseek-open-infra"}
    assert len(list(all_records())) >= MIN_RECORDS


@pytest.mark.parametrize("path", MEASURED, ids=lambda path: path.stem)
def test_every_file_names_its_source(path):
    content = load(path)
    assert set(content) == {"source", "records"}, path.name
    source = content["source"]
    for name in SOURCE_FIELDS:
        assert name in source, f"{path.name}: source.{name}"
        assert source[name] is not None and str(source[name]).strip(), f"{path.name}: source.{name}"
    assert source["id"] == path.stem
    assert str(source["url"]).startswith("https://")
    assert as_date(source["published"]) and as_date(source["accessed"])
    assert as_date(source["published"]) <= as_date(source["accessed"]) <= date.today()
    assert isinstance(content["records"], list) and content["records"], path.name


@pytest.mark.parametrize("where, record", list(all_records()), ids=lambda item: item if isinstance(item, str) else item["id"])
def test_every_record_is_complete_and_consistent(where, record):
    assert problems(record) == [], f"{where}:{record.get('id')}"


@pytest.mark.parametrize("path", MEASURED, ids=lambda path: path.stem)
def test_every_record_was_read_where_its_file_says(path):
    content = load(path)
    host = urlparse(content["source"]["url"]).netloc
    assert host and all(urlparse(record["source_url"]).netloc == host for record in content["records"]), path.name


def test_record_ids_are_unique_across_files():
    ids = [record["id"] for _, record in all_records()]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_new_chip_and_model_ids_are_really_new_and_really_used():
    used_chips = {record["chip"] for _, record in all_records()}
    used_models = {record["model"] for _, record in all_records()}
    assert not set(NEW_CHIP_IDS) & CHIP_IDS and set(NEW_CHIP_IDS) <= used_chips
    assert not set(NEW_MODEL_IDS) & MODEL_IDS and set(NEW_MODEL_IDS) <= used_models


def test_mlperf_records_are_whole_systems_in_tokens_per_second_with_their_constraints():
    for where, record in all_records():
        if not where.startswith("mlperf-"):
            continue
        assert record["division"] in {"closed", "open"} and record["availability"] != "none", record["id"]
        assert record["throughput"]["unit"] == "tokens/s" and record["throughput"]["per"] == "system", record["id"]
        latency = record["latency"]
        if record["scenario"] == "offline":
            assert latency == {"ttft_s": None, "tpot_ms": None, "percentile": None}, record["id"]
        else:
            assert record["scenario"] in {"server", "interactive"}
            assert latency["ttft_s"] and latency["tpot_ms"] and latency["percentile"] == 99, record["id"]


def test_interactive_constraints_are_tighter_than_server_for_the_same_model_and_round():
    pairs = {}
    for where, record in all_records():
        if where.startswith("mlperf-") and record["scenario"] in {"server", "interactive"}:
            pairs.setdefault((where, record["model"], record["scenario"]), set()).add(record["latency"]["tpot_ms"])
    compared = 0
    for (where, model, scenario), tpots in pairs.items():
        if scenario == "interactive" and (where, model, "server") in pairs:
            assert max(tpots) < min(pairs[(where, model, "server")]), (where, model)
            compared += 1
    assert compared >= 3


# --------------------------------------------------------------------------- the checker refuses junk

def a_good_record() -> dict:
    return {
        "id": "example-dsr1-offline", "model": "deepseek-r1",
        "precision": {"weights": "fp4", "activations": "not stated", "kv_cache": "not stated"},
        "chip": "b200", "chip_count": 8, "system": "Example (8x B200)", "submitter": "Example",
        "software": "not stated", "division": "closed", "availability": "available", "scenario": "offline",
        "concurrency": None, "input_tokens": None, "output_tokens": None,
        "latency": {"ttft_s": None, "tpot_ms": None, "percentile": None},
        "throughput": {"value": 33379.0, "unit": "tokens/s", "per": "system"},
        "tokens_per_s_per_user": None, "date": date(2025, 9, 9),
        "source_url": "https://example.org/mlperf_log_summary.txt", "accessed": date(2026, 12, 7),
        "quote": "Tokens per second: 33379", "status": "verified", "note": "",
    }


def test_the_checker_accepts_a_good_record():
    assert problems(a_good_record(), today=date(2026, 12, 7)) == []
    copied = {**a_good_record(), "status": "unverified", "note": "Secondary copy read: a fork of the repository."}
    assert problems(copied, today=date(2026, 12, 7)) == []


def broken(**changes) -> dict:
    record = copy.deepcopy(a_good_record())
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        node = record
        for key in path:
            node = node[key]
        if value is KeyError:
            del node[last]
        else:
            node[last] = value
    return record


@pytest.mark.parametrize("record, complaint", [
    (broken(quote=KeyError), "missing field quote"),
    (broken(throughput__value=33479.0), "not written in the quote"),
    (broken(throughput__value=float("nan")), "positive and finite"),
    (broken(throughput__value=float("inf")), "positive and finite"),
    (broken(throughput__value=-1), "positive and finite"),
    (broken(throughput__unit="tok/s"), "throughput.unit"),
    (broken(throughput__per="gpu"), "throughput.per"),
    (broken(chip="h100"), "chip 'h100'"),
    (broken(model="deepseek-r2"), "model 'deepseek-r2'"),
    (broken(chip_count=0), "chip_count"),
    (broken(chip_count=7.5), "chip_count"),
    (broken(division="closed-ish"), "division"),
    (broken(availability="soon"), "availability"),
    (broken(scenario="batch"), "scenario"),
    (broken(scenario="concurrency"), "names its concurrency"),
    (broken(latency__percentile=150), "at most 100"),
    (broken(latency={"ttft_s": 2}), "latency: ttft_s"),
    (broken(precision={"weights": "fp4"}), "precision"),
    (broken(accessed=date(2099, 1, 1)), "accessed: between"),
    (broken(date="9 Sept 2025"), "date: a date"),
    (broken(source_url="http://example.org"), "source_url"),
    (broken(status="probably"), "status"),
    (broken(status="unverified"), "says what was read instead"),
    (broken(status="unverified", note="not checked yet"), "says what was read instead"),
    (broken(id="Has Spaces"), "id:"),
])
def test_the_checker_refuses_a_broken_record(record, complaint):
    found = problems(record, today=date(2026, 12, 7))
    assert any(complaint in problem for problem in found), found


@pytest.mark.parametrize("quote, value, shown", [
    ("Tokens per second: 33379", 33379.0, True),
    ("Completed tokens per second: 209327.68", 209327.68, True),
    ("Completed tokens per second: 209327.68", 209328.0, False),
    ("Tokens per second: 2.49431e+06", 2494310, True),
    ("Tokens per second: 2.49431e+06", 2494000, False),
    ("or ~14.8k tokens/s output during decoding", 14800, True),
    ("12,345.6 tokens/s", 12345.6, True),
    ("12,345.6 tokens/s", 12345, False),
])
def test_a_value_counts_as_quoted_only_to_the_precision_written(quote, value, shown):
    assert quote_shows(quote, value) is shown
