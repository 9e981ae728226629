"""Small, self-contained SVG line charts (standard library only).

The SVG is meant to be inlined in a page: no external fonts, images, scripts or URLs (the only
URL is the SVG namespace), every piece of text escaped, a ``<title>`` and
``role="img" aria-label=…`` for screen readers, and an optional ``<desc>`` with the numbers.
Text and axes use ``currentColor`` so the chart follows the page's light or dark theme; each
series has its own colour *and* dash pattern, so it can be told apart without colour.

Each series is drawn as exactly one ``<polyline>``; axes, grid lines and markers are ``<line>``
elements.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

SVG_NS = "http://www.w3.org/2000/svg"

#: Colour-blind-safe colours (Okabe & Ito) with distinct dash patterns.
STYLES = (("#0072B2", ""), ("#D55E00", "7 4"), ("#009E73", "2 3"), ("#CC79A7", "9 3 2 3"),
          ("#E69F00", "4 2"), ("#56B4E9", "1 2"))

WIDTH = 640
MARGIN_LEFT = 78
MARGIN_RIGHT = 24
MARGIN_TOP = 44
PLOT_HEIGHT = 260
AXIS_LABEL_SPACE = 56
LEGEND_ROW = 20
FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"'


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[tuple[float, float], ...]  # (x, y), both > 0 on log axes


def _text(value: str) -> str:
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}"


def decade_label(exponent: int) -> str:
    """``10**exponent`` written plainly (``0.01``, ``1``, ``1,000``), or ``1e9`` beyond 10**±6."""
    if exponent > 6 or exponent < -6:
        return f"1e{exponent}"
    if exponent >= 0:
        return f"{10**exponent:,}"
    return f"{10.0**exponent:.{-exponent}f}"


def _decades(low: float, high: float) -> tuple[int, int]:
    bottom = math.floor(math.log10(low))
    top = math.ceil(math.log10(high))
    if top == bottom:
        top += 1
    return bottom, top


def log_log_chart(series: list[Series], *, title: str, x_label: str, y_label: str,
                  x_ticks: tuple[tuple[float, str], ...], marker: tuple[float, str] | None = None,
                  description: str = "") -> str:
    """A line chart with logarithmic x and y axes, as SVG text.

    ``x_ticks`` are ``(value, label)`` pairs and also fix the x range (first to last tick).
    The y range is whole decades around the data. ``marker`` draws a labelled vertical line.
    Points that are not positive are left out.
    """
    drawable = [Series(item.label, tuple((x, y) for x, y in item.points if x > 0 and y > 0))
                for item in series]
    drawable = [item for item in drawable if item.points]
    x_min, x_max = x_ticks[0][0], x_ticks[-1][0]
    values = [y for item in drawable for _, y in item.points] or [1.0]
    y_bottom, y_top = _decades(min(values), max(values))
    step = max(1, math.ceil((y_top - y_bottom) / 8))
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    height = MARGIN_TOP + PLOT_HEIGHT + AXIS_LABEL_SPACE + LEGEND_ROW * len(drawable) + 8

    def px(x: float) -> float:
        share = (math.log10(x) - math.log10(x_min)) / (math.log10(x_max) - math.log10(x_min))
        return MARGIN_LEFT + share * plot_width

    def py(y: float) -> float:
        share = (math.log10(y) - y_bottom) / (y_top - y_bottom)
        return MARGIN_TOP + (1 - share) * PLOT_HEIGHT

    left, right = MARGIN_LEFT, MARGIN_LEFT + plot_width
    top, bottom = MARGIN_TOP, MARGIN_TOP + PLOT_HEIGHT
    parts = [
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{_text(title)}" {FONT} font-size="12">',
        f"<title>{_text(title)}</title>",
    ]
    if description:
        parts.append(f"<desc>{_text(description)}</desc>")
    parts.append(f'<text x="{WIDTH / 2:.1f}" y="20" text-anchor="middle" font-size="14" '
                 f'font-weight="bold" fill="currentColor">{_text(title)}</text>')
    for exponent in range(y_bottom, y_top + 1, step):
        y = py(10.0**exponent)
        parts.append(f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(right)}" y2="{_num(y)}" '
                     'stroke="currentColor" stroke-opacity="0.15"/>')
        parts.append(f'<text x="{_num(left - 6)}" y="{_num(y + 4)}" text-anchor="end" '
                     f'fill="currentColor">{_text(decade_label(exponent))}</text>')
    for value, label in x_ticks:
        x = px(value)
        parts.append(f'<line x1="{_num(x)}" y1="{_num(top)}" x2="{_num(x)}" y2="{_num(bottom)}" '
                     'stroke="currentColor" stroke-opacity="0.15"/>')
        parts.append(f'<text x="{_num(x)}" y="{_num(bottom + 16)}" text-anchor="middle" '
                     f'fill="currentColor">{_text(label)}</text>')
    parts.append(f'<line x1="{_num(left)}" y1="{_num(bottom)}" x2="{_num(right)}" '
                 f'y2="{_num(bottom)}" stroke="currentColor"/>')
    parts.append(f'<line x1="{_num(left)}" y1="{_num(top)}" x2="{_num(left)}" '
                 f'y2="{_num(bottom)}" stroke="currentColor"/>')
    parts.append(f'<text x="{_num((left + right) / 2)}" y="{_num(bottom + 36)}" '
                 f'text-anchor="middle" fill="currentColor">{_text(x_label)}</text>')
    parts.append(f'<text transform="translate(16 {_num((top + bottom) / 2)}) rotate(-90)" '
                 f'text-anchor="middle" fill="currentColor">{_text(y_label)}</text>')
    if marker is not None and x_min <= marker[0] <= x_max:
        x = px(marker[0])
        parts.append(f'<line x1="{_num(x)}" y1="{_num(top)}" x2="{_num(x)}" y2="{_num(bottom)}" '
                     'stroke="currentColor" stroke-dasharray="3 3"/>')
        anchor = "end" if x > (left + right) / 2 else "start"
        shift = -4 if anchor == "end" else 4
        parts.append(f'<text x="{_num(x + shift)}" y="{_num(top + 12)}" text-anchor="{anchor}" '
                     f'fill="currentColor">{_text(marker[1])}</text>')
    for index, item in enumerate(drawable):
        colour, dash = STYLES[index % len(STYLES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        points = " ".join(f"{_num(px(x))},{_num(py(y))}" for x, y in item.points
                          if x_min <= x <= x_max)
        # The first series (the model itself) is wide and translucent, so a variant drawn on
        # top of it stays visible where the two coincide.
        width = ' stroke-width="6" stroke-opacity="0.45"' if index == 0 else ' stroke-width="2.5"'
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}"{width}'
                     f'{dash_attr}><title>{_text(item.label)}</title></polyline>')
        legend_y = bottom + AXIS_LABEL_SPACE + LEGEND_ROW * index + 8
        parts.append(f'<line x1="{_num(left)}" y1="{_num(legend_y)}" x2="{_num(left + 32)}" '
                     f'y2="{_num(legend_y)}" stroke="{colour}"{width}{dash_attr}/>')
        parts.append(f'<text x="{_num(left + 40)}" y="{_num(legend_y + 4)}" '
                     f'fill="currentColor">{_text(item.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
