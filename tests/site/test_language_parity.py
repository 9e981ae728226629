"""Japanese and English stay in step: every page pair has the same structure and the same data.

For each page built in both languages: the same number of section headings, the same facts
cited, the same inline computed values (calculator, output and inputs), the same calculators and
the same number of charts. A translation that drops a section, a number or a chart fails here.
"""

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


def nav_pages(path: Path) -> list[str]:
    """The page files a MkDocs config's nav lists, in order (section titles ignored)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # !ENV, !!python/...
    config = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)

    def walk(items):
        for item in items:
            if isinstance(item, str):
                yield item
            elif isinstance(item, dict):
                for value in item.values():
                    yield from walk(value) if isinstance(value, list) else [value]
    return list(walk(config["nav"]))


def test_both_navigations_list_the_same_pages_in_the_same_order():
    ja, en = nav_pages(ROOT / "mkdocs.yml"), nav_pages(ROOT / "mkdocs.en.yml")
    assert ja == en
    docs = {path.relative_to(ROOT / "docs" / "ja").as_posix()
            for path in (ROOT / "docs" / "ja").rglob("*") if path.suffix in (".md", ".ipynb")}
    assert set(ja) == docs, "every page is in the navigation, and every entry exists"
