"""The head's metadata as a reader's browser meets it: instant navigation swaps it page by page,
the JSON-LD never runs (a CSP violation would be a console error), no request leaves the site,
and Material finds a sitemap next to every alternate link it reads."""

import json


def json_ld(page) -> dict:
    return json.loads(page.locator('head script[type="application/ld+json"]').text_content())


def test_instant_navigation_carries_each_pages_own_metadata(page, base_url, watch):
    page.goto(base_url + "en/moe/")
    assert json_ld(page)["url"].endswith("/en/moe/")
    time_origin = page.evaluate("performance.timeOrigin")
    link = page.locator('a.md-nav__link[href$="/en/changes/"]:visible').first
    for _ in range(3):  # under load a click can land before Material has bound its handlers
        link.click()
        try:
            page.wait_for_function("() => location.pathname.endsWith('/en/changes/')", timeout=15_000)
            break
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: click again
            continue
    page.wait_for_function("() => document.querySelector('.dscalc-changes') !== null")
    assert page.evaluate("performance.timeOrigin") == time_origin, "no full page load in between"
    page.wait_for_function(
        "() => (document.querySelector('meta[property=\"og:url\"]') || {}).content?.endsWith('/en/changes/')")
    assert page.locator('head script[type="application/ld+json"]').count() == 1
    assert json_ld(page)["url"].endswith("/en/changes/")
    missing = [url for url in watch.gets if url.endswith("sitemap.xml")
               and url not in (base_url + "sitemap.xml", base_url + "en/sitemap.xml")]
    assert missing == [], "Material looked for a sitemap that does not exist"


def test_the_freshness_line_links_to_the_sources_and_the_changes(page, base_url):
    page.goto(base_url + "capex/")
    line = page.locator("p.dscalc-freshness")
    assert "に確認しました。" in line.inner_text()
    line.locator("a", has_text="更新履歴").click()
    page.wait_for_function("() => location.pathname.endsWith('/changes/')")
    assert page.locator("section.dscalc-change").count() >= 10
