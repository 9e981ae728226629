"""Hook: every diagram (an SVG under ``assets/diagrams/``) links to itself at full size, so a
reader on a phone can open the picture alone and zoom, instead of squinting at text shrunk to a
few pixels. The link says so in the page's language.

Each ``<img>`` also gets the SVG's own width and height, so the browser reserves its box before
the file arrives and the text below never jumps (layout shift)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_state  # noqa: E402

DIAGRAMS = site_state.ROOT / "docs" / "assets" / "diagrams"
SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="(?P<width>\d+)"[^>]*?\bheight="(?P<height>\d+)"')
IMAGE = re.compile(r'<img (?P<attrs>[^>]*?src="(?P<src>[^"]*assets/diagrams/[^"]+\.svg)"[^>]*)>')
WORDS = {"ja": "図を拡大して開く", "en": "Open the diagram full size"}


def on_page_content(content: str, page, config, files):
    lang = site_state.of(config).lang

    def wrap(match: re.Match) -> str:
        attrs = match.group("attrs").rstrip(" /")
        if " width=" not in attrs:
            attrs += size_attributes(match.group("src"))
        return (f'<a class="dscalc-diagram-link" href="{match.group("src")}" '
                f'title="{WORDS[lang]}"><img {attrs}></a>'
                f'<span class="dscalc-diagram-hint"><a href="{match.group("src")}">{WORDS[lang]}</a></span>')

    return IMAGE.sub(wrap, content)


def size_attributes(src: str) -> str:
    """`` width="…" height="…"`` from the diagram's own ``<svg>`` element; a diagram without
    them fails the build (its box could not be reserved)."""
    path = DIAGRAMS / Path(src).name
    found = SVG_SIZE.search(path.read_text(encoding="utf-8")[:2000])
    if not found:
        raise PluginError(f"{path}: the <svg> element needs width and height attributes")
    return f' width="{found.group("width")}" height="{found.group("height")}"'
