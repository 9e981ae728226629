"""The README describes the package as it is (read from the repository, so not run in Pyodide)."""

import re
from pathlib import Path

import dscalc

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_lists_every_calculator():
    listed = re.findall(r"^\| `([a-z0-9-]+)` \|", README.read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(listed) == sorted(calc.id for calc in dscalc.calculators()), \
        "README's calculator table names exactly the registered calculators, once each"


def test_the_readme_keeps_no_placeholder():
    assert "BENCH_FIGURES" not in README.read_text(encoding="utf-8")
