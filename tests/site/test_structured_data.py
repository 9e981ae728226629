"""Structured data for search engines: schema.org JSON-LD on every page with the dates of the
records it cites, a sitemap per language with lastmod from the freshest record and hreflang twins,
all within the site's strict Content-Security-Policy."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = {"ja": Path("."), "en": Path("en")}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
DATA_PAGES = {"sources", "glossary", "chips", "deepseek-models", "measured", "measured-records"}
EXECUTABLE = ("", "text/javascript", "module", "application/javascript")


class Page(HTMLParser):
    """Scripts (where, which type, what body), <link rel="alternate">s, the CSP, the freshness dates."""

    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.alternates: list[dict] = []
        self.csp = ""
        self.dates = None
        self._script = None
        self._where = "head"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self._where = "body"
        if tag == "script":
            self._script = {**attrs, "where": self._where, "body": ""}
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates.append(attrs)
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            self.csp = attrs["content"]
        if tag == "p" and "dscalc-freshness" in (attrs.get("class") or "") and self.dates is None:
            self.dates = (attrs["data-oldest"], attrs["data-newest"])

    def handle_data(self, data):
        if self._script is not None:
            self._script["body"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(self._script)
            self._script = None

    def json_ld(self) -> list[dict]:
        return [json.loads(script["body"]) for script in self.scripts if script.get("type") == "application/ld+json"]


def parsed(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def built_pages(site_dir: Path, lang: str):
    base = site_dir / LANGUAGES[lang]
    for path in sorted(base.rglob("index.html")):
        relative = path.parent.relative_to(base).as_posix()
        if lang == "ja" and relative.split("/")[0] == "en":
            continue
        yield ("" if relative == "." else relative), path


def newest_change() -> str:
    import yaml
    entries = yaml.safe_load((ROOT / "data" / "changelog.yaml").read_text(encoding="utf-8"))
    return max(str(entry["date"])[:10] for entry in entries)


def site_url(site_dir: Path, lang: str) -> str:
    return re.search(r"<loc>([^<]+)</loc>", (site_dir / LANGUAGES[lang] / "sitemap.xml").read_text()).group(1)


# --------------------------------------------------------------------------- JSON-LD

@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_has_one_json_ld_document_in_its_head(site_dir, lang):
    for name, path in built_pages(site_dir, lang):
        page = parsed(path)
        blocks = [script for script in page.scripts if script.get("type") == "application/ld+json"]
        assert len(blocks) == 1, path
        # In the <head>: Material's instant navigation re-creates the scripts of the page body
        # without their type, which would run the JSON as JavaScript.
        assert blocks[0]["where"] == "head", path
        document = page.json_ld()[0]
        assert document["@context"] == "https://schema.org"
        assert document["url"] == site_url(site_dir, lang) + (name + "/" if name else "")
        assert document["inLanguage"] == lang
        assert document["name"] and document["description"], path


@pytest.mark.parametrize("lang", LANGUAGES)
def test_data_pages_are_datasets_the_home_page_a_website_the_rest_articles(site_dir, lang):
    for name, path in built_pages(site_dir, lang):
        document = parsed(path).json_ld()[0]
        # The sources page lists the record files; each file's records have a page of their own.
        listing = name in DATA_PAGES or name.startswith("sources/")
        expected = "WebSite" if name == "" else "Dataset" if listing else "Article"
        assert document["@type"] == expected, (name, document["@type"])
        if expected == "Article":
            assert document["headline"] == document["name"][:110] and document["author"]["name"]
        if expected == "Dataset":
            assert len(document["description"]) >= 50 and document["license"].startswith("https://")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_json_ld_dates_are_the_pages_freshness_dates(site_dir, lang):
    checked = 0
    for name, path in built_pages(site_dir, lang):
        page = parsed(path)
        document = page.json_ld()[0]
        if name == "changes":
            assert document["dateModified"] == newest_change() and "dateCreated" not in document
            continue
        if page.dates is None:
            assert "dateModified" not in document, name
            continue
        assert (document["dateCreated"], document["dateModified"]) == page.dates, name
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_page_names_its_translation(site_dir, lang):
    other = "en" if lang == "ja" else "ja"
    key = "workTranslation" if lang == "ja" else "translationOfWork"
    for name, path in built_pages(site_dir, lang):
        twin = parsed(path).json_ld()[0][key]["@id"]
        assert twin == site_url(site_dir, other) + (name + "/" if name else ""), name
        assert (site_dir / LANGUAGES[other] / name / "index.html").is_file()


# --------------------------------------------------------------------------- the CSP stays strict

def sha256(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_csp_allows_only_the_pages_own_scripts_and_json_ld_is_not_one_of_them(site_dir, lang):
    for name, path in built_pages(site_dir, lang):
        page = parsed(path)
        directives = dict(part.strip().split(" ", 1) for part in page.csp.split(";"))
        script_src = directives["script-src"].split()
        assert script_src[0] == "'self'" and all(source.startswith("'sha256-") for source in script_src[1:]), name
        assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
        inline = [script for script in page.scripts if "src" not in script]
        assert any(script.get("type") == "application/ld+json" for script in inline)
        for script in inline:
            if script.get("type", "") in EXECUTABLE:
                assert sha256(script["body"]) in script_src, (name, script["body"][:60])
            else:
                assert sha256(script["body"]) not in script_src, "data (JSON-LD, Material's config) needs no permission to run"


# --------------------------------------------------------------------------- sitemaps

def sitemap(site_dir: Path, lang: str) -> list[ET.Element]:
    return ET.parse(site_dir / LANGUAGES[lang] / "sitemap.xml").getroot().findall(f"{SITEMAP}url")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sitemap_dates_each_page_by_its_freshest_record(site_dir, lang):
    base = site_url(site_dir, lang)
    urls = sitemap(site_dir, lang)
    assert len(urls) == len(list(built_pages(site_dir, lang)))
    for url in urls:
        loc = url.find(f"{SITEMAP}loc").text
        name = loc[len(base):].rstrip("/")
        page = parsed(site_dir / LANGUAGES[lang] / name / "index.html")
        lastmod = url.find(f"{SITEMAP}lastmod")
        if name == "changes":
            assert lastmod.text == newest_change(), "the changelog is as fresh as its newest entry"
        elif page.dates is None:
            assert lastmod is None, loc
        else:
            assert lastmod.text == page.dates[1], loc


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sitemap_pairs_every_page_with_its_twin(site_dir, lang):
    roots = {other: site_url(site_dir, other) for other in LANGUAGES}
    for url in sitemap(site_dir, lang):
        loc = url.find(f"{SITEMAP}loc").text
        name = loc[len(roots[lang]):]
        links = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
                 if link.get("rel") == "alternate"}
        assert links == {"ja": roots["ja"] + name, "en": roots["en"] + name, "x-default": roots["ja"] + name}, loc
        assert links[lang] == loc
        for other in LANGUAGES:
            assert (site_dir / LANGUAGES[other] / name / "index.html").is_file(), (other, name)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_head_link_sends_material_looking_for_a_sitemap_that_is_not_there(site_dir, lang):
    """Material's instant navigation fetches sitemap.xml next to every <link rel="alternate"> in
    the head (a 404 would be a console error); and an hreflang link must be absolute (Lighthouse)."""
    for name, path in built_pages(site_dir, lang):
        page_url = site_url(site_dir, lang) + (name + "/" if name else "")
        for link in parsed(path).alternates:
            if link.get("hreflang"):
                assert urlparse(link["href"]).scheme in ("http", "https"), (name, link)
            target = urljoin(urljoin(page_url, link["href"]), "sitemap.xml")
            relative = target[len(site_url(site_dir, "ja")):]
            assert target.startswith(site_url(site_dir, "ja")) and (site_dir / relative).is_file(), (name, link)
