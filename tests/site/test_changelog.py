"""The changelog (更新履歴 / What's new): one file in data/, a page pair and an Atom feed per language.

The feed is checked against what the W3C Feed Validation Service requires of Atom 1.0 (RFC 4287):
a feed id, title, updated and author; one rel="self" link to where the feed is served; per entry
a unique permanent id, a title, an RFC 3339 updated date and a link; dates no later than the
feed's; HTML content escaped as type="html".
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "hooks"), str(ROOT / "calculators")]
import changelog  # noqa: E402

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGES = {"ja": Path("."), "en": Path("en")}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
ENTRIES = changelog.load_entries()


def site_url(site_dir: Path, lang: str) -> str:
    """The address the build was made for (the sitemap's first <loc>)."""
    return re.search(r"<loc>([^<]+)</loc>", (site_dir / LANGUAGES[lang] / "sitemap.xml").read_text()).group(1)


def feed(site_dir: Path, lang: str) -> ET.Element:
    return ET.parse(site_dir / LANGUAGES[lang] / "feed.xml").getroot()


# --------------------------------------------------------------------------- the data file

def test_the_changelog_is_seeded_with_corrections_calculators_models_pages_and_rules():
    kinds = {entry.kind for entry in ENTRIES}
    assert {"correction", "calculator", "model", "page", "rule"} <= kinds
    assert sum(entry.kind == "correction" for entry in ENTRIES) >= 3


def test_every_correction_says_what_was_wrong_what_is_right_and_why_in_both_languages():
    for entry in ENTRIES:
        if entry.kind == "correction":
            for key in ("old", "new", "why"):
                assert entry.text(key, "ja") and entry.text(key, "en"), (entry.id, key)
            assert entry.text("old", "en") != entry.text("new", "en"), entry.id


def test_entries_are_dated_no_later_than_today_and_listed_newest_first():
    moments = [entry.updated for entry in ENTRIES]
    assert moments == sorted(moments, reverse=True)
    assert max(entry.date for entry in ENTRIES) <= date.today().isoformat()


def test_no_two_entries_share_a_timestamp_even_when_written_on_one_day(tmp_path):
    """The validator warns when two entries were updated at the same instant."""
    assert len({entry.updated for entry in ENTRIES}) == len(ENTRIES)
    path = tmp_path / "changelog.yaml"
    path.write_text("".join(f"- {{id: e{n}, date: 2026-11-26, kind: page, title: {{ja: 題, en: T}}, "
                            f"body: {{ja: 本文です。, en: B.}}}}\n" for n in range(3)), encoding="utf-8")
    entries = changelog.load_entries(path)
    assert [entry.id for entry in entries] == ["e0", "e1", "e2"], "the file's order, newest first"
    assert [entry.updated for entry in entries] == [
        "2026-11-26T00:00:02Z", "2026-11-26T00:00:01Z", "2026-11-26T00:00:00Z"]
    assert {entry.date for entry in entries} == {"2026-11-26"}


@pytest.mark.parametrize("broken, complaint", [
    ({"kind": "correction", "old": None}, "old needs ja and en"),
    ({"kind": "rumour"}, "kind"),
    ({"pages": ["no-such-page.md"]}, "no such page"),
    ({"title": {"ja": "見出しだけ"}}, "title needs ja and en"),
])
def test_a_broken_entry_fails_the_build(tmp_path, broken, complaint):
    good = {"id": "x", "date": "2026-11-26", "kind": "correction", "title": {"ja": "題", "en": "Title"},
            "body": {"ja": "本文です。", "en": "Body."}, "old": {"ja": "前", "en": "before"},
            "new": {"ja": "後", "en": "after"}, "why": {"ja": "理由です。", "en": "Why."}, "pages": ["mla.md"]}
    import yaml
    path = tmp_path / "changelog.yaml"
    path.write_text(yaml.safe_dump([{**good, **broken}], allow_unicode=True), encoding="utf-8")
    with pytest.raises(PluginError, match=complaint):
        changelog.load_entries(path)


def test_an_id_used_twice_fails_the_build(tmp_path):
    entry = ("- {id: x, date: 2026-11-26, kind: page, title: {ja: 題, en: T}, body: {ja: 本文です。, en: B.}}\n")
    path = tmp_path / "changelog.yaml"
    path.write_text(entry * 2, encoding="utf-8")
    with pytest.raises(PluginError, match="twice"):
        changelog.load_entries(path)


def test_japanese_lines_folded_in_yaml_join_without_a_space():
    assert changelog.joined("加えました。\n表示します。", "ja") == "加えました。表示します。"
    assert changelog.joined("One line\nand the next.", "en") == "One line and the next."


# --------------------------------------------------------------------------- the pages

class Changes(HTMLParser):
    """Entry ids and the links of the changelog page's entries."""

    def __init__(self):
        super().__init__()
        self.ids, self.kinds, self.links = [], [], []
        self.feed_links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "dscalc-change" in (attrs.get("class") or "").split():
            self.ids.append(attrs["id"])
        if tag == "a" and self.ids:
            self.links.append(attrs.get("href"))
        if tag == "link" and attrs.get("type") == "application/atom+xml":
            self.feed_links.append(attrs["href"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_changes_page_lists_every_entry_newest_first(site_dir, lang):
    page = Changes()
    page.feed(((site_dir / LANGUAGES[lang]) / "changes" / "index.html").read_text(encoding="utf-8"))
    assert page.ids == [entry.id for entry in ENTRIES]
    for link in page.links:
        assert (site_dir / LANGUAGES[lang] / "changes" / link / "index.html").resolve().is_file(), link


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_names_its_language_feed_in_its_head(site_dir, lang):
    base = site_dir / LANGUAGES[lang]
    for path in base.rglob("index.html"):
        if lang == "ja" and path.relative_to(base).parts[0] == "en":
            continue
        page = Changes()
        page.feed(path.read_text(encoding="utf-8"))
        assert len(page.feed_links) == 1, path
        assert (path.parent / page.feed_links[0]).resolve() == (base / "feed.xml").resolve(), path


# --------------------------------------------------------------------------- the feeds

@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_feed_is_atom_with_the_elements_the_validator_requires(site_dir, lang):
    root = feed(site_dir, lang)
    assert root.tag == f"{ATOM}feed"
    assert root.get(XML_LANG) == lang
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
        assert root.find(f"{ATOM}{name}").text.strip(), name
    assert root.find(f"{ATOM}author/{ATOM}name").text.strip()
    assert RFC3339.match(root.find(f"{ATOM}updated").text)
    self_links = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert len(self_links) == 1
    assert self_links[0].get("href") == site_url(site_dir, lang) + "feed.xml"
    alternate = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
    assert alternate == [site_url(site_dir, lang) + "changes/"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_feed_entry_has_a_permanent_unique_id_a_date_a_link_and_escaped_html(site_dir, lang):
    root = feed(site_dir, lang)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(ENTRIES)
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(set(ids)) == len(ids)
    feed_updated = root.find(f"{ATOM}updated").text
    origin = urlparse(site_url(site_dir, lang))
    for entry in entries:
        assert re.match(r"^urn:uuid:[0-9a-f-]{36}$", entry.find(f"{ATOM}id").text)
        assert entry.find(f"{ATOM}title").text.strip()
        updated = entry.find(f"{ATOM}updated").text
        assert RFC3339.match(updated) and updated <= feed_updated
        link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        assert urlparse(link)[:2] == origin[:2] and "#" in link, "absolute, on this site, at the entry"
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html" and "<p>" in content.text, "HTML as escaped text"
        for href in re.findall(r'href="([^"]+)"', content.text):
            assert urlparse(href).scheme in ("http", "https"), "links in a feed are absolute"
        datetime.fromisoformat(updated.replace("Z", "+00:00"))


def test_feed_ids_do_not_change_with_the_site_address_and_differ_by_language():
    one = changelog.feed_xml(ENTRIES, "en", "http://a.example/", "S", "T")
    other = changelog.feed_xml(ENTRIES, "en", "https://b.example/sub/", "S", "T")
    ids = re.findall(r"<id>([^<]+)</id>", one)
    assert ids == re.findall(r"<id>([^<]+)</id>", other)
    assert not set(ids) & set(re.findall(r"<id>([^<]+)</id>", changelog.feed_xml(ENTRIES, "ja", "http://a.example/", "S", "T")))


def test_the_feed_is_served_as_xml(site_dir):
    sys.path.insert(0, str(ROOT / "tools"))
    from serve import make_server, serve_in_background
    import urllib.request
    server = make_server(site_dir, port=0)
    serve_in_background(server)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/en/feed.xml") as response:
            assert response.status == 200
            assert "xml" in response.headers["Content-Type"]
            ET.fromstring(response.read())
    finally:
        server.shutdown()
