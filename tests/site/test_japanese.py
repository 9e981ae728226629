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

Run ``python tests/site/test_japanese.py [page.md …]`` to print the messages without pytest.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS_JA = ROOT / "docs" / "ja"
TEXTLINT = ROOT / "node_modules" / ".bin" / "textlint"
CONFIG = ROOT / ".textlintrc.json"
MARK = "§"

PLACEHOLDER = re.compile(r"\{\{\s*(?:fact|calc|sources|table|claims|glossary|changelog):[^}]*\}\}")
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


def preprocess(text: str) -> str:
    """The page as textlint should see it, line for line (see the module docstring)."""
    text = PLACEHOLDER.sub(lambda m: _blank_keep_lines(m.group(0)), text)
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
    return lint_markdown({page.relative_to(ROOT).as_posix(): preprocess(page.read_text(encoding="utf-8"))
                          for page in pages})


def lint_markdown(documents: dict[str, str]) -> list[str]:
    """textlint's messages for ``documents`` (a name such as ``docs/ja/page.md`` -> the Markdown
    textlint reads), as ``name:line:column rule: message``. Also used for the Japanese that the
    build writes from ``data/`` and the partials (tests/site/test_freshness.py)."""
    subprocess.run([sys.executable, str(ROOT / "tools" / "textlint_prh.py")], check=True)
    with tempfile.TemporaryDirectory(prefix="textlint-ja-") as tmp:
        copies = {}
        for name, text in documents.items():
            copy = Path(tmp) / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(text, encoding="utf-8")
            copies[str(copy.resolve())] = name
        result = subprocess.run(
            [str(TEXTLINT), "--config", str(CONFIG), "--format", "json", *copies],
            cwd=ROOT, capture_output=True, text=True)
        if result.returncode not in (0, 1) or not result.stdout.strip():
            raise RuntimeError(f"textlint did not run: {result.stderr or result.stdout}")
        report = json.loads(result.stdout)
    messages = []
    for entry in report:
        name = copies[str(Path(entry["filePath"]).resolve())]
        for message in entry["messages"]:
            text = message["message"].strip().splitlines()[0]
            messages.append(f"{name}:{message['line']}:{message['column']} {message['ruleId']}: {text}")
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


def test_the_japanese_pages_pass_textlint():
    if not TEXTLINT.exists():
        pytest.fail("node_modules/.bin/textlint is missing: run `npm ci` (make setup)")
    messages = run_textlint(japanese_pages())
    assert not messages, f"{len(messages)} textlint message(s):\n" + "\n".join(messages)


if __name__ == "__main__":
    chosen = [Path(arg).resolve() for arg in sys.argv[1:]] or japanese_pages()
    found = run_textlint(chosen)
    print("\n".join(found) or "no messages")
    raise SystemExit(1 if found else 0)
