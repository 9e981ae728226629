"""What the site's hooks share during one build: one explicit object, not module globals.

Each hook module asks ``site_state.of(config)`` for the build's ``BuildState``; the first call for
a configuration creates it. Facts are read here because several hooks resolve them (citations,
calculator inputs written as ``fact:ID``, the sources table).
"""

from __future__ import annotations

import functools
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import yaml
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "calculators"))

FACT_REFERENCE = "fact:"


@dataclass(frozen=True)
class PageDates:
    """How fresh a page is: the oldest and newest ``accessed`` date (ISO) among the records of
    ``data/`` it cites, and how many records that is."""

    oldest: str
    newest: str
    records: int


@dataclass
class BuildState:
    lang: str
    #: Path from this build's root to the folder both languages share ("" or "../").
    site_root: str
    facts: dict
    #: The dscalc wheel the browser loads (as bytecode), its sha256, and Pyodide's standard
    #: library with the modules the calculators import as bytecode (hooks/vendoring.py).
    wheel: Path | None = None
    wheel_sha256: str = ""
    stdlib_zip: Path | None = None
    #: The Pyodide memory snapshot made on both (restored instead of a boot), and its sha256.
    snapshot: Path | None = None
    snapshot_sha256: str = ""
    #: Per page (``src_uri``): fenced blocks waiting for their HTML, by kind.
    blocks: dict = field(default_factory=dict)
    #: Per page (``src_uri``): its ``PageDates`` (pages that cite no dated record are absent).
    dates: dict = field(default_factory=dict)
    #: Per page (``src_uri``): the date its content last changed, where a hook knows it without
    #: cited records (the changelog page: its newest entry).
    updated: dict = field(default_factory=dict)

    def fact(self, fact_id: str, where: str) -> dict:
        record = self.facts.get(fact_id)
        if record is None:
            raise PluginError(f"{where}: unknown fact {fact_id!r}")
        return record

    def resolve(self, value, where: str):
        """``"fact:ID"`` -> that fact's value (so a calculator's inputs on a page come from
        ``data/``); anything else unchanged."""
        if isinstance(value, str) and value.startswith(FACT_REFERENCE):
            return self.fact(value[len(FACT_REFERENCE):], where)["value"]
        return value


_STATES: dict[int, BuildState] = {}


def of(config) -> BuildState:
    """The state of the build that ``config`` configures."""
    key = id(config)
    if key not in _STATES:
        _STATES.clear()  # one build at a time (mkdocs serve rebuilds with a new config)
        lang = "ja" if config.theme["language"] == "ja" else "en"
        site_root = (config.extra.get("dscalc") or {}).get("site_root", "")
        _STATES[key] = BuildState(lang=lang, site_root=site_root, facts=load_facts())
    return _STATES[key]


def load_facts() -> dict:
    facts = {}
    for path in sorted((ROOT / "data" / "facts").glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if record["id"] in facts:
                raise PluginError(f"fact {record['id']!r} is defined twice ({path.name})")
            facts[record["id"]] = record
    return facts


def read_data(path: Path):
    """A JSON or YAML file of ``data/``, parsed once per version of the file (several hooks read
    the same files for every page; the result is shared, so nobody may change it)."""
    stat = path.stat()
    return _parsed(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _parsed(path: str, mtime_ns: int, size: int):
    text = Path(path).read_text(encoding="utf-8")
    return json.loads(text) if path.endswith(".json") else yaml.safe_load(text)


def localized(text, lang: str) -> str | None:
    """A ``{ja:, en:}`` mapping's text in ``lang``; a plain string is the same in both."""
    if isinstance(text, dict):
        return text.get(lang)
    return None if text is None else str(text)


def placeholder(kind: str, index: int) -> str:
    return f'<div data-dscalc-{kind}="{index}"></div>'


def lift_blocks(state: BuildState, kind: str, fence, markdown: str, page, keep) -> str:
    """Replace each fenced block ``fence`` matches by a placeholder that Markdown leaves alone,
    remembering ``keep(match)`` for the page; ``blocks_of`` gives them back in on_page_content,
    where ``put_back`` swaps the rendered HTML in."""
    blocks = []

    def remember(match) -> str:
        blocks.append(keep(match))
        return "\n" + placeholder(kind, len(blocks) - 1) + "\n"

    markdown = fence.sub(remember, markdown)
    state.blocks[(kind, page.file.src_uri)] = blocks
    return markdown


def put_back(state: BuildState, kind: str, content: str, page, render) -> str:
    """Swap each placeholder of ``kind`` for ``render(remembered block, index)``."""
    blocks = state.blocks.get((kind, page.file.src_uri)) or []
    if not blocks:
        return content
    pattern = re.compile(rf'<div data-dscalc-{kind}="(\d+)"></div>')
    return pattern.sub(lambda match: render(blocks[int(match.group(1))]), content)


_PARTIALS = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "overrides"),
                               autoescape=True, undefined=jinja2.StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True)


def partial(name: str, **context) -> str:
    """``overrides/partials/<name>`` rendered with ``context`` (markup lives in partials)."""
    return _PARTIALS.get_template(f"partials/{name}").render(**context)
