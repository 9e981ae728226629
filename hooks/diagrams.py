"""Hook: every diagram (an SVG under ``assets/diagrams/``) links to itself at full size, so a
reader on a phone can open the picture alone and zoom, instead of squinting at text shrunk to a
few pixels. The link says so in the page's language."""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_state  # noqa: E402

IMAGE = re.compile(r'<img (?P<attrs>[^>]*?src="(?P<src>[^"]*assets/diagrams/[^"]+\.svg)"[^>]*)>')
WORDS = {"ja": "図を拡大して開く", "en": "Open the diagram full size"}


def on_page_content(content: str, page, config, files):
    lang = site_state.of(config).lang

    def wrap(match: re.Match) -> str:
        return (f'<a class="dscalc-diagram-link" href="{match.group("src")}" '
                f'title="{WORDS[lang]}"><img {match.group("attrs")}></a>'
                f'<span class="dscalc-diagram-hint"><a href="{match.group("src")}">{WORDS[lang]}</a></span>')

    return IMAGE.sub(wrap, content)
