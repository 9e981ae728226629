"""Hook: the assets and runtime the calculators need, built and copied into the site.

- ``docs/assets`` (scripts, CSS, diagrams) is published by both language builds.

- The ``dscalc`` wheel is built from the working tree (addressed by a hash of its sources, so a
  stale wheel is never served) and copied under ``assets/dscalc/wheels/``.
- Pyodide and KaTeX are copied from ``node_modules`` (pinned in ``package-lock.json``; nothing
  vendored is committed), once, at the site root (the Japanese build).
- Both the wheel and Pyodide's standard library are served as bytecode compiled by that same
  Pyodide (``tools/precompile_python.mjs``): a cold boot then compiles no Python in the reader's
  browser. The worker checks the wheel against the sha256 each form names before unpacking it.
- The same tool writes a Pyodide memory snapshot (``python.snapshot``, beside the wheel): a worker
  restores it instead of booting Python, unless the reader's browser reports a slow link or
  Save-Data (``docs/assets/dscalc/early.js``), and checks it against its sha256 first.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_state  # noqa: E402

ROOT = site_state.ROOT
NODE_MODULES = ROOT / "node_modules"
WHEEL_CACHE = ROOT / ".cache" / "wheels"
PRECOMPILED = ROOT / ".cache" / "precompiled"
PRECOMPILE_TOOL = ROOT / "tools" / "precompile_python.mjs"
SHARED_ASSETS = ROOT / "docs" / "assets"
#: gzip inside, decoded by the worker: served as application/octet-stream, which hosts leave alone.
SNAPSHOT_NAME = "python.snapshot"

#: Files of the npm ``pyodide`` package the browser needs (no console.html: it names a CDN).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json")
#: KaTeX runs in the browser only to typeset a formula a recompute changed; it writes MathML, so
#: neither its stylesheet nor its fonts are needed.
KATEX_FILES = ("katex.min.js",)


def on_config(config):
    state = site_state.of(config)
    state.wheel, state.stdlib_zip, state.snapshot = precompile(build_wheel())
    state.wheel_sha256 = hashlib.sha256(state.wheel.read_bytes()).hexdigest()
    state.snapshot_sha256 = hashlib.sha256(state.snapshot.read_bytes()).hexdigest()
    return config


def on_files(files, config):
    """The assets both languages share (docs/assets: the runtime's scripts, CSS, diagrams) live
    outside each language's docs_dir; each build publishes them."""
    for path in sorted(SHARED_ASSETS.rglob("*")):
        if path.is_file():
            files.append(File(str(path.relative_to(SHARED_ASSETS.parent)), str(SHARED_ASSETS.parent),
                              config.site_dir, config.use_directory_urls))
    return files


def source_digest() -> str:
    """Hash of everything that goes into the wheel, so a stale wheel can never be served."""
    digest = hashlib.sha256()
    paths = sorted((ROOT / "calculators").rglob("*.py")) + sorted(
        path for path in (ROOT / "data").rglob("*") if path.is_file())
    for path in paths + [ROOT / "pyproject.toml", ROOT / "hatch_build.py"]:
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_wheel() -> Path:
    target = WHEEL_CACHE / source_digest()
    wheels = sorted(target.glob("dscalc-*.whl")) if target.is_dir() else []
    if wheels:
        return wheels[0]
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(target), str(ROOT)],
        capture_output=True, text=True, check=False)
    wheels = sorted(target.glob("dscalc-*.whl"))
    if result.returncode != 0 or not wheels:
        raise PluginError(f"building the dscalc wheel failed:\n{result.stdout}\n{result.stderr}")
    return wheels[0]


def precompile(wheel: Path) -> tuple[Path, Path, Path]:
    """(the wheel as bytecode, Pyodide's python_stdlib.zip with the modules the calculators
    import as bytecode, the memory snapshot made on both), cached by wheel, Pyodide version and
    tool."""
    pyodide = NODE_MODULES / "pyodide"
    if not (pyodide / "pyodide.mjs").is_file():
        raise PluginError("node_modules/pyodide is missing: run `npm ci` (make setup)")
    key = hashlib.sha256(wheel.read_bytes() + (pyodide / "package.json").read_bytes()
                         + PRECOMPILE_TOOL.read_bytes()).hexdigest()[:16]
    target = PRECOMPILED / key
    outputs = target / wheel.name, target / "python_stdlib.zip", target / SNAPSHOT_NAME
    if all(path.is_file() for path in outputs):
        return outputs
    result = subprocess.run(["node", str(PRECOMPILE_TOOL), str(pyodide), str(wheel), str(target)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0 or not all(path.is_file() for path in outputs):
        raise PluginError(f"precompiling Python for the browser failed:\n{result.stdout}\n{result.stderr}")
    return outputs


def wheel_uri(state) -> str:
    """The wheel's path relative to this build's root."""
    return f"assets/dscalc/wheels/{state.wheel.parent.name}/{state.wheel.name}"


def snapshot_uri(state) -> str:
    """The memory snapshot's path relative to this build's root (beside its wheel)."""
    return f"assets/dscalc/wheels/{state.snapshot.parent.name}/{SNAPSHOT_NAME}"


def on_post_build(config):
    state = site_state.of(config)
    if state.site_root:
        # The wheel and the runtime live once, at the site root (the Japanese build); so do
        # Material's own scripts and stylesheets, which both builds produce byte for byte.
        share_theme_assets(Path(config.site_dir), state.site_root)
        return
    site = Path(config.site_dir)
    target = site / "assets" / "dscalc" / "wheels" / state.wheel.parent.name
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(state.wheel, target / state.wheel.name)
    shutil.copy2(state.snapshot, target / SNAPSHOT_NAME)
    copy_package_files("pyodide", PYODIDE_FILES, site / "assets" / "pyodide")
    shutil.copy2(state.stdlib_zip, site / "assets" / "pyodide" / "python_stdlib.zip")
    copy_package_files("katex/dist", KATEX_FILES, site / "assets" / "katex")


#: Material's files that both language builds write identically (lunr's language packs stay with
#: each build: its search worker loads them relative to that build).
THEME_FILES = re.compile(r"^assets/(stylesheets/[^/]+|javascripts/bundle\.[^/]+|javascripts/workers/[^/]+)$")
THEME_REFERENCE = re.compile(r'(?P<quote>["\'])(?P<up>(?:\.\./)*)(?P<path>assets/(?:stylesheets|javascripts/bundle|javascripts/workers)[^"\']*)')


def share_theme_assets(site: Path, site_root: str) -> None:
    """Point this build's pages at the root build's identical copies of Material's assets and
    remove its own, so a reader switching language downloads them once. Relative links keep the
    site working from any sub-path."""
    root = (site / site_root).resolve()
    shared = []
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        twin = root / relative
        if path.is_file() and THEME_FILES.match(relative) and twin.is_file() \
                and twin.read_bytes() == path.read_bytes():
            shared.append(path)
    if not shared:
        return
    extra = site_root.rstrip("/") + "/"
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        rewritten = THEME_REFERENCE.sub(
            lambda match: f"{match.group('quote')}{match.group('up')}{extra}{match.group('path')}", text)
        if rewritten != text:
            page.write_text(rewritten, encoding="utf-8")
    for path in shared:
        path.unlink()


def copy_package_files(package: str, names: tuple[str, ...], target: Path) -> None:
    source = NODE_MODULES / package
    missing = [name for name in names if not (source / name).is_file()]
    if missing:
        raise PluginError(f"node_modules/{package} lacks {missing}: run `npm ci` (make setup)")
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy2(source / name, target / name)
