"""Hook: ```` ```chart ```` blocks draw a chart from a file in ``data/`` at build time.

The block is YAML. ``data`` names a file or folder in ``data/`` (a folder's YAML files are read
together); ``kind`` is a chart kind of ``dscalc.charts``; the other keys say which record fields
go where (dotted paths reach into nested fields; ``{ja, en}`` fields are words):

```chart
kind: bar                         # bar | line | timeline | scatter
data: markets.yaml
where: {date: '2025-01-27', metric: close_change_pct}   # keep records whose fields equal these
category: security.name           # bar: one bar per record, labelled by this field
series: null                      # bar/line: split records into series by this field
value: value                      # bar: the number; line: y
x: date                           # line/scatter: x (ISO dates become a time axis)
step: false                       # line: hold each value until the next point (price lists)
label: title                      # timeline/scatter: the words; timeline: `when` is the date
title: {ja: …, en: …}
value_label: {ja: …, en: …}
value_format: number              # a dscalc display format for the data table
```

The chart is drawn by ``dscalc.web.chart_figure`` in the page's language, so prose charts share
the calculators' kit, palette and text alternatives; every record's source is listed below it.
Numbers are never typed into the block: they come from the records.
"""

from __future__ import annotations

import html
import json
import re
import sys
from datetime import date
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_state  # noqa: E402
from dscalc import web  # noqa: E402

DATA = site_state.ROOT / "data"
FENCE = re.compile(r"^```chart[ \t]*\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
SOURCES_WORD = {"ja": "出典", "en": "Sources"}
STATUS_WORD = {"ja": {"unverified": "未確認", "disputed": "異説あり"},
               "en": {"unverified": "unverified", "disputed": "disputed"}}


def on_page_markdown(markdown: str, page, config, files):
    state = site_state.of(config)
    return site_state.lift_blocks(state, "chart", FENCE, markdown, page,
                                  lambda match: match.group("body"))


def on_page_content(content: str, page, config, files):
    state = site_state.of(config)
    return site_state.put_back(state, "chart", content, page,
                               lambda body: render(body, state.lang, page.file.src_uri))


# --------------------------------------------------------------------------- reading data

def load_records(name: str) -> list[dict]:
    path = DATA / name
    if path.is_dir():
        records = []
        for item in sorted(path.glob("*.yaml")) + sorted(path.glob("*.json")):
            records.extend(_records_of(_read(item)))
        return records
    if not path.is_file():
        raise PluginError(f"chart: data/{name} does not exist")
    return _records_of(_read(path))


def _read(path: Path):
    return site_state.read_data(path)


def _records_of(value) -> list[dict]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):  # {"prices": [...], ...}: the first list of records
        for item in value.values():
            if isinstance(item, list) and item and isinstance(item[0], dict):
                return item
    raise PluginError("chart: the data file holds no list of records")


def field(record: dict, path: str):
    value = record
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _matches(record: dict, where: dict) -> bool:
    for path, wanted in (where or {}).items():
        value = field(record, path)
        allowed = wanted if isinstance(wanted, list) else [wanted]
        if str(value) not in {str(item) for item in allowed}:
            return False
    return True


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PluginError(f"{where}: chart value {value!r} is not a number in data/")
    return float(value)


def _day(value) -> float:
    """An ISO date (``2025-01-27`` or ``2025-01``) as a day number for a time axis."""
    text = str(value)
    parts = [int(part) for part in text.split("-")]
    return float(date(parts[0], parts[1] if len(parts) > 1 else 1,
                      parts[2] if len(parts) > 2 else 1).toordinal())


# --------------------------------------------------------------------------- building charts

def parse_block(body: str, where: str) -> dict:
    try:
        return yaml.safe_load(body) or {}
    except yaml.YAMLError as exc:
        raise PluginError(f"{where}: the chart block is not YAML: {exc}") from None


def selected_records(block: dict, where: str) -> list[dict]:
    """The records of ``data/`` a chart block draws (and so cites)."""
    records = [record for record in load_records(block["data"])
               if _matches(record, block.get("where"))]
    if not records:
        raise PluginError(f"{where}: the chart of data/{block['data']} selects no records")
    return records


def render(body: str, lang: str, where: str) -> str:
    block = parse_block(body, where)
    records = selected_records(block, where)
    spec = build_spec(block, records, where)
    try:
        figure = web.chart_figure(spec, lang)
    except (KeyError, ValueError, TypeError) as exc:
        raise PluginError(f"{where}: chart of data/{block['data']} failed: {exc}") from None
    return figure.replace("</figure>", sources_list(records, lang) + "</figure>")


def _words(block: dict) -> dict:
    return {key: block[key] for key in ("title", "x_label", "y_label", "value_label",
                                        "description") if key in block}


def build_spec(block: dict, records: list[dict], where: str) -> dict:
    kind = block.get("kind")
    words = _words(block)
    if kind == "timeline":
        return {"kind": "timeline", **words,
                "events": [{"when": str(field(record, block.get("when", "date"))),
                            "label": field(record, block.get("label", "title")),
                            "category": str(field(record, block.get("category", "category")) or "")}
                           for record in records],
                "categories": [[name, label] for name, label in (block.get("categories") or {}).items()]}
    if kind == "bar":
        return _bar_spec(block, records, words, where)
    if kind == "line":
        return _line_spec(block, records, words, where)
    if kind == "scatter":
        return {"kind": "scatter", "x_label": "", "y_label": "", **words,
                "x_log": bool(block.get("x_log")), "y_log": bool(block.get("y_log")),
                "x_format": block.get("x_format", "number"), "y_format": block.get("y_format", "number"),
                "points": [{"x": _number(field(record, block["x"]), where),
                            "y": _number(field(record, block["y"]), where),
                            "label": field(record, block.get("label", "name"))} for record in records]}
    raise PluginError(f"{where}: unknown chart kind {kind!r}")


def _series_key(record: dict, block: dict) -> str:
    value = field(record, block["series"]) if block.get("series") else ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _bar_spec(block: dict, records: list[dict], words: dict, where: str) -> dict:
    category_path = block.get("category", "name")
    categories: list[str] = []
    labels: dict[str, object] = {}
    for record in records:
        key = json.dumps(field(record, category_path), ensure_ascii=False, sort_keys=True)
        if key not in labels:
            categories.append(key)
            labels[key] = field(record, category_path)
    series_keys = list(dict.fromkeys(_series_key(record, block) for record in records))
    values = {(json.dumps(field(record, category_path), ensure_ascii=False, sort_keys=True),
               _series_key(record, block)): _number(field(record, block.get("value", "value")), where)
              for record in records}
    series = [{"label": json.loads(key) if key else (block.get("value_label") or ""),
               "values": [values.get((category, key)) for category in categories]}
              for key in series_keys]
    return {"kind": "bar", **words, "categories": [labels[key] for key in categories],
            "series": series, "horizontal": block.get("horizontal", True),
            "stacked": bool(block.get("stacked")), "value_log": bool(block.get("value_log")),
            "value_format": block.get("value_format", "number"),
            "value_label": block.get("value_label", "")}


def _line_spec(block: dict, records: list[dict], words: dict, where: str) -> dict:
    x_path = block.get("x", "date")
    dates = all(isinstance(field(record, x_path), str) for record in records
                if field(record, x_path) is not None)
    grouped: dict[str, list] = {}
    for record in records:
        raw_x = field(record, x_path)
        if raw_x is None:
            continue  # a record without a date or x value has no place on the axis
        x = _day(raw_x) if dates else _number(raw_x, where)
        y = _number(field(record, block.get("value", "value")), where)
        grouped.setdefault(_series_key(record, block), []).append((x, y))
    series = [{"label": json.loads(key) if key else (block.get("y_label") or ""),
               "points": sorted(points), "step": bool(block.get("step"))}
              for key, points in grouped.items()]
    spec = {"kind": "line", "x_label": "", "y_label": "", **words, "series": series,
            "y_log": bool(block.get("y_log")),
            "y_format": block.get("value_format", "number"), "y_from_zero": True}
    if dates:
        days = sorted({x for item in series for x, _ in item["points"]})
        spec["x_ticks"] = _date_ticks(days[0], days[-1])
        month_only = all(len(str(field(record, x_path))) == 7 for record in records
                         if field(record, x_path) is not None)
        spec["x_format"] = "month" if month_only else "day"
    return spec


def _date_ticks(first: float, last: float) -> list:
    start, end = date.fromordinal(int(first)), date.fromordinal(int(last))
    months = (end.year - start.year) * 12 + end.month - start.month
    step = 1 if months <= 8 else 3 if months <= 30 else 6 if months <= 60 else 12
    ticks = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month) or not ticks:
        ticks.append([float(date(year, month, 1).toordinal()), f"{year}-{month:02d}"])
        month += step
        while month > 12:
            month -= 12
            year += 1
    ticks.append([float(date(year, month, 1).toordinal()), f"{year}-{month:02d}"])
    return ticks


def sources_list(records: list[dict], lang: str) -> str:
    seen = {}
    for record in records:
        url = record.get("source_url")
        if url and url not in seen:
            seen[url] = record
    items = []
    for url, record in seen.items():
        title = record.get("source_title") or url
        status = STATUS_WORD[lang].get(record.get("status"), "")
        suffix = f"（{status}）" if status and lang == "ja" else (f" ({status})" if status else "")
        items.append(f'<li><a href="{html.escape(url, quote=True)}">{html.escape(str(title))}</a>'
                     f"{html.escape(suffix)}</li>")
    return (f'<details class="dscalc-figure-sources"><summary>{SOURCES_WORD[lang]}</summary>'
            f"<ul>{''.join(items)}</ul></details>")
