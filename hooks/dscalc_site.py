"""MkDocs hooks: the glue between the site, the ``dscalc`` package and ``data/``.

- A fenced block ```` ```dscalc kv-cache ```` (optional YAML body of input values) becomes a
  ``<form class="dscalc">`` whose results are computed now, at build time, by ``dscalc.web``:
  the same function the browser worker calls later.
- ``{{fact:ID}}`` prints a fact from ``data/facts/*.yaml`` and cites it in a footnote.
- The ``dscalc`` wheel is built from the working tree and copied into the site with the
  vendored Pyodide and KaTeX from ``node_modules`` (nothing vendored is committed).
- Each calculator module's source becomes a page, so "the Python source" is one click away.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "calculators"))

import dscalc  # noqa: E402
from dscalc import web  # noqa: E402
from dscalc.registry import get as get_calculator, run_with_inputs  # noqa: E402

SHARED_ASSETS = ROOT / "docs" / "assets"
NODE_MODULES = ROOT / "node_modules"
WHEEL_CACHE = ROOT / ".cache" / "wheels"
#: pyodide-build's CLI (make setup installs it where a Python >= 3.12 exists).
LOCK_TOOL = ROOT / ".venv-pyodide-build" / "bin" / "pyodide"
UI_STRINGS = json.loads((ROOT / "hooks" / "ui_strings.json").read_text(encoding="utf-8"))

#: Files of the npm ``pyodide`` package the browser needs (no console.html: it names a CDN).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json")
KATEX_FILES = ("katex.min.js", "katex.min.css")

FENCE = re.compile(r"^```dscalc[ \t]+(?P<id>[a-z0-9-]+)[ \t]*\n(?P<body>.*?)^```[ \t]*$",
                   re.MULTILINE | re.DOTALL)
FACT = re.compile(r"\{\{\s*fact:(?P<id>[a-z0-9.-]+)\s*\}\}")
CALC_VALUE = re.compile(r"\{\{\s*calc:(?P<id>[a-z0-9-]+)\.(?P<output>[a-z0-9_]+)"
                        r"(?P<args>(?:\s+[a-z0-9_]+=[^\s}]+)*)\s*\}\}")
PLACEHOLDER = '<div data-dscalc-placeholder="{index}"></div>'
PLACEHOLDER_RE = re.compile(r'<div data-dscalc-placeholder="(\d+)"></div>')

_state: dict = {}


# --------------------------------------------------------------------------- build-wide state

def on_config(config):
    _state["lang"] = "ja" if config.theme["language"] == "ja" else "en"
    _state["site_root"] = (config.extra.get("dscalc") or {}).get("site_root", "")
    _state["wheel"] = build_wheel()
    # With pyodide-build, dscalc is registered (name, sha256) in the site's pyodide-lock.json and
    # the worker loads it by name; without it, the worker loads the wheel by its URL.
    _state["lock_tool"] = LOCK_TOOL if LOCK_TOOL.exists() else None
    _state["facts"] = load_facts()
    _state["forms"] = {}
    return config


def source_digest() -> str:
    """Hash of everything that goes into the wheel, so a stale wheel can never be served."""
    digest = hashlib.sha256()
    paths = sorted((ROOT / "calculators").rglob("*.py")) + sorted((ROOT / "data").rglob("*.json"))
    for path in paths + [ROOT / "pyproject.toml"]:
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


def load_facts() -> dict:
    facts = {}
    for path in sorted((ROOT / "data" / "facts").glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if record["id"] in facts:
                raise PluginError(f"fact {record['id']!r} is defined twice ({path.name})")
            facts[record["id"]] = record
    return facts


# --------------------------------------------------------------------------- files

def on_files(files: Files, config):
    for path in sorted(SHARED_ASSETS.rglob("*")):
        if path.is_file():
            files.append(File(str(path.relative_to(SHARED_ASSETS.parent)), str(SHARED_ASSETS.parent),
                              config.site_dir, config.use_directory_urls))
    for calc in dscalc.calculators():
        files.append(File.generated(config, source_page_uri(calc.source_module),
                                    content=source_page_markdown(calc.source_module)))
    return files


def source_page_uri(module_path: str) -> str:
    return f"source/{Path(module_path).stem}.md"


def source_page_markdown(module_path: str) -> str:
    code = (ROOT / "calculators" / module_path).read_text(encoding="utf-8")
    heading = {"ja": "Python ソース", "en": "Python source"}[_state["lang"]]
    return f"# {heading}: `{module_path}`\n\n````python\n{code}\n````\n"


# --------------------------------------------------------------------------- pages

def on_page_markdown(markdown: str, page, config, files):
    forms = []

    def remember(match: re.Match) -> str:
        forms.append((match.group("id"), match.group("body")))
        return "\n" + PLACEHOLDER.format(index=len(forms) - 1) + "\n"

    markdown = FENCE.sub(remember, markdown)
    _state["forms"][page.file.src_uri] = forms
    markdown = CALC_VALUE.sub(lambda match: calc_value(match, page), markdown)
    markdown = markdown.replace("{{sources:table}}", sources_table(_state["lang"]))
    return cite_facts(markdown, page)


STATUS_WORDS = {
    "ja": {"verified": "確認済み", "unverified": "未確認", "disputed": "異説あり"},
    "en": {"verified": "verified", "unverified": "unverified", "disputed": "disputed"},
}
SOURCES_HEADINGS = {
    "ja": ("事実", "値", "出典", "閲覧日", "状態", "モデル設定（config.json）", "モデル", "アクセラレータ"),
    "en": ("Facts", "Value", "Source", "Read", "Status", "Model configurations (config.json)", "Model",
           "Accelerators"),
}


def sources_table(lang: str) -> str:
    """``{{sources:table}}``: every record in data/ with its source, date read and status."""
    facts, value, source, read, status, configs, model, chips = SOURCES_HEADINGS[lang]
    words = STATUS_WORDS[lang]

    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    def link(record) -> str:
        return f"[{cell(record.get('source_title') or record['source_url'])}]({record['source_url']})"

    lines = [f"## {facts}", "", f"| {value} | {source} | {read} | {status} |", "| --- | --- | --- | --- |"]
    for fact_id, fact in sorted(_state["facts"].items()):
        label = localized(fact.get("label"), lang) or ""
        shown = localized(fact.get("display"), lang) or fact["value"]
        lines.append(f'| <span id="fact-{fact_id}">**{cell(shown)}**</span> {cell(label)} | {link(fact)} '
                     f"| {fact['accessed']} | {words[fact['status']]} |")
    lines += ["", f"## {configs}", "", f"| {model} | {source} | {read} | {status} |", "| --- | --- | --- | --- |"]
    for record in dscalc.data.models().values():
        lines.append(f"| {cell(record['name'])} | {link(record)} | {record['accessed']} | {words[record['status']]} |")
    lines += ["", f"## {chips}", "", f"| {model} | {source} | {read} | {status} |", "| --- | --- | --- | --- |"]
    for chip in dscalc.data.chips().values():
        lines.append(f"| {cell(chip['name'])} | {link(chip)} | {chip['accessed']} | {words[chip['status']]} |")
    return "\n".join(lines) + "\n"


def calc_value(match: re.Match, page) -> str:
    """``{{calc:kv-cache.bytes_per_token model=qwen2.5-72b}}``: one output, computed now by dscalc.

    Numbers in prose that follow from a formula are computed, never typed, so the text and the
    calculators cannot drift apart.
    """
    inputs = {}
    for pair in match.group("args").split():
        key, _, text = pair.partition("=")
        try:
            inputs[key] = json.loads(text)
        except ValueError:
            inputs[key] = text
    answer = web.evaluate(match.group("id"), inputs, _state["lang"])
    output = match.group("output")
    if not answer["ok"] or output not in answer["display"]:
        problem = answer.get("error") or f"no output {output!r}"
        raise PluginError(f"{page.file.src_uri}: {match.group(0)} failed: {problem}")
    return (f'<span class="calc-value" data-calc="{_e(match.group("id"))}" data-output="{_e(output)}" '
            f'data-value="{_e(answer["raw"][output])}">{_e(answer["display"][output])}</span>')


def cite_facts(markdown: str, page) -> str:
    lang = _state["lang"]
    cited: list[str] = []

    def replace(match: re.Match) -> str:
        fact_id = match.group("id")
        fact = _state["facts"].get(fact_id)
        if fact is None:
            raise PluginError(f"{page.file.src_uri}: unknown fact {fact_id!r}")
        if fact_id not in cited:
            cited.append(fact_id)
        shown = localized(fact.get("display"), lang) or str(fact["value"])
        marker = " ⚠" if fact.get("status") == "disputed" else ""
        return (f'<span class="fact" data-fact="{html.escape(fact_id)}">{html.escape(shown)}'
                f"{marker}</span>[^fact-{fact_id}]")

    markdown = FACT.sub(replace, markdown)
    if cited:
        markdown += "\n\n" + "\n".join(footnote(_state["facts"][fact_id], lang) for fact_id in cited)
    return markdown


def localized(text, lang: str) -> str | None:
    """A ``{ja:, en:}`` mapping's text in ``lang``; a plain string is the same in both."""
    if isinstance(text, dict):
        return text.get(lang)
    return None if text is None else str(text)


def footnote(fact: dict, lang: str) -> str:
    accessed = {"ja": "閲覧日", "en": "accessed"}[lang]
    parts = [f"[{fact.get('source_title') or fact['source_url']}]({fact['source_url']})"]
    if fact.get("section"):
        parts.append(str(fact["section"]))
    parts.append(f"{accessed} {fact['accessed']}")
    text = ", ".join(parts)
    if fact.get("quote"):
        text += f": “{fact['quote']}”"
    if fact.get("status") == "disputed":
        label = {"ja": "異説", "en": "Disputed"}[lang]
        others = "; ".join(
            f"{localized(alt.get('display'), lang) or alt.get('value')} "
            f"([{alt.get('source_title') or alt['source_url']}]({alt['source_url']}))"
            for alt in fact.get("dispute") or [])
        text += f" **{label}:** {others}"
    elif fact.get("status") == "unverified":
        text += {"ja": "（一次資料未確認）", "en": " (not yet checked against the primary source)"}[lang]
    return f"[^fact-{fact['id']}]: {text}"


def on_page_content(content: str, page, config, files):
    forms = _state["forms"].get(page.file.src_uri) or []
    if not forms:
        return content
    counts: dict[str, int] = {}

    def replace(match: re.Match) -> str:
        calc_id, body = forms[int(match.group(1))]
        counts[calc_id] = counts.get(calc_id, 0) + 1
        instance = calc_id if counts[calc_id] == 1 else f"{calc_id}-{counts[calc_id]}"
        return render_form(calc_id, parse_body(calc_id, body, page), instance, page)

    return PLACEHOLDER_RE.sub(replace, content)


def parse_body(calc_id: str, body: str, page) -> dict:
    try:
        values = yaml.safe_load(body) if body.strip() else {}
    except yaml.YAMLError as exc:
        raise PluginError(f"{page.file.src_uri}: the dscalc {calc_id} block is not YAML: {exc}") from None
    if not isinstance(values, dict):
        raise PluginError(f"{page.file.src_uri}: the dscalc {calc_id} block must map inputs to values")
    return values


# --------------------------------------------------------------------------- the form

def shared_uri(path: str) -> str:
    """A path in the folder both languages share, relative to this build's root."""
    return posixpath.normpath(posixpath.join(_state["site_root"] or ".", path)) + "/"


def page_relative(page, target: str) -> str:
    """``target`` (relative to this build's root, possibly starting with ``../``) from ``page``."""
    to_root = get_relative_url(".", page.url or ".")
    return posixpath.normpath(posixpath.join(to_root, target)) + ("/" if target.endswith("/") else "")


def render_form(calc_id: str, author_inputs: dict, instance: str, page) -> str:
    lang = _state["lang"]
    strings = UI_STRINGS[lang]
    try:
        calc = get_calculator(calc_id)
    except dscalc.ValidationError:
        raise PluginError(f"{page.file.src_uri}: unknown calculator {calc_id!r}") from None
    try:
        clean, outputs = run_with_inputs(calc_id, author_inputs)
    except dscalc.ValidationError as error:
        raise PluginError(f"{page.file.src_uri}: {calc_id} prerender failed: {error.to_dict()}") from None
    answer = web.present(calc_id, clean, outputs, lang)
    wheel_uri = f"assets/dscalc/wheels/{_state['wheel'].parent.name}/{_state['wheel'].name}"
    pyodide_uri = shared_uri("assets/pyodide/")
    prefix = f"dscalc-{instance}"
    attrs = {
        "class": "dscalc", "data-calc": calc_id, "data-instance": instance, "data-state": "static",
        "data-lang": lang, "id": prefix, "novalidate": None,
        "data-wheel": page_relative(page, wheel_uri),
        **({"data-package": "dscalc"} if _state["lock_tool"] else {}),
        "data-pyodide": page_relative(page, pyodide_uri),
        "data-defaults": json.dumps(_jsonable_inputs(calc, clean), ensure_ascii=False),
        # An attribute, not a <script type="application/json">: Material's instant navigation
        # re-creates content scripts and would run JSON as JavaScript.
        "data-strings": json.dumps(strings, ensure_ascii=False),
    }
    basic = [spec for spec in calc.inputs if not spec.advanced]
    advanced = [spec for spec in calc.inputs if spec.advanced]
    parts = [f"<form {_attrs(attrs)}>",
             f'<h3 class="dscalc-title">{_e(calc.title.get(lang))}</h3>',
             f'<p class="dscalc-summary">{_e(calc.summary.get(lang))}</p>',
             f'<fieldset class="dscalc-inputs"><legend>{_e(strings["inputs"])}</legend>']
    parts += [render_field(spec, clean[spec.name], prefix, lang) for spec in basic]
    if advanced:
        parts.append(f'<details class="dscalc-advanced"><summary>{_e(strings["advanced"])}</summary>')
        parts += [render_field(spec, clean[spec.name], prefix, lang) for spec in advanced]
        parts.append("</details>")
    parts.append("</fieldset>")
    parts.append(f'<p class="dscalc-error" data-error-for="" id="{prefix}-form-error" aria-live="polite"></p>')
    parts.append(f'<section class="dscalc-results" aria-label="{_e(strings["outputs"])}">'
                 f'<h4>{_e(strings["outputs"])}</h4><dl class="dscalc-outputs">')
    charts = []
    for spec in calc.outputs:
        if spec.format == "json":
            continue
        if spec.format == "svg":
            charts.append(f'<figure class="dscalc-chart"><output name="{spec.name}" data-format="svg" '
                          f'aria-label="{_e(spec.label.get(lang))}">{answer["display"][spec.name]}'
                          f"</output></figure>")
            continue
        parts.append(
            f'<div class="dscalc-output"><dt id="{prefix}-out-{spec.name}">{_e(spec.label.get(lang))}</dt>'
            f'<dd><output name="{spec.name}" data-format="{spec.format}" '
            f'aria-labelledby="{prefix}-out-{spec.name}" data-value="{_e(answer["raw"][spec.name])}">'
            f"{render_display(spec.format, answer['display'][spec.name])}</output></dd></div>")
    parts.append("</dl>")
    parts += charts
    parts.append(render_formula(calc, answer["formula"], lang))
    source_url = page_relative(page, source_page_uri(calc.source_module).replace(".md", "/"))
    parts.append(f'<p class="dscalc-links"><a href="{_e(source_url)}">{_e(strings["source"])}</a>'
                 f' · <button type="button" class="dscalc-copy-link md-button">{_e(strings["copy_link"])}</button></p>')
    parts.append("</section>")
    parts.append(f'<p class="dscalc-status" role="status">{_e(strings["status_static"])}</p>')
    parts.append("</form>")
    return "\n".join(parts)


def _jsonable_inputs(calc, clean: dict) -> dict:
    return {spec.name: clean[spec.name] for spec in calc.inputs if spec.kind != "config"}


def render_display(format_name: str, display: str) -> str:
    if format_name == "svg":
        return display  # made by dscalc.charts from numbers, with every text escaped
    if format_name == "url" and display.startswith("https://"):
        return f'<a href="{_e(display)}">{_e(display)}</a>'
    return _e(display)


def render_field(spec, value, prefix: str, lang: str) -> str:
    field_id = f"{prefix}-{spec.name}"
    described = [f"{field_id}-error"]
    help_html = ""
    if spec.help:
        described.insert(0, f"{field_id}-help")
        help_html = f'<p class="dscalc-help" id="{field_id}-help">{_e(spec.help.get(lang))}</p>'
    unit_text = spec.unit.get(lang) if hasattr(spec.unit, "get") else spec.unit
    unit = f' <span class="dscalc-unit">({_e(unit_text)})</span>' if unit_text else ""
    label = f'<label for="{field_id}">{_e(spec.label.get(lang))}{unit}</label>'
    common = f'id="{field_id}" name="{spec.name}" aria-describedby="{" ".join(described)}"'
    if spec.kind == "choice":
        options = "".join(
            f'<option value="{_e(choice.value)}"{" selected" if choice.value == value else ""}>'
            f"{_e(choice.label.get(lang))}</option>" for choice in spec.choices)
        control = f"<select {common}>{options}</select>"
    elif spec.kind == "config":
        text = json.dumps(value, indent=2, ensure_ascii=False) if value else ""
        control = (f'<textarea {common} rows="6" spellcheck="false" autocomplete="off" '
                   f'placeholder="{{&quot;model_type&quot;: &quot;llama&quot;, …}}">{_e(text)}</textarea>')
    elif spec.kind == "text":
        shown = "" if value is None else (", ".join(map(str, value)) if isinstance(value, list) else str(value))
        control = f'<input type="text" autocomplete="off" spellcheck="false" {common} value="{_e(shown)}">'
    else:
        mode = "numeric" if spec.kind == "int" else "decimal"
        shown = "" if value is None else str(value)
        control = f'<input type="text" inputmode="{mode}" autocomplete="off" {common} value="{_e(shown)}">'
    error = f'<p class="dscalc-error" id="{field_id}-error" data-error-for="{spec.name}" aria-live="polite"></p>'
    return f'<div class="dscalc-field dscalc-field--{spec.kind}">{label}{control}{help_html}{error}</div>'


def render_formula(calc, lines: list[str], lang: str) -> str:
    if not lines:
        return ""
    strings = UI_STRINGS[lang]
    body = "".join(f'<div class="arithmatex">\\[{_e(line)}\\]</div>' for line in lines)
    symbols = calc.extra.get("symbols") or ()
    legend = "".join(f'<div><dt><span class="arithmatex">\\({_e(symbol)}\\)</span></dt>'
                     f"<dd>{_e(text.get(lang))}</dd></div>" for symbol, text in symbols)
    legend_html = (f'<details class="dscalc-symbols"><summary>{_e(strings["where"])}</summary>'
                   f"<dl>{legend}</dl></details>") if legend else ""
    return (f'<div class="dscalc-formula"><h4>{_e(strings["formula"])}</h4>'
            f'<div class="dscalc-formula-lines">{body}</div>{legend_html}</div>')


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _attrs(attrs: dict) -> str:
    return " ".join(name if value is None else f'{name}="{_e(value)}"' for name, value in attrs.items())


# --------------------------------------------------------------------------- vendored assets

def on_post_build(config):
    site = Path(config.site_dir)
    wheel = _state["wheel"]
    target = site / "assets" / "dscalc" / "wheels" / wheel.parent.name
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(wheel, target / wheel.name)
    if _state["site_root"]:
        return  # the shared runtime lives once, at the site root (the Japanese build)
    copy_package_files("pyodide", PYODIDE_FILES, site / "assets" / "pyodide")
    if _state["lock_tool"]:
        register_wheel_in_lockfile(wheel, site / "assets" / "pyodide" / "pyodide-lock.json")
    copy_package_files("katex/dist", KATEX_FILES, site / "assets" / "katex")
    fonts = NODE_MODULES / "katex" / "dist" / "fonts"
    shutil.copytree(fonts, site / "assets" / "katex" / "fonts", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.ttf", "*.woff"))


def register_wheel_in_lockfile(wheel: Path, lockfile: Path) -> None:
    """Add dscalc, with its sha256, to the site's copy of pyodide-lock.json (offline)."""
    result = subprocess.run(
        [str(_state["lock_tool"]), "lockfile", "add-wheels", "--input",
         str(NODE_MODULES / "pyodide" / "pyodide-lock.json"), "--output", str(lockfile),
         "--wheel-url", f"../dscalc/wheels/{wheel.parent.name}/", str(wheel)],
        capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PluginError(f"pyodide lockfile add-wheels failed:\n{result.stdout}\n{result.stderr}")


def copy_package_files(package: str, names: tuple[str, ...], target: Path) -> None:
    source = NODE_MODULES / package
    missing = [name for name in names if not (source / name).is_file()]
    if missing:
        raise PluginError(f"node_modules/{package} lacks {missing}: run `npm ci` (make setup)")
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy2(source / name, target / name)
