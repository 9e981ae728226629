"""axe-core (from npm) on every kind of page, both languages and both colour schemes."""

from pathlib import Path

import pytest

from helpers import change_and_wait

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def built_pages() -> list[str]:
    """Every page of the built site (one generated "Python source" page stands for them all)."""
    site = ROOT / "site"
    pages = sorted(path.parent.relative_to(site).as_posix() + "/"
                   for path in site.rglob("index.html")
                   if path.relative_to(site).parts[0] not in ("en", "assets", "search"))
    pages = ["" if page == "./" else page for page in pages]
    sources = [page for page in pages if page.startswith("source/")]
    return [page for page in pages if not page.startswith("source/")] + sources[:1]


PAGES = built_pages()


def serious_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [(n["target"], n.get("failureSummary", "")[-160:]) for n in v["nodes"]][:3])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


# axe is injected as an inline script, which the site's Content-Security-Policy rightly blocks.
BYPASS_CSP = [{"bypass_csp": True}]


@pytest.mark.parametrize("context", BYPASS_CSP, indirect=True)
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang_prefix", ["", "en/"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_axe_findings(page, base_url, lang_prefix, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + lang_prefix + path)
    assert serious_violations(page) == []


@pytest.mark.parametrize("context", BYPASS_CSP, indirect=True)
@pytest.mark.parametrize("lang_prefix", ["", "en/"])
def test_a_calculator_showing_a_field_error_has_no_serious_axe_findings(page, base_url, lang_prefix):
    page.goto(base_url + lang_prefix + "kv-cache/")
    change_and_wait(page, "context_length", "-1")
    assert page.locator('[aria-invalid="true"]').count() == 1
    assert serious_violations(page) == []
