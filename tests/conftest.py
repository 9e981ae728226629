"""Fixtures shared by the suites that read the built site (tests/site, tests/browser)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def site_dir() -> Path:
    site = ROOT / "site"
    if not (site / "index.html").exists() or not (site / "en" / "index.html").exists():
        pytest.fail("site/ is not built: run `make site` (make test does it first)")
    return site
