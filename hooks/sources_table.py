"""Hook: ``{{sources:table}}`` lists every record in ``data/`` that carries a source — facts,
model configs, chips, prices, the time-line, markets, claims — with its source, the date it was
read and its status, one section per file. Nothing in ``data/`` can be published without showing
up here."""

from __future__ import annotations

import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_state  # noqa: E402
from site_state import localized  # noqa: E402

DATA = site_state.ROOT / "data"

STATUS_WORDS = {
    "ja": {"verified": "確認済み", "unverified": "未確認", "disputed": "異説あり"},
    "en": {"verified": "verified", "unverified": "unverified", "disputed": "disputed"},
}
ROWS_PER_BLOCK = 100
HEADINGS = {"ja": ("記録", "出典", "閲覧日", "状態"), "en": ("Record", "Source", "Read", "Status")}
FILE_TITLES = {
    "facts": {"ja": "事実", "en": "Facts"},
    "models": {"ja": "モデル設定（config.json）", "en": "Model configurations (config.json)"},
    "chips.json": {"ja": "アクセラレータ", "en": "Accelerators"},
}


def on_page_markdown(markdown: str, page, config, files):
    if "{{sources:table}}" not in markdown:
        return markdown
    state = site_state.of(config)
    return markdown.replace("{{sources:table}}", sources_table(state.lang))


def data_files() -> list[Path]:
    """Every data file, facts first; draft folders (``next/``) are not published."""
    files = [path for path in sorted(DATA.rglob("*")) if path.suffix in (".json", ".yaml")
             and "next" not in path.relative_to(DATA).parts]
    return sorted(files, key=lambda path: (path.parent.name != "facts", str(path)))


def load(path: Path):
    return site_state.read_data(path)


def sourced_records(value, trail: str = ""):
    """``(trail, record)`` for every mapping with a ``source_url``, at any depth."""
    if isinstance(value, dict):
        if "source_url" in value:
            yield trail, value
        for key, item in value.items():
            yield from sourced_records(item, f"{trail}.{key}" if trail else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            name = item.get("id") if isinstance(item, dict) and item.get("id") else str(index)
            yield from sourced_records(item, f"{trail}[{name}]" if trail else str(name))


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _describe(trail: str, record: dict, lang: str) -> str:
    label = localized(record.get("label"), lang) or localized(record.get("title"), lang) or ""
    shown = localized(record.get("display"), lang)
    name = record.get("name") or record.get("id") or trail
    head = f"**{_cell(shown)}** " if shown else ""
    return f'<span id="src-{_cell(record.get("id") or trail)}">{head}{_cell(label or name)}</span>'


def sources_table(lang: str) -> str:
    record_word, source, read, status = HEADINGS[lang]
    words = STATUS_WORDS[lang]
    lines = []
    grouped: dict[str, list] = {}
    for path in data_files():
        key = "facts" if path.parent.name == "facts" else (
            "models" if path.parent.name == "models" else str(path.relative_to(DATA)))
        grouped.setdefault(key, []).extend(sourced_records(load(path)))
    for key, records in grouped.items():
        if not records:
            continue
        title = localized(FILE_TITLES.get(key), lang) or f"`data/{key}`"
        lines += [f"## {title}", ""]
        # Blocks of at most ROWS_PER_BLOCK rows, each its own table: the stylesheet lets the
        # browser skip laying out the blocks away from the viewport (the page lists over a
        # thousand records, and a section can run to hundreds of rows).
        for start in range(0, len(records), ROWS_PER_BLOCK):
            lines += ['<div class="dscalc-records" markdown>', "",
                      f"| {record_word} | {source} | {read} | {status} |", "| --- | --- | --- | --- |"]
            for trail, record in records[start:start + ROWS_PER_BLOCK]:
                link = f"[{_cell(record.get('source_title') or record['source_url'])}]({record['source_url']})"
                lines.append(f"| {_describe(trail, record, lang)} | {link} | {record.get('accessed', '')} "
                             f"| {words.get(record.get('status'), _cell(record.get('status', '')))} |")
            lines += ["", "</div>", ""]
    return "\n".join(lines) + "\n"
