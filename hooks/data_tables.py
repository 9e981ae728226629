"""Hook: tables and lists rendered from ``data/``, so no published figure is typed into a page.

- ``{{table:deepseek-models}}`` — DeepSeek's models at a glance (``data/deepseek_models.yaml``):
  every cell with its own numbered source;
- ``{{table:chips}}`` — the accelerator table (``data/chips.json``), numbers in the site's
  display formats, every figure with its source;
- ``{{claims:FILE}}`` — the fact-check entries of one source article (``data/claims.yaml``):
  the claim in the site's words, a verdict badge, the evidence and its sources;
  ``{{claims:summary}}`` — the verdicts counted per article;
- ``{{glossary:table}}`` — the glossary (``data/glossary.yaml``) in both languages;
- ``{{table:measured}}`` — every benchmark result of ``data/measured/`` beside its ceiling, as
  ``dscalc.web.measured_table`` computes it (the same function as the calculators), each row with
  its source cell; ``{{table:measured-summary}}`` — the records counted by source, vendor and
  chip, and the largest and smallest share of ceiling with their explanation.

Sources are listed under each table with their status; an unverified or disputed source is
marked in the cell itself.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_state  # noqa: E402
from site_state import localized  # noqa: E402
from dscalc import web  # noqa: E402

DATA = site_state.ROOT / "data"
DIRECTIVE = re.compile(r"\{\{\s*(?P<kind>table|claims|glossary):(?P<name>[A-Za-z0-9_.-]+)\s*\}\}")

WORDS = {
    "ja": {"sources": "出典", "status": {"unverified": "未確認", "disputed": "異説あり", "verified": "確認済み"},
           "accessed": "閲覧日", "model": "モデル", "not_published": "記載なし",
           "absent": {"unsupported": "非対応", "unpublished": "非公表"}, "also": "異説",
           "verdict": {"correct": "正しい", "needs-context": "文脈が必要", "wrong": "誤り",
                       "unverifiable": "確認できない"},
           "evidence": "根拠", "term_ja": "日本語", "term_en": "英語", "definition": "定義",
           "avoid": "使わない表記", "claim": "記事の主張（要約）", "where": "記事中の位置",
           "measured": ["記録", "モデル", "チップ × 基数", "シナリオ／部門", "重み", "入力／出力",
                        "1 チップあたり", "1 ユーザあたり", "上限（1 チップ）", "上限に対する割合", "上限を決めるもの"],
           "assumed": "* 入出力の長さが公表されていないため、入力と出力をそれぞれ 1,000 トークンと仮定した記録です。",
           "counted": ["出典", "ベンダー", "チップ", "件数"], "records": "記録の数",
           "largest": "上限に対する割合が最大の記録", "smallest": "上限に対する割合が最小の記録",
           "none_above": "自分の条件での上限を超えた記録はありません。", "above": "上限を超えた記録",
           "copies": "判定に必要な一次資料を、まだ開けていません。"
                     "写しや報道で読んだ範囲では、判定は「{verdict}」にあたります。"},
    "en": {"sources": "Sources", "status": {"unverified": "unverified", "disputed": "disputed",
                                            "verified": "verified"},
           "accessed": "accessed", "model": "Model", "not_published": "not found",
           "absent": {"unsupported": "not supported", "unpublished": "not published"}, "also": "also given",
           "verdict": {"correct": "correct", "needs-context": "needs context", "wrong": "wrong",
                       "unverifiable": "unverifiable"},
           "evidence": "Evidence", "term_ja": "Japanese", "term_en": "English",
           "definition": "Definition", "avoid": "Not used", "claim": "The article's claim (paraphrased)",
           "where": "Where in the article",
           "measured": ["Record", "Model", "Chip × count", "Scenario / division", "Weights", "Input / output",
                        "Per chip", "Per user", "Ceiling (per chip)", "Share of ceiling", "What sets the ceiling"],
           "assumed": "* Lengths not published: the ceiling assumes 1,000 / 1,000 tokens.",
           "counted": ["Source", "Vendor", "Chip", "Records"], "records": "Records",
           "largest": "Largest share of ceiling", "smallest": "Smallest share of ceiling",
           "none_above": "No record is above the ceiling at its own conditions.", "above": "Records above the ceiling",
           "copies": "A primary source the verdict needs has not been opened yet. On the copies and reports read, "
                     "the verdict would be \u201c{verdict}\u201d."},
}


def on_page_markdown(markdown: str, page, config, files):
    if "{{" not in markdown:
        return markdown
    state = site_state.of(config)
    return DIRECTIVE.sub(lambda match: render(match, state.lang, page.file.src_uri), markdown)


def render(match: re.Match, lang: str, where: str) -> str:
    kind, name = match.group("kind"), match.group("name")
    if kind == "table" and name == "deepseek-models":
        return deepseek_models(lang)
    if kind == "table" and name == "chips":
        return chips_table(lang)
    if kind == "claims" and name == "summary":
        return claims_summary(lang)
    if kind == "claims":
        return claims(name, lang, where)
    if kind == "glossary" and name == "table":
        return glossary(lang)
    if kind == "table" and name == "measured":
        return measured_table(lang)
    if kind == "table" and name == "measured-summary":
        return measured_summary(lang)
    raise PluginError(f"{where}: unknown directive {match.group(0)}")


def _load(name: str):
    return site_state.read_data(DATA / name)


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class Citations:
    """Numbered sources of one table, listed once each under it."""

    def __init__(self, lang: str, prefix: str) -> None:
        self.lang = lang
        self.prefix = prefix
        self.sources: list[dict] = []
        self.index: dict[tuple, int] = {}

    def cite(self, record: dict) -> str:
        if not record or not record.get("source_url"):
            return ""
        key = (record["source_url"], record.get("quote", ""))
        if key not in self.index:
            self.sources.append(record)
            self.index[key] = len(self.sources)
        number = self.index[key]
        status = record.get("status", "")
        mark = "†" if status in ("unverified", "disputed") else ""
        title = f"{record.get('source_title') or record['source_url']} — {WORDS[self.lang]['status'].get(status, status)}"
        return (f'<sup class="dscalc-cite"><a href="#{self.anchor(number)}" title="{_e(title)}">'
                f"[{number}]{mark}</a></sup>")

    def anchor(self, number: int) -> str:
        return f"src-{self.prefix}-{number}"

    def listing(self) -> str:
        words = WORDS[self.lang]
        items = []
        for number, record in enumerate(self.sources, start=1):
            status = words["status"].get(record.get("status", ""), record.get("status", ""))
            quote = f": “{_e(record['quote'])}”" if record.get("quote") else ""
            items.append(f'<li id="{self.anchor(number)}">[{number}] <a href="{_e(record["source_url"])}">'
                         f"{_e(record.get('source_title') or record['source_url'])}</a>, "
                         f"{words['accessed']} {_e(record.get('accessed', ''))}{quote} "
                         f"<em>({_e(status)})</em></li>")
        return (f'<details class="dscalc-table-sources"><summary>{words["sources"]}</summary>'
                f'<ol class="dscalc-source-list">{"".join(items)}</ol></details>')


def _shown(field: dict, lang: str, format_name: str = "") -> str:
    display = localized(field.get("display"), lang)
    if display:
        return display
    value = field.get("value")
    if isinstance(value, list):
        return "; ".join(_item(item, lang) for item in value)
    if isinstance(value, dict):
        return localized(value, lang) or ""
    if format_name and value is not None:
        return web.display(format_name, value, lang)
    return "" if value is None else str(value)


def _item(item, lang: str) -> str:
    """One entry of a list cell: a word, a {ja, en} pair, or a {model, base} pair."""
    if isinstance(item, dict) and "base" in item:
        return f"{item.get('model', '')} ← {item['base']}"
    if isinstance(item, dict):
        return localized(item, lang) or ""
    return str(item)


# --------------------------------------------------------------------------- DeepSeek's models

MODEL_COLUMNS = (
    ("released", {"ja": "公開", "en": "Released"}, ""),
    ("total_params", {"ja": "総パラメータ数", "en": "Total parameters"}, "params"),
    ("active_params", {"ja": "アクティブパラメータ数", "en": "Active parameters"}, "params"),
    ("context_length", {"ja": "コンテキスト長", "en": "Context length"}, "count"),
    ("licence_code", {"ja": "ライセンス（コード）", "en": "Licence (code)"}, ""),
    ("licence_weights", {"ja": "ライセンス（重み）", "en": "Licence (weights)"}, ""),
    ("attention", {"ja": "アテンション", "en": "Attention"}, ""),
    ("precision", {"ja": "数値形式", "en": "Precision"}, ""),
    ("headline", {"ja": "主な結果", "en": "Headline result"}, ""),
    ("bases", {"ja": "元にしたモデル", "en": "Base models"}, ""),
)


def deepseek_models(lang: str) -> str:
    records = _load("deepseek_models.yaml")
    citations = Citations(lang, "models")
    columns = [column for column in MODEL_COLUMNS
               if any(column[0] in record.get("fields", {}) for record in records)]
    header = "| " + " | ".join([WORDS[lang]["model"]] + [title[lang] for _, title, _ in columns]) + " |"
    lines = [header, "|" + " --- |" * (len(columns) + 1)]
    for record in records:
        cells = [f"**{_cell(record['name'])}**"]
        for key, _, format_name in columns:
            field = record.get("fields", {}).get(key)
            if not field:
                cells.append("—")
                continue
            cells.append(_cell(_e(_shown(field, lang, format_name))) + citations.cite(field))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n" + citations.listing() + "\n"


# --------------------------------------------------------------------------- chips

CHIP_COLUMNS = (
    ("vendor", {"ja": "ベンダー", "en": "Vendor"}, ""),
    ("memory_bytes", {"ja": "メモリ", "en": "Memory"}, "bytes"),
    ("memory_bandwidth_bytes_per_s", {"ja": "メモリ帯域幅", "en": "Memory bandwidth"}, "bytes_per_s"),
    ("bf16_dense_flops", {"ja": "BF16（密）", "en": "BF16 (dense)"}, "flop_per_s"),
    ("fp8_dense_flops", {"ja": "FP8（密）", "en": "FP8 (dense)"}, "flop_per_s"),
    ("fp4_dense_flops", {"ja": "FP4（密）", "en": "FP4 (dense)"}, "flop_per_s"),
    ("tdp_watts", {"ja": "TDP", "en": "TDP"}, "watts"),
)


#: How a vendor writes memory sizes: GiB (2^30 bytes) or GB (10^9 bytes); read from memory_label.
_MEMORY_UNIT = re.compile(r"\b(GiB|GB)\b")


def memory_in_vendor_unit(chip: dict) -> str:
    """The memory size as the vendor writes it: "32 GiB" for Google and AWS, "80 GB" for the others."""
    unit = _MEMORY_UNIT.search(chip.get("memory_label") or "")
    size = chip["memory_bytes"] / (2**30 if unit and unit.group(1) == "GiB" else 10**9)
    return f"{size:g} {unit.group(1) if unit else 'GB'}"


#: A dispute alternative's display that is just a figure and a unit ("8 TB/s", "800 GiB/s", "96 GB").
_PLAIN_FIGURE = re.compile(r"~?[\d.,]+ (GiB|GB|TB)(/s)?")


def _other_values(chip: dict, key: str, format_name: str, lang: str) -> str:
    """A disputed figure's other values, in the cell's own format: "（異説: 8.00 TB/s・7.67 TB/s）"."""
    record = (chip.get("field_provenance") or {}).get(key) or {}
    if record.get("status") != "disputed":
        return ""
    others = []
    for alternative in record.get("dispute") or []:
        display = str(alternative.get("display", ""))
        if alternative["value"] == chip.get(key):
            continue
        if _PLAIN_FIGURE.fullmatch(display):
            text = display  # the source's own words, e.g. "800 GiB/s"
        elif key == "memory_bytes":
            unit = "GiB" if "GiB" in display else "GB"
            text = f"{alternative['value'] / (2**30 if unit == 'GiB' else 10**9):g} {unit}"
        else:
            text = _chip_value({**chip, key: alternative["value"]}, key, format_name, lang)
        if text not in others:
            others.append(text)
    if not others:
        return ""
    also = WORDS[lang]["also"]
    return f"（{also}: {'・'.join(others)}）" if lang == "ja" else f" ({also}: {', '.join(others)})"


def _chip_value(chip: dict, key: str, format_name: str, lang: str) -> str:
    value = chip.get(key)
    if value is None:
        absent = (chip.get("absent") or {}).get(key)
        return WORDS[lang]["absent"][absent["reason"]] if absent else WORDS[lang]["not_published"]
    if key == "memory_bytes":
        return memory_in_vendor_unit(chip)
    if format_name == "bytes_per_s":
        return web.display("bytes", value, lang).split(" (")[0] + "/s"
    if format_name == "watts":
        return f"{value:,.0f} W"
    if format_name:
        return web.display(format_name, value, lang).split(" (")[0]
    return str(value)


def chips_table(lang: str) -> str:
    chips = _load("chips.json")["chips"]
    citations = Citations(lang, "chips")
    header = "| " + " | ".join([WORDS[lang]["model"]] + [title[lang] for _, title, _ in CHIP_COLUMNS]) + " |"
    lines = [header, "|" + " --- |" * (len(CHIP_COLUMNS) + 1)]
    for chip in chips:
        provenance = chip.get("field_provenance") or {}
        cells = [f"**{_cell(_e(chip['name']))}**"]
        for key, _, format_name in CHIP_COLUMNS:
            shown = _cell(_e(_chip_value(chip, key, format_name, lang) + _other_values(chip, key, format_name, lang)))
            if chip.get(key) is None:
                # A value the chip lacks or the vendor does not give cites where that was read.
                source = (chip.get("absent") or {}).get(key)
            else:
                source = provenance.get(key) or (chip if key in ("vendor",) else None)
            cells.append(shown + (citations.cite(source) if source else ""))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n" + citations.listing() + "\n"


# --------------------------------------------------------------------------- claims

def claims(article: str, lang: str, where: str) -> str:
    records = [record for record in _load("claims.yaml") if record.get("article") == article]
    if not records:
        raise PluginError(f"{where}: no claims recorded for {article}")
    words = WORDS[lang]
    blocks = []
    for record in records:
        citations = Citations(lang, record["id"])
        cites = "".join(citations.cite(source) for source in record.get("sources") or [])
        verdict = record["verdict"]
        locator = localized(record.get("locator"), lang)
        blocks.append(
            f'<div class="dscalc-claim dscalc-claim--{_e(verdict)}" id="claim-{_e(record["id"])}" markdown="0">'
            f'<p class="dscalc-claim-head"><span class="dscalc-verdict dscalc-verdict--{_e(verdict)}">'
            f'{_e(words["verdict"][verdict])}</span> {_e(localized(record["claim"], lang))}</p>'
            + (f'<p class="dscalc-claim-where">{_e(words["where"])}: {_e(locator)}</p>' if locator else "")
            + _copies_reading(record, words)
            + f'<p class="dscalc-claim-evidence"><strong>{_e(words["evidence"])}:</strong> '
            f'{_e(localized(record["evidence"], lang))}{cites}</p>'
            + (citations.listing() if citations.sources else "")
            + "</div>")
    return "\n".join(blocks) + "\n"


def _copies_reading(record: dict, words: dict) -> str:
    """What the copies say, for a claim left unverifiable because its primary source was not opened.

    The verdict itself needs a source read at the primary document (tests/data/test_claims.py);
    the reading of the copies is shown beside it, labelled as such, so the reader loses nothing."""
    reading = record.get("copies_verdict")
    if not reading:
        return ""
    text = words["copies"].format(verdict=words["verdict"][reading])
    return f'<p class="dscalc-claim-copies dscalc-claim-copies--{_e(reading)}">{_e(text)}</p>'


VERDICTS = ("correct", "needs-context", "wrong", "unverifiable")
ARTICLE_WORD = {"ja": "記事", "en": "Article", "total": {"ja": "合計", "en": "Total"}}


def claims_summary(lang: str) -> str:
    """Verdicts counted per source article, and in total."""
    words = WORDS[lang]
    counts: dict[str, dict[str, int]] = {}
    for record in _load("claims.yaml"):
        row = counts.setdefault(record["article"], dict.fromkeys(VERDICTS, 0))
        row[record["verdict"]] += 1
    header = f"| {ARTICLE_WORD[lang]} | " + " | ".join(words["verdict"][v] for v in VERDICTS) + " |"
    lines = [header, "| --- |" + " ---: |" * len(VERDICTS)]
    for article in sorted(counts):
        lines.append(f"| `{article}` | " + " | ".join(str(counts[article][v]) for v in VERDICTS) + " |")
    totals = [sum(row[v] for row in counts.values()) for v in VERDICTS]
    lines.append(f"| **{ARTICLE_WORD['total'][lang]}** | " + " | ".join(f"**{n}**" for n in totals) + " |")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- glossary

def glossary(lang: str) -> str:
    words = WORDS[lang]
    lines = [f"| {words['term_ja']} | {words['term_en']} | {words['definition']} | {words['avoid']} |",
             "| --- | --- | --- | --- |"]
    for term in _load("glossary.yaml"):
        avoid = "、".join(term.get("avoid") or []) if lang == "ja" else ", ".join(term.get("avoid") or [])
        lines.append(f'| <span id="term-{_e(term["id"])}">{_cell(_e(term["ja"]))}</span> | {_cell(_e(term["en"]))} '
                     f"| {_cell(_e(localized(term['definition'], lang)))} | {_cell(_e(avoid)) or '—'} |")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- measured

def _measured_source(record: dict) -> dict:
    source = record.get("source") or {}
    return {"source_url": record.get("source_url"), "quote": record.get("quote", ""),
            "status": record.get("status", ""), "accessed": record.get("accessed", ""),
            "source_title": source.get("title") or source.get("id") or record.get("source_url")}


def measured_table(lang: str) -> str:
    table = web.measured_table(lang)
    words = WORDS[lang]
    citations = Citations(lang, "measured")
    keys = ("system", "model", "chips", "scenario", "precision", "lengths", "per_chip", "per_user",
            "ceiling", "share", "why")
    lines = ["| " + " | ".join(words["measured"]) + " |", "|" + " --- |" * len(keys)]
    for row, record in zip(table["rows"], table["records"]):
        cells = [_cell(_e(row[key])) for key in keys]
        cells[6] += citations.cite(_measured_source(record))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + f"\n\n{words['assumed']}\n\n" + citations.listing() + "\n"


def _counts(title: str, counts: dict, words: dict) -> list[str]:
    lines = [f"| {title} | {words['counted'][3]} |", "| --- | --- |"]
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"| {_cell(_e(name))} | {count:,} |")
    return lines + [""]


def measured_summary(lang: str) -> str:
    table = web.measured_table(lang)
    summary, words = table["summary"], WORDS[lang]
    lines = [f"{words['records']}: **{summary['count']:,}**", ""]
    for index, key in enumerate(("by_source", "by_vendor", "by_chip")):
        lines += _counts(words["counted"][index], summary[key], words)
    for key, label in (("best", "largest"), ("worst", "smallest")):
        if summary[key]:
            lines.append(f"- **{words[label]}**: {_e(summary[key]['share_text'])} — "
                         f"{_e(summary[key + '_note'])}")
    lines.append(f"- {words['none_above']}" if not summary["above"]
                 else f"- **{words['above']}**: " + " ".join(_e(note) for note in summary["above"]))
    return "\n".join(lines) + "\n"
