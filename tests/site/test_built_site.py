"""The built site, read as files: languages in step, nothing external, prerender = CLI."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import dscalc
from dscalc import web

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = {"ja": Path("."), "en": Path("en")}


def pages(site: Path, lang: str) -> set[str]:
    base = site / LANGUAGES[lang]
    found = set()
    for path in base.rglob("*.html"):
        relative = path.relative_to(base).as_posix()
        if lang == "ja" and relative.startswith("en/"):
            continue
        found.add(relative)
    return found


def test_docs_folders_hold_the_same_file_names_in_both_languages():
    ja = {p.relative_to(ROOT / "docs" / "ja").as_posix() for p in (ROOT / "docs" / "ja").rglob("*") if p.is_file()}
    en = {p.relative_to(ROOT / "docs" / "en").as_posix() for p in (ROOT / "docs" / "en").rglob("*") if p.is_file()}
    assert ja == en


def test_every_page_exists_in_both_languages(site_dir):
    assert pages(site_dir, "ja") == pages(site_dir, "en")
    assert len(pages(site_dir, "ja")) >= 5


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_declares_its_language(site_dir, lang):
    for relative in pages(site_dir, lang):
        text = (site_dir / LANGUAGES[lang] / relative).read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in text, relative


class Resources(HTMLParser):
    """Every URL the browser would fetch by itself while rendering the page."""

    FETCHING = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
                ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")}

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, attr in self.FETCHING:
            if tag == name and attrs.get(attr):
                self.urls.append(attrs[attr])
        if tag == "link" and attrs.get("href"):
            rel = set((attrs.get("rel") or "").split())
            if rel & {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest"}:
                self.urls.append(attrs["href"])


EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)


def test_no_page_loads_anything_from_another_origin(site_dir):
    for path in site_dir.rglob("*.html"):
        parser = Resources()
        parser.feed(path.read_text(encoding="utf-8"))
        external = [url for url in parser.urls if EXTERNAL.match(url)]
        assert external == [], (path, external)


def test_no_stylesheet_imports_fonts_or_images_from_another_origin(site_dir):
    for path in site_dir.rglob("*.css"):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"(url\(|@import)\s*['\"]?(https?:)?//", text), path


def test_vendored_runtime_is_in_the_site_but_not_in_git(site_dir):
    import subprocess
    for name in ("assets/pyodide/pyodide.asm.wasm", "assets/pyodide/python_stdlib.zip",
                 "assets/katex/katex.min.js"):
        assert (site_dir / name).is_file(), name
    assert not (site_dir / "assets/pyodide/console.html").exists(), "console.html names a CDN"
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    assert not re.search(r"\.(wasm|whl)$|pyodide\.asm|katex\.min", tracked, re.MULTILINE)


class Forms(HTMLParser):
    """Calculator forms: their controls' values and their outputs' raw values."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "dscalc" in (attrs.get("class") or "").split():
            self.forms.append({"attrs": attrs, "inputs": {}, "outputs": {}})
        elif not self.forms:
            return
        form = self.forms[-1]
        if tag == "input" and attrs.get("type") == "checkbox":
            form["inputs"][attrs["name"]] = "true" if "checked" in attrs else "false"
        elif tag == "input" and attrs.get("name"):
            form["inputs"][attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            form["inputs"][self._select] = attrs["value"]
        elif tag == "textarea":
            self._textarea = attrs["name"]
            form["inputs"][self._textarea] = ""
        elif tag == "output" and "data-value" in attrs:
            form["outputs"][attrs["name"]] = attrs["data-value"]

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["inputs"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def all_forms(site_dir):
    for path in sorted(site_dir.rglob("*.html")):
        parser = Forms()
        parser.feed(path.read_text(encoding="utf-8"))
        for form in parser.forms:
            yield path, form


def test_every_prerendered_number_is_what_the_package_computes_for_the_form_values(site_dir):
    checked = 0
    for path, form in all_forms(site_dir):
        calc_id = form["attrs"]["data-calc"]
        answer = web.evaluate(calc_id, form["inputs"], form["attrs"]["data-lang"])
        assert answer["ok"], (path, answer)
        for name, raw in form["outputs"].items():
            assert raw == answer["raw"][name], (path, calc_id, name)
            checked += 1
    assert checked > 20


def test_the_kv_cache_page_prerenders_the_cli_result(site_dir):
    forms = [form for path, form in all_forms(site_dir / "en" / "kv-cache")]
    assert forms, "the English KV-cache page has a calculator"
    form = forms[0]
    assert form["attrs"]["data-state"] == "static"
    assert json.loads(form["outputs"]["total_bytes"]) == dscalc.run("kv-cache")["total_bytes"]
    declared = {spec.name for spec in dscalc.get("kv-cache").inputs}
    assert set(form["inputs"]) == declared, "one control per input, named after it"


def test_every_form_control_has_a_label(site_dir):
    for path in site_dir.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'<(input|select|textarea)\b[^>]*\bid="(dscalc-[^"]+)"', text):
            assert f'<label for="{match.group(2)}"' in text, (path, match.group(2))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notebooks_render_as_pages_not_raw_json(site_dir, lang):
    html = (site_dir / LANGUAGES[lang] / "notebooks" / "kv-cache-table" / "index.html").read_text(encoding="utf-8")
    assert '"cell_type"' not in html
    assert "jp-Notebook" in html
    assert "70,272" in html, "the executed notebook shows its output"


def test_ui_strings_exist_in_both_languages_and_differ():
    ja, en = web.ui_strings("ja"), web.ui_strings("en")
    assert set(ja) == set(en)
    assert all(ja[key] != en[key] for key in ja)


class InlineValues(HTMLParser):
    """Every ``{{calc:...}}`` value a page prints: calculator, output, inputs, raw value."""

    def __init__(self):
        super().__init__()
        self.values = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "span" and "calc-value" in (attrs.get("class") or "").split():
            self.values.append((attrs["data-calc"], attrs["data-output"],
                                json.loads(attrs["data-inputs"]), attrs["data-value"]))


def test_every_inline_value_is_what_the_package_computes(site_dir):
    checked = 0
    for path in sorted(site_dir.rglob("*.html")):
        parser = InlineValues()
        parser.feed(path.read_text(encoding="utf-8"))
        for calc_id, output, inputs, raw in parser.values:
            answer = web.evaluate(calc_id, inputs, "en")
            assert answer["ok"], (path, calc_id, inputs)
            assert answer["raw"][output] == raw, (path, calc_id, output, inputs)
            checked += 1
    assert checked > 50


def kv_page_and_its_wheel(site_dir: Path) -> tuple[str, Path]:
    """(the English KV-cache page's HTML, the wheel file its form loads)."""
    page = site_dir / "en" / "kv-cache"
    html = (page / "index.html").read_text(encoding="utf-8")
    return html, (page / re.search(r'data-wheel="([^"]+)"', html).group(1)).resolve()


def test_every_form_names_the_sha256_of_the_wheel_it_loads(site_dir):
    import hashlib
    html, served = kv_page_and_its_wheel(site_dir)
    named = re.search(r'data-wheel-sha256="([0-9a-f]{64})"', html).group(1)
    assert hashlib.sha256(served.read_bytes()).hexdigest() == named


def with_zero_pages(stored: bytes) -> bytes:
    """The snapshot as Pyodide made it, from the file without its zero pages (the format
    tools/precompile_python.mjs writes and the worker reads)."""
    import struct
    magic, length, page_bytes = struct.unpack_from("<4sII", stored)
    assert magic == b"DSCS"
    pages = -(-length // page_bytes)
    kept, at, memory = stored[12:12 + pages], 12 + pages, bytearray(length)
    for page, is_stored in enumerate(kept):
        if is_stored:
            size = min(page_bytes, length - page * page_bytes)
            memory[page * page_bytes:page * page_bytes + size] = stored[at:at + size]
            at += size
    assert at == len(stored)
    return bytes(memory)


def test_every_form_names_a_memory_snapshot_made_by_the_pyodide_the_site_serves(site_dir):
    """The snapshot lies beside the wheel, is the one whose sha256 the form names, is gzip inside,
    and carries the build id of the site's own Pyodide (which refuses any other)."""
    import gzip
    import hashlib
    import struct
    html, wheel = kv_page_and_its_wheel(site_dir)
    snapshot = (site_dir / "en" / "kv-cache" / re.search(r'data-snapshot="([^"]+)"', html).group(1)).resolve()
    assert snapshot.parent == wheel.parent and snapshot.name == "python.snapshot"
    packed = snapshot.read_bytes()
    assert hashlib.sha256(packed).hexdigest() == re.search(r'data-snapshot-sha256="([0-9a-f]{64})"', html).group(1)
    memory = with_zero_pages(gzip.decompress(packed))
    assert memory.count(0) > len(memory) // 3, "the zero pages come back"
    build_id = "".join(f"{word:08x}" for word in struct.unpack_from("<8I", memory, 16))
    pyodide = (site_dir / "assets" / "pyodide" / "pyodide.mjs").read_text(encoding="utf-8")
    assert build_id == re.search(r'BUILD_ID:"([0-9a-f]{64})"', pyodide).group(1)
    japanese = (site_dir / "kv-cache" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'data-snapshot-sha256="([0-9a-f]{64})"', japanese).group(1) == hashlib.sha256(packed).hexdigest()


def test_the_site_serves_the_calculators_python_as_bytecode_and_nothing_else_changed(site_dir):
    """Pyodide's stdlib zip differs from npm's only where a module became its bytecode, and the
    wheel carries every dscalc module as bytecode (tools/precompile_python.mjs)."""
    import zipfile
    npm = zipfile.ZipFile(ROOT / "node_modules" / "pyodide" / "python_stdlib.zip")
    served = zipfile.ZipFile(site_dir / "assets" / "pyodide" / "python_stdlib.zip")
    original = {info.filename: npm.read(info) for info in npm.infolist()}
    compiled = []
    for info in served.infolist():
        if info.filename in original:
            assert served.read(info) == original.pop(info.filename), info.filename
        else:
            assert info.filename.endswith(".pyc") and original.pop(info.filename[:-1], None) is not None, info.filename
            compiled.append(info.filename)
    assert not original, f"entries lost: {sorted(original)[:5]}"
    for module in ("typing.pyc", "json/__init__.pyc", "dataclasses.pyc", "_pyodide/_base.pyc"):
        assert module in compiled
    wheel = zipfile.ZipFile(kv_page_and_its_wheel(site_dir)[1])
    names = set(wheel.namelist())
    sources = {path.relative_to(ROOT / "calculators").as_posix()
               for path in (ROOT / "calculators" / "dscalc").rglob("*.py")}
    assert {name[:-1] for name in names if name.endswith(".pyc")} == sources
    assert not any(name.endswith(".py") for name in names)


def content_html(site_dir: Path):
    """(path, text) of every built page of both languages."""
    for lang in LANGUAGES:
        for page in sorted(pages(site_dir, lang)):
            path = site_dir / LANGUAGES[lang] / page
            yield path, path.read_text(encoding="utf-8")


def test_no_page_starts_python_from_its_head(site_dir):
    """Reading comes first: the runtime starts from dscalc.js when a reader comes for a calculator,
    never from markup that runs while the page loads."""
    for path, text in content_html(site_dir):
        head = text.split("</head>", 1)[0]
        assert "dscalc-runtime" not in head and "new Worker" not in head, path
        assert '<link rel="preload"' not in head or "pyodide" not in head, path


def test_formulas_are_mathml_typeset_at_build_time(site_dir):
    formulas = 0
    for path, text in content_html(site_dir):
        assert "katex-html" not in text, f"{path}: KaTeX's HTML output (thousands of elements) is back"
        assert "katex.min.css" not in text, path
        blocks = re.findall(r'<(?:span|div) class="arithmatex"[^>]*>(.*?)</(?:span|div)>', text, re.DOTALL)
        for block in blocks:
            assert block.lstrip().startswith('<span class="katex"><math'), (path, block[:200])
        formulas += len(blocks)
    assert formulas > 500


def test_formulas_stay_within_mathml_core(site_dir):
    """Chromium implements MathML Core: a mathvariant other than "normal" is drawn as a plain italic
    letter (ℝ as R), and columnalign is not read. docs/assets/dscalc/mathml_core.js writes the
    letters themselves; dscalc.css aligns the table layouts KaTeX uses."""
    letters = {"mla/index.html": "ℝ", "moe/index.html": "𝒮𝒯𝒢ℒ𝟙", "r1/index.html": "𝔼", "fp8/index.html": "𝟶𝚡𝟷𝙳"}
    css = (ROOT / "docs" / "assets" / "dscalc" / "dscalc.css").read_text(encoding="utf-8")
    tables = 0
    for path, text in content_html(site_dir):
        for formula in re.findall(r"<math\b.*?</math>", text, re.DOTALL):
            assert not re.search(r'mathvariant="(?!normal")', formula), (path, formula[:300])
            assert "<annotation" not in formula, path
            for align in re.findall(r'<mtable[^>]*\scolumnalign="([^"]*)"', formula):
                assert align == "left left" or re.fullmatch(r"right left( right left)*( right)?", align), (path, align)
                tables += 1
    assert tables >= 4 and '[columnalign="left left"]' in css and '[columnalign^="right left"]' in css
    for page, expected in letters.items():
        for base in (site_dir, site_dir / "en"):
            text = (base / page).read_text(encoding="utf-8")
            assert all(letter in text for letter in expected), (base / page, expected)


def test_every_diagram_reserves_its_box_before_it_loads(site_dir):
    images = 0
    for path, text in content_html(site_dir):
        for image in re.findall(r"<img [^>]*>", text):
            assert re.search(r'\swidth="\d+"', image) and re.search(r'\sheight="\d+"', image), (path, image)
            images += 1
    assert images >= 4


def test_python_source_pages_stay_out_of_the_search_index(site_dir):
    for index in ("search/search_index.json", "en/search/search_index.json"):
        docs = json.loads((site_dir / index).read_text(encoding="utf-8"))["docs"]
        assert docs and not [doc["location"] for doc in docs if doc["location"].startswith("source/")]


def test_nothing_restyles_the_whole_page_at_start_up_that_can_be_avoided(site_dir):
    """Material's start-up changes to <html> and <body> would each restyle every element
    (hooks/theme_startup.py, overrides/partials/dscalc/js_class_early.js)."""
    palette = next((site_dir / "assets" / "stylesheets").glob("palette.*.min.css")).read_text(encoding="utf-8")
    assert "data-md-color-switching" not in palette
    main = next((site_dir / "assets" / "stylesheets").glob("main.*.min.css")).read_text(encoding="utf-8")
    assert "table:is(:not([class]),.dscalc-wrapped)" in main
    assert "table:not([class])" not in main.replace("table:is(:not([class]),.dscalc-wrapped)", "")
    for lang in ("", "en/"):
        article = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>',
                            (site_dir / lang / "attention" / "index.html").read_text(encoding="utf-8"),
                            re.DOTALL).group(1)
        assert "<table>" not in article  # Material would wrap it at load, restyling the article
        wrapped = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table class="dscalc-wrapped">'
        assert article.count(wrapped) == article.count('class="dscalc-wrapped"') >= 5
    html = (site_dir / "en" / "attention" / "index.html").read_text(encoding="utf-8")
    head = html.split("</head>", 1)[0]
    assert 'classList.replace("no-js", "js")' in head
