"""What broke before: hostile URLs, a page left while Python loads, hosts that refuse HEAD,
a runtime that stalls, and pasted configs too long for a link. Each test failed on the old main."""

import json

import pytest

from helpers import change_and_wait, form, wait_ready


def test_a_deeply_nested_config_in_the_url_gets_a_message_not_a_dead_runtime(page, base_url):
    page.goto(base_url + "en/kv-cache/?kv-cache.config=" + "%5B" * 3000)
    wait_ready(page)
    message = form(page).locator('[data-error-for="config"]').inner_text()
    assert "nested too deeply" in message
    # The runtime is still alive: the next change computes.
    change_and_wait(page, "config", "", "total_bytes")
    change_and_wait(page, "context_length", 2048, "total_bytes")
    assert form(page).get_attribute("data-state") == "ready"


def test_leaving_a_page_while_python_loads_never_writes_its_values_into_the_next_url(page, base_url):
    page.goto(base_url + "en/kv-cache/?kv-cache.context_length=4097")
    # Leave at once, by instant navigation, before the runtime has answered the form.
    page.locator('a.md-nav__link[href$="/en/mla/"]:visible').first.click()
    page.wait_for_function("() => location.pathname.endsWith('/en/mla/')", timeout=30_000)
    # Once the runtime is up on the new page, the abandoned form's answer has come and gone.
    change_and_wait(page, "context_length", 8192, "total_bytes")
    assert "4097" not in page.url
    assert "context_length=8192" in page.url


@pytest.mark.allow_console_errors
def test_a_host_that_refuses_head_still_loads_python(page, base_url):
    def refuse_head(route):
        if route.request.method == "HEAD":
            route.fulfill(status=405, body=b"")
        else:
            route.continue_()
    page.route("**/pyodide.asm.wasm", refuse_head)
    page.goto(base_url + "en/kv-cache/")
    change_and_wait(page, "context_length", 1024, "total_bytes")
    assert form(page).get_attribute("data-state") == "ready"


@pytest.mark.allow_console_errors
def test_a_stalled_runtime_says_it_is_still_loading_before_it_gives_up(page, base_url):
    page.add_init_script("window.DSCALC_SLOW_MS = 1000; window.DSCALC_TIMEOUT_MS = 60000")
    page.route("**/python_stdlib.zip", lambda route: None)  # held, never answered
    page.goto(base_url + "en/kv-cache/")
    form(page).locator('[name="context_length"]').fill("2048")
    page.wait_for_function(
        "() => document.querySelector('.dscalc-status').textContent.includes('taking a while')",
        timeout=20_000)
    assert form(page).get_attribute("data-state") == "loading"


def test_a_long_pasted_config_stays_out_of_the_shareable_url(page, base_url):
    page.goto(base_url + "en/kv-cache/")
    config = {"num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8,
              "padding": "x" * 70_000}
    change_and_wait(page, "config", json.dumps(config), "bytes_per_token")
    assert form(page).locator('output[name="bytes_per_token"]').get_attribute("data-value") == str(2 * 2 * 2 * 8 * 2)
    assert len(page.url) < 2000
    assert "model=custom" in page.url  # the short values still make the link


def test_every_page_carries_a_content_security_policy(page, base_url):
    page.goto(base_url + "en/kv-cache/")
    policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    # The runtime, KaTeX and the charts all work under it (a violation is a console error).
    change_and_wait(page, "context_length", 100_000, "total_bytes")
    assert form(page).get_attribute("data-state") == "ready"
    assert form(page).locator(".dscalc-formula .katex").count() >= 2
