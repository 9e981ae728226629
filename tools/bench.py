"""Speed of the calculators as a reader meets them. Prints figures and ratios; asserts nothing.

    .venv/bin/python tools/bench.py site [--runs 3]

- cold: navigation to the first result computed by Python in the browser (empty cache, a URL
  that carries a scenario, so the page computes as soon as it can);
- boot: bare Pyodide on the same assets and server (loadPyodide + one runPython);
- their ratio: what our page adds on top of Pyodide itself (wheel, worker, dscalc import);
- recompute: latency from an input change to the new result, once Python is warm;
- bytes: sent by the server for one cold visit to a page without a calculator, and to a page
  with one, before and after Python loads. The local server does not compress; GitHub Pages
  and CDNs send gzip, which shrinks the Pyodide runtime to roughly half.
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


def recompute_ms(browser, base: str, changes: int = 15) -> list[float]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "en/kv-cache/?kv-cache.context_length=1000")
    page.wait_for_function("() => document.querySelector('form.dscalc').dataset.answers === '1'",
                           timeout=180_000)
    timings = []
    for step in range(changes):
        before = int(page.get_attribute("form.dscalc", "data-answers"))
        start = time.perf_counter()
        page.fill('form.dscalc [name="context_length"]', str(2000 + step))
        page.wait_for_function(f"() => Number(document.querySelector('form.dscalc').dataset.answers) > {before}",
                               timeout=30_000)
        timings.append((time.perf_counter() - start) * 1000)
    context.close()
    return timings


def page_bytes(browser, server, base: str, path: str, compute: bool) -> int:
    """Body bytes the server sent for one cold visit (the worker's downloads included)."""
    context = browser.new_context()
    page = context.new_page()
    start = server.bytes_sent
    page.goto(base + path, wait_until="networkidle")
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

    server = make_server(args.site)
    serve_in_background(server)
    base = f"http://127.0.0.1:{server.server_port}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        cold = [cold_first_result_ms(browser, base) for _ in range(args.runs)]
        boot = [bare_boot_ms(browser, base) for _ in range(args.runs)]
        recompute = recompute_ms(browser, base)
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
    print(f"recompute per input change             : {statistics.median(recompute):8.1f} ms median, "
          f"{max(recompute):.1f} ms max over {len(recompute)} changes (includes the 120 ms input debounce)")
    print(f"bytes, page without calculator (en/)   : {plain:>10,}")
    print(f"bytes, calculator page before Python   : {static:>10,}")
    print(f"bytes, calculator page with Python     : {live:>10,}")
    print(f"ratio with Python / without calculator : {live / plain:8.1f}")


if __name__ == "__main__":
    main()
