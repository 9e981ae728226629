"""Hook: formulas are typeset at build time with KaTeX (through Node), so they are in the HTML at
first paint, readable with JavaScript off, and the page never jumps when they appear. In the
browser KaTeX is loaded only when a calculator's formula changes.

pymdownx.arithmatex (generic mode) leaves ``<span class="arithmatex">\\(…\\)</span>`` and
``<div class="arithmatex">\\[…\\]</div>``; each becomes KaTeX's MathML, marked ``data-typeset`` and
carrying its TeX in ``data-tex``. A formula KaTeX cannot parse fails the build. The MathML is
brought within MathML Core (letters for mathvariant, no TeX annotation) by
``docs/assets/dscalc/mathml_core.js``, the function the browser uses after a recompute.

MathML, not KaTeX's HTML: MathML Core renders natively in Chromium, Firefox and Safari, screen
readers read it, and it needs no stylesheet or web font; KaTeX's HTML put about five times as many
elements into the page (8,568 DOM nodes on the MoE page), and style and layout of those took most
of a phone's main-thread time.
"""

from __future__ import annotations

import atexit
import html
import json
import re
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_state  # noqa: E402

RENDERER = site_state.ROOT / "tools" / "katex_render.mjs"
ARITHMATEX = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<body>.*?)</(?P=tag)>', re.DOTALL)
DELIMITERS = re.compile(r"^\s*\\[\[(](?P<tex>.*)\\[\])]\s*$", re.DOTALL)


class Katex:
    """One Node process for the whole build; renders are cached (both languages share most)."""

    def __init__(self) -> None:
        self.process = None
        self.cache: dict[tuple[str, bool], str] = {}

    def render(self, tex: str, display: bool) -> str:
        key = (tex, display)
        if key not in self.cache:
            self.cache[key] = self._ask(tex, display)
        return self.cache[key]

    def _ask(self, tex: str, display: bool) -> str:
        if self.process is None:
            self.process = subprocess.Popen(["node", str(RENDERER)], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, text=True, encoding="utf-8")
            atexit.register(self.close)
        self.process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if "error" in answer:
            raise ValueError(answer["error"])
        return answer["html"]

    def close(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=10)
            self.process = None


KATEX = Katex()


def on_page_content(content: str, page, config, files):
    def replace(match: re.Match) -> str:
        body = html.unescape(match.group("body"))
        found = DELIMITERS.match(body)
        if not found:
            return match.group(0)
        tex = found.group("tex").strip()
        display = match.group("tag") == "div"
        try:
            rendered = KATEX.render(tex, display)
        except ValueError as error:
            raise PluginError(f"{page.file.src_uri}: KaTeX cannot typeset {tex[:80]!r}: {error}") from None
        # A wide display formula scrolls sideways, so keyboard users must be able to focus it.
        focus = ' tabindex="0"' if display else ""
        # Kept out of the search index: MathML is not words a reader would search for.
        return (f'<{match.group("tag")} class="arithmatex" data-typeset="true" data-search-exclude{focus} '
                f'data-tex="{html.escape(tex, quote=True)}">{rendered}</{match.group("tag")}>')

    return ARITHMATEX.sub(replace, content)


def on_post_build(config):
    KATEX.close()
