"""When Python starts: only when the reader comes for a calculator, and early enough that it is
ready when they get there (timings are `make bench`'s business, never asserted here)."""

import pytest
from dscalc import run

from helpers import BOOT_TIMEOUT_MS, output_value

# Lighthouse's emulated phone: on it every calculator page opens on prose, its first form below.
PHONE = {"viewport": {"width": 412, "height": 823}, "is_mobile": True, "has_touch": True}
READING_MS = 3000
RUNTIME_FILES = ("worker.js", "pyodide.mjs", "pyodide.asm.wasm", "python_stdlib.zip", ".whl")


def python_requests(watch) -> list[str]:
    return [url for url in watch.gets if url.split("?")[0].endswith(RUNTIME_FILES)]


def runtime_started(page) -> bool:
    return page.evaluate("document.documentElement.dataset.dscalcRuntime === 'started'")


def first_form_top(page) -> float:
    return page.evaluate("document.querySelector('form.dscalc').getBoundingClientRect().top")


@pytest.mark.parametrize("context", [PHONE], indirect=True)
@pytest.mark.parametrize("path", ["en/kv-cache/", "moe/", "en/roofline/", "serving/"])
def test_a_reader_who_only_reads_downloads_no_python(page, base_url, watch, path):
    page.goto(base_url + path)
    assert first_form_top(page) > page.viewport_size["height"], "the page must open on prose"
    page.wait_for_timeout(READING_MS)
    assert python_requests(watch) == []
    assert not runtime_started(page)


@pytest.mark.parametrize("context", [PHONE], indirect=True)
def test_scrolling_towards_a_calculator_starts_python_before_the_form_is_on_screen(page, base_url, watch):
    page.goto(base_url + "en/kv-cache/")
    height = page.viewport_size["height"]
    # Stop half a screen above the form: it is near, not yet visible.
    page.mouse.wheel(0, max(first_form_top(page) - 1.5 * height, 1))
    page.wait_for_function("() => document.documentElement.dataset.dscalcRuntime === 'started'",
                           timeout=10_000)
    assert first_form_top(page) > height
    for _ in range(BOOT_TIMEOUT_MS // 250):  # the worker's own downloads, as the browser sent them
        if any(url.endswith("pyodide.asm.wasm") for url in python_requests(watch)):
            break
        page.wait_for_timeout(250)
    assert any(url.endswith("pyodide.asm.wasm") for url in python_requests(watch))


@pytest.mark.parametrize("context", [PHONE], indirect=True)
def test_returning_to_the_top_is_not_a_readers_scroll(page, base_url, watch):
    page.goto(base_url + "en/kv-cache/")
    page.evaluate("window.scrollTo(0, 0); window.dispatchEvent(new Event('scroll'))")
    page.wait_for_timeout(READING_MS)
    assert python_requests(watch) == []


@pytest.mark.parametrize("context", [PHONE], indirect=True)
@pytest.mark.parametrize("intent", [
    "form.dispatchEvent(new PointerEvent('pointerover', { bubbles: true }))",
    "form.dispatchEvent(new Event('touchstart', { bubbles: true }))",
    "form.querySelector('input, select').focus({ preventScroll: true })",
], ids=["pointer", "touch", "keyboard"])
def test_a_hand_or_a_keyboard_on_a_form_starts_python(page, base_url, intent):
    page.goto(base_url + "en/kv-cache/")
    assert not runtime_started(page)
    page.evaluate(f"() => {{ const form = document.querySelector('form.dscalc'); {intent}; }}")
    page.wait_for_function("() => document.documentElement.dataset.dscalcRuntime === 'started'",
                           timeout=10_000)


@pytest.mark.parametrize("context", [PHONE], indirect=True)
def test_a_link_to_a_calculator_starts_python_at_once(page, base_url, watch):
    page.goto(base_url + "en/kv-cache/#dscalc-kv-cache")
    page.wait_for_function("() => document.documentElement.dataset.dscalcRuntime === 'started'",
                           timeout=10_000)


@pytest.mark.allow_console_errors  # the held-back script is reported as a failed load
@pytest.mark.parametrize("context", [PHONE], indirect=True)
@pytest.mark.parametrize("arrival", ["focus", "link"])
def test_python_starts_before_the_pages_script_for_a_reader_already_at_a_calculator(
        page, base_url, context, watch, arrival):
    # The page's script is held back: the inline starter after the form must act alone.
    context.route("**/assets/dscalc/dscalc.js", lambda route: route.abort())
    if arrival == "link":
        page.goto(base_url + "en/kv-cache/#dscalc-kv-cache")
    else:
        page.goto(base_url + "en/kv-cache/")
        assert not runtime_started(page)
        page.focus('form.dscalc [name="context_length"]')
    page.wait_for_function("() => document.documentElement.dataset.dscalcRuntime === 'started'",
                           timeout=10_000)
    for _ in range(BOOT_TIMEOUT_MS // 250):
        if any(url.endswith("pyodide.asm.wasm") for url in python_requests(watch)):
            break
        page.wait_for_timeout(250)
    assert any(url.endswith("pyodide.asm.wasm") for url in python_requests(watch))


@pytest.mark.allow_console_errors  # the held-back script is reported as a failed load
def test_an_edit_made_before_the_script_runs_is_answered_not_lost(page, base_url, context):
    context.route("**/assets/dscalc/dscalc.js", lambda route: route.abort())
    page.goto(base_url + "en/kv-cache/")
    page.fill('form.dscalc [name="context_length"]', "65536")
    context.unroute("**/assets/dscalc/dscalc.js")
    page.add_script_tag(url=base_url + "assets/dscalc/dscalc.js")
    page.wait_for_function("() => document.querySelector('form.dscalc').dataset.answers === '1'",
                           timeout=BOOT_TIMEOUT_MS)
    expected = run("kv-cache", {"context_length": 65536})["total_bytes"]
    assert output_value(page, "total_bytes") == expected


@pytest.mark.parametrize("context", [PHONE], indirect=True)
def test_a_reader_who_only_reads_downloads_no_search_index(page, base_url, watch):
    page.goto(base_url + "en/")
    page.wait_for_timeout(READING_MS)
    assert not [url for url in watch.gets if "search_index" in url]


def test_the_search_index_loads_when_the_reader_comes_for_search(page, base_url, watch):
    page.goto(base_url + "en/kv-cache/")
    page.wait_for_timeout(500)
    assert not [url for url in watch.gets if "search_index" in url]
    page.keyboard.press("/")  # Material's shortcut focuses the search field
    page.wait_for_function("() => document.documentElement.dataset.dscalcSearch === 'loading'", timeout=10_000)
    page.keyboard.type("cache")
    page.wait_for_selector(".md-search-result__item", timeout=60_000)
    assert [url for url in watch.gets if url.endswith("/en/search/search_index.json")]

