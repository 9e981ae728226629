"""The published figures the calculators need, read from ``data/``.

In a wheel the files live in ``dscalc/data`` (the whole folder is packaged); in a source checkout
they are read from the repository's ``data/`` folder, so a fact is written once. Calculators read
JSON only (the package is standard library only); prose-only data may be YAML, read by the site.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path


def data_dir() -> Path:
    packaged = Path(__file__).with_name("data")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


@lru_cache(maxsize=None)
def load(name: str):
    """``load("chips.json")`` -> the parsed file; ``load("models")`` -> ``{id: record}`` of every
    ``*.json`` in that folder (not its sub-folders), by file name order."""
    path = data_dir() / name
    if path.is_dir():
        records = {}
        for item in sorted(path.glob("*.json")):
            record = json.loads(item.read_text(encoding="utf-8"))
            records[record.get("id", item.stem)] = record
        return records
    if path.suffix != ".json":
        raise ValueError(f"calculators read JSON only, not {name!r}")
    return json.loads(path.read_text(encoding="utf-8"))


def models() -> dict[str, dict]:
    """Model records by id: ``{"id", "name", "source_url", "accessed", "config", ...}``."""
    return load("models")


def chips() -> dict[str, dict]:
    """Accelerator records by id, from ``data/chips.json``."""
    return {chip["id"]: chip for chip in load("chips.json")["chips"]}
