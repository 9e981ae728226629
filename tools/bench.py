"""Speed of the calculators as a reader meets them. Prints figures and ratios; asserts nothing.

    .venv/bin/python tools/bench.py site [--runs 3]

- python: ``dscalc.web.evaluate`` with defaults, one language, per calculator, in CPython
  (median of 50 after one warm-up) — the work behind every prerendered form and every recompute;
- cold: navigation to the first result computed by Python in the browser (empty cache, a URL
  that carries a scenario, so the page computes as soon as it can);
- boot: bare Pyodide on the same assets and server (loadPyodide + one runPython);
- their ratio: what our page adds on top of Pyodide itself (wheel, worker, dscalc import);
- recompute: in-page time from an input change to the new result on screen, once Python is
  warm: a select (answered at once) and a typed number (the 120 ms typing debounce subtracted);
- bytes: sent by the server (gzip, as GitHub Pages sends) for one cold visit to a page without a
  calculator, and to a page with one, before and after Python loads.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import make_server, serve_in_background  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BOOT_PAGE = """<!doctype html><meta charset="utf-8"><title>boot</title><script type="module">
const t0 = performance.now();
const { loadPyodide } = await import("./assets/pyodide/pyodide.mjs");
const py = await loadPyodide({ indexURL: new URL("./assets/pyodide/", location.href).href });
py.runPython("1 + 1");
window.bootMs = performance.now() - t0;
</script>"""


def cold_first_result_ms(browser, base: str) -> float:
    context = browser.new_context()
    page = context.new_page()
    start = time.perf_counter()
    page.goto(base + "en/kv-cache/?kv-cache.context_length=65536")
    page.wait_for_function("() => document.querySelector('form.dscalc').dataset.answers === '1'",
                           timeout=180_000)
    elapsed = (time.perf_counter() - start) * 1000
    context.close()
    return elapsed


def bare_boot_ms(browser, base: str) -> float:
    context = browser.new_context()
    page = context.new_page()
    page.route("**/__boot__.html", lambda route: route.fulfill(body=BOOT_PAGE, content_type="text/html"))
    page.goto(base + "__boot__.html")
    page.wait_for_function("() => window.bootMs !== undefined", timeout=180_000)
    value = page.evaluate("window.bootMs")
    context.close()
    return value


TYPING_DEBOUNCE_MS = 120  # docs/assets/dscalc/dscalc.js

# Time, inside the page, from an input event to the form's next result (dscalc:result).
CHANGE_AND_TIME = """async ([name, value, kind]) => {
  const form = document.querySelector('form.dscalc');
  const control = form.querySelector(`[name="${name}"]`);
  const done = new Promise((resolve) => form.addEventListener('dscalc:result', resolve, { once: true }));
  const start = performance.now();
  control.value = value;
  control.dispatchEvent(new Event(kind, { bubbles: true }));
  await done;
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  return performance.now() - start;
}"""


def recompute_ms(browser, base: str, changes: int = 15) -> tuple[list[float], list[float]]:
    """(select changes, typed changes minus the debounce), in ms."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "en/kv-cache/?kv-cache.context_length=1000")
    page.wait_for_function("() => document.querySelector('form.dscalc').dataset.answers === '1'",
                           timeout=180_000)
    selects = [page.evaluate(CHANGE_AND_TIME, ["kv_dtype", "fp8" if step % 2 else "bf16", "change"])
               for step in range(changes)]
    typed = [page.evaluate(CHANGE_AND_TIME, ["context_length", str(2000 + step), "input"])
             - TYPING_DEBOUNCE_MS for step in range(changes)]
    context.close()
    return selects, typed


def python_ms(runs: int = 50) -> dict[str, float]:
    """Median ms of ``web.evaluate`` with defaults, per calculator, in CPython."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "calculators"))
    import dscalc
    from dscalc import web
    timings = {}
    for calc in dscalc.calculators():
        web.evaluate(calc.id, {}, "ja")
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            web.evaluate(calc.id, {}, "ja")
            samples.append((time.perf_counter() - start) * 1000)
        timings[calc.id] = statistics.median(samples)
    return timings


def page_bytes(browser, server, base: str, path: str, compute: bool) -> int:
    """Body bytes the server sent for one cold visit (the worker's downloads included)."""
    context = browser.new_context()
    page = context.new_page()
    start = server.bytes_sent
    # Without compute: what the page needs to be read (up to its load event; the runtime starts
    # only after that, when the browser is idle).
    page.goto(base + path, wait_until="networkidle" if compute else "load")
    if compute:
        page.fill('form.dscalc [name="context_length"]', "2048")
        page.wait_for_function("() => document.querySelector('form.dscalc').dataset.state === 'ready'",
                               timeout=180_000)
        page.wait_for_load_state("networkidle")
    context.close()
    return server.bytes_sent - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", nargs="?", default="site")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    python = python_ms()
    print("dscalc.web.evaluate with defaults (CPython, one language, median of 50):")
    for calc_id, milliseconds in python.items():
        print(f"  {calc_id:28s}: {milliseconds:7.2f} ms")
    server = make_server(args.site)
    serve_in_background(server)
    base = f"http://127.0.0.1:{server.server_port}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        cold = [cold_first_result_ms(browser, base) for _ in range(args.runs)]
        boot = [bare_boot_ms(browser, base) for _ in range(args.runs)]
        selects, typed = recompute_ms(browser, base)
        plain = page_bytes(browser, server, base, "en/", compute=False)
        static = page_bytes(browser, server, base, "en/kv-cache/", compute=False)
        live = page_bytes(browser, server, base, "en/kv-cache/", compute=True)
        browser.close()
    server.shutdown()

    cold_ms, boot_ms = statistics.median(cold), statistics.median(boot)
    print(f"runs: {args.runs} (medians; cold runs use a fresh browser context each)")
    print(f"cold navigation -> first Python result : {cold_ms:8.0f} ms   (runs: {', '.join(f'{v:.0f}' for v in cold)})")
    print(f"bare Pyodide boot (load + runPython)   : {boot_ms:8.0f} ms   (runs: {', '.join(f'{v:.0f}' for v in boot)})")
    print(f"ratio cold / bare boot                 : {cold_ms / boot_ms:8.2f}")
    print(f"recompute after a select change        : {statistics.median(selects):8.1f} ms median, "
          f"{max(selects):.1f} ms max over {len(selects)} changes (no debounce)")
    print(f"recompute after typing, beyond debounce: {statistics.median(typed):8.1f} ms median, "
          f"{max(typed):.1f} ms max over {len(typed)} changes")
    print(f"bytes (gzip), page without calculator  : {plain:>10,}")
    print(f"bytes (gzip), calculator page, static  : {static:>10,}")
    print(f"bytes (gzip), calculator page, Python  : {live:>10,}")
    print(f"ratio with Python / without calculator : {live / plain:8.1f}")


if __name__ == "__main__":
    main()
