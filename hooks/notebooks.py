"""Hook: notebook pages (rendered by mkdocs-jupyter) cleaned up after rendering.

- Jupyter's stylesheet (about 570 KB, inlined into every notebook page) is written once as a file
  and linked, so it is downloaded once and cached.
- The MathJax loader with an empty ``src`` and the module that imports mermaid from a CDN are
  removed: no page may ask another origin for anything, and the notebooks have neither MathJax
  formulas nor diagrams (their outputs are tables and text).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path

from mkdocs.utils import get_relative_url

STYLE = re.compile(r"<style[^>]*>(?P<css>.*?)</style>", re.DOTALL)
EMPTY_MATHJAX = re.compile(r"<!-- Load mathjax -->\s*<script src=\"\">\s*</script>", re.DOTALL)
MATHJAX_CONFIG = re.compile(r"<!-- MathJax configuration -->\s*<script type=\"text/x-mathjax-config\">.*?</script>"
                            r"\s*<!-- End of mathjax configuration -->", re.DOTALL)
MERMAID_MODULE = re.compile(r"<script type=\"module\">(?:(?!</script>).)*?cdnjs\.cloudflare\.com.*?</script>",
                            re.DOTALL)


def on_post_page(output: str, page, config):
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    output = EMPTY_MATHJAX.sub("", output)
    output = MATHJAX_CONFIG.sub("", output)
    output = MERMAID_MODULE.sub("", output)
    styles = [match for match in STYLE.finditer(output) if "jp-" in match.group("css")]
    if not styles:
        return output
    css = "\n".join(match.group("css") for match in styles)
    name = f"assets/dscalc/notebook-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
    target = Path(config.site_dir) / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")
    href = posixpath.join(get_relative_url(".", page.url), name)
    for index, match in enumerate(reversed(styles)):
        replacement = f'<link rel="stylesheet" href="{href}">' if index == len(styles) - 1 else ""
        output = output[:match.start()] + replacement + output[match.end():]
    return output
