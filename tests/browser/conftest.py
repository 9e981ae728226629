"""Playwright + Debian Chromium against the built site, served on loopback.

Every page a test opens is watched: a request to any origin other than the test server, or a
console error, fails the test.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from serve import make_server, serve_in_background  # noqa: E402

CHROMIUM = os.environ.get("DSCALC_CHROMIUM", "/usr/bin/chromium")
# Flags from the feasibility notes: no background traffic to Google, no sandbox as root.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _server(site_dir: Path, prefix: str = "/"):
    server = make_server(site_dir, prefix=prefix)
    serve_in_background(server)
    return server


def built_for_port(site_dir: Path) -> int:
    """The loopback port in the site's site_url (0 if it was built for elsewhere).

    Material's instant navigation only intercepts links when the page is served at site_url.
    """
    match = re.search(r"<loc>http://127\.0\.0\.1:(\d+)/", (site_dir / "sitemap.xml").read_text())
    return int(match.group(1)) if match else 0


@pytest.fixture(scope="session")
def site_server(site_dir):
    port = built_for_port(site_dir)
    try:
        server = make_server(site_dir, port=port)
    except OSError as error:
        pytest.fail(f"port {port} (the site's site_url) is busy: {error}. Stop what uses it, or rebuild "
                    "with another SITE_URL / TEST_PORT.")
    serve_in_background(server)
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def base_url(site_server):
    return f"http://127.0.0.1:{site_server.server_port}/"


@pytest.fixture(scope="session")
def subpath_base_url(site_dir):
    server = _server(site_dir, "/dscalc-site/")
    yield f"http://127.0.0.1:{server.server_port}/dscalc-site/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` or set DSCALC_CHROMIUM")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watch:
    """What a page did: requests, console errors, uncaught exceptions."""

    def __init__(self):
        self.requests: list[str] = []
        self.gets: list[str] = []
        self.downloads: list[str] = []  # GETs whose whole response arrived (not aborted)
        self.errors: list[str] = []

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests
                if urlparse(url).scheme not in ("data", "blob", "about")
                and urlparse(url).hostname != "127.0.0.1"]


@pytest.fixture
def watch():
    return Watch()


@pytest.fixture
def context(browser, watch, request):
    # Wide enough for Material's sidebars and header search field (html is 125% font size).
    options = {"viewport": {"width": 1600, "height": 1000}, **(getattr(request, "param", {}) or {})}
    context = browser.new_context(**options)
    context.on("request", lambda req: watch.requests.append(req.url))
    context.on("request", lambda req: watch.gets.append(req.url) if req.method == "GET" else None)
    context.on("requestfinished",
               lambda req: watch.downloads.append(req.url) if req.method == "GET" else None)
    context.on("console", lambda msg: watch.errors.append(msg.text) if msg.type == "error" else None)
    context.on("weberror", lambda err: watch.errors.append(str(err.error)))
    yield context
    context.close()
    assert watch.foreign_requests() == [], "the page contacted another origin"


@pytest.fixture
def page(context, watch, request):
    page = context.new_page()
    page.on("pageerror", lambda exc: watch.errors.append(f"uncaught: {exc}"))
    yield page
    if "allow_console_errors" not in request.keywords:
        assert watch.errors == [], "console errors on the page"
