"""Each page says how fresh it is: the oldest and newest date on which the sources of the records
it cites were read, from data/ at build time, in both languages, under its title. The Japanese the
build writes from partials and from data/changelog.yaml passes the same textlint as the pages."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "hooks"), str(ROOT / "calculators")]
import changelog  # noqa: E402
import freshness  # noqa: E402
import site_state  # noqa: E402
from test_japanese import TEXTLINT, lint_markdown  # noqa: E402

LANGUAGES = {"ja": Path("."), "en": Path("en")}
#: How a page prints the date a record was read: fact footnotes and the source lists of tables.
PRINTED_READ_DATE = re.compile(r"(?:閲覧日|accessed) (\d{4}-\d{2}-\d{2})")


class Freshness(HTMLParser):
    """The freshness line: its dates, its text, and where it stands."""

    def __init__(self):
        super().__init__()
        self.lines: list[dict] = []
        self.after_h1 = None
        self._tags_since_h1 = None
        self._in_line = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._tags_since_h1 is not None:
            self._tags_since_h1 += 1
        if tag == "p" and "dscalc-freshness" in (attrs.get("class") or ""):
            self.lines.append({**attrs, "text": ""})
            self.after_h1 = self._tags_since_h1
            self._in_line = True

    def handle_endtag(self, tag):
        if tag == "h1" and self._tags_since_h1 is None:
            self._tags_since_h1 = 0
        if tag == "p":
            self._in_line = False

    def handle_data(self, data):
        if self._in_line:
            self.lines[-1]["text"] += data


def line_of(site_dir: Path, lang: str, page: str) -> Freshness:
    parser = Freshness()
    parser.feed((site_dir / LANGUAGES[lang] / page / "index.html").read_text(encoding="utf-8"))
    return parser


def written_pages() -> list[str]:
    return sorted(("" if path.stem == "index" else path.stem) for path in (ROOT / "docs" / "ja").glob("*.md"))


def all_read_dates() -> set[str]:
    import sources_table
    return {str(record["accessed"]) for path in sources_table.data_files()
            for _, record in sources_table.sourced_records(sources_table.load(path)) if record.get("accessed")}


# --------------------------------------------------------------------------- on the built pages

@pytest.mark.parametrize("page", written_pages())
def test_both_languages_show_the_same_range_right_under_the_title(site_dir, page):
    ja, en = line_of(site_dir, "ja", page), line_of(site_dir, "en", page)
    assert len(ja.lines) == len(en.lines) <= 1
    if not ja.lines:
        return
    assert (ja.lines[0]["data-oldest"], ja.lines[0]["data-newest"]) == \
        (en.lines[0]["data-oldest"], en.lines[0]["data-newest"])
    assert ja.after_h1 == en.after_h1 == 1, "the first element after the <h1>"
    assert ja.lines[0]["data-oldest"] <= ja.lines[0]["data-newest"]
    assert {ja.lines[0]["data-oldest"], ja.lines[0]["data-newest"]} <= all_read_dates()


def test_every_page_that_cites_a_record_says_when_its_sources_were_read(site_dir):
    citing = [page for page in written_pages()
              if re.search(r"\{\{\s*(fact|table|claims|sources):|```(chart|dscalc)",
                           (ROOT / "docs" / "ja" / f"{page or 'index'}.md").read_text(encoding="utf-8"))]
    assert len(citing) >= 20
    for page in citing:
        assert line_of(site_dir, "ja", page).lines, page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_read_date_printed_on_a_page_lies_within_its_range(site_dir, lang):
    checked = 0
    for page in written_pages():
        text = (site_dir / LANGUAGES[lang] / page / "index.html").read_text(encoding="utf-8")
        printed = set(PRINTED_READ_DATE.findall(text))
        line = line_of(site_dir, lang, page).lines
        if not printed:
            continue
        assert line, page
        assert line[0]["data-oldest"] <= min(printed) and max(printed) <= line[0]["data-newest"], page
        checked += 1
    assert checked >= 15


JA_DATE = r"\d{4} 年 \d{1,2} 月 \d{1,2} 日"
EN_DATE = r"\d{1,2} [A-Z][a-z]+ \d{4}"


def test_the_line_reads_naturally_in_each_language(site_dir):
    ja = " ".join(line_of(site_dir, "ja", "capex").lines[0]["text"].split())
    en = " ".join(line_of(site_dir, "en", "capex").lines[0]["text"].split())
    assert re.fullmatch(rf"このページが引用する記録 \d+ 件の出典は、{JA_DATE}(〜{JA_DATE})?に確認しました。"
                        r" 出典一覧 · 更新履歴", ja), ja
    assert re.fullmatch(rf"The sources of the \d+ records this page cites were checked "
                        rf"(on {EN_DATE}|between {EN_DATE} and {EN_DATE})\. Sources · What’s new", en), en


def test_the_notebook_page_says_when_the_sources_of_the_models_it_runs_were_read(site_dir):
    """mkdocs-jupyter renders notebooks without Markdown: the models its code names are what it cites."""
    ja, en = (line_of(site_dir, lang, "notebooks/kv-cache-table") for lang in ("ja", "en"))
    assert len(ja.lines) == len(en.lines) == 1
    assert (ja.lines[0]["data-oldest"], ja.lines[0]["data-newest"]) == \
        (en.lines[0]["data-oldest"], en.lines[0]["data-newest"])
    assert {ja.lines[0]["data-oldest"], ja.lines[0]["data-newest"]} <= all_read_dates()


def test_a_page_that_cites_nothing_shows_no_dates(site_dir):
    assert line_of(site_dir, "ja", "glossary").lines == []


# --------------------------------------------------------------------------- what a page cites

@pytest.fixture(scope="module")
def state():
    return site_state.BuildState(lang="en", site_root="", facts=site_state.load_facts())


def urls_and_dates(records) -> set[tuple]:
    return {(record["source_url"], str(record["accessed"])) for record in records}


def test_a_fact_cites_its_record_and_every_source_of_its_dispute(state):
    disputed = next(fact for fact in state.facts.values() if fact.get("status") == "disputed")
    cited = freshness.cited_records(f"Text {{{{fact:{disputed['id']}}}}}.", state, "x.md")
    assert urls_and_dates(cited) >= {(alt["source_url"], str(alt["accessed"]))
                                     for alt in disputed["dispute"] if alt.get("accessed")}
    assert (disputed["source_url"], str(disputed["accessed"])) in urls_and_dates(cited)


def test_a_chart_cites_exactly_the_records_it_draws(state):
    block = ("```chart\nkind: bar\ndata: markets.yaml\n"
             "where: {date: '2025-01-27', metric: close_change_pct}\n"
             "category: security.name\nvalue: value\n```\n")
    import yaml
    drawn = [record for record in yaml.safe_load((ROOT / "data" / "markets.yaml").read_text(encoding="utf-8"))
             if str(record.get("date")) == "2025-01-27" and record.get("metric") == "close_change_pct"]
    assert drawn
    assert urls_and_dates(freshness.cited_records(block, state, "x.md")) == urls_and_dates(drawn)


def test_a_calculator_cites_the_model_and_the_chip_its_inputs_name(state):
    from dscalc import data
    cited = {record["source_url"] for record in freshness.cited_records(
        "```dscalc memory\nmodel: qwen2.5-72b\nchip: h200-sxm\n```\n", state, "x.md")}
    assert data.models()["qwen2.5-72b"]["source_url"] in cited
    assert data.chips()["h200-sxm"]["source_url"] in cited
    assert data.models()["deepseek-v3"]["source_url"] not in cited, "the page's model replaces the default"
    assert data.chips()["h100-sxm"]["source_url"] not in cited, "the page's chip replaces the default"
    inline = freshness.cited_records("{{calc:kv-cache.bytes_per_token model=llama-3.1-8b}}", state, "x.md")
    assert data.models()["llama-3.1-8b"]["source_url"] in {record["source_url"] for record in inline}


def test_the_range_is_the_oldest_and_newest_read_date_not_the_date_of_the_file():
    records = [{"source_url": "a", "accessed": "2025-03-01"}, {"source_url": "b", "accessed": "2026-11-26"},
               {"source_url": "c", "accessed": "2024-12-30"}, {"source_url": "c", "accessed": "2024-12-30"}]
    assert freshness.page_dates(records) == site_state.PageDates("2024-12-30", "2026-11-26", 3)
    assert freshness.page_dates([]) is None


@pytest.mark.parametrize("iso, lang, shown", [("2026-11-05", "ja", "2026 年 11 月 5 日"),
                                              ("2026-11-05", "en", "5 November 2026")])
def test_dates_are_written_as_readers_write_them(iso, lang, shown):
    assert freshness.long_date(iso, lang) == shown


# --------------------------------------------------------------------------- Japanese from the build

def changelog_markdown() -> str:
    """The changelog's Japanese as a page: titles as headings, the body as prose, a correction's
    before/after/why as list items (how the page shows them: a term and its description)."""
    parts = []
    for entry in changelog.load_entries():
        parts += [f"## {entry.text('title', 'ja')}", "", entry.text("body", "ja"), ""]
        if entry.kind == "correction":
            parts += [f"- 訂正前: {entry.text('old', 'ja')}", f"- 訂正後: {entry.text('new', 'ja')}",
                      f"- 理由: {entry.text('why', 'ja')}", ""]
    return "\n".join(parts)


def partials_markdown(site_dir: Path) -> str:
    """The freshness line's sentence, and the card's label as a caption (a list item: not a
    sentence), as the build writes them."""
    import social_cards
    line = " ".join(line_of(site_dir, "ja", "capex").lines[0]["text"].split())
    sentence = line[:line.index("。") + 1]
    label = social_cards.WORDS["ja"]["checked"] + social_cards.short_range("2026-10-30", "2026-11-26", "ja")
    return f"{sentence}\n\n- {label}\n"


def test_the_japanese_the_build_writes_passes_textlint(site_dir):
    if not TEXTLINT.exists():
        pytest.fail("node_modules/.bin/textlint is missing: run `npm ci` (make setup)")
    messages = lint_markdown({"data/changelog.md": changelog_markdown(),
                              "overrides/partials.md": partials_markdown(site_dir)})
    assert not messages, f"{len(messages)} textlint message(s):\n" + "\n".join(messages)
