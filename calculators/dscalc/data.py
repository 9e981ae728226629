"""The published figures the calculators need, read from ``data/``.

In a wheel the files live in ``dscalc/data`` (the whole folder is packaged); in a source checkout
they are read from the repository's ``data/`` folder, so a fact is written once. Calculators read
JSON only (the package is standard library only); prose-only data may be YAML, read by the site.

One YAML folder is read by a calculator: ``data/measured/`` (benchmark results, written by hand
in YAML like the site's other sourced records). ``yaml_bundle`` turns it into one JSON document;
the wheel's build hook (``hatch_build.py``) calls it and packages the result as
``dscalc/data/measured.json``, and a source checkout calls it on the fly (PyYAML is a development
dependency there, never in Pyodide). The records therefore reach every caller through the same
function and the same JSON shape.
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


#: YAML folders the calculators read, and the JSON file each becomes in the wheel.
YAML_BUNDLES = {"measured": "measured.json"}


def _json_ready(value):
    """YAML scalars as JSON ones: dates and timestamps become ISO strings."""
    if isinstance(value, dict):
        return {str(key): _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def yaml_bundle(folder: Path) -> dict:
    """Every ``*.yaml`` file of ``folder`` as ``{"files": [{"file": name, **content}]}``, in
    file-name order, JSON-ready. Needs PyYAML: only the build hook and source checkouts call it."""
    try:
        import yaml  # a development dependency; the wheel carries the JSON this returns
    except ImportError:
        raise RuntimeError(f"reading {folder} from a source checkout needs PyYAML (pip install "
                           "pyyaml); an installed wheel carries it as JSON") from None

    files = []
    for path in sorted(folder.glob("*.yaml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        files.append({"file": path.name, **_json_ready(content)})
    return {"files": files}


@lru_cache(maxsize=None)
def bundle(name: str) -> dict:
    """A YAML folder of ``YAML_BUNDLES`` as JSON: the packaged file in a wheel, built from the
    folder in a source checkout."""
    packaged = Path(__file__).with_name("data") / YAML_BUNDLES[name]
    if packaged.is_file():
        return json.loads(packaged.read_text(encoding="utf-8"))
    folder = data_dir() / name
    return yaml_bundle(folder) if folder.is_dir() else {"files": []}


def models() -> dict[str, dict]:
    """Model records by id: ``{"id", "name", "source_url", "accessed", "config", ...}``."""
    return load("models")


def chips() -> dict[str, dict]:
    """Accelerator records by id, from ``data/chips.json``."""
    return {chip["id"]: chip for chip in load("chips.json")["chips"]}
