"""Hook: work Material does at every page load that restyles the whole page, done once at build time.

Each of these changes makes the browser restyle every element of the page during start-up, which
is most of the main-thread time Lighthouse's emulated phone spends on a long page (measured with a
Chromium trace, CPU throttled 4x, on the attention page's 4,500 elements):

1. Tables. Material wraps every ``table:not([class])`` of the content in
   ``div.md-typeset__scrollwrap > div.md-typeset__table`` once the page has loaded; replacing
   elements inside the article invalidates the whole article (~0.3 s). The build writes that same
   wrapping and marks the table ``dscalc-wrapped``, which Material's script then skips; Material's
   table styles, written for ``table:not([class])``, are extended to the marked tables in its
   stylesheet (the same specificity, through ``:is()``).

2. The palette. Material's palette script sets ``<body data-md-color-switching>`` while it
   applies a colour scheme (also the first time, at every page load) and removes it a frame
   later; its stylesheet turns transitions off under that attribute for every element
   (``[data-md-color-switching] *``), so adding and removing it restyles the whole page twice
   (~0.3 s). Without that rule the attribute matches nothing and costs nothing. The price: when
   a reader toggles the scheme, colours fade with Material's own 0.25 s transitions instead of
   switching at once.

(The third, ``<html class="no-js">`` becoming ``js``, is done before the body exists by
``overrides/partials/dscalc/js_class_early.js``.)

What is edited is matched exactly: if a Material upgrade changes it, the build fails here rather
than shipping a stylesheet edited blind. Runs before ``vendoring.py``, which shares the identical
theme files of both languages.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

SWITCHING_RULE = ("[data-md-color-switching] *,[data-md-color-switching] :after,"
                  "[data-md-color-switching] :before{transition-duration:0s!important}")
MATERIAL_TABLES = "table:not([class])"
WRAPPED_CLASS = "dscalc-wrapped"
_ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">)(.*?)(</article>)', re.DOTALL)
_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)


def wrap_tables(article_html: str) -> str:
    """Every bare <table> wrapped exactly as Material's script would wrap it, and marked."""
    def wrapped(match: re.Match) -> str:
        if "<table" in match.group(1):
            raise PluginError("theme_startup: a table inside a table")
        return (f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
                f'<table class="{WRAPPED_CLASS}">{match.group(1)}</table></div></div>')
    return _TABLE.sub(wrapped, article_html)


def on_post_page(output, page, config):
    return _ARTICLE.sub(lambda match: match.group(1) + wrap_tables(match.group(2)) + match.group(3),
                        output, count=1)


def _edit_sheets(folder: Path, pattern: str, edit) -> None:
    sheets = sorted(folder.glob(pattern))
    if not sheets:
        raise PluginError(f"theme_startup: Material's stylesheet {pattern} is missing")
    for sheet in sheets:
        sheet.write_text(edit(sheet.name, sheet.read_text(encoding="utf-8")), encoding="utf-8")


def _tables_styled_when_wrapped(name: str, text: str) -> str:
    if MATERIAL_TABLES not in text:
        raise PluginError(f"theme_startup: {name} no longer styles {MATERIAL_TABLES}; check how "
                          "Material finds and styles content tables now")
    return text.replace(MATERIAL_TABLES, f"table:is(:not([class]),.{WRAPPED_CLASS})")


def _no_switching_rule(name: str, text: str) -> str:
    if SWITCHING_RULE not in text:
        raise PluginError(f"theme_startup: {name} no longer holds the rule this hook drops; "
                          "check what Material's palette script does at start-up now")
    return text.replace(SWITCHING_RULE, "")


def on_post_build(config):
    stylesheets = Path(config.site_dir) / "assets" / "stylesheets"
    _edit_sheets(stylesheets, "main.*.min.css", _tables_styled_when_wrapped)
    _edit_sheets(stylesheets, "palette.*.min.css", _no_switching_rule)
