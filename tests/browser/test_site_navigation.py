"""Languages, search and the formula display, as a reader meets them."""

import re

import pytest

from helpers import BOOT_TIMEOUT_MS, change_and_wait, form


@pytest.mark.parametrize("start, lang, target", [
    ("kv-cache/", "en", r"/en/kv-cache/(#.*)?$"),
    ("en/kv-cache/", "ja", r"127\.0\.0\.1:\d+/kv-cache/(#.*)?$"),
])
def test_the_language_switch_stays_on_the_same_page(page, base_url, start, lang, target):
    page.goto(base_url + start)
    page.goto(page.locator(f'a.md-select__link[hreflang="{lang}"]').evaluate("a => a.href"))
    assert re.search(target, page.url), page.url
    assert page.locator("html").get_attribute("lang") == lang


def search(page, query, expected_path):
    """Type ``query`` in Material's search; return every result URL once ``expected_path`` shows."""
    box = page.locator("input.md-search__input")
    box.click()
    wanted = ("() => [...document.querySelectorAll('.md-search-result__item a')]"
              f".some(a => new URL(a.href).pathname.endsWith({expected_path!r}))")
    # A query typed before Material's search worker has loaded the index is not re-run when it
    # is ready: send it again until the expected page shows (or the attempts run out and the
    # assertion below fails).
    for _ in range(8):
        box.fill(query)  # all at once: results never belong to a half-typed query
        box.press("End")  # Material's search reacts to key events, which fill() does not send
        try:
            page.wait_for_function(wanted, timeout=5_000)
            break
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: type it again
            continue
    return page.locator(".md-search-result__item a").evaluate_all("links => links.map(a => a.href)")


def test_japanese_search_finds_japanese_words_in_japanese_pages(page, base_url):
    page.goto(base_url)
    hits = search(page, "キャッシュ", "/kv-cache/")
    assert any("/kv-cache/" in url for url in hits)
    assert not any("/en/" in url for url in hits)


def test_english_search_returns_only_english_pages(page, base_url):
    page.goto(base_url + "en/")
    hits = search(page, "cache", "/en/kv-cache/")
    assert any("/en/kv-cache/" in url for url in hits)
    assert all("/en/" in url for url in hits)


def test_the_formula_is_typeset_and_bound_to_the_current_values(page, base_url):
    page.goto(base_url + "en/kv-cache/")
    page.wait_for_selector(".dscalc-formula .katex", timeout=30_000)
    change_and_wait(page, "context_length", 1000, "total_bytes")
    page.wait_for_function(
        "() => document.querySelector('.dscalc-formula-lines').textContent.includes('1,000')",
        timeout=BOOT_TIMEOUT_MS)
    assert form(page).locator(".dscalc-formula-lines .katex").count() >= 2


def test_the_python_source_link_opens_the_module(page, base_url):
    page.goto(base_url + "en/kv-cache/")
    page.locator(".dscalc-links a").first.click()
    page.wait_for_url(re.compile(r"/en/source/kv_cache/(#.*)?$"))
    # Instant navigation swaps the content in after the URL changes.
    page.wait_for_function(
        "() => document.querySelector('.md-content').innerText.includes('def kv_cache_bytes_per_token')",
        timeout=30_000)
