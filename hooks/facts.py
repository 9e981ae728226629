"""Hook: ``{{fact:ID}}`` prints a fact from ``data/facts/*.yaml`` and cites it in a footnote
(source, section, date read, quote); a disputed fact shows ⚠ and every source, an unverified one
says so. The number is never typed into a page."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_state  # noqa: E402
from site_state import localized  # noqa: E402

FACT = re.compile(r"\{\{\s*fact:(?P<id>[a-z0-9.-]+)\s*\}\}")

WORDS = {
    "ja": {"accessed": "閲覧日", "disputed": "異説", "unverified": "（一次資料未確認）"},
    "en": {"accessed": "accessed", "disputed": "Disputed",
           "unverified": " (not yet checked against the primary source)"},
}


def on_page_markdown(markdown: str, page, config, files):
    state = site_state.of(config)
    cited: list[str] = []

    def replace(match: re.Match) -> str:
        fact_id = match.group("id")
        fact = state.fact(fact_id, page.file.src_uri)
        if fact_id not in cited:
            cited.append(fact_id)
        shown = localized(fact.get("display"), state.lang) or str(fact["value"])
        marker = " ⚠" if fact.get("status") == "disputed" else ""
        return (f'<span class="fact" data-fact="{html.escape(fact_id)}">{html.escape(shown)}'
                f"{marker}</span>[^fact-{fact_id}]")

    markdown = FACT.sub(replace, markdown)
    if cited:
        markdown += "\n\n" + "\n".join(footnote(state.facts[fact_id], state.lang)
                                       for fact_id in cited)
    return markdown


def quoted(text) -> str:
    """A source's words shown as they are: Markdown inside a quote must not become a link,
    emphasis or maths."""
    text = html.escape(" ".join(str(text).split()))
    for char, entity in (("[", "&#91;"), ("]", "&#93;"), ("*", "&#42;"), ("_", "&#95;"),
                         ("`", "&#96;"), ("$", "&#36;"), ("\\", "&#92;")):
        text = text.replace(char, entity)
    return text


def footnote(fact: dict, lang: str) -> str:
    words = WORDS[lang]
    parts = [f"[{fact.get('source_title') or fact['source_url']}]({fact['source_url']})"]
    if fact.get("section"):
        parts.append(str(fact["section"]))
    parts.append(f"{words['accessed']} {fact['accessed']}")
    text = ", ".join(parts)
    if fact.get("quote"):
        text += f": “{quoted(fact['quote'])}”"
    if fact.get("status") == "disputed":
        others = "; ".join(
            f"{localized(alt.get('display'), lang) or alt.get('value')} "
            f"([{alt.get('source_title') or alt['source_url']}]({alt['source_url']}), "
            f"{words['accessed']} {alt['accessed']})"
            for alt in fact.get("dispute") or [])
        text += f" **{words['disputed']}:** {others}"
    elif fact.get("status") == "unverified":
        text += words["unverified"]
    return f"[^fact-{fact['id']}]: {text}"
