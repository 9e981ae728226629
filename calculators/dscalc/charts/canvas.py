"""Drawing pieces every kind shares: text measurement, scales and ticks, axes, legends."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
import math

from ..framework.text import localize
from ..framework.units import FORMATS, mantissa_exponent, significant


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 640
FONT_SIZE = 12
LINE_HEIGHT = 16
TITLE_SIZE = 14
PALETTE_SIZE = 8
DASHES = ("", "7 4", "2 3", "9 3 2 3", "4 2", "1 2", "12 3", "5 2 1 2")


def char_width(char: str) -> float:
    """Estimated advance of one character in em (errs on the wide side)."""
    code = ord(char)
    if code >= 0x2E80 or 0xFF00 <= code <= 0xFFEF:
        return 1.0
    if char in "il.,:;'|!()[]{}":
        return 0.35
    if char == " ":
        return 0.33
    if char.isupper() or char in "mwMW%@&":
        return 0.72
    return 0.6


def text_width(text: str, size: float = FONT_SIZE) -> float:
    return sum(char_width(char) for char in text) * size


def wrap(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """Split ``text`` into lines no wider than ``width``: at spaces for Latin text, anywhere
    between CJK characters (never inside a Latin word)."""
    lines: list[str] = []
    current = ""
    for token in _tokens(text):
        candidate = current + token
        if current and text_width(candidate.rstrip(), size) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = candidate
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    word = ""
    for char in text:
        if ord(char) >= 0x2E80:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(char)
        elif char == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += char
    if word:
        tokens.append(word)
    return tokens


@dataclass
class Canvas:
    """SVG parts plus the boxes of every text placed, so collisions can be avoided (and tested)."""

    parts: list[str] = field(default_factory=list)
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def text_box(self, x: float, y: float, text: str, anchor: str, size: float) -> tuple:
        width = text_width(text, size)
        left = x - (width if anchor == "end" else width / 2 if anchor == "middle" else 0)
        return (left, y - size * 0.85, left + width, y + size * 0.25)

    def fits(self, box: tuple) -> bool:
        return not any(_overlap(box, other) for other in self.boxes)

    def text_if_fits(self, x: float, y: float, text: str, *, anchor: str = "start",
                     size: float = FONT_SIZE) -> bool:
        """Draw ``text`` unless it would collide with a text already placed (the data table
        still carries it)."""
        if not self.fits(self.text_box(x, y, text, anchor, size)):
            return False
        self.text(x, y, text, anchor=anchor, size=size)
        return True

    def text(self, x: float, y: float, text: str, *, anchor: str = "start",
             size: float = FONT_SIZE, weight: str = "", css: str = "") -> None:
        self.boxes.append(self.text_box(x, y, text, anchor, size))
        extra = (f' font-weight="{weight}"' if weight else "") + (f' class="{css}"' if css else "")
        self.add(f'<text x="{coordinate(x)}" y="{coordinate(y)}" text-anchor="{anchor}" font-size="{size:g}"'
                 f' fill="currentColor"{extra}>{escape_text(text)}</text>')


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def escape_text(text) -> str:
    return escape(str(text), quote=True)


def coordinate(value: float) -> str:
    return f"{value:.1f}"
@dataclass(frozen=True)
class Scale:
    low: float
    high: float
    start: float  # pixel of ``low``
    end: float    # pixel of ``high``
    log: bool

    def __call__(self, value: float) -> float:
        if self.log:
            share = (math.log10(value) - math.log10(self.low)) / (
                math.log10(self.high) - math.log10(self.low))
        else:
            share = (value - self.low) / (self.high - self.low)
        return self.start + share * (self.end - self.start)


_SMALLEST_SPAN = 1e-290


def _nice_step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def linear_range(values: list[float], from_zero: bool) -> tuple[float, float]:
    low, high = min(values), max(values)
    if from_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    # A span near the float's smallest step has no tick spacing to show (and
    # span / 5 can round to zero), so it is drawn as a single value.
    if not high - low > _SMALLEST_SPAN:
        low, high = (low - 1, high + 1) if low else (0.0, 1.0)
    step = _nice_step(high - low, 5)
    return math.floor(low / step) * step, math.ceil(high / step) * step


def log_range(values: list[float]) -> tuple[float, float]:
    positive = [value for value in values if value > 0] or [1.0]
    low = 10 ** math.floor(math.log10(min(positive)))
    high = 10 ** math.ceil(math.log10(max(positive)))
    if low == high:
        high = low * 10
    return low, high


def tick_values(low: float, high: float, log: bool, count: int = 6) -> list[float]:
    if log:
        first, last = round(math.log10(low)), round(math.log10(high))
        step = max(1, math.ceil((last - first) / count))
        ticks = [10.0 ** power for power in range(first, last + 1, step)]
        if last - first <= 2:  # a short log axis also marks 2 and 5
            ticks = sorted({tick * factor for tick in ticks for factor in (1, 2, 5)
                            if low <= tick * factor <= high})
        return ticks
    step = _nice_step(high - low, count)
    ticks = []
    value = math.ceil(low / step - 1e-9) * step
    while value <= high + step * 1e-9:
        ticks.append(0.0 if abs(value) < step * 1e-9 else value)
        value += step
    return ticks


def tick_text(value: float) -> str:
    """Compact axis numbers: ``0.01``, ``2.5``, ``500``, ``10K``, ``1M``, ``1e15``."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e15 or magnitude < 1e-4:
        mantissa, exponent = mantissa_exponent(value, 2)
        power = "10" + str(exponent).translate(_SUPERSCRIPT)
        return power if mantissa == "1.0" else f"{_trim(mantissa)}×{power}"
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if magnitude >= size:
            return _trim(significant(value / size, 3)) + suffix
    return _trim(significant(value, 3))


def _trim(number: str) -> str:
    return number.rstrip("0").rstrip(".") if "." in number else number


def thin_labels(positions: list[tuple[float, str]], min_gap: float) -> list[tuple[float, str]]:
    """Drop every other tick until neighbouring labels keep ``min_gap`` between them."""
    step = 1
    while True:
        kept = positions[::step]
        if all(b[0] - text_width(b[1]) / 2 - (a[0] + text_width(a[1]) / 2) >= min_gap
               for a, b in zip(kept, kept[1:])):
            return kept
        step += 1


def format_value(format_name: str, value, lang: str) -> str:
    formatter = FORMATS.get(format_name)
    if value is None:
        return "—"
    if formatter is None:
        return str(value)
    return formatter(value, lang)
def open_svg(canvas: Canvas, height: float, title: str, description: str) -> None:
    label = f"{title}. {description}" if description else title
    canvas.parts.insert(0, f'<svg xmlns="{SVG_NS}" class="dscalc-svg" viewBox="0 0 {WIDTH} '
                           f'{coordinate(height)}" width="{WIDTH}" height="{coordinate(height)}" role="img" '
                           f'aria-label="{escape_text(label)}" font-family="system-ui, -apple-system, '
                           f'Segoe UI, sans-serif">'
                           f"<title>{escape_text(title)}</title>"
                           + (f"<desc>{escape_text(description)}</desc>" if description else ""))
    canvas.add("</svg>")


def draw_title(canvas: Canvas, title: str) -> float:
    """Draw the title, wrapped; return the y below it."""
    y = 20.0
    for line in wrap(title, WIDTH - 16, TITLE_SIZE):
        canvas.text(WIDTH / 2, y, line, anchor="middle", size=TITLE_SIZE, weight="bold")
        y += TITLE_SIZE + 4
    return y + 6


def draw_legend(canvas: Canvas, top: float, entries: list[tuple[str, str]], left: float = 16) -> float:
    """Rows of ``(swatch markup builder key, label)``; returns the y below the legend."""
    y = top
    for swatch, label in entries:
        lines = wrap(label, WIDTH - left - 50)
        canvas.add(swatch.format(x1=coordinate(left), x2=coordinate(left + 32), y=coordinate(y - 4), x=coordinate(left),
                                 yt=coordinate(y - 10)))
        for index, line in enumerate(lines):
            canvas.text(left + 40, y + index * LINE_HEIGHT, line)
        y += LINE_HEIGHT * len(lines) + 4
    return y


def line_swatch(index: int, emphasis: bool = False) -> str:
    return ('<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" ' + line_style(index, emphasis) + "/>")


def fill_swatch(css: str, opacity: str = "1") -> str:
    return ('<rect x="{x}" y="{yt}" width="32" height="12" fill="currentColor" '
            f'fill-opacity="{opacity}" class="fill {css}"/>')


def line_style(index: int, emphasis: bool) -> str:
    slot = index % PALETTE_SIZE
    dash = DASHES[slot]
    dash_attr = f' stroke-dasharray="{dash}"' if dash and not emphasis else ""
    width = 'stroke-width="6" stroke-opacity="0.45"' if emphasis else 'stroke-width="2.5"'
    return f'fill="none" stroke="currentColor" class="line s{slot}" {width}{dash_attr}'


def draw_axes(canvas: Canvas, left: float, right: float, top: float, bottom: float) -> None:
    canvas.add(f'<line x1="{coordinate(left)}" y1="{coordinate(bottom)}" x2="{coordinate(right)}" y2="{coordinate(bottom)}" '
               'stroke="currentColor"/>')
    canvas.add(f'<line x1="{coordinate(left)}" y1="{coordinate(top)}" x2="{coordinate(left)}" y2="{coordinate(bottom)}" '
               'stroke="currentColor"/>')


def draw_grid_x(canvas: Canvas, x: float, top: float, bottom: float) -> None:
    canvas.add(f'<line x1="{coordinate(x)}" y1="{coordinate(top)}" x2="{coordinate(x)}" y2="{coordinate(bottom)}" '
               'stroke="currentColor" stroke-opacity="0.15"/>')


def draw_grid_y(canvas: Canvas, y: float, left: float, right: float) -> None:
    canvas.add(f'<line x1="{coordinate(left)}" y1="{coordinate(y)}" x2="{coordinate(right)}" y2="{coordinate(y)}" '
               'stroke="currentColor" stroke-opacity="0.15"/>')


def draw_y_axis_label(canvas: Canvas, text: str, top: float, bottom: float) -> None:
    # Rotated text is kept out of the collision boxes: it lives alone in the left margin.
    canvas.add(f'<text transform="translate(14 {coordinate((top + bottom) / 2)}) rotate(-90)" '
               f'text-anchor="middle" font-size="{FONT_SIZE}" fill="currentColor">{escape_text(text)}</text>')


def draw_x_ticks(canvas: Canvas, scale: Scale, ticks: list[tuple[float, str]], top: float,
             bottom: float) -> None:
    placed = thin_labels([(scale(value), label) for value, label in ticks], 8)
    for x, label in placed:
        draw_grid_x(canvas, x, top, bottom)
        half = text_width(label) / 2
        # A label at the drawing's edge is aligned to that edge instead of running off it.
        anchor = "end" if x + half > WIDTH - 2 else "start" if x - half < 2 else "middle"
        canvas.text_if_fits(x, bottom + 18, label, anchor=anchor)


def draw_y_ticks(canvas: Canvas, scale: Scale, ticks: list[float], left: float, right: float) -> None:
    last_y = None
    for value in ticks:
        y = scale(value)
        if last_y is not None and abs(last_y - y) < LINE_HEIGHT:
            continue
        last_y = y
        draw_grid_y(canvas, y, left, right)
        canvas.text_if_fits(left - 6, y + 4, tick_text(value), anchor="end")


def draw_markers(canvas: Canvas, markers, scale: Scale, top: float, bottom: float, left: float,
             right: float, lang: str) -> None:
    row_right_edges: list[float] = []
    for marker in sorted(markers, key=lambda item: item.x):
        if not scale.low <= marker.x <= scale.high:
            continue
        x = scale(marker.x)
        canvas.add(f'<line x1="{coordinate(x)}" y1="{coordinate(top)}" x2="{coordinate(x)}" y2="{coordinate(bottom)}" '
                   'stroke="currentColor" stroke-dasharray="3 3"/>')
        text = localize(marker.label, lang)
        width = text_width(text)
        anchor = "end" if x - width - 4 >= left and x + width + 4 > right else "start"
        start = x - width - 4 if anchor == "end" else x + 4
        row = next((index for index, edge in enumerate(row_right_edges) if start > edge + 6),
                   len(row_right_edges))
        if row == len(row_right_edges):
            row_right_edges.append(0.0)
        row_right_edges[row] = start + width
        y = top + 12 + row * LINE_HEIGHT
        box = canvas.text_box(x - 4 if anchor == "end" else x + 4, y, text, anchor, FONT_SIZE)
        if canvas.fits(box):
            canvas.text(x - 4 if anchor == "end" else x + 4, y, text, anchor=anchor)




MARKER_SHAPES = ("circle", "square", "diamond", "triangle")


def draw_marker(shape: str, x: float, y: float, slot: int) -> str:
    css = f'fill="currentColor" class="fill s{slot % PALETTE_SIZE}"'
    if shape == "square":
        return f'<rect x="{coordinate(x - 4)}" y="{coordinate(y - 4)}" width="8" height="8" {css}/>'
    if shape == "diamond":
        return f'<polygon points="{coordinate(x)},{coordinate(y - 5)} {coordinate(x + 5)},{coordinate(y)} {coordinate(x)},{coordinate(y + 5)} {coordinate(x - 5)},{coordinate(y)}" {css}/>'
    if shape == "triangle":
        return f'<polygon points="{coordinate(x)},{coordinate(y - 5)} {coordinate(x + 5)},{coordinate(y + 4)} {coordinate(x - 5)},{coordinate(y + 4)}" {css}/>'
    return f'<circle cx="{coordinate(x)}" cy="{coordinate(y)}" r="4.5" {css}/>'
