"""Japanese and English stay in step: every page pair has the same structure and the same data.

For each page built in both languages: the same number of section headings, the same facts
cited, the same inline computed values (calculator, output and inputs), the same calculators and
the same number of charts. A translation that drops a section, a number or a chart fails here.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Structure(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings = []
        self.facts = []
        self.values = []
        self.forms = []
        self.figures = 0
        self._in_article = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "article":
            self._in_article = True
        if not self._in_article:
            return
        if tag in ("h1", "h2", "h3") and "dscalc-title" not in classes:
            self.headings.append(tag)
        elif tag == "span" and "fact" in classes:
            self.facts.append(attrs["data-fact"])
        elif tag == "span" and "calc-value" in classes:
            self.values.append((attrs["data-calc"], attrs["data-output"], attrs["data-inputs"]))
        elif tag == "form" and "dscalc" in classes:
            self.forms.append(attrs["data-calc"])
        elif tag == "figure" and "dscalc-figure" in classes:
            self.figures += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self._in_article = False


def page_pairs():
    docs_ja = ROOT / "docs" / "ja"
    for path in sorted(docs_ja.rglob("*.md")):
        relative = path.relative_to(docs_ja).with_suffix("")
        html = "index.html" if relative.name == "index" else f"{relative.as_posix()}/index.html"
        if relative.name == "index" and relative.parent != Path("."):
            html = f"{relative.parent.as_posix()}/index.html"
        yield relative.as_posix(), html


@pytest.mark.parametrize("page, html", list(page_pairs()), ids=[pair[0] for pair in page_pairs()])
def test_the_two_languages_of_a_page_have_the_same_structure(site_dir, page, html):
    ja, en = Structure(), Structure()
    ja.feed((site_dir / html).read_text(encoding="utf-8"))
    en.feed((site_dir / "en" / html).read_text(encoding="utf-8"))
    assert ja.headings == en.headings, "same sections in the same order"
    assert sorted(set(ja.facts)) == sorted(set(en.facts)), "the same facts cited"
    assert sorted(ja.values) == sorted(en.values), "the same computed values"
    assert ja.forms == en.forms, "the same calculators, in the same order"
    assert ja.figures == en.figures, "the same number of charts"


def test_every_page_is_checked():
    assert len(list(page_pairs())) >= 6
