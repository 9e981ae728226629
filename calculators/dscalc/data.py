"""Read the facts the calculators need (model configs, chips) from ``data/``.

In a wheel the files live in ``dscalc/data``; in a source checkout they are read from the
repository's ``data/`` folder, so a fact is written once.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path


def _data_dir() -> Path:
    packaged = Path(__file__).with_name("data")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


@lru_cache(maxsize=None)
def models() -> dict[str, dict]:
    """Model records by id: ``{"id", "name", "source_url", "accessed", "config", ...}``."""
    folder = _data_dir() / "models"
    records = {}
    for path in sorted(folder.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        records[record["id"]] = record
    return records


@lru_cache(maxsize=None)
def chips() -> dict[str, dict]:
    """Accelerator records by id (memory, bandwidth, FLOPS), from ``data/chips.json``."""
    path = _data_dir() / "chips.json"
    if not path.exists():
        return {}
    return {chip["id"]: chip for chip in json.loads(path.read_text(encoding="utf-8"))["chips"]}
