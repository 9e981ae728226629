"""Hook: what a page tells link previews and search engines, computed once per page.

``page_meta(page)`` (a template global) gives the head partial (``overrides/partials/
head-meta.html``) and the sitemap (``overrides/sitemap.xml``) everything they print: the
description, the canonical URL and its twin in the other language (hreflang), Open Graph and
Twitter-card values with the page's card image (``hooks/social_cards.py``), the dates from the
records the page cites (``hooks/freshness.py``; the changelog page: its newest entry), and
schema.org JSON-LD: ``Dataset`` for a page
that lists a data file whole (the sources, a data table, the glossary), ``WebSite`` for the home
page, ``Article`` otherwise.

A page without a ``description`` in its front matter is described by its first paragraph, cut at
a sentence end. The JSON-LD is data (``application/ld+json``), not script: the CSP
(``hooks/security.py``) neither needs nor gets a hash for it.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path
from urllib.parse import urljoin

sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_state  # noqa: E402
import social_cards  # noqa: E402

DATA_PAGE = re.compile(r"\{\{\s*(?:sources:(?:index|table [\w./-]+)|table:[\w.-]+|glossary:table)\s*\}\}")
LOCALES = {"ja": "ja_JP", "en": "en_US"}
#: Longest description kept, in characters (Japanese says more per character).
DESCRIPTION_LENGTH = {"ja": 130, "en": 220}
#: Shorter than this, a description says too little (search engines and Google's Dataset page
#: want at least 50 characters).
SHORTEST_DESCRIPTION = {"ja": 50, "en": 100}
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PARAGRAPH = re.compile(r"<p>(?P<body>.*?)</p>", re.DOTALL)
FOOTNOTE_REF = re.compile(r'<sup id="fnref[^"]*">.*?</sup>', re.DOTALL)
SENTENCE_END = {"ja": re.compile(r"(?<=。)"), "en": re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(])")}


def on_page_markdown(markdown: str, page, config, files):
    # page.markdown is still the page's source here (MkDocs assigns the result after every
    # hook ran): earlier hooks have already turned the directives in ``markdown`` into tables.
    schema = "WebSite" if page.is_homepage else "Dataset" if DATA_PAGE.search(page.markdown) else "Article"
    page.meta.setdefault("schema_type", schema)
    return markdown


def on_page_content(content: str, page, config, files):
    if not page.meta.get("description"):
        lang = site_state.of(config).lang
        found = first_paragraph(content)
        if found:
            page.meta["description"] = summary(found, lang)
    return content


def on_env(env, config, files):
    env.globals["page_meta"] = lambda page: page_meta(page, config) if page else None
    return env


# --------------------------------------------------------------------------- description

def first_paragraph(content: str) -> str:
    """The text of the first paragraph of prose (footnote marks dropped)."""
    for match in PARAGRAPH.finditer(content):
        text = html.unescape(re.sub(r"<[^>]+>", "", FOOTNOTE_REF.sub("", match.group("body"))))
        text = " ".join(text.split())
        if text:
            return text
    return ""


def summary(text: str, lang: str) -> str:
    """Whole sentences of ``text`` up to the length a search result shows; when the first
    sentences say too little, the next one is added and cut with an ellipsis."""
    limit, shortest = DESCRIPTION_LENGTH[lang], SHORTEST_DESCRIPTION[lang]
    separator = "" if lang == "ja" else " "
    sentences = [part.strip() for part in SENTENCE_END[lang].split(text) if part.strip()]
    kept = ""
    for sentence in sentences:
        joined = kept + separator + sentence if kept else sentence
        if len(joined) <= limit:
            kept = joined
            continue
        if len(kept) < shortest:
            kept = joined[:limit - 1].rstrip() + "…"
        break
    return kept


# --------------------------------------------------------------------------- the page's metadata

def page_meta(page, config) -> dict:
    state = site_state.of(config)
    site_url = config.site_url or ""
    canonical = page.canonical_url or urljoin(site_url, page.url)
    twins = [{"lang": alt["lang"], "url": urljoin(urljoin(site_url, alt["link"]), page.url)}
             for alt in config.extra.get("alternate") or []]
    dates = state.dates.get(page.file.src_uri)
    title = social_cards.page_title(page) or config.site_name
    meta = {
        "lang": state.lang,
        "title": title,
        "description": page.meta.get("description") or config.site_description or "",
        "canonical": canonical,
        "twins": twins,
        "x_default": next((twin["url"] for twin in twins if twin["lang"] == "ja"), canonical),
        "locale": LOCALES[state.lang],
        "locale_alternates": [LOCALES[twin["lang"]] for twin in twins if twin["lang"] != state.lang],
        "type": "website" if page.is_homepage else "article",
        "image": urljoin(site_url, social_cards.card_uri(page.url)),
        "image_size": social_cards.SIZE,
        "image_alt": f"{title} — {config.site_name}",
        "oldest": dates.oldest if dates else None,
        "modified": dates.newest if dates else state.updated.get(page.file.src_uri),
    }
    meta["json_ld"] = json_ld(meta, page.meta.get("schema_type", "Article"), config.site_name, site_url)
    return meta


def json_ld(meta: dict, schema_type: str, site_name: str, site_url: str) -> str:
    """schema.org JSON-LD for the page, safe inside ``<script type="application/ld+json">``."""
    site = {"@type": "WebSite", "name": site_name, "url": site_url, "inLanguage": meta["lang"]}
    other = [twin["url"] for twin in meta["twins"] if twin["lang"] != meta["lang"]]
    document = {"@context": "https://schema.org", "@type": schema_type,
                "name": meta["title"], "description": meta["description"], "url": meta["canonical"],
                "inLanguage": meta["lang"], "image": meta["image"], "license": LICENSE}
    if schema_type == "WebSite":
        document.update({key: value for key, value in site.items() if key != "@type"})
    else:
        document["isPartOf"] = site
        document["creator"] = {"@type": "Organization", "name": site_name, "url": site_url}
    if schema_type == "Article":
        document["headline"] = meta["title"][:110]
        document["mainEntityOfPage"] = meta["canonical"]
        document["author"] = document.pop("creator")
    if meta["oldest"]:
        document["dateCreated"] = meta["oldest"]
    if meta["modified"]:
        document["dateModified"] = meta["modified"]
    if other:
        key = "translationOfWork" if meta["lang"] != "ja" else "workTranslation"
        document[key] = {"@id": other[0]}
    return json.dumps(document, ensure_ascii=False, sort_keys=False).replace("</", "<\\/")
