"""Hook: every record in ``data/`` that carries a source — facts, model configs, chips, prices,
the time-line, markets, claims — listed with its source, the date it was read and its status.
Nothing in ``data/`` can be published without showing up here.

``{{sources:index}}`` (on ``sources.md``) is a table of the record files with their counts by
status; each file's records get a page of their own, generated here (``sources/<file>.md``),
through ``{{sources:table <file>}}``. One page per file keeps every page light on a phone (all
1,300-odd records on one page made over 10,000 elements), and a reader who checks a chip's
figures reads the chips' records only."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_state  # noqa: E402
from site_state import localized  # noqa: E402

DATA = site_state.ROOT / "data"

STATUS_WORDS = {
    "ja": {"verified": "確認済み", "unverified": "未確認", "disputed": "異説あり"},
    "en": {"verified": "verified", "unverified": "unverified", "disputed": "disputed"},
}
STATUSES = ("verified", "unverified", "disputed")
ROWS_PER_BLOCK = 100
HEADINGS = {"ja": ("記録", "出典", "閲覧日", "状態"), "en": ("Record", "Source", "Read", "Status")}
INDEX_HEADINGS = {"ja": ("記録ファイル", "記録数", "最新の閲覧日"),
                  "en": ("Record file", "Records", "Last read")}
PAGE_TITLE = {"ja": "出典一覧: {title}", "en": "Sources: {title}"}
INTRO = {"ja": "`{path}` に記録した {count} 件の出典、記録者が出典を読んだ日、確認の状態です。状態の意味と、"
               "ほかのファイルの記録は[出典一覧]({up})にあります。",
         "en": "The {count} records in `{path}`: the source of each, the date the recorder read it, and its "
               "status. What the statuses mean, and the records of the other files, are on "
               "[the sources page]({up})."}
FILE_TITLES = {
    "models": {"ja": "モデル設定（config.json）", "en": "Model configurations (config.json)"},
    "chips.json": {"ja": "アクセラレータ", "en": "Accelerators"},
}
DIRECTIVE = re.compile(r"\{\{\s*sources:(?P<kind>index|table)(?:\s+(?P<key>[\w./-]+))?\s*\}\}")


def on_files(files, config):
    lang = site_state.of(config).lang
    for key in record_groups():
        files.append(File.generated(config, page_uri(key), content=group_page(key, lang)))
    return files


def on_page_markdown(markdown: str, page, config, files):
    if "{{sources:" not in markdown:
        return markdown
    lang = site_state.of(config).lang
    return DIRECTIVE.sub(lambda match: (sources_index(lang) if match.group("kind") == "index"
                                        else sources_table(match.group("key"), lang)), markdown)


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


def record_groups() -> dict[str, list]:
    """``{file key: [(trail, record), ...]}``: one key per data file, the model configs as one."""
    grouped: dict[str, list] = {}
    for path in data_files():
        key = "models" if path.parent.name == "models" else path.relative_to(DATA).as_posix()
        records = list(sourced_records(load(path)))
        if records:
            grouped.setdefault(key, []).extend(records)
    return grouped


def page_uri(key: str) -> str:
    """``facts/chips.yaml`` -> ``sources/facts-chips.md``."""
    return "sources/" + re.sub(r"\.(json|yaml)$", "", key).replace("/", "-") + ".md"


def title(key: str, lang: str) -> str:
    return localized(FILE_TITLES.get(key), lang) or f"data/{key}"


def group_page(key: str, lang: str) -> str:
    path = "data/models/*.json" if key == "models" else f"data/{key}"
    intro = INTRO[lang].format(path=path, count=len(record_groups()[key]), up="../sources.md")
    return (f"# {PAGE_TITLE[lang].format(title=title(key, lang))}\n\n{intro}\n\n"
            f"{{{{sources:table {key}}}}}\n")


def sources_index(lang: str) -> str:
    """The record files, each linked to its page, with its count per status."""
    file_word, count_word, read_word = INDEX_HEADINGS[lang]
    words = STATUS_WORDS[lang]
    lines = [f"| {file_word} | {count_word} | " + " | ".join(words[s] for s in STATUSES)
             + f" | {read_word} |", "| --- | ---: | ---: | ---: | ---: | --- |"]
    for key, records in record_groups().items():
        counts = [sum(1 for _, record in records if record.get("status") == s) for s in STATUSES]
        newest = max((str(record.get("accessed", "")) for _, record in records), default="")
        link = f"[{_cell(title(key, lang))}]({page_uri(key)})"
        lines.append(f"| {link} | {len(records)} | " + " | ".join(str(c) for c in counts)
                     + f" | {newest} |")
    return "\n".join(lines) + "\n"


def sources_table(key: str, lang: str) -> str:
    """Every record of one data file (``key`` as ``record_groups`` names it)."""
    record_word, source, read, status = HEADINGS[lang]
    words = STATUS_WORDS[lang]
    records = record_groups().get(key)
    if records is None:
        raise ValueError(f"sources:table: no data file {key!r} with sourced records")
    lines = []
    # Blocks of at most ROWS_PER_BLOCK rows, each its own table: the stylesheet lets the browser
    # skip laying out the blocks away from the viewport.
    for start in range(0, len(records), ROWS_PER_BLOCK):
        lines += ['<div class="dscalc-records" markdown>', "",
                  f"| {record_word} | {source} | {read} | {status} |", "| --- | --- | --- | --- |"]
        for trail, record in records[start:start + ROWS_PER_BLOCK]:
            link = f"[{_cell(record.get('source_title') or record['source_url'])}]({record['source_url']})"
            lines.append(f"| {_describe(trail, record, lang)} | {link} | {record.get('accessed', '')} "
                         f"| {words.get(record.get('status'), _cell(record.get('status', '')))} |")
        lines += ["", "</div>", ""]
    return "\n".join(lines) + "\n"
