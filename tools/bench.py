"""Speed of the site as a reader meets it. Prints figures and ratios; asserts nothing.

    .venv/bin/python tools/bench.py site [--runs 3] [--pages kv-cache,moe] [--langs ja,en]
                                         [--skip lighthouse,reading,python]

Everything runs in one process against one local server (``tools/serve.py``: gzip and cache
headers as GitHub Pages sends them), so the ratios compare like with like.

- lighthouse: Lighthouse (``node_modules``, pinned in package.json) with its default settings —
  simulated mobile, throttled — per page and language; the median of ``--runs`` runs of the
  performance score, FCP, LCP, TBT, CLS and DOM size (single runs swing, so never one);
- reading: bytes the server sends to a phone-sized reader who opens the page and reads for
  ``--read-seconds`` (10) without scrolling or touching anything, and the page's element count;
- first result, (a): a cold reader (empty cache) who lands on the KV-cache page and edits a field
  at once: wall time from navigation to the live answer, beside a bare Pyodide boot navigated
  the same way on the same assets (its own page: loadPyodide + one runPython), and their ratio;
  also a bare boot of npm's Pyodide as shipped (its standard library as source, which the site
  serves precompiled: tools/precompile_python.mjs), from its own server of the same kind, and a
  run of the site's own worker alone on an empty page (it restores the memory snapshot, as it
  does for a reader unless their browser reports a slow link or Save-Data, and answers the
  KV-cache calculator once), with (a)'s ratio to it too: what the page itself adds;
  also for a reader who arrives by a link to the form (#dscalc-kv-cache), which is then on
  screen at first paint; and where (a)'s time goes, stage by stage, from the page's own record
  (when the edit started Python, the worker's boot, unpack, import and warm-up, the answer);
- first result, (b): a cold reader who scrolls to the calculator, reads for 8 s and then types
  a value: time from the edit to the answer on screen, the 120 ms typing debounce included;
- recompute: once Python is warm, from an input change to the new result (a select answers at
  once; a typed number waits for the 120 ms typing debounce, subtracted here);
- python: ``dscalc.web.evaluate`` with defaults per calculator in CPython (median of 50).
"""

from __future__ import annotations

import argparse
import json
import os
import posixpath
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import make_server, serve_in_background  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True,
         "has_touch": True}  # Lighthouse's emulated phone (Moto G Power)
BOOT_PAGE = """<!doctype html><meta charset="utf-8"><title>boot</title><script type="module">
const t0 = performance.now();
const { loadPyodide } = await import("./assets/pyodide/pyodide.mjs");
const py = await loadPyodide({ indexURL: new URL("./assets/pyodide/", location.href).href });
py.runPython("1 + 1");
window.bootMs = performance.now() - t0;
</script>"""
# For comparison only (the issue's ratio is against a bare boot): the site's own worker on an
# empty page, restoring the memory snapshot as it does for a reader, then answering the KV-cache
# calculator's defaults once. INIT is the init message the KV-cache page's form would send.
RESTORE_PAGE = """<!doctype html><meta charset="utf-8"><title>restore</title><script type="module">
const t0 = performance.now();
const init = INIT;
for (const key of ["pyodideBase", "wheelUrl", "snapshotUrl"]) init[key] = new URL(init[key], location.href).href;
const worker = new Worker("./assets/dscalc/worker.js", { type: "module" });
worker.onmessage = (event) => {
  if (event.data.type === "ready") {
    window.restored = event.data.timings.restored;
    worker.postMessage({ type: "run", id: 1, request: { id: "kv-cache", inputs: {}, lang: "en" } });
  } else if (event.data.type === "result") {
    window.bootMs = performance.now() - t0;
  }
};
worker.postMessage(init);
</script>"""
FIRST_FORM = "document.querySelector('form.dscalc')"
TYPING_DEBOUNCE_MS = 120  # docs/assets/dscalc/dscalc.js


def content_pages(site: Path) -> list[str]:
    """Every page of the navigation, by path below a language root ('' is the home page)."""
    pages = ["" if path.stem == "index" else f"{path.stem}/"
             for path in sorted((ROOT / "docs" / "ja").glob("*.md"))]
    notebooks = sorted((ROOT / "docs" / "ja" / "notebooks").glob("*.ipynb"))
    pages += [f"notebooks/{path.stem}/" for path in notebooks]
    return [page for page in pages if (site / page / "index.html").is_file()]


def page_url(base: str, lang: str, page: str) -> str:
    return base + ("" if lang == "ja" else "en/") + page


# ------------------------------------------------------------------ Lighthouse

LIGHTHOUSE_AUDITS = {"fcp": "first-contentful-paint", "lcp": "largest-contentful-paint",
                     "tbt": "total-blocking-time", "cls": "cumulative-layout-shift",
                     "nodes": "dom-size", "weight": "total-byte-weight"}


def lighthouse_once(url: str, chromium: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
             "--only-categories=performance,accessibility,best-practices,seo",
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
            check=True, env={**os.environ, "CHROME_PATH": chromium}, cwd=folder,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        result = json.loads(report.read_text(encoding="utf-8"))
    figures = {key: result["audits"][audit]["numericValue"] for key, audit in LIGHTHOUSE_AUDITS.items()}
    for category in ("performance", "accessibility", "best-practices", "seo"):
        figures[category] = round(100 * (result["categories"][category]["score"] or 0))
    return figures


def lighthouse_median(url: str, chromium: str, runs: int) -> dict:
    samples = [lighthouse_once(url, chromium) for _ in range(runs)]
    return {key: statistics.median(sample[key] for sample in samples) for key in samples[0]}


# ------------------------------------------------------------------ a reader who only reads

def reading_figures(browser, server, url: str, seconds: float) -> tuple[int, int]:
    """(bytes sent, elements) for a phone-sized reader who opens ``url`` and reads without
    scrolling or touching anything for ``seconds``."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    start = server.bytes_sent
    page.goto(url, wait_until="load")
    page.wait_for_timeout(seconds * 1000)
    sent = server.bytes_sent - start
    elements = page.evaluate("document.getElementsByTagName('*').length")
    context.close()
    return sent, elements


# ------------------------------------------------------------------ the first live result

def stock_pyodide_server():
    """A server of npm's Pyodide as shipped, laid out as the site lays out its own."""
    folder = Path(tempfile.mkdtemp(prefix="stock-pyodide-"))
    (folder / "assets").mkdir()
    (folder / "assets" / "pyodide").symlink_to(ROOT / "node_modules" / "pyodide")
    server = make_server(str(folder))
    serve_in_background(server)
    return server, folder, f"http://127.0.0.1:{server.server_port}/"


def kv_worker_init(site: Path) -> dict:
    """The init message the KV-cache page's form sends its worker, paths from the site root."""
    html = (site / "en" / "kv-cache" / "index.html").read_text(encoding="utf-8")
    named = dict(re.findall(r'data-(pyodide|wheel|wheel-sha256|snapshot|snapshot-sha256)="([^"]+)"', html))
    from_root = lambda path: posixpath.normpath(posixpath.join("en/kv-cache", path))  # noqa: E731
    return {"type": "init", "pyodideBase": from_root(named["pyodide"]) + "/",
            "wheelUrl": from_root(named["wheel"]), "wheelSha256": named["wheel-sha256"],
            "snapshotUrl": from_root(named["snapshot"]), "snapshotSha256": named["snapshot-sha256"],
            "warm": None, "lang": "en"}


def bare_boot_ms(browser, base: str, worker_init: dict | None = None) -> tuple[float, float]:
    """(wall time from navigation, time inside the page) of a bare Pyodide boot, cold; with
    ``worker_init``, of the site's worker alone restoring its snapshot and answering once."""
    context = browser.new_context()
    page = context.new_page()
    body = RESTORE_PAGE.replace("INIT", json.dumps(worker_init)) if worker_init else BOOT_PAGE
    page.route("**/__boot__.html", lambda route: route.fulfill(body=body, content_type="text/html"))
    start = time.perf_counter()
    page.goto(base + "__boot__.html", wait_until="commit")
    page.wait_for_function("() => window.bootMs !== undefined", timeout=180_000, polling=10)
    wall = (time.perf_counter() - start) * 1000
    inside = page.evaluate("window.bootMs")
    context.close()
    return wall, inside


# What the page reports of its own start (dscalc.js's dscalc:ready) and its first answer.
RECORD_START = """window.__bench = {};
document.addEventListener('dscalc:ready', (event) => { window.__bench.ready = event.detail; });
document.addEventListener('dscalc:result', () => {
  window.__bench.result = window.__bench.result || performance.now();
}, true);"""

#: The stages of (a), in order: (label, how many ms it took from the page's record).
STAGES = (
    ("page shown, reader's edit starts Python", lambda r: r["ready"]["startedAt"]),
    ("Pyodide boots (or restores) in the worker", lambda r: r["ready"]["steps"]["pyodide"]),
    ("dscalc wheel unpacked", lambda r: r["ready"]["steps"]["wheel"] - r["ready"]["steps"]["pyodide"]),
    ("dscalc imported", lambda r: r["ready"]["steps"]["import"] - r["ready"]["steps"]["wheel"]),
    ("page's calculator warmed", lambda r: r["ready"]["steps"]["warm"] - r["ready"]["steps"]["import"]),
    ("reader's answer on screen", lambda r: r["result"] - r["ready"]["readyAt"]),
)


def land_and_edit_ms(browser, base: str, anchor: str = "") -> tuple[float, dict]:
    """Cold navigation to the KV-cache page (or to ``anchor`` on it), an edit as soon as the field
    takes one, the answer: (wall ms, the page's own record of its start, for ``STAGES``)."""
    context = browser.new_context()
    context.add_init_script(RECORD_START)
    page = context.new_page()
    start = time.perf_counter()
    page.goto(base + "en/kv-cache/" + anchor, wait_until="commit")
    page.fill('form.dscalc [name="context_length"]', "65536")
    page.wait_for_function(f"() => {FIRST_FORM}.dataset.answers === '1'", timeout=180_000, polling=10)
    elapsed = (time.perf_counter() - start) * 1000
    record = page.evaluate("window.__bench")
    context.close()
    return elapsed, record


def print_stages(records: list[dict]) -> None:
    """Where (a)'s time goes, stage by stage (medians; page and worker clocks, so they need not
    add up to the wall time exactly)."""
    for label, took in STAGES:
        values = [took(record) for record in records if record.get("ready") and record.get("result")]
        if values:
            print(f"        {label:40s}: {statistics.median(values):7.0f} ms   (runs: {runs_text(values)})")


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


def scroll_read_edit_ms(browser, base: str, read_ms: int = 8000) -> float:
    """A cold phone-sized reader scrolls to the KV-cache calculator, reads, then edits: ms from
    the edit to the answer on screen (typing debounce included)."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(base + "en/kv-cache/", wait_until="load")
    page.mouse.wheel(0, 200)  # a reader's scroll, then the rest of the way
    page.evaluate(f"{FIRST_FORM}.scrollIntoView({{block: 'start'}})")
    page.wait_for_timeout(read_ms)
    # Typed, as a reader edits: the answer waits for the 120 ms typing debounce, counted here.
    elapsed = page.evaluate(CHANGE_AND_TIME, ["context_length", "65536", "input"])
    context.close()
    return elapsed


def recompute_ms(browser, base: str, changes: int = 15) -> tuple[list[float], list[float]]:
    """(select changes, typed changes minus the debounce), in ms, once Python is warm."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "en/kv-cache/?kv-cache.context_length=1000")
    page.wait_for_function(f"() => {FIRST_FORM}.dataset.answers === '1'", timeout=180_000)
    selects = [page.evaluate(CHANGE_AND_TIME, ["kv_dtype", "fp8" if step % 2 else "bf16", "change"])
               for step in range(changes)]
    typed = [page.evaluate(CHANGE_AND_TIME, ["context_length", str(2000 + step), "input"])
             - TYPING_DEBOUNCE_MS for step in range(changes)]
    context.close()
    return selects, typed


def python_ms(runs: int = 50) -> dict[str, float]:
    """Median ms of ``web.evaluate`` with defaults, per calculator, in CPython."""
    sys.path.insert(0, str(ROOT / "calculators"))
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


# ------------------------------------------------------------------ printing

def runs_text(values: list[float]) -> str:
    return ", ".join(f"{value:.0f}" for value in values)


def page_header(with_lighthouse: bool, with_reading: bool) -> str:
    head = f"{'page':24s} {'lang':4s}"
    if with_lighthouse:
        head += f" {'perf':>4s} {'FCP s':>6s} {'LCP s':>6s} {'TBT ms':>7s} {'CLS':>6s} {'a11y':>4s} {'bp':>4s} {'seo':>4s} {'LH nodes':>8s}"
    if with_reading:
        head += f" {'read 10 s, bytes':>17s} {'elements':>8s}"
    return head


def print_pages(rows: list[dict], with_lighthouse: bool, with_reading: bool) -> None:
    for row in rows:
        line = f"{(row['page'] or '(home)'):24s} {row['lang']:4s}"
        if with_lighthouse:
            lh = row["lighthouse"]
            line += (f" {lh['performance']:4.0f} {lh['fcp'] / 1000:6.2f} {lh['lcp'] / 1000:6.2f} {lh['tbt']:7.0f}"
                     f" {lh['cls']:6.3f} {lh['accessibility']:4.0f} {lh['best-practices']:4.0f} {lh['seo']:4.0f}"
                     f" {lh['nodes']:8.0f}")
        if with_reading:
            line += f" {row['read_bytes']:17,} {row['elements']:8,}"
        print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", nargs="?", default="site")
    parser.add_argument("--runs", type=int, default=3, help="runs per median (Lighthouse, cold starts)")
    parser.add_argument("--pages", default="", help="comma-separated page paths (default: every page)")
    parser.add_argument("--langs", default="ja,en")
    parser.add_argument("--read-seconds", type=float, default=10.0)
    parser.add_argument("--skip", default="", help="any of: lighthouse, reading, first, python")
    parser.add_argument("--chromium", default=os.environ.get("DSCALC_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    site = Path(args.site)
    pages = ([page.strip("/") + "/" if page.strip("/") else "" for page in args.pages.split(",")]
             if args.pages else content_pages(site))
    langs = [lang for lang in args.langs.split(",") if lang]
    from playwright.sync_api import sync_playwright

    if "python" not in skip:
        print("dscalc.web.evaluate with defaults (CPython, one language, median of 50):")
        for calc_id, milliseconds in python_ms().items():
            print(f"  {calc_id:28s}: {milliseconds:7.2f} ms")
    server = make_server(str(site))
    serve_in_background(server)
    base = f"http://127.0.0.1:{server.server_port}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        if "first" not in skip:
            print(f"\nfirst live result, cold, medians of {args.runs} (fresh browser context each; a bare boot "
                  "beside each run, so a busy machine slows both alike):")
            stock_server, stock_folder, stock_base = stock_pyodide_server()
            bare, stock, restore, landed, linked, scrolled = [], [], [], [], [], []
            worker_init = kv_worker_init(site)
            for _ in range(args.runs):
                bare.append(bare_boot_ms(browser, base))
                stock.append(bare_boot_ms(browser, stock_base)[0])
                restore.append(bare_boot_ms(browser, base, worker_init)[0])
                landed.append(land_and_edit_ms(browser, base))
                linked.append(land_and_edit_ms(browser, base, "#dscalc-kv-cache")[0])
                scrolled.append(scroll_read_edit_ms(browser, base))
            bare_wall = [wall for wall, _ in bare]
            landed, landed_records = [wall for wall, _ in landed], [record for _, record in landed]
            ratios = [mine / theirs for mine, theirs in zip(landed, bare_wall)]
            print(f"  bare Pyodide boot, navigation -> runPython : {statistics.median(bare_wall):7.0f} ms"
                  f"   (runs: {runs_text(bare_wall)}; inside the page {statistics.median(b for _, b in bare):.0f} ms)")
            print(f"  bare boot of npm's Pyodide as shipped      : {statistics.median(stock):7.0f} ms"
                  f"   (runs: {runs_text(stock)})")
            print(f"  the site's worker alone: restore + 1 answer: {statistics.median(restore):7.0f} ms"
                  f"   (runs: {runs_text(restore)})")
            print(f"  (a) land on KV page, edit at once -> answer: {statistics.median(landed):7.0f} ms"
                  f"   (runs: {runs_text(landed)}; {statistics.median(landed) / statistics.median(stock):.2f}"
                  " x the boot as shipped)")
            print(f"      ratio (a) / bare boot                  : {statistics.median(landed) / statistics.median(bare_wall):7.2f}"
                  f"   (run by run: {', '.join(f'{ratio:.2f}' for ratio in ratios)}; median {statistics.median(ratios):.2f})")
            restored = sum(bool(record.get("ready", {}).get("steps", {}).get("restored"))
                           for record in landed_records)
            print(f"      ratio (a) / the worker alone           : "
                  f"{statistics.median(landed) / statistics.median(restore):7.2f}"
                  f"   (the worker restored the snapshot in {restored} of {len(landed_records)} runs)")
            print("      where its time goes:")
            print_stages(landed_records)
            print(f"      the same, arriving by a link to the form : {statistics.median(linked):7.0f} ms"
                  f"   (ratio {statistics.median(linked) / statistics.median(bare_wall):.2f}; runs: {runs_text(linked)})")
            print(f"  (b) scroll to it, read 8 s, type -> answer : {statistics.median(scrolled):7.0f} ms"
                  f"   (runs: {runs_text(scrolled)})")
            selects, typed = recompute_ms(browser, base)
            print(f"  recompute after a select change           : {statistics.median(selects):7.1f} ms median, "
                  f"{max(selects):.1f} ms max over {len(selects)}")
            print(f"  recompute after typing, beyond debounce   : {statistics.median(typed):7.1f} ms median, "
                  f"{max(typed):.1f} ms max over {len(typed)}")
            stock_server.shutdown()
            shutil.rmtree(stock_folder)  # a symlink to node_modules/pyodide: only the link goes
        with_lighthouse, with_reading = "lighthouse" not in skip, "reading" not in skip
        if with_lighthouse or with_reading:
            print(f"\nper page (Lighthouse {('median of ' + str(args.runs)) if with_lighthouse else 'skipped'}; "
                  f"reading: phone viewport, {args.read_seconds:g} s without touching):")
            print(page_header(with_lighthouse, with_reading))
            rows = []
            for page in pages:
                for lang in langs:
                    url = page_url(base, lang, page)
                    row = {"page": page.rstrip("/"), "lang": lang}
                    if with_lighthouse:
                        row["lighthouse"] = lighthouse_median(url, args.chromium, args.runs)
                    if with_reading:
                        row["read_bytes"], row["elements"] = reading_figures(browser, server, url, args.read_seconds)
                    print_pages([row], with_lighthouse, with_reading)
                    rows.append(row)
            if with_lighthouse:
                perf = [row["lighthouse"]["performance"] for row in rows]
                worst = min(rows, key=lambda row: row["lighthouse"]["performance"])
                print(f"performance: lowest {min(perf):.0f} ({worst['page'] or '(home)'}, {worst['lang']}), "
                      f"median {statistics.median(perf):.0f}; largest CLS "
                      f"{max(row['lighthouse']['cls'] for row in rows):.3f}; most nodes "
                      f"{max(row['lighthouse']['nodes'] for row in rows):.0f}")
            if with_reading:
                print(f"reading {args.read_seconds:g} s: at most {max(row['read_bytes'] for row in rows):,} bytes")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
