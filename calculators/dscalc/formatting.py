"""How numbers are shown to readers, in Japanese and English.

The same functions format the prerendered HTML and the live browser results, so a page can never
show the same value two ways.
"""

from __future__ import annotations

import json

_DECIMAL_BYTE_UNITS = ((10**15, "PB"), (10**12, "TB"), (10**9, "GB"), (10**6, "MB"), (10**3, "kB"))
_BINARY_BYTE_UNITS = ((2**50, "PiB"), (2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB"))


def group(value: int) -> str:
    """``70272`` -> ``"70,272"``."""
    return f"{value:,}"


def latex_int(value: int) -> str:
    """An integer for KaTeX with thousands separators that do not add space: ``70{,}272``."""
    return f"{value:,}".replace(",", "{,}")


def _scaled(value: float, units: tuple) -> str:
    for size, name in units:
        if abs(value) >= size:
            return f"{value / size:.3g} {name}" if value / size < 1000 else f"{value / size:,.0f} {name}"
    return f"{value:,.0f} B"


def format_bytes(value: int | float) -> str:
    """Exact below a megabyte; above it, three significant digits in GB and GiB."""
    if abs(value) < 10**6:
        return f"{value:,.0f} B"
    return f"{_scaled(value, _DECIMAL_BYTE_UNITS)} ({_scaled(value, _BINARY_BYTE_UNITS)})"


def format_params(value: int | float, lang: str) -> str:
    """Parameter counts: ``6,710億 (671.0B)`` in Japanese, ``671.0B`` in English."""
    english = _english_magnitude(value)
    if lang != "ja":
        return english
    if abs(value) >= 10**12:
        japanese = f"{value / 10**12:,.2f}兆"
    elif abs(value) >= 10**8:
        japanese = f"{value / 10**8:,.0f}億"
    elif abs(value) >= 10**4:
        japanese = f"{value / 10**4:,.0f}万"
    else:
        return f"{value:,.0f}"
    return f"{japanese} ({english})"


def _english_magnitude(value: float) -> str:
    for size, suffix in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if abs(value) >= size:
            return f"{value / size:,.1f}{suffix}"
    return f"{value:,.0f}"


def format_flops(value: float) -> str:
    for size, prefix in ((10**18, "E"), (10**15, "P"), (10**12, "T"), (10**9, "G"), (10**6, "M")):
        if abs(value) >= size:
            return f"{value / size:.3g} {prefix}FLOP"
    return f"{value:,.0f} FLOP"


def format_value(kind: str, value, lang: str, unit: str = "") -> str:
    """Display text for one output value.

    Outputs that are words or drawings (a note, an SVG chart) are computed in both languages as
    ``{"ja": ..., "en": ...}``, since ``dscalc.run`` has no language; the page's one is shown.
    """
    if isinstance(value, dict) and set(value) == {"ja", "en"}:
        value = value["ja" if lang == "ja" else "en"]  # an output written in both languages
    if value is None:
        return "—"
    if isinstance(value, bool):
        return {"ja": ("はい", "いいえ"), "en": ("yes", "no")}["ja" if lang == "ja" else "en"][0 if value else 1]
    if kind == "bytes":
        return format_bytes(value)
    if kind == "params":
        return format_params(value, lang)
    if kind == "flops":
        return format_flops(value)
    if kind == "count":
        text = group(int(value))
    elif kind == "ratio":
        text = f"{value:.3g}×"
    elif kind == "percent":
        text = f"{value:.1f}%"
    elif kind == "number":
        text = f"{value:,.4g}" if isinstance(value, float) else group(value)
    elif kind in ("text", "url", "svg"):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False)
    return f"{text} {unit}" if unit else text
