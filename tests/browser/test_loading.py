"""When Python starts: only when the reader comes for a calculator, and early enough that it is
ready when they get there (timings are `make bench`'s business, never asserted here)."""

import gzip
import hashlib
import re
import struct

import pytest
from dscalc import run

from helpers import BOOT_TIMEOUT_MS, change_and_wait, output_value

# Lighthouse's emulated phone: on it every calculator page opens on prose, its first form below.
PHONE = {"viewport": {"width": 412, "height": 823}, "is_mobile": True, "has_touch": True}
READING_MS = 3000
RUNTIME_FILES = ("worker.js", "pyodide.mjs", "pyodide.asm.wasm", "python_stdlib.zip", ".whl",
                 "python.snapshot")
# What the worker reports of its start (dscalc.js's dscalc:ready event), kept for the test.
RECORD_START = ("document.addEventListener('dscalc:ready', "
                "(event) => { window.__started = event.detail.steps; }, { once: true })")


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



def answer_once(page, base_url) -> dict:
    """Opens the English KV page, edits it, checks the answer against CPython's and returns what
    the worker reported of its start."""
    page.add_init_script(RECORD_START)
    page.goto(base_url + "en/kv-cache/")
    change_and_wait(page, "context_length", 65_536, "total_bytes")
    assert output_value(page, "total_bytes") == run("kv-cache", {"context_length": 65_536})["total_bytes"]
    return page.evaluate("window.__started")


def test_python_is_restored_from_its_memory_snapshot_and_answers_as_cpython_does(page, base_url, watch):
    assert answer_once(page, base_url)["restored"] is True
    assert len([url for url in watch.gets if url.endswith("python.snapshot")]) == 1


def test_a_reader_who_asks_to_save_data_gets_python_booted_without_the_snapshot(page, base_url, watch):
    page.add_init_script("Object.defineProperty(Navigator.prototype, 'connection', "
                         "{ get: () => ({ saveData: true, effectiveType: '4g', downlink: 10 }) })")
    assert answer_once(page, base_url)["restored"] is False
    assert not [url for url in watch.gets if url.endswith("python.snapshot")]


def forged_snapshot(real: bytes, how: str) -> bytes:
    stored = bytearray(gzip.decompress(real))  # the first page is stored: it holds the header
    if how == "garbage":
        return gzip.compress(bytes(stored[:4096]) + b"not Python's memory")
    pages = -(-struct.unpack_from("<I", stored, 4)[0] // struct.unpack_from("<I", stored, 8)[0])
    build_id = 12 + pages + 16  # the first stored page begins with Pyodide's header
    struct.pack_into("<I", stored, build_id, struct.unpack_from("<I", stored, build_id)[0] ^ 1)
    return gzip.compress(bytes(stored), compresslevel=1)


@pytest.mark.parametrize("how, page_names_it", [("garbage", False), ("another-pyodide", True)])
def test_a_snapshot_that_cannot_be_used_is_skipped_and_python_boots(page, base_url, context, how,
                                                                      page_names_it):
    """A snapshot that fails its checksum, or one that passes it (the page names it) but was made
    by another Pyodide, which Pyodide refuses: either way the reader still gets the answer."""
    served = {}

    def snapshot(route):
        served.setdefault("bytes", forged_snapshot(route.fetch().body(), how))
        route.fulfill(status=200, body=served["bytes"], headers={"Content-Type": "application/octet-stream"})

    def kv_page(route):
        html = route.fetch().text()
        if page_names_it:  # the page names the forged snapshot's sha256, so only Pyodide can refuse it
            real = context.request.get(base_url + "assets/dscalc/wheels/" + re.search(
                r'wheels/([^"]+/python\.snapshot)"', html).group(1)).body()
            served.setdefault("bytes", forged_snapshot(real, how))
            html = re.sub(r'data-snapshot-sha256="[0-9a-f]+"',
                          f'data-snapshot-sha256="{hashlib.sha256(served["bytes"]).hexdigest()}"', html)
        route.fulfill(status=200, body=html, headers={"Content-Type": "text/html; charset=utf-8"})

    context.route("**/python.snapshot", snapshot)
    context.route("**/en/kv-cache/", kv_page)
    assert answer_once(page, base_url)["restored"] is False
