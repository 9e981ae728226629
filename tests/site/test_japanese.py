"""The Japanese pages read like a Japanese publisher's: textlint over every ``docs/ja`` page.

Rules: ``textlint-rule-preset-ja-technical-writing``, ``textlint-rule-preset-ja-spacing`` and
``textlint-rule-prh`` fed from ``data/glossary.yaml`` (``tools/textlint_prh.py`` writes the
dictionary first), configured in ``.textlintrc.json``; every rule switched off or relaxed is listed
with its reason in ``docs/STYLE.md`` ("textlint").

textlint reads Markdown, not this site's Markdown, so each page is linted as a preprocessed copy in
a temporary folder, with the same line numbers:

- ``{{fact:…}}`` and ``{{calc:…}}`` placeholders and inline maths ``\\( … \\)`` become ``§`` (a mark
  that is neither Japanese nor ASCII, so the spacing rules judge only the words the writer typed);
- display maths ``\\[ … \\]`` becomes lines of ``§``; a sentence that runs through a formula
  ("…のパラメータ数は [formula] です") stays one paragraph, and a formula that ends with a full
  stop (``… = 3\\,d\\,d_e .``) ends its sentence;
- a link becomes its text, so the spacing rules see the characters on both sides of it; an image
  is dropped (its alternative text describes a picture and is written as captions are);
- ```` ```dscalc ```` and ```` ```chart ```` blocks (YAML inputs) and raw HTML lines are blanked;
- an admonition or content tab (``!!! note "title"``, ``=== "title"``) becomes a heading with its
  title, and its indented body is un-indented, so the body is prose again and not a code block.

The check reads what the reader sees, not only what the writer typed: a ``{{fact:…}}``
placeholder becomes the fact's Japanese ``display`` (the words the page prints there), so spacing,
glossary terms and predicates around an inserted value are judged. Every Japanese string in
``data/`` (facts' displays and labels, claims, time lines, tables, the glossary's definitions) and
in the calculators (titles, labels, units, help, choices, notes, the words around forms) is linted
too, each string as its own document: a phrase (no full stop at its end) without the rules for
sentence endings, a sentence with all of them.

Run ``python tests/site/test_japanese.py [page.md …]`` to print the messages without pytest, or
``python tests/site/test_japanese.py --data`` for the strings in ``data/`` and the calculators.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS_JA = ROOT / "docs" / "ja"
DATA = ROOT / "data"
TEXTLINT = ROOT / "node_modules" / ".bin" / "textlint"
CONFIG = ROOT / ".textlintrc.json"
MARK = "§"

PLACEHOLDER = re.compile(r"\{\{\s*(?:fact|calc|sources|table|claims|glossary|changelog):[^}]*\}\}")
FACT = re.compile(r"\{\{\s*fact:([\w.-]+)\s*\}\}")
#: Rules that judge how a sentence ends or which style it is in: off for phrases (a label, a
#: table cell, a displayed value), which have no sentence ending.
SENTENCE_RULES = ("ja-no-mixed-period", "no-mix-dearu-desumasu")
#: 万・億・兆 written right after digits (「6,710億」, docs/STYLE.md): the spacing rule would ask
#: for a space there, so a mark that is neither Japanese nor ASCII is put between them in the
#: linted copy; the rule still judges what follows (「6,710億 GPU」).
DIGIT_MAGNITUDE = re.compile(r"([0-9])(?=[万億兆])|([万億兆])(?=[0-9])")
MAGNITUDE_MARK = "\u2060"  # WORD JOINER: invisible, neither Japanese nor ASCII


#: The site's own rule, which textlint has no rule for: 万・億・兆 are written right after their
#: digits, never after a space (「557万6000 ドル」, not 「557 万 6000 ドル」), so typed and inserted
#: numbers look alike.
SPACED_MAGNITUDE = re.compile(r"[0-9][ \u3000]+[万億兆]|[万億兆][ \u3000]+[0-9]")
SPACED_MAGNITUDE_RULE = "site/magnitude-after-digits"


#: docs/STYLE.md's counters: chips 基, servers and switches 台, wafers 枚. Only wafers take 枚, so
#: a 枚 not shortly after ウエハー is a chip or a board counted with the wrong word.
WAFER_COUNT = re.compile(r"(ウ[エェ]ハー?)[^。\n]{0,12}$")
COUNTER_RULE = "site/counter"


def wrong_counters(text: str) -> list[int]:
    """Columns (1-based) of a 枚 that does not count wafers."""
    return [index + 1 for index, char in enumerate(text)
            if char == "枚" and not WAFER_COUNT.search(text[:index])]


def spaced_magnitudes(text: str) -> list[int]:
    """Columns (1-based) where 万・億・兆 are separated from their digits."""
    return [match.start() + 2 for match in SPACED_MAGNITUDE.finditer(text)]


def mark_magnitudes(text: str) -> str:
    """``6,710億`` -> ``6,710`` + WORD JOINER + ``億`` for the linted copy (see ``DIGIT_MAGNITUDE``)."""
    return DIGIT_MAGNITUDE.sub(lambda m: m.group(0) + MAGNITUDE_MARK, text)
INLINE_MATH = re.compile(r"\\\((?:.|\n)*?\\\)")
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w-]*)")
BLOCK = re.compile(r'^(\s*)(?:!!!|\?\?\?\+?|===\+?)\s*(?:[\w-]+)?\s*(?:"(?P<title>[^"]*)")?\s*$')
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
ATTR_LIST = re.compile(r"\s*\{\s*[:#.][^}\n]*\}")
LINK = re.compile(r"(?<!!)\[([^\]]+)\]\([^)\s]*\)")
HTML_LINE = re.compile(r"^\s*</?[a-zA-Z!][^>]*>")
SENTENCE_END = ("。", "：", ":", "）", ")", "」", "|")
NOT_PROSE = re.compile(r"^\s*(#|[-*+] |\d+\. |\||!!!|\?\?\?|===|```|~~~|<)")


def _blank_keep_lines(text: str, mark: str = MARK) -> str:
    """Replace a match by ``mark`` and as many newlines as it had."""
    return mark + "\n" * text.count("\n")


def _dedent_blocks(lines: list[str]) -> list[str]:
    """Admonitions and content tabs: the title line becomes a heading, the body loses its indent."""
    out: list[str] = []
    stack: list[int] = []  # indentation of the open blocks' bodies
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        while stack and line.strip() and indent < stack[-1]:
            stack.pop()
        depth = stack[-1] if stack else 0
        body = line[depth:] if line.strip() else ""
        match = BLOCK.match(line)
        if match:
            title = (match.group("title") or "").strip()
            out.append(f"#### {title}" if title else "")
            stack.append(indent + 4)
            continue
        out.append(body)
    return out


def _math_lines(lines: list[str]) -> list[str]:
    """Display maths becomes ``§`` lines; the paragraph around it is joined when the sentence
    runs through the formula (the text before it does not end a sentence)."""
    lines = list(lines)
    i = 0
    while i < len(lines):
        if lines[i].strip().startswith("\\["):
            start = i
            while i < len(lines) and "\\]" not in lines[i]:
                i += 1
            end = min(i, len(lines) - 1)
            formula = " ".join(lines[start:end + 1]).replace("\\]", "").rstrip()
            for k in range(start, end + 1):
                lines[k] = MARK
            before = start - 1
            while before >= 0 and not lines[before].strip():
                before -= 1
            runs_on = (before >= 0 and not NOT_PROSE.match(lines[before])
                       and not lines[before].rstrip().endswith(SENTENCE_END))
            if runs_on:
                for k in range(before + 1, start):
                    lines[k] = MARK
            if formula.endswith("."):
                lines[end] = MARK + "。"  # the sentence ends with the formula
            elif runs_on:
                after = end + 1
                while after < len(lines) and not lines[after].strip():
                    after += 1
                if after < len(lines) and not NOT_PROSE.match(lines[after]):
                    for k in range(end + 1, after):
                        lines[k] = MARK
        i += 1
    return lines


def preprocess(text: str, displays: dict[str, str] | None = None) -> str:
    """The page as textlint should see it, line for line (see the module docstring).

    ``displays`` maps fact ids to the Japanese text a ``{{fact:…}}`` prints (``fact_displays``);
    without it, or for an id it lacks, the placeholder becomes ``§``.
    """
    displays = displays or {}
    text = FACT.sub(lambda m: displays.get(m.group(1), m.group(0)).replace("\n", " "), text)
    text = PLACEHOLDER.sub(lambda m: _blank_keep_lines(m.group(0)), text)
    text = mark_magnitudes(text)
    text = INLINE_MATH.sub(lambda m: _blank_keep_lines(m.group(0)), text)
    text = IMAGE.sub("", text)
    text = LINK.sub(lambda m: m.group(1), text)
    text = ATTR_LIST.sub("", text)
    lines = text.split("\n")
    kept: list[str] = []
    fence: tuple[str, bool] | None = None  # (marker, blank it)
    for line in lines:
        match = FENCE.match(line)
        if fence is None and match:
            marker, info = match.group(2), match.group(3)
            fence = (marker[0] * 3, info in ("dscalc", "chart"))
            kept.append("" if fence[1] else line)
            continue
        if fence is not None:
            if line.strip().startswith(fence[0]) and not line.strip().strip(fence[0][0]):
                kept.append("" if fence[1] else line)
                fence = None
            else:
                kept.append("" if fence[1] else line)
            continue
        kept.append("" if HTML_LINE.match(line) else line)
    return "\n".join(_math_lines(_dedent_blocks(kept)))


def run_textlint(pages: list[Path]) -> list[str]:
    """textlint's messages for ``pages``, as ``docs/ja/page.md:line:column rule: message``."""
    displays = fact_displays()
    return lint_markdown({page.relative_to(ROOT).as_posix(): preprocess(page.read_text(encoding="utf-8"), displays)
                          for page in pages})


def lint_markdown(documents: dict[str, str]) -> list[str]:
    """textlint's messages, and the site's own magnitude rule, for ``documents`` (a name such as
    ``docs/ja/page.md`` -> the Markdown textlint reads), as ``name:line:column rule: message``.
    Also used for the Japanese that the build writes from ``data/`` and the partials
    (tests/site/test_freshness.py)."""
    subprocess.run([sys.executable, str(ROOT / "tools" / "textlint_prh.py")], check=True)
    with tempfile.TemporaryDirectory(prefix="textlint-ja-") as tmp:
        copies = {}
        messages = []
        for name, text in documents.items():
            copy = Path(tmp) / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            # 6,710億 is the site's form (docs/STYLE.md); marking is idempotent, so pages that
            # preprocess() marked already are unchanged.
            copy.write_text(mark_magnitudes(text), encoding="utf-8")
            copies[str(copy.resolve())] = name
            for number, line in enumerate(text.replace(MAGNITUDE_MARK, "").split("\n"), start=1):
                messages.extend(f"{name}:{number}:{column} {SPACED_MAGNITUDE_RULE}: "
                                "万・億・兆は数字に続けて書きます。" for column in spaced_magnitudes(line))
                messages.extend(f"{name}:{number}:{column} {COUNTER_RULE}: "
                                "チップは「基」で数えます（「枚」はウエハー）。" for column in wrong_counters(line))
        report = _textlint(list(copies), CONFIG)
    for entry in report:
        name = copies[str(Path(entry["filePath"]).resolve())]
        for message in entry["messages"]:
            text = message["message"].strip().splitlines()[0]
            messages.append(f"{name}:{message['line']}:{message['column']} {message['ruleId']}: {text}")
    return sorted(messages, key=_natural)


def _textlint(files: list[str], config: Path) -> list[dict]:
    result = subprocess.run([str(TEXTLINT), "--config", str(config), "--format", "json", *files],
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise RuntimeError(f"textlint did not run: {result.stderr or result.stdout}")
    return json.loads(result.stdout)


def _phrase_config(folder: Path) -> Path:
    """The site's textlint configuration without the rules for sentence endings."""
    config = json.loads(CONFIG.read_text(encoding="utf-8"))
    preset = config["rules"].setdefault("preset-ja-technical-writing", {})
    for rule in SENTENCE_RULES:
        preset[rule] = False
    prh = config["rules"].get("prh")
    if isinstance(prh, dict):  # paths in the copy are relative to the copy's folder
        prh["rulePaths"] = [str(ROOT / rule_path) for rule_path in prh.get("rulePaths", [])]
    path = folder / "textlintrc.phrases.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- what the reader sees

def _load(path: Path):
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def fact_displays() -> dict[str, str]:
    """Fact id -> the Japanese words ``{{fact:id}}`` prints on a page."""
    displays = {}
    for path in sorted((DATA / "facts").glob("*.yaml")):
        for record in _load(path):
            display = (record.get("display") or {}).get("ja")
            displays[record["id"]] = str(display if display is not None else record.get("value"))
    return displays


def _bilingual(node, where: str):
    """Every ``{ja, en}`` pair in a data file, as (where, Japanese string)."""
    if isinstance(node, dict):
        here = f"{where}:{node['id']}" if isinstance(node.get("id"), str) else where
        if isinstance(node.get("ja"), str) and isinstance(node.get("en"), str):
            yield here, node["ja"]
        for key, value in node.items():
            yield from _bilingual(value, f"{here}.{key}" if isinstance(value, dict) else here)
    elif isinstance(node, list):
        for value in node:
            yield from _bilingual(value, where)


def data_strings() -> list[tuple[str, str]]:
    """Every Japanese string in ``data/`` that a page can show, as (where, text)."""
    found = []
    for path in sorted(DATA.rglob("*")):
        if path.suffix in (".yaml", ".json") and "models" not in path.relative_to(DATA).parts:
            found.extend(_bilingual(_load(path), str(path.relative_to(DATA))))
    return found


def _texts(node, where: str):
    """Every ``Text`` reachable from a calculator's declaration, as (where, Japanese)."""
    from dscalc.framework.text import Text
    if isinstance(node, Text):
        yield where, node.ja
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _texts(item, where)
    elif hasattr(node, "__dataclass_fields__"):
        name = getattr(node, "name", None) or getattr(node, "id", None) or getattr(node, "value", "")
        for field_name in node.__dataclass_fields__:
            yield from _texts(getattr(node, field_name), f"{where}.{name}.{field_name}")


def calculator_strings() -> list[tuple[str, str]]:
    """The calculators' Japanese words: declarations, the notes under their default results, and
    the words around every form."""
    sys.path.insert(0, str(ROOT / "calculators"))
    import dscalc
    from dscalc import web
    found = []
    for calc in dscalc.calculators():
        found.extend(_texts(calc, calc.id))
        answer = web.evaluate(calc.id, {}, "ja")
        found.extend((f"{calc.id}.notes", note) for note in answer.get("notes", []))
    found.extend((f"ui.{key}", text) for key, text in web.ui_strings("ja").items())
    return found


def reader_strings() -> list[tuple[str, str]]:
    """Every Japanese string outside the pages' own prose, deduplicated (first place kept)."""
    seen: dict[str, str] = {}
    for where, text in data_strings() + calculator_strings():
        text = text.strip()
        if text and re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text) and text not in seen:
            seen[text] = where
    return [(where, text) for text, where in seen.items()]


def lint_strings(strings: list[tuple[str, str]]) -> list[str]:
    """textlint's messages for each string, linted alone: ``where: rule: message (text)``."""
    subprocess.run([sys.executable, str(ROOT / "tools" / "textlint_prh.py")], check=True)
    messages = []
    with tempfile.TemporaryDirectory(prefix="textlint-ja-data-") as tmp:
        folder = Path(tmp)
        groups: dict[bool, dict[str, tuple[str, str]]] = {True: {}, False: {}}
        for number, (where, text) in enumerate(strings):
            messages.extend(f"{where}: {SPACED_MAGNITUDE_RULE}: 万・億・兆は数字に続けて書きます。 「{text[:60]}」"
                            for _ in spaced_magnitudes(text))
            messages.extend(f"{where}: {COUNTER_RULE}: チップは「基」で数えます（「枚」はウエハー）。 「{text[:60]}」"
                            for _ in wrong_counters(text))
            sentence = text.rstrip("」）)").endswith(("。", "？", "！"))
            path = folder / f"{number:05d}.md"
            path.write_text(mark_magnitudes(text.replace("\n", " ")) + "\n", encoding="utf-8")
            groups[sentence][str(path.resolve())] = (where, text)
        for sentence, files in groups.items():
            if not files:
                continue
            config = CONFIG if sentence else _phrase_config(folder)
            for entry in _textlint(list(files), config):
                where, text = files[str(Path(entry["filePath"]).resolve())]
                for message in entry["messages"]:
                    first = message["message"].strip().splitlines()[0]
                    messages.append(f"{where}: {message['ruleId']}: {first} 「{text[:60]}」")
    return sorted(messages, key=_natural)


def _natural(text: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def japanese_pages() -> list[Path]:
    return sorted(DOCS_JA.rglob("*.md"))


def test_the_preprocessor_keeps_line_numbers_and_drops_what_is_not_prose():
    page = ("# 見出し\n\n総数は {{fact:v3-total-params}} です。\\(d\\) は次元です。\n\n"
            "パラメータ数は\n\n\\[\nP = 3\\,d\n\\]\n\nです。\n\n"
            '!!! note "注意"\n    本文です。\n\n```dscalc kv-cache\nmodel: x\n```\n<a id="x"></a>\n')
    out = preprocess(page)
    assert out.count("\n") == page.count("\n")
    assert "{{" not in out and "\\(" not in out and "\\[" not in out and "model: x" not in out
    assert "#### 注意" in out and "\n本文です。" in out and "<a" not in out
    assert "パラメータ数は\n§\n§\n§\n§\n§\nです。" in out


def test_a_fact_placeholder_is_linted_as_the_words_it_prints():
    out = preprocess("総数は{{fact:x}}です。{{fact:unknown}}", {"x": "6,710億"})
    assert out.startswith("総数は6,710\u2060億です。") and out.endswith(MARK)


def test_a_magnitude_word_separated_from_its_digits_is_reported():
    assert spaced_magnitudes("557.6 万ドルと 6,710億") == [6]
    assert spaced_magnitudes("100万トークン、1 兆") == [11]
    assert spaced_magnitudes("281億 700万ドル") == [5]


def test_only_wafers_are_counted_with_mai():
    assert wrong_counters("H100 が 17 枚必要") == [11]
    assert wrong_counters("月産のウエハー枚数と 12 万枚のウェハー") == []
    assert wrong_counters("ウエハーの話。GPU 8 枚") == [14]


def test_digits_keep_their_magnitude_word_but_not_what_follows():
    assert mark_magnitudes("6,710億ドルと100万GPU") == "6,710\u2060億ドルと100\u2060万GPU"
    assert mark_magnitudes("281億700万ドル") == "281\u2060億\u2060700\u2060万ドル"


def test_the_strings_outside_the_pages_are_all_collected():
    data = dict((text, where) for where, text in data_strings())
    calculators = dict((text, where) for where, text in calculator_strings())
    displays = fact_displays()
    assert len(displays) > 400 and all(text in data for text in displays.values() if text.strip())
    assert any(where.startswith("claims.yaml") for where in data.values())
    assert any(where.startswith("glossary.yaml") for where in data.values())
    assert any(".notes" in where for where in calculators.values())
    assert any(where.startswith("ui.") for where in calculators.values())
    assert any(where.startswith("kv-cache.") and ".label" in where for where in calculators.values())


def test_the_japanese_strings_in_data_and_the_calculators_pass_textlint():
    if not TEXTLINT.exists():
        pytest.fail("node_modules/.bin/textlint is missing: run `npm ci` (make setup)")
    messages = lint_strings(reader_strings())
    assert not messages, f"{len(messages)} textlint message(s):\n" + "\n".join(messages)


def test_the_japanese_pages_pass_textlint():
    if not TEXTLINT.exists():
        pytest.fail("node_modules/.bin/textlint is missing: run `npm ci` (make setup)")
    messages = run_textlint(japanese_pages())
    assert not messages, f"{len(messages)} textlint message(s):\n" + "\n".join(messages)


if __name__ == "__main__":
    if sys.argv[1:] == ["--data"]:
        found = lint_strings(reader_strings())
        print("\n".join(found) or "no messages")
        raise SystemExit(1 if found else 0)
    chosen = [Path(arg).resolve() for arg in sys.argv[1:]] or japanese_pages()
    found = run_textlint(chosen)
    print("\n".join(found) or "no messages")
    raise SystemExit(1 if found else 0)
