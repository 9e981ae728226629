"""The KV-cache calculator in a real browser: prerender, live Python, errors, URL state."""

import pytest

import dscalc
import dscalc.web
from helpers import BOOT_TIMEOUT_MS, change_and_wait, form, output_value, wait_ready


@pytest.mark.parametrize("context", [{"java_script_enabled": False}], indirect=True)
def test_prerendered_result_is_in_the_page_without_javascript(page, base_url):
    page.goto(base_url + "kv-cache/")
    assert form(page).get_attribute("data-state") == "static"
    assert output_value(page, "total_bytes") == dscalc.run("kv-cache")["total_bytes"]
    assert output_value(page, "bytes_per_token") == 70_272


@pytest.mark.parametrize("lang_prefix", ["", "en/"])
def test_changing_the_context_recomputes_exactly_what_cpython_computes(page, base_url, lang_prefix):
    page.goto(base_url + lang_prefix + "kv-cache/")
    change_and_wait(page, "context_length", 65_536, "total_bytes")
    assert form(page).get_attribute("data-state") == "ready"
    assert output_value(page, "total_bytes") == dscalc.run("kv-cache", {"context_length": 65_536})["total_bytes"]
    shown = form(page).locator('output[name="total_bytes"]').inner_text()
    assert shown == dscalc.web.evaluate("kv-cache", {"context_length": 65_536})["display"]["total_bytes"]


def test_choosing_a_preset_recomputes(page, base_url):
    page.goto(base_url + "en/kv-cache/")
    form(page).locator('[name="model"]').select_option("qwen2.5-72b")
    page.wait_for_function(
        "() => document.querySelector('output[name=bytes_per_token]').dataset.value === '327680'",
        timeout=BOOT_TIMEOUT_MS)


def test_pasting_a_config_switches_the_preset_to_custom(page, base_url):
    page.goto(base_url + "en/kv-cache/")
    config = '{"num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8}'
    change_and_wait(page, "config", config, "bytes_per_token")
    assert form(page).locator('[name="model"]').input_value() == "custom"
    assert output_value(page, "bytes_per_token") == 2 * 2 * 2 * 8 * 2


@pytest.mark.parametrize("lang_prefix, words", [("", "数値"), ("en/", "not a number")])
def test_a_bad_value_shows_a_message_next_to_its_field_in_the_page_language(page, base_url,
                                                                             lang_prefix, words):
    page.goto(base_url + lang_prefix + "kv-cache/")
    change_and_wait(page, "context_length", 65_536, "total_bytes")
    good = output_value(page, "total_bytes")
    change_and_wait(page, "context_length", "lots", "total_bytes")
    target = form(page)
    message = target.locator('[data-error-for="context_length"]').inner_text()
    assert words in message
    assert target.locator('[name="context_length"]').get_attribute("aria-invalid") == "true"
    assert output_value(page, "total_bytes") == good, "other outputs keep their last good values"
    change_and_wait(page, "context_length", 1024, "total_bytes")
    assert target.locator('[data-error-for="context_length"]').inner_text() == ""
    assert target.locator('[name="context_length"]').get_attribute("aria-invalid") is None


def test_the_scenario_is_in_the_url_and_a_shared_link_restores_it(page, base_url):
    page.goto(base_url + "en/kv-cache/")
    change_and_wait(page, "context_length", 12_345, "total_bytes")
    assert "kv-cache.context_length=12345" in page.url
    shared = page.url
    page.goto("about:blank")
    page.goto(shared)
    wait_ready(page)
    assert form(page).locator('[name="context_length"]').input_value() == "12345"
    assert output_value(page, "total_bytes") == dscalc.run("kv-cache", {"context_length": 12_345})["total_bytes"]


def test_values_from_the_url_are_validated_and_never_injected(page, base_url):
    page.goto(base_url + 'en/kv-cache/?kv-cache.model=%3Cimg%20src%3Dx%20onerror%3D%22window.pwned%3D1%22%3E'
              '&kv-cache.batch_size=-3')
    wait_ready(page)
    assert page.evaluate("window.pwned") is None
    assert page.locator("img[src=x]").count() == 0
    errors = form(page).locator("[data-error-for]").all_inner_texts()
    assert any(text for text in errors), "an invalid value from the URL shows a message"


def test_the_runtime_loads_once_across_two_calculator_pages(page, base_url, site_server):
    site_server.requests.clear()
    page.goto(base_url + "en/kv-cache/")
    change_and_wait(page, "context_length", 2048, "total_bytes")
    # Material's instant navigation: follow in-site links without a full reload.
    time_origin = page.evaluate("performance.timeOrigin")
    old_form = form(page).element_handle()
    link = page.locator('a.md-nav__link[href$="/en/mla/"]:visible').first
    for _ in range(3):  # under load a click can land before Material has bound its handlers
        link.click()
        try:
            page.wait_for_function("() => location.pathname.endsWith('/en/mla/')", timeout=15_000)
            break
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: click again
            continue
    page.wait_for_function("old => !old.isConnected && document.querySelector('form.dscalc[data-bound]')",
                           arg=old_form)
    change_and_wait(page, "context_length", 4096, "total_bytes")
    assert form(page).get_attribute("data-state") == "ready"
    # What the server sent (the browser's cache answers the rest): one runtime, one wheel.
    served = [path for method, path in site_server.requests if method == "GET"]
    wasm = [path for path in served if path.endswith("pyodide.asm.wasm")]
    assert len(wasm) == 1, wasm
    wheels = [path for path in served if path.endswith(".whl")]
    assert page.evaluate("performance.timeOrigin") == time_origin, "no full page load in between"
    assert len(wheels) == 1, wheels


def test_the_keyboard_alone_can_change_a_value(page, base_url):
    page.goto(base_url + "en/kv-cache/")
    field = form(page).locator('[name="batch_size"]')
    field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("4")
    page.keyboard.press("Tab")
    page.wait_for_function(
        "() => document.querySelector('output[name=total_bytes]').dataset.value === String(70272 * 32768 * 4)",
        timeout=BOOT_TIMEOUT_MS)


@pytest.mark.allow_console_errors
@pytest.mark.parametrize("failure, words", [
    ("mime", "MIME"),
    ("missing", "missing"),
    ("tampered", "checksum"),
])
def test_when_pyodide_cannot_load_the_form_says_so_and_keeps_the_prerender(page, base_url, failure, words):
    if failure == "tampered":  # a wheel that is not the one the page names is never unpacked
        page.route("**/*.whl", lambda route: route.fulfill(
            status=200, body=b"PK\x05\x06" + bytes(18), headers={"Content-Type": "application/zip"}))
    elif failure == "mime":
        page.route("**/pyodide.asm.wasm", lambda route: route.fulfill(
            status=200, body=b"\0asm", headers={"Content-Type": "text/plain"}))
    else:
        page.route("**/pyodide.asm.wasm", lambda route: route.fulfill(status=404, body=b"gone"))
    page.goto(base_url + "en/kv-cache/")
    prerendered = output_value(page, "total_bytes")
    form(page).locator('[name="context_length"]').fill("2048")
    page.wait_for_function("() => document.querySelector('form.dscalc').dataset.state === 'error'",
                           timeout=BOOT_TIMEOUT_MS)
    status = form(page).locator(".dscalc-status").inner_text()
    assert words in status
    assert output_value(page, "total_bytes") == prerendered


@pytest.mark.allow_console_errors
def test_a_stalled_runtime_times_out_in_words(page, base_url):
    page.add_init_script("window.DSCALC_TIMEOUT_MS = 3000")
    stalled = []
    page.route("**/python_stdlib.zip", lambda route: stalled.append(route))  # held, never answered
    page.goto(base_url + "en/kv-cache/")
    form(page).locator('[name="context_length"]').fill("2048")
    page.wait_for_function("() => document.querySelector('form.dscalc').dataset.state === 'error'",
                           timeout=30_000)
    assert "in time" in form(page).locator(".dscalc-status").inner_text()


def test_the_site_works_from_a_sub_path(page, subpath_base_url):
    page.goto(subpath_base_url + "en/kv-cache/")
    change_and_wait(page, "context_length", 8192, "total_bytes")
    assert output_value(page, "total_bytes") == 70_272 * 8192
    switch = page.locator('a.md-select__link[hreflang="ja"]')
    # The same page in the other language, with the scenario carried along.
    assert switch.evaluate("a => a.href") == subpath_base_url + "kv-cache/?kv-cache.context_length=8192"
