"""Small helpers shared by the browser tests."""

import json

READY = "f => f.dataset.state === 'ready' || f.dataset.state === 'error'"
# Cold Pyodide boot is 2-3 s here; a loaded CI machine can be several times slower.
BOOT_TIMEOUT_MS = 120_000


def form(page, calc_id="kv-cache"):
    return page.locator(f'form.dscalc[data-calc="{calc_id}"]').first


def wait_ready(page, calc_id="kv-cache"):
    page.wait_for_function(
        f"() => {{ const f = document.querySelector('form.dscalc[data-calc=\"{calc_id}\"]');"
        " return f && (f.dataset.state === 'ready' || f.dataset.state === 'error'); }",
        timeout=BOOT_TIMEOUT_MS)


def output_value(page, name, calc_id="kv-cache"):
    raw = form(page, calc_id).locator(f'output[name="{name}"]').get_attribute("data-value")
    return json.loads(raw)


def answers(page, calc_id="kv-cache"):
    """How many answers (results, field errors or a runtime failure) the form has shown."""
    return int(form(page, calc_id).get_attribute("data-answers") or 0)


def change_and_wait(page, field, value, output=None, calc_id="kv-cache"):
    """Type a value and wait until the form has shown the answer to it."""
    target = form(page, calc_id)
    before = answers(page, calc_id)
    control = target.locator(f'[name="{field}"]')
    if control.evaluate("c => c.tagName") == "SELECT":
        control.select_option(str(value))
    else:
        control.fill(str(value))
    page.wait_for_function(
        """([calc, before]) => {
            const f = document.querySelector(`form.dscalc[data-calc="${calc}"]`);
            return Number(f.dataset.answers || 0) > before;
        }""", arg=[calc_id, before], timeout=BOOT_TIMEOUT_MS)
