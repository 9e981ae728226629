"""Hook: a Content-Security-Policy on every page, generated after the build.

The policy allows only this site's own origin, plus the exact inline scripts the pages contain
(by their sha256 hashes, collected over the whole build because Material's instant navigation
runs another page's inline scripts in the current document). It is a second guard behind the
test that no page names another origin: even injected markup could not load or run anything from
elsewhere. Styles may be inline (KaTeX and the charts set style attributes).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s+[a-z-]+(?:=\"[^\"]*\")?)*)\s*>(?P<body>.*?)</script>",
                           re.DOTALL)
EXECUTABLE_TYPES = ("", "text/javascript", "module", "application/javascript")
CHARSET = '<meta charset="utf-8">'


def _is_inline_executable(attrs: str) -> bool:
    if "src=" in attrs:
        return False
    found = re.search(r'type="([^"]*)"', attrs)
    return (found.group(1) if found else "") in EXECUTABLE_TYPES


def _hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"


def policy(hashes: set[str]) -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(sorted(hashes)),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


def on_post_build(config):
    site = Path(config.site_dir)
    site_root = (config.extra.get("dscalc") or {}).get("site_root", "")
    pages = [path for path in site.rglob("*.html")
             # The Japanese build is the site root: the English pages are the other build's.
             if site_root or path.relative_to(site).parts[0] != "en"]
    texts = {path: path.read_text(encoding="utf-8") for path in pages}
    hashes = {_hash(match.group("body")) for text in texts.values()
              for match in INLINE_SCRIPT.finditer(text) if _is_inline_executable(match.group("attrs"))}
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes)}">'
    for path, text in texts.items():
        if CHARSET in text and "Content-Security-Policy" not in text:
            path.write_text(text.replace(CHARSET, CHARSET + meta, 1), encoding="utf-8")
