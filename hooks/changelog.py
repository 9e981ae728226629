"""Hook: the changelog (更新履歴 / What's new) from ``data/changelog.yaml``, as a page and as an
Atom feed per language.

``{{changelog:list}}`` on a page becomes every entry, newest first (``overrides/partials/
changelog.html``): its date and kind, what changed, for a correction the old and the new value
and why, and links to the pages it concerns. ``feed.xml`` (Atom 1.0, ``overrides/partials/atom.xml``) is
added to the build at this language's root with the same entries, so a reader's feed reader
shows what changed since their last visit. Entries are checked as they are read: a missing
language, an unknown kind or page, a correction without its old and new value, a duplicate id
fail the build.
"""

from __future__ import annotations

import re
import sys
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
import freshness  # noqa: E402
import site_state  # noqa: E402

ROOT = site_state.ROOT
CHANGELOG = ROOT / "data" / "changelog.yaml"
DIRECTIVE = re.compile(r"^\{\{\s*changelog:list\s*\}\}[ \t]*$", re.MULTILINE)
FEED = "feed.xml"
PAGE = "changes.md"
KINDS = ("model", "correction", "calculator", "rule", "page", "data")
TEXTS = ("title", "body")
CORRECTION_TEXTS = ("old", "new", "why")
#: Feed ids are ``urn:uuid:`` names in this namespace: stable whatever the site's address.
FEED_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "dscalc-site changelog")


@dataclass(frozen=True)
class Entry:
    id: str
    #: The day shown (YYYY-MM-DD, UTC) and the feed's timestamp (RFC 3339, unique in the file).
    date: str
    updated: str
    kind: str
    #: ``{"title": {ja, en}, "body": …, "old": …, "new": …, "why": …}`` (a correction has all five)
    texts: dict
    pages: tuple
    commit: str = ""

    def text(self, key: str, lang: str) -> str:
        return (self.texts.get(key) or {}).get(lang, "")


# --------------------------------------------------------------------------- reading the file

def load_entries(path: Path = CHANGELOG, docs: Path = ROOT / "docs") -> list[Entry]:
    """The entries of ``path``, checked, newest first (the file's order between equal times).

    No two entries share a timestamp (the feed validator warns when two entries were updated at
    the same instant): entries of one day without a time, or of one commit, are a second apart."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    entries = [entry(record, docs) for record in raw]
    ids = [item.id for item in entries]
    duplicates = sorted({name for name in ids if ids.count(name) > 1})
    if duplicates:
        raise PluginError(f"data/changelog.yaml: ids used twice: {duplicates}")
    order = {item.id: index for index, item in enumerate(entries)}
    oldest_first = sorted(entries, key=lambda item: (item.updated, -order[item.id]))
    distinct, previous = [], None
    for item in oldest_first:
        moment = datetime.fromisoformat(item.updated.replace("Z", "+00:00"))
        if previous is not None and moment <= previous:
            moment = previous + timedelta(seconds=1)
        previous = moment
        distinct.append(replace(item, updated=moment.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return distinct[::-1]


def moment_of(value) -> datetime:
    """``2026-11-26`` (midnight UTC) or ``2026-11-26T02:35:06Z`` as an aware datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    text = str(value).replace("Z", "+00:00")
    moment = datetime.fromisoformat(text) if "T" in text else datetime.combine(
        date.fromisoformat(text), datetime.min.time())
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def entry(record: dict, docs: Path) -> Entry:
    where = f"data/changelog.yaml: {record.get('id', record)!r}"
    missing = [key for key in ("id", "date", "kind", *TEXTS) if not record.get(key)]
    if missing:
        raise PluginError(f"{where} lacks {missing}")
    if record["kind"] not in KINDS:
        raise PluginError(f"{where}: kind {record['kind']!r} is not one of {KINDS}")
    keys = TEXTS + (CORRECTION_TEXTS if record["kind"] == "correction" else ())
    texts = {key: record.get(key) for key in keys + CORRECTION_TEXTS if record.get(key)}
    for key in keys:
        if not isinstance(texts.get(key), dict) or not all(texts[key].get(lang) for lang in ("ja", "en")):
            raise PluginError(f"{where}: {key} needs ja and en")
    pages = tuple(record.get("pages") or ())
    absent = [page for page in pages for lang in ("ja", "en") if not (docs / lang / page).is_file()]
    if absent:
        raise PluginError(f"{where}: no such page {sorted(set(absent))}")
    texts = {key: {lang: joined(text, lang) for lang, text in value.items()} for key, value in texts.items()}
    try:
        moment = moment_of(record["date"]).astimezone(timezone.utc)
    except ValueError:
        raise PluginError(f"{where}: date {record['date']!r} is not YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ") from None
    return Entry(id=str(record["id"]), date=moment.date().isoformat(),
                 updated=moment.strftime("%Y-%m-%dT%H:%M:%SZ"), kind=record["kind"], texts=texts,
                 pages=pages, commit=str(record.get("commit", "")))


def joined(text: str, lang: str) -> str:
    """A text folded over several YAML lines, as one line: Japanese sentences join without the
    space YAML folds a line break into."""
    text = " ".join(str(text).split())
    return re.sub(r"(?<=[。、」）])\s+", "", text) if lang == "ja" else text


def page_title(page: str, lang: str, docs: Path = ROOT / "docs") -> str:
    """A page's title: its first ``# `` heading."""
    for line in (docs / lang / page).read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return page


def feed_id(entry_id: str, lang: str) -> str:
    return f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, f'{lang}/{entry_id}')}"


# --------------------------------------------------------------------------- the page

def on_page_markdown(markdown: str, page, config, files):
    if not DIRECTIVE.search(markdown):
        return markdown
    state = site_state.of(config)
    entries = load_entries()
    if entries:
        state.updated[page.file.src_uri] = entries[0].date
    return site_state.lift_blocks(state, "changelog", DIRECTIVE, markdown, page, lambda match: "list")


def on_page_content(content: str, page, config, files):
    state = site_state.of(config)

    def render(_block) -> str:
        def link(target: str) -> str:
            found = files.get_file_from_path(target)
            return get_relative_url(found.url, page.url) if found else ""
        return render_entries(load_entries(), state.lang, link)

    return site_state.put_back(state, "changelog", content, page, render)


def render_entries(entries: list[Entry], lang: str, link) -> str:
    """The entries as HTML; ``link(page)`` gives the URL of a page (relative on the site,
    absolute in the feed)."""
    return site_state.partial("changelog.html", lang=lang,
                              entries=[view(item, lang, link) for item in entries])


def view(item: Entry, lang: str, link) -> dict:
    """What the partials show of one entry, in one language."""
    return {
        "id": item.id, "date": item.date, "updated": item.updated, "kind": item.kind,
        "date_text": freshness.long_date(item.date, lang),
        **{key: item.text(key, lang) for key in TEXTS + CORRECTION_TEXTS},
        "pages": [{"title": page_title(page, lang), "url": link(page)} for page in item.pages],
        "feed_id": feed_id(item.id, lang),
    }


# --------------------------------------------------------------------------- the feed

def on_files(files, config):
    """``feed.xml`` at this language's root, a file of the build (so pages can link to it)."""
    state = site_state.of(config)
    site_url = config.site_url or ""
    files.append(File.generated(config, FEED, content=feed_xml(
        load_entries(), state.lang, site_url, site_name=config.site_name,
        title=FEED_TITLE[state.lang].format(site=config.site_name))))
    return files


FEED_TITLE = {"ja": "{site}: 更新履歴", "en": "{site}: What’s new"}


def feed_xml(entries: list[Entry], lang: str, site_url: str, site_name: str, title: str) -> str:
    """The Atom document for ``entries`` in ``lang``; every URL in it is absolute."""
    def link(target: str) -> str:
        return site_url + ("" if target == "index.md" else target.replace(".md", "/"))

    page_url = link(PAGE)
    views = [view(item, lang, link) for item in entries]
    for shown in views:
        shown["content"] = site_state.partial("changelog-entry.html", lang=lang, entry=shown)
        shown["url"] = f"{page_url}#{shown['id']}"
    return site_state.partial(
        "atom.xml", lang=lang, title=title, site_name=site_name, entries=views, site_url=site_url,
        page_url=page_url, self_url=site_url + FEED, feed_id=feed_id("feed", lang),
        updated=max((shown["updated"] for shown in views), default="1970-01-01T00:00:00Z"))
