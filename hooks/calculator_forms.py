"""Hook: ```` ```dscalc ID ```` blocks become calculator forms with their results already in.

The block's optional YAML body gives input values (``fact:ID`` takes a value from ``data/``).
The results are computed now by ``dscalc.web.evaluate`` — the function the browser worker calls
later — and the form is rendered from ``overrides/partials/dscalc/form.html``. Each calculator's
module also becomes a "Python source" page, one click from its form.
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
from pathlib import Path

import jinja2
import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_state  # noqa: E402
import vendoring  # noqa: E402
from dscalc import web  # noqa: E402

ROOT = site_state.ROOT
FENCE = re.compile(r"^```dscalc[ \t]+(?P<id>[a-z0-9-]+)[ \t]*\n(?P<body>.*?)^```[ \t]*$",
                   re.MULTILINE | re.DOTALL)
SOURCE_HEADING = {"ja": "Python ソース", "en": "Python source"}
#: Inlined after each form (the CSP allows it by hash): starts Python at first paint for a form
#: the reader sees on opening the page, before the page's scripts have loaded.
EARLY_SCRIPT = (ROOT / "docs" / "assets" / "dscalc" / "early.js").read_text(encoding="utf-8")

_TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "overrides"),
                                autoescape=True, undefined=jinja2.StrictUndefined)


def on_files(files, config):
    state = site_state.of(config)
    for path in sorted({calc["source_module"] for calc in web.catalogue(state.lang)}):
        files.append(File.generated(config, source_page_uri(path),
                                    content=source_page_markdown(path, state.lang)))
    return files


def source_page_uri(module_path: str) -> str:
    return f"source/{Path(module_path).stem}.md"


def source_page_markdown(module_path: str, lang: str) -> str:
    code = (ROOT / "calculators" / module_path).read_text(encoding="utf-8")
    # Kept out of the search index: readers search for words, and the code (about 400 KB) would
    # double the index every searcher downloads; each page is one click from its calculator.
    return (f"---\nsearch:\n  exclude: true\n---\n\n# {SOURCE_HEADING[lang]}: `{module_path}`\n\n"
            f"````python\n{code}\n````\n")


def on_page_markdown(markdown: str, page, config, files):
    state = site_state.of(config)
    return site_state.lift_blocks(state, "form", FENCE, markdown, page,
                                  lambda match: (match.group("id"), match.group("body")))


def on_page_content(content: str, page, config, files):
    state = site_state.of(config)
    counts: dict[str, int] = {}

    def render(block) -> str:
        calc_id, body = block
        counts[calc_id] = counts.get(calc_id, 0) + 1
        instance = calc_id if counts[calc_id] == 1 else f"{calc_id}-{counts[calc_id]}"
        return render_form(state, calc_id, parse_body(state, calc_id, body, page), instance, page)

    return site_state.put_back(state, "form", content, page, render)


def parse_body(state, calc_id: str, body: str, page) -> dict:
    where = page.file.src_uri
    try:
        values = yaml.safe_load(body) if body.strip() else {}
    except yaml.YAMLError as exc:
        raise PluginError(f"{where}: the dscalc {calc_id} block is not YAML: {exc}") from None
    if not isinstance(values, dict):
        raise PluginError(f"{where}: the dscalc {calc_id} block must map inputs to values")
    return {name: state.resolve(value, where) for name, value in values.items()}


def page_relative(page, target: str) -> str:
    """``target`` (relative to this build's root, possibly starting with ``../``) from ``page``."""
    to_root = get_relative_url(".", page.url or ".")
    return posixpath.normpath(posixpath.join(to_root, target)) + ("/" if target.endswith("/") else "")


def _control_text(kind: str, value) -> str:
    """What a control shows for a cleaned input value."""
    if value is None:
        return ""
    if kind == "config":
        return json.dumps(value, indent=2, ensure_ascii=False)
    if kind == "numbers":
        return ", ".join(f"{item:g}" for item in value)
    return str(value)


def render_form(state, calc_id: str, author_inputs: dict, instance: str, page) -> str:
    where = page.file.src_uri
    try:
        calc = web.describe(calc_id, state.lang)
    except Exception:  # noqa: BLE001 - an unknown id is reported with the page's name
        raise PluginError(f"{where}: unknown calculator {calc_id!r}") from None
    answer = web.evaluate(calc_id, author_inputs, state.lang)
    if not answer["ok"]:
        raise PluginError(f"{where}: {calc_id} prerender failed: {answer['error']}")
    clean = {**{spec["name"]: author_inputs.get(spec["name"], spec["default"])
                for spec in calc["inputs"]}, **answer["inputs"]}
    for spec in calc["inputs"]:
        shown = answer["outputs"].get(spec["placeholder_output"]) if spec["placeholder_output"] else None
        spec["placeholder"] = "" if shown is None else str(shown)
    values = {spec["name"]: _control_text(spec["kind"], clean.get(spec["name"]))
              for spec in calc["inputs"]}
    defaults = {spec["name"]: values[spec["name"]] for spec in calc["inputs"]
                if spec["kind"] != "config"}
    # The runtime and the wheel live once, at the site root, so every page of both languages
    # names the same URLs (and the browser's cache serves them after the first page).
    pyodide = posixpath.normpath(posixpath.join(state.site_root or ".", "assets/pyodide")) + "/"
    wheel = posixpath.normpath(posixpath.join(state.site_root or ".", vendoring.wheel_uri(state)))
    snapshot = posixpath.normpath(posixpath.join(state.site_root or ".", vendoring.snapshot_uri(state)))
    source_url = page_relative(page, source_page_uri(calc["source_module"]).replace(".md", "/"))
    return _TEMPLATES.get_template("partials/dscalc/form.html").render(
        calc=calc, answer=answer, values=values, lang=state.lang, instance=instance,
        prefix=f"dscalc-{instance}", wheel=page_relative(page, wheel),
        wheel_sha256=state.wheel_sha256, snapshot=page_relative(page, snapshot),
        snapshot_sha256=state.snapshot_sha256, pyodide=page_relative(page, pyodide),
        worker=page_relative(page, "assets/dscalc/worker.js"), early_script=EARLY_SCRIPT,
        defaults=json.dumps(defaults, ensure_ascii=False),
        # An attribute, not a <script type="application/json">: Material's instant navigation
        # re-creates content scripts and would run JSON as JavaScript.
        strings=web.ui_strings(state.lang),
        strings_json=json.dumps(web.ui_strings(state.lang), ensure_ascii=False),
        source_url=source_url)
