"""Hook: each page says how fresh it is — the oldest and newest date its sources were read.

The dates come from ``data/`` at build time, never from git: ``on_page_markdown`` (before the
other hooks turn directives into HTML) lists the records the page cites and keeps their
``accessed`` dates in the build state; ``on_page_content`` writes one line under the title
(``overrides/partials/freshness.html``). A page cites:

- every fact it names: ``{{fact:ID}}``, and ``fact:ID`` given to a calculator;
- the records a ```` ```chart ```` block draws;
- the rows of a data table: ``{{table:deepseek-models}}``, ``{{table:chips}}``, an article's
  ``{{claims:…}}`` (with the facts its claims rest on), ``{{sources:index}}`` (everything), ``{{sources:table FILE}}`` (one file's records);
- the model preset and the accelerators a calculator's inputs name (``dscalc`` blocks and
  ``{{calc:…}}`` values, defaults included);
- on a notebook page (rendered by mkdocs-jupyter, which has no Markdown to read), the model presets
  and accelerators its code cells name in string literals.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import yaml
from mkdocs.utils import get_relative_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
import calc_values  # noqa: E402
import calculator_forms  # noqa: E402
import data_charts  # noqa: E402
import data_tables  # noqa: E402
import site_state  # noqa: E402
import sources_table  # noqa: E402
from dscalc import data as dscalc_data  # noqa: E402
from dscalc.hardware import measured as dscalc_measured  # noqa: E402
from dscalc import web  # noqa: E402

DATA = site_state.ROOT / "data"
#: A string literal in a notebook's code that may name a model preset or an accelerator.
NOTEBOOK_STRING = re.compile(r"[\"']([a-z0-9][a-z0-9.\-]*)[\"']")
FACT_REFERENCE = re.compile(r"(?<![\w-])fact:(?P<id>[a-z0-9][a-z0-9.-]*[a-z0-9])")

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def on_page_markdown(markdown: str, page, config, files):
    state = site_state.of(config)
    dates = page_dates(cited_records(markdown, state, page.file.src_uri))
    if dates:
        state.dates[page.file.src_uri] = dates
    return markdown


def on_page_content(content: str, page, config, files):
    state = site_state.of(config)
    dates = state.dates.get(page.file.src_uri)
    if dates is None and page.file.src_uri.endswith(".ipynb"):
        dates = page_dates(notebook_records(Path(page.file.abs_src_path)))
        if dates:
            state.dates[page.file.src_uri] = dates
    if dates is None:
        return content
    line = site_state.partial(
        "freshness.html", lang=state.lang, dates=dates,
        oldest=long_date(dates.oldest, state.lang), newest=long_date(dates.newest, state.lang),
        sources=_link(page, files, "sources.md"), changes=_link(page, files, "changes.md"))
    head, found, rest = content.partition("</h1>")
    return head + found + line + rest if found else line + content


def _link(page, files, src_uri: str) -> str | None:
    target = files.get_file_from_path(src_uri)
    return get_relative_url(target.url, page.url) if target and target.page is not page else None


# --------------------------------------------------------------------------- what a page cites

def cited_records(markdown: str, state, where: str) -> list[dict]:
    """Every record of ``data/`` the page's Markdown cites (repeats included)."""
    records = [state.fact(match.group("id"), where) for match in FACT_REFERENCE.finditer(markdown)]
    for match in data_charts.FENCE.finditer(markdown):
        block = data_charts.parse_block(match.group("body"), where)
        records += data_charts.selected_records(block, where)
    for match in data_tables.DIRECTIVE.finditer(markdown):
        records += table_records(match.group("kind"), match.group("name"), state, where)
    for match in sources_table.DIRECTIVE.finditer(markdown):
        groups = sources_table.record_groups()
        keys = groups if match.group("kind") == "index" else [match.group("key")]
        records += [record for key in keys for _, record in groups.get(key, ())]
    for match in calculator_forms.FENCE.finditer(markdown):
        inputs = yaml.safe_load(match.group("body")) if match.group("body").strip() else {}
        records += calculator_records(match.group("id"), inputs or {})
    for match in calc_values.CALC_VALUE.finditer(markdown):
        inputs = dict(pair.partition("=")[::2] for pair in match.group("args").split())
        records += calculator_records(match.group("id"), inputs)
    return [dated for record in records
            for _, dated in sources_table.sourced_records(record) if dated.get("accessed")]


def notebook_records(path: Path) -> list[dict]:
    """The dated records behind the model presets and accelerators a notebook's code names."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    code = "\n".join("".join(cell.get("source", [])) for cell in cells if cell.get("cell_type") == "code")
    models, chips = dscalc_data.models(), dscalc_data.chips()
    named = {}
    for name in NOTEBOOK_STRING.findall(code):
        if name in models or name in chips:
            named[name] = models.get(name) or chips[name]
    return [dated for record in named.values()
            for _, dated in sources_table.sourced_records(record) if dated.get("accessed")]


def table_records(kind: str, name: str, state, where: str) -> list[dict]:
    """The rows a data table shows (the glossary and the verdict counts cite no source)."""
    if kind == "table" and name == "deepseek-models":
        return site_state.read_data(DATA / "deepseek_models.yaml")
    if kind == "table" and name == "chips":
        return site_state.read_data(DATA / "chips.json")["chips"]
    if kind == "table" and name in ("measured", "measured-summary"):
        return web.measured_table(state.lang)["records"]
    if kind == "claims" and name != "summary":
        claims = [claim for claim in site_state.read_data(DATA / "claims.yaml") if claim.get("article") == name]
        return claims + [state.fact(fact_id, where) for claim in claims for fact_id in claim.get("facts") or []]
    return []


def calculator_records(calc_id: str, author_inputs: dict) -> list[dict]:
    """The model preset and accelerators a calculator starts from (its defaults, then the
    page's inputs)."""
    try:
        specs = web.describe(calc_id, "en")["inputs"]
    except Exception:  # noqa: BLE001 - an unknown id is reported by calculator_forms
        return []
    values = {spec["name"]: spec["default"] for spec in specs}
    values.update(author_inputs)
    models, chips = dscalc_data.models(), dscalc_data.chips()
    # A measured record or a chip-hour price a calculator starts from is cited like a preset.
    sourced = {record["id"]: record for record in dscalc_measured.records()}
    sourced.update({price["id"]: price for price in dscalc_data.load("chip_prices.json")["prices"]})
    named = []
    for value in values.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item in models:
                named.append(models[item])
            elif isinstance(item, str) and item in chips:
                named.append(chips[item])
            elif isinstance(item, str) and item in sourced:
                named.append(sourced[item])
    return named


# --------------------------------------------------------------------------- dates

def page_dates(records: list[dict]) -> site_state.PageDates | None:
    """Oldest and newest ``accessed`` date among ``records``, and how many distinct records."""
    distinct = {json.dumps(record, sort_keys=True, default=str): str(record["accessed"])
                for record in records}
    if not distinct:
        return None
    days = sorted(date.fromisoformat(day).isoformat() for day in distinct.values())
    return site_state.PageDates(oldest=days[0], newest=days[-1], records=len(distinct))


def long_date(iso: str, lang: str) -> str:
    """``2026-11-25`` as a reader writes it: 2026 年 11 月 25 日 (spaced like the pages' prose) /
    25 November 2026."""
    day = date.fromisoformat(iso)
    if lang == "ja":
        return f"{day.year} 年 {day.month} 月 {day.day} 日"
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
