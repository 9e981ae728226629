"""The unit and property tests, run again inside Pyodide (Python 3.14 compiled to WebAssembly).

This is the interpreter and the wheel the browser loads, so a pass here means the pages run the
code that the rest of the suite tests.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYODIDE = ROOT / "node_modules" / "pyodide"
WHEELS = ROOT / ".cache" / "pyodide-wheels"


@pytest.fixture(scope="module")
def dscalc_wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out),
                    str(ROOT)], check=True, capture_output=True)
    return next(out.glob("dscalc-*.whl"))


# The whole unit and property suite runs inside Pyodide: minutes, not the default 300 s per test.
@pytest.mark.timeout(1500)
def test_unit_and_property_tests_pass_inside_pyodide(dscalc_wheel, tmp_path):
    if not (PYODIDE / "pyodide.asm.wasm").exists():
        pytest.fail("node_modules/pyodide is missing: run `npm ci` (make setup)")
    wheels = sorted(WHEELS.glob("*.whl"))
    if not any(w.name.startswith("pytest-") for w in wheels):
        pytest.fail(f"no pytest wheel in {WHEELS}: run `make test` (it downloads them)")
    # Only the suites that need nothing but dscalc, pytest and hypothesis.
    tests = tmp_path / "tests"
    for suite in ("unit", "property"):
        shutil.copytree(ROOT / "tests" / suite, tests / suite)
    result = subprocess.run(
        ["node", str(ROOT / "tests" / "pyodide" / "run_tests.mjs"), str(PYODIDE) + "/",
         str(dscalc_wheel), *map(str, wheels), "--", str(tests),
         "-q", "-p", "no:cacheprovider", "/tests/unit", "/tests/property"],
        capture_output=True, text=True, timeout=1200)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "dscalc from /lib/python3" in output, "dscalc must come from the wheel, not the source tree"
    passed = re.search(r"(\d+) passed", output)
    assert passed and int(passed.group(1)) > 100, output[-2000:]
