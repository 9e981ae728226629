"""The chart kit: SVG figures from numbers, standard library only.

One kit for every calculator and every prose page. A chart is a frozen description (``LineChart``,
``BarChart``, ``GanttChart``, ``EventTimeline``, ``ScatterChart``) whose words are ``Text`` (or
plain strings that read the same in both languages); ``figure(chart, lang)`` draws it in one
language and returns an HTML ``<figure>``: a caption, the SVG, and a data table for screen readers
and for anyone who wants the numbers.

Rules every kind follows:

- Colours come from the page's CSS custom properties (classes ``s0``…``s7``, defined in
  ``dscalc.css`` for both palettes); the SVG attributes fall back to ``currentColor``. Series also
  differ by dash pattern or marker, so colour is never the only cue.
- Every text is escaped; the only URL in the SVG is its namespace; nothing is loaded.
- Text never overlaps: the layout measures text with ``text_width`` (a conservative estimate:
  CJK characters one em, Latin about 0.6 em), wraps titles and legend entries, thins axis ticks
  until their labels fit, and stacks labels that would collide. The SVG is drawn for a 640-unit
  width; on narrow screens the CSS keeps it at least 540 px wide and lets it scroll, so 12-unit
  text never shrinks below about 10 px.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from html import escape

from .framework.text import Text, localize
from .framework.units import FORMATS, mantissa_exponent, significant

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 640
FONT_SIZE = 12
LINE_HEIGHT = 16
TITLE_SIZE = 14
PALETTE_SIZE = 8
DASHES = ("", "7 4", "2 3", "9 3 2 3", "4 2", "1 2", "12 3", "5 2 1 2")

Label = Text | str


# --------------------------------------------------------------------------- descriptions

@dataclass(frozen=True)
class Series:
    """One line: ``points`` are ``(x, y)``; ``emphasis`` draws it wide and translucent; ``step``
    holds each value until the next point (a price list over time)."""

    label: Label
    points: tuple[tuple[float, float], ...]
    emphasis: bool = False
    step: bool = False


@dataclass(frozen=True)
class Marker:
    """A labelled vertical line at ``x``."""

    x: float
    label: Label


@dataclass(frozen=True)
class Region:
    """A shaded band from ``start`` to ``end`` on the x axis, labelled inside."""

    start: float
    end: float
    label: Label


@dataclass(frozen=True)
class LineChart:
    title: Label
    x_label: Label
    y_label: Label
    series: tuple[Series, ...]
    x_log: bool = False
    y_log: bool = False
    x_ticks: tuple[tuple[float, str], ...] = ()
    markers: tuple[Marker, ...] = ()
    regions: tuple[Region, ...] = ()
    #: Named points drawn as labelled dots (a chip on a roofline, a model on a curve).
    points: tuple["Point", ...] = ()
    x_format: str = "number"
    y_format: str = "number"
    y_from_zero: bool = False
    description: Label = ""


@dataclass(frozen=True)
class BarSeries:
    label: Label
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class BarGroup:
    """Consecutive categories ``start``…``end`` (inclusive) drawn as one labelled group."""

    label: Label
    start: int
    end: int
    highlighted: bool = False


@dataclass(frozen=True)
class BarChart:
    """Bars per category, one per series (grouped) or stacked; horizontal or vertical.

    ``highlight`` marks categories drawn in full colour (the others are dimmed when any is
    highlighted); ``annotations`` are short texts above (or after) each category's bar;
    ``overlay`` draws a tick at a second value per category (e.g. a biased score).
    """

    title: Label
    value_label: Label
    categories: tuple[Label, ...]
    series: tuple[BarSeries, ...]
    horizontal: bool = True
    stacked: bool = False
    value_format: str = "number"
    value_log: bool = False
    highlight: tuple[int, ...] = ()
    annotations: tuple[Label, ...] = ()
    overlay: tuple[float | None, ...] = ()
    overlay_label: Label = ""
    groups: tuple[BarGroup, ...] = ()
    value_max: float | None = None
    description: Label = ""


@dataclass(frozen=True)
class Span:
    """A bar on a lane from ``start`` to ``end`` (same unit as the x axis)."""

    lane: int
    start: float
    end: float
    kind: str
    label: str = ""


@dataclass(frozen=True)
class GanttChart:
    """Lanes of spans over time: pipeline schedules, programme plans. ``kinds`` maps each span
    kind to its legend label, in colour order."""

    title: Label
    lanes: tuple[Label, ...]
    spans: tuple[Span, ...]
    kinds: tuple[tuple[str, Label], ...]
    x_label: Label
    x_format: str = "number"
    description: Label = ""


@dataclass(frozen=True)
class Event:
    """A dated event (ISO ``YYYY-MM-DD`` or ``YYYY-MM``)."""

    when: str
    label: Label
    category: str = ""


@dataclass(frozen=True)
class EventTimeline:
    """Events top to bottom in date order, one row each, so labels never collide."""

    title: Label
    events: tuple[Event, ...]
    categories: tuple[tuple[str, Label], ...] = ()
    description: Label = ""


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: Label
    group: int = 0


@dataclass(frozen=True)
class ScatterChart:
    title: Label
    x_label: Label
    y_label: Label
    points: tuple[Point, ...]
    groups: tuple[Label, ...] = ()
    x_log: bool = False
    y_log: bool = False
    x_format: str = "number"
    y_format: str = "number"
    description: Label = ""


CHART_KINDS = {"line": LineChart, "bar": BarChart, "gantt": GanttChart, "timeline": EventTimeline,
               "scatter": ScatterChart}


# --------------------------------------------------------------------------- text measurement

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
class _Canvas:
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
        self.add(f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-size="{size:g}"'
                 f' fill="currentColor"{extra}>{_e(text)}</text>')


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def _e(text) -> str:
    return escape(str(text), quote=True)


def _n(value: float) -> str:
    return f"{value:.1f}"


# --------------------------------------------------------------------------- scales and ticks

@dataclass(frozen=True)
class _Scale:
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


def _nice_step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _linear_range(values: list[float], from_zero: bool) -> tuple[float, float]:
    low, high = min(values), max(values)
    if from_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if low == high:
        low, high = (low - 1, high + 1) if low else (0.0, 1.0)
    step = _nice_step(high - low, 5)
    return math.floor(low / step) * step, math.ceil(high / step) * step


def _log_range(values: list[float]) -> tuple[float, float]:
    positive = [value for value in values if value > 0] or [1.0]
    low = 10 ** math.floor(math.log10(min(positive)))
    high = 10 ** math.ceil(math.log10(max(positive)))
    if low == high:
        high = low * 10
    return low, high


def _ticks(low: float, high: float, log: bool, count: int = 6) -> list[float]:
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


def _thin(positions: list[tuple[float, str]], min_gap: float) -> list[tuple[float, str]]:
    """Drop every other tick until neighbouring labels keep ``min_gap`` between them."""
    step = 1
    while True:
        kept = positions[::step]
        if all(b[0] - text_width(b[1]) / 2 - (a[0] + text_width(a[1]) / 2) >= min_gap
               for a, b in zip(kept, kept[1:])):
            return kept
        step += 1


def _format_value(format_name: str, value, lang: str) -> str:
    formatter = FORMATS.get(format_name)
    if value is None:
        return "—"
    if formatter is None:
        return str(value)
    return formatter(value, lang)


# --------------------------------------------------------------------------- shared pieces

def _svg_open(canvas: _Canvas, height: float, title: str, description: str) -> None:
    label = f"{title}. {description}" if description else title
    canvas.parts.insert(0, f'<svg xmlns="{SVG_NS}" class="dscalc-svg" viewBox="0 0 {WIDTH} '
                           f'{_n(height)}" width="{WIDTH}" height="{_n(height)}" role="img" '
                           f'aria-label="{_e(label)}" font-family="system-ui, -apple-system, '
                           f'Segoe UI, sans-serif">'
                           f"<title>{_e(title)}</title>"
                           + (f"<desc>{_e(description)}</desc>" if description else ""))
    canvas.add("</svg>")


def _title(canvas: _Canvas, title: str) -> float:
    """Draw the title, wrapped; return the y below it."""
    y = 20.0
    for line in wrap(title, WIDTH - 16, TITLE_SIZE):
        canvas.text(WIDTH / 2, y, line, anchor="middle", size=TITLE_SIZE, weight="bold")
        y += TITLE_SIZE + 4
    return y + 6


def _legend(canvas: _Canvas, top: float, entries: list[tuple[str, str]], left: float = 16) -> float:
    """Rows of ``(swatch markup builder key, label)``; returns the y below the legend."""
    y = top
    for swatch, label in entries:
        lines = wrap(label, WIDTH - left - 50)
        canvas.add(swatch.format(x1=_n(left), x2=_n(left + 32), y=_n(y - 4), x=_n(left),
                                 yt=_n(y - 10)))
        for index, line in enumerate(lines):
            canvas.text(left + 40, y + index * LINE_HEIGHT, line)
        y += LINE_HEIGHT * len(lines) + 4
    return y


def _line_swatch(index: int, emphasis: bool = False) -> str:
    return ('<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" ' + _line_style(index, emphasis) + "/>")


def _fill_swatch(css: str, opacity: str = "1") -> str:
    return ('<rect x="{x}" y="{yt}" width="32" height="12" fill="currentColor" '
            f'fill-opacity="{opacity}" class="fill {css}"/>')


def _line_style(index: int, emphasis: bool) -> str:
    slot = index % PALETTE_SIZE
    dash = DASHES[slot]
    dash_attr = f' stroke-dasharray="{dash}"' if dash and not emphasis else ""
    width = 'stroke-width="6" stroke-opacity="0.45"' if emphasis else 'stroke-width="2.5"'
    return f'fill="none" stroke="currentColor" class="line s{slot}" {width}{dash_attr}'


def _axes(canvas: _Canvas, left: float, right: float, top: float, bottom: float) -> None:
    canvas.add(f'<line x1="{_n(left)}" y1="{_n(bottom)}" x2="{_n(right)}" y2="{_n(bottom)}" '
               'stroke="currentColor"/>')
    canvas.add(f'<line x1="{_n(left)}" y1="{_n(top)}" x2="{_n(left)}" y2="{_n(bottom)}" '
               'stroke="currentColor"/>')


def _grid_x(canvas: _Canvas, x: float, top: float, bottom: float) -> None:
    canvas.add(f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(bottom)}" '
               'stroke="currentColor" stroke-opacity="0.15"/>')


def _grid_y(canvas: _Canvas, y: float, left: float, right: float) -> None:
    canvas.add(f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(right)}" y2="{_n(y)}" '
               'stroke="currentColor" stroke-opacity="0.15"/>')


def _y_axis_label(canvas: _Canvas, text: str, top: float, bottom: float) -> None:
    # Rotated text is kept out of the collision boxes: it lives alone in the left margin.
    canvas.add(f'<text transform="translate(14 {_n((top + bottom) / 2)}) rotate(-90)" '
               f'text-anchor="middle" font-size="{FONT_SIZE}" fill="currentColor">{_e(text)}</text>')


def _x_ticks(canvas: _Canvas, scale: _Scale, ticks: list[tuple[float, str]], top: float,
             bottom: float) -> None:
    placed = _thin([(scale(value), label) for value, label in ticks], 8)
    for x, label in placed:
        _grid_x(canvas, x, top, bottom)
        half = text_width(label) / 2
        # A label at the drawing's edge is aligned to that edge instead of running off it.
        anchor = "end" if x + half > WIDTH - 2 else "start" if x - half < 2 else "middle"
        canvas.text_if_fits(x, bottom + 18, label, anchor=anchor)


def _y_ticks(canvas: _Canvas, scale: _Scale, ticks: list[float], left: float, right: float) -> None:
    last_y = None
    for value in ticks:
        y = scale(value)
        if last_y is not None and abs(last_y - y) < LINE_HEIGHT:
            continue
        last_y = y
        _grid_y(canvas, y, left, right)
        canvas.text_if_fits(left - 6, y + 4, tick_text(value), anchor="end")


def _markers(canvas: _Canvas, markers, scale: _Scale, top: float, bottom: float, left: float,
             right: float, lang: str) -> None:
    row_right_edges: list[float] = []
    for marker in sorted(markers, key=lambda item: item.x):
        if not scale.low <= marker.x <= scale.high:
            continue
        x = scale(marker.x)
        canvas.add(f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(bottom)}" '
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


# --------------------------------------------------------------------------- line charts

def _draw_line(chart: LineChart, lang: str) -> str:
    canvas = _Canvas()
    title = localize(chart.title, lang)
    top = _title(canvas, title)
    xs = [x for item in chart.series for x, _ in item.points]
    ys = [y for item in chart.series for _, y in item.points]
    if chart.x_ticks:
        x_low, x_high = chart.x_ticks[0][0], chart.x_ticks[-1][0]
    elif chart.x_log:
        x_low, x_high = _log_range(xs or [1.0])
    else:
        x_low, x_high = _linear_range(xs or [0.0, 1.0], False)
    if chart.y_log:
        y_low, y_high = _log_range(ys or [1.0])
    else:
        y_low, y_high = _linear_range(ys or [0.0, 1.0], chart.y_from_zero)
    y_tick_values = _ticks(y_low, y_high, chart.y_log)
    left = 28 + max([text_width(tick_text(value)) for value in y_tick_values] or [10]) + 8
    right = WIDTH - 16
    plot_top = top + 4
    bottom = plot_top + 240
    x_scale = _Scale(x_low, x_high, left, right, chart.x_log)
    y_scale = _Scale(y_low, y_high, bottom, plot_top, chart.y_log)
    for region in chart.regions:
        start = x_scale(max(region.start, x_low))
        end = x_scale(min(region.end, x_high))
        index = chart.regions.index(region)
        canvas.add(f'<rect x="{_n(start)}" y="{_n(plot_top)}" width="{_n(max(end - start, 0))}" '
                   f'height="{_n(bottom - plot_top)}" fill="currentColor" fill-opacity="0.08" '
                   f'class="fill region r{index % 2}"/>')
        text = localize(region.label, lang)
        if text_width(text) + 8 <= end - start:
            canvas.text((start + end) / 2, bottom - 8, text, anchor="middle")
    ticks = list(chart.x_ticks) or [(value, tick_text(value))
                                    for value in _ticks(x_low, x_high, chart.x_log)]
    _x_ticks(canvas, x_scale, ticks, plot_top, bottom)
    _y_ticks(canvas, y_scale, y_tick_values, left, right)
    _axes(canvas, left, right, plot_top, bottom)
    canvas.text((left + right) / 2, bottom + 36, localize(chart.x_label, lang), anchor="middle")
    _y_axis_label(canvas, localize(chart.y_label, lang), plot_top, bottom)
    for index, item in enumerate(chart.series):
        points = [(x, y) for x, y in item.points if x_low <= x <= x_high and y_low <= y <= y_high
                  and (not chart.x_log or x > 0) and (not chart.y_log or y > 0)]
        if not points:
            continue
        if item.step:
            points = [pair for index, (x, y) in enumerate(points)
                      for pair in ([(x, points[index - 1][1])] if index else []) + [(x, y)]]
        path = " ".join(f"{_n(x_scale(x))},{_n(y_scale(y))}" for x, y in points)
        label = localize(item.label, lang)
        canvas.add(f'<polyline points="{path}" {_line_style(index, item.emphasis)}>'
                   f"<title>{_e(label)}</title></polyline>")
    _markers(canvas, chart.markers, x_scale, plot_top, bottom, left, right, lang)
    _named_points(canvas, chart.points, x_scale, y_scale, lang)
    entries = [(_line_swatch(index, item.emphasis), localize(item.label, lang))
               for index, item in enumerate(chart.series) if localize(item.label, lang)]
    height = _legend(canvas, bottom + 62, entries) + 4
    _svg_open(canvas, height, title, localize(chart.description, lang))
    return "".join(canvas.parts)


def _named_points(canvas: _Canvas, points, x_scale: _Scale, y_scale: _Scale, lang: str) -> None:
    """Dots with labels beside them; a label that would collide is left to the data table."""
    placed = []
    for point in points:
        if not (x_scale.low <= point.x <= x_scale.high and y_scale.low <= point.y <= y_scale.high):
            continue
        x, y = x_scale(point.x), y_scale(point.y)
        canvas.add(_marker(_MARKERS[point.group % len(_MARKERS)], x, y, point.group))
        canvas.boxes.append((x - 5, y - 5, x + 5, y + 5))
        placed.append((x, y, point))
    for x, y, point in placed:
        text = localize(point.label, lang)
        for dx, dy, anchor in ((8, 4, "start"), (-8, 4, "end"), (0, -9, "middle"), (0, 17, "middle")):
            box = canvas.text_box(x + dx, y + dy, text, anchor, 11)
            if canvas.fits(box) and box[0] >= 0 and box[2] <= WIDTH:
                canvas.text(x + dx, y + dy, text, anchor=anchor, size=11)
                break


def _line_table(chart: LineChart, lang: str) -> tuple[list[str], list[list[str]]]:
    xs = sorted({x for item in chart.series for x, _ in item.points})
    header = [localize(chart.x_label, lang)] + [localize(item.label, lang) for item in chart.series]
    lookup = [dict(item.points) for item in chart.series]
    rows = [[_format_value(chart.x_format, x, lang)]
            + [_format_value(chart.y_format, values.get(x), lang) for values in lookup]
            for x in xs]
    for point in chart.points:
        rows.append([f"{_format_value(chart.x_format, point.x, lang)} ({localize(point.label, lang)})"]
                    + [_format_value(chart.y_format, point.y, lang)] + [""] * (len(chart.series) - 1))
    return header, rows


# --------------------------------------------------------------------------- bar charts

def _draw_bar(chart: BarChart, lang: str) -> str:
    return _draw_hbar(chart, lang) if chart.horizontal else _draw_vbar(chart, lang)


def _bar_totals(chart: BarChart) -> list[float]:
    values = []
    for index in range(len(chart.categories)):
        row = [series.values[index] or 0.0 for series in chart.series]
        values.extend([sum(row)] if chart.stacked else row)
    return values + [value for value in chart.overlay if value is not None]


def _value_scale(chart: BarChart, start: float, end: float) -> _Scale:
    values = _bar_totals(chart) or [1.0]
    if chart.value_log:
        low, high = _log_range([value for value in values if value > 0] or [1.0])
    else:
        low, high = _linear_range(values + [0.0], True)
    if chart.value_max is not None:
        high = max(high, chart.value_max) if not chart.value_log else high
        if not chart.value_log:
            high = chart.value_max if chart.value_max >= max(values) else high
    return _Scale(low, high, start, end, chart.value_log)


def _bar_opacity(chart: BarChart, index: int) -> str:
    if not chart.highlight:
        return "0.9"
    return "1" if index in chart.highlight else "0.35"


def _draw_hbar(chart: BarChart, lang: str) -> str:
    canvas = _Canvas()
    title = localize(chart.title, lang)
    top = _title(canvas, title)
    labels = [localize(category, lang) for category in chart.categories]
    label_width = min(max([text_width(label) for label in labels] or [20]), WIDTH * 0.4)
    wrapped = [wrap(label, label_width) for label in labels]
    annotations = [localize(text, lang) for text in chart.annotations]
    annotation_width = max([text_width(text) for text in annotations] or [0])
    value_texts = [[_format_value(chart.value_format, series.values[index], lang)
                    for series in chart.series] for index in range(len(labels))]
    widest_value = max([text_width(text) for row in value_texts for text in row] or [0])
    left = 16 + label_width + 8
    right = WIDTH - 16 - max(widest_value, annotation_width) - 8
    scale = _value_scale(chart, left, right)
    bars_per_row = 1 if chart.stacked else len(chart.series)
    bar = 14.0
    y = top + 8
    ticks = _ticks(scale.low, scale.high, chart.value_log, 5)
    rows = []
    for index, lines in enumerate(wrapped):
        height = max(bar * bars_per_row + 10, LINE_HEIGHT * len(lines) + 6)
        rows.append((y, height))
        y += height
    bottom = y
    for value in ticks:
        _grid_x(canvas, scale(value), top + 4, bottom)
    placed = _thin([(scale(value), tick_text(value)) for value in ticks], 8)
    for x, text in placed:
        canvas.text(x, bottom + 16, text, anchor="middle")
    canvas.add(f'<line x1="{_n(left)}" y1="{_n(top + 4)}" x2="{_n(left)}" y2="{_n(bottom)}" '
               'stroke="currentColor"/>')
    for index, ((row_y, height), lines) in enumerate(zip(rows, wrapped)):
        first = row_y + (height - LINE_HEIGHT * len(lines)) / 2 + 12
        for number, line in enumerate(lines):
            canvas.text(left - 8, first + number * LINE_HEIGHT, line, anchor="end")
        offset = row_y + (height - bar * bars_per_row) / 2
        start = scale.low if chart.value_log else 0.0
        for series_index, series in enumerate(chart.series):
            value = series.values[index]
            if value is None or (chart.value_log and value <= 0):
                continue
            if chart.stacked:
                x0, x1 = scale(max(start, scale.low)), scale(start + value)
                start += value
                bar_y = offset
            else:
                x0, x1 = scale(start), scale(value)
                bar_y = offset + series_index * bar
            canvas.add(f'<rect x="{_n(min(x0, x1))}" y="{_n(bar_y)}" width="{_n(abs(x1 - x0))}" '
                       f'height="{_n(bar - 2)}" fill="currentColor" class="fill s{series_index % PALETTE_SIZE}" '
                       f'fill-opacity="{_bar_opacity(chart, index)}"><title>{_e(value_texts[index][series_index])}'
                       "</title></rect>")
            if not chart.stacked:
                canvas.text(max(x0, x1) + 4, bar_y + bar - 4, value_texts[index][series_index])
        if chart.stacked:
            total = sum(value or 0 for value in (series.values[index] for series in chart.series))
            canvas.text(scale(max(total, scale.low)) + 4, offset + bar - 4,
                        _format_value(chart.value_format, total, lang))
        if index < len(annotations) and annotations[index]:
            canvas.text(right + 8, offset + bar - 4, annotations[index])
    canvas.text((left + right) / 2, bottom + 36, localize(chart.value_label, lang), anchor="middle")
    legend_top = bottom + 62
    if len(chart.series) > 1:
        entries = [(_fill_swatch(f"s{index % PALETTE_SIZE}"), localize(series.label, lang))
                   for index, series in enumerate(chart.series)]
        legend_top = _legend(canvas, legend_top, entries)
    _svg_open(canvas, legend_top, title, localize(chart.description, lang))
    return "".join(canvas.parts)


def _draw_vbar(chart: BarChart, lang: str) -> str:
    canvas = _Canvas()
    title = localize(chart.title, lang)
    top = _title(canvas, title) + 14
    count = len(chart.categories)
    scale_probe = _value_scale(chart, 0, 1)
    ticks = _ticks(scale_probe.low, scale_probe.high, chart.value_log, 4)
    left = 28 + max([text_width(tick_text(value)) for value in ticks] or [10]) + 8
    right = WIDTH - 12
    bottom = top + 200
    scale = _value_scale(chart, bottom, top)
    gaps = len(chart.groups) - 1 if chart.groups else 0
    gap_slots = 0.6
    slot = (right - left) / (count + gap_slots * gaps) if count else 1
    bar_width = max(slot * 0.78, 0.6)
    group_of = {}
    for group_index, group in enumerate(chart.groups):
        for category in range(group.start, group.end + 1):
            group_of[category] = group_index

    def x_of(index: int) -> float:
        return left + (index + group_of.get(index, 0) * gap_slots) * slot

    for group in chart.groups:
        x0 = x_of(group.start) - slot * 0.2
        x1 = x_of(group.end) + bar_width + slot * 0.2
        if group.highlighted:
            canvas.add(f'<rect x="{_n(x0)}" y="{_n(top - 14)}" width="{_n(x1 - x0)}" '
                       f'height="{_n(bottom - top + 14)}" fill="currentColor" fill-opacity="0.12" '
                       'class="fill band"/>')
    for value in ticks:
        y = scale(value)
        _grid_y(canvas, y, left, right)
        canvas.text(left - 6, y + 4, tick_text(value), anchor="end")
    canvas.add(f'<line x1="{_n(left)}" y1="{_n(bottom)}" x2="{_n(right)}" y2="{_n(bottom)}" '
               'stroke="currentColor"/>')
    labels = [localize(category, lang) for category in chart.categories]
    label_gap = max(text_width(label, 9) for label in labels) + 2 if labels else 0
    label_step = max(1, math.ceil(label_gap / slot)) if slot else 1
    for index in range(count):
        x0 = x_of(index)
        for series_index, series in enumerate(chart.series):
            value = series.values[index]
            if value is None:
                continue
            y = scale(max(value, scale.low))
            height = max(bottom - y, 0.5)
            canvas.add(f'<rect x="{_n(x0)}" y="{_n(bottom - height)}" width="{_n(bar_width)}" '
                       f'height="{_n(height)}" fill="currentColor" class="fill s{series_index % PALETTE_SIZE}" '
                       f'fill-opacity="{_bar_opacity(chart, index)}"><title>{_e(labels[index])}: '
                       f"{_e(_format_value(chart.value_format, value, lang))}</title></rect>")
        if index < len(chart.overlay) and chart.overlay[index] is not None:
            y = scale(min(max(chart.overlay[index], scale.low), scale.high))
            canvas.add(f'<line x1="{_n(x0 - 1)}" y1="{_n(y)}" x2="{_n(x0 + bar_width + 1)}" '
                       f'y2="{_n(y)}" stroke="currentColor" class="line s1" stroke-width="2"/>')
        if index < len(chart.annotations) and chart.annotations[index]:
            value = max((series.values[index] or 0 for series in chart.series), default=0)
            y = scale(min(max(value, scale.low), scale.high)) - 4
            text = localize(chart.annotations[index], lang)
            box = canvas.text_box(x0 + bar_width / 2, y, text, "middle", 9)
            if canvas.fits(box):
                canvas.text(x0 + bar_width / 2, y, text, anchor="middle", size=9, weight="bold")
        if index % label_step == 0:
            canvas.text(x0 + bar_width / 2, bottom + 12, labels[index], anchor="middle", size=9)
    for group in chart.groups:
        x0 = x_of(group.start)
        x1 = x_of(group.end) + bar_width
        text = localize(group.label, lang)
        box = canvas.text_box((x0 + x1) / 2, bottom + 28, text, "middle", FONT_SIZE)
        if canvas.fits(box):
            canvas.text((x0 + x1) / 2, bottom + 28, text, anchor="middle")
    _y_axis_label(canvas, localize(chart.value_label, lang), top, bottom)
    entries = []
    if len(chart.series) > 1 or chart.highlight:
        entries += [(_fill_swatch(f"s{index % PALETTE_SIZE}"), localize(series.label, lang))
                    for index, series in enumerate(chart.series)]
    if any(group.highlighted for group in chart.groups):
        entries.append((_fill_swatch("band", "0.12"), localize(
            Text("網掛け: 残したグループ", "shaded: kept group"), lang)))
    if chart.overlay_label and any(value is not None for value in chart.overlay):
        entries.append(('<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="currentColor" '
                        'class="line s1" stroke-width="2"/>', localize(chart.overlay_label, lang)))
    height = _legend(canvas, bottom + 52, entries)
    _svg_open(canvas, height, title, localize(chart.description, lang))
    return "".join(canvas.parts)


def _bar_table(chart: BarChart, lang: str) -> tuple[list[str], list[list[str]]]:
    header = [""] + [localize(series.label, lang) for series in chart.series]
    if chart.overlay:
        header.append(localize(chart.overlay_label, lang))
    if chart.annotations:
        header.append("")
    rows = []
    for index, category in enumerate(chart.categories):
        row = [localize(category, lang)] + [
            _format_value(chart.value_format, series.values[index], lang) for series in chart.series]
        if chart.overlay:
            overlay = chart.overlay[index] if index < len(chart.overlay) else None
            row.append(_format_value(chart.value_format, overlay, lang))
        if chart.annotations:
            row.append(localize(chart.annotations[index], lang) if index < len(chart.annotations) else "")
        rows.append(row)
    return header, rows


# --------------------------------------------------------------------------- Gantt charts

def _draw_gantt(chart: GanttChart, lang: str) -> str:
    canvas = _Canvas()
    title = localize(chart.title, lang)
    top = _title(canvas, title)
    lanes = [localize(lane, lang) for lane in chart.lanes]
    left = 16 + min(max([text_width(lane) for lane in lanes] or [20]), WIDTH * 0.3) + 8
    right = WIDTH - 16
    end = max([span.end for span in chart.spans] or [1.0])
    scale = _Scale(0.0, end, left, right, False)
    lane_height = 22.0
    bottom = top + lane_height * len(lanes) + 4
    kinds = [kind for kind, _ in chart.kinds]
    ticks = _ticks(0.0, end, False, 6)
    _x_ticks(canvas, scale, [(value, tick_text(value)) for value in ticks if value <= end],
             top, bottom)
    for index, lane in enumerate(lanes):
        y = top + index * lane_height
        canvas.text(left - 8, y + 15, lane, anchor="end")
    for span in chart.spans:
        y = top + span.lane * lane_height + 2
        x0, x1 = scale(span.start), scale(span.end)
        slot = kinds.index(span.kind) if span.kind in kinds else 0
        # A thin outline in the page's background colour keeps neighbouring spans apart.
        canvas.add(f'<rect x="{_n(x0)}" y="{_n(y)}" width="{_n(max(x1 - x0, 0.4))}" '
                   f'height="{_n(lane_height - 4)}" fill="currentColor" class="fill s{slot % PALETTE_SIZE} span" '
                   f'fill-opacity="0.85"><title>{_e(span.label)}</title></rect>')
        if span.label and text_width(span.label, 10) + 4 <= x1 - x0:
            canvas.add(f'<text x="{_n((x0 + x1) / 2)}" y="{_n(y + 13)}" text-anchor="middle" '
                       f'font-size="10" class="on-fill">{_e(span.label)}</text>')
    _axes(canvas, left, right, top, bottom)
    canvas.text((left + right) / 2, bottom + 36, localize(chart.x_label, lang), anchor="middle")
    entries = [(_fill_swatch(f"s{index % PALETTE_SIZE}", "0.85"), localize(label, lang))
               for index, (_, label) in enumerate(chart.kinds)]
    height = _legend(canvas, bottom + 62, entries)
    _svg_open(canvas, height, title, localize(chart.description, lang))
    return "".join(canvas.parts)


def _gantt_table(chart: GanttChart, lang: str) -> tuple[list[str], list[list[str]]]:
    """One row per lane, its spans in time order as text: a schedule of a thousand spans stays
    a table of a few rows (one row per span put thousands of elements into the page)."""
    names = dict(chart.kinds)
    header = {"ja": ["レーン", "区間（ラベル: 開始–終了）"],
              "en": ["Lane", "Spans (label: start–end)"]}["ja" if lang == "ja" else "en"]
    separator = "、" if lang == "ja" else ", "

    def span_text(span: Span) -> str:
        name = span.label or localize(names.get(span.kind, span.kind), lang)
        return (f"{name}: {_format_value(chart.x_format, span.start, lang)}–"
                f"{_format_value(chart.x_format, span.end, lang)}")

    rows = []
    for lane_index, lane in enumerate(chart.lanes):
        spans = sorted((span for span in chart.spans if span.lane == lane_index), key=lambda item: item.start)
        rows.append([localize(lane, lang), separator.join(span_text(span) for span in spans)])
    return header, rows


# --------------------------------------------------------------------------- event time-lines

def _event_sort_key(event: Event) -> str:
    return event.when


def format_when(when: str, lang: str) -> str:
    """``2025-01-27`` -> ``2025年1月27日`` / ``27 Jan 2025``; ``2024-05`` -> month only."""
    parts = when.split("-")
    year, month = int(parts[0]), int(parts[1])
    if len(parts) == 2:
        return f"{year}年{month}月" if lang == "ja" else f"{date(year, month, 1):%b} {year}"
    day = int(parts[2])
    return f"{year}年{month}月{day}日" if lang == "ja" else f"{day} {date(year, month, day):%b} {year}"


def _draw_timeline(chart: EventTimeline, lang: str) -> str:
    canvas = _Canvas()
    title = localize(chart.title, lang)
    top = _title(canvas, title)
    categories = [name for name, _ in chart.categories]
    date_width = max([text_width(format_when(event.when, lang)) for event in chart.events] or [60])
    axis_x = 16 + date_width + 14
    text_left = axis_x + 14
    y = top + 8
    rows = []
    for event in sorted(chart.events, key=_event_sort_key):
        lines = wrap(localize(event.label, lang), WIDTH - text_left - 12)
        rows.append((y, event, lines))
        y += LINE_HEIGHT * len(lines) + 8
    if rows:
        canvas.add(f'<line x1="{_n(axis_x)}" y1="{_n(top)}" x2="{_n(axis_x)}" y2="{_n(y - 4)}" '
                   'stroke="currentColor" stroke-opacity="0.4"/>')
    for row_y, event, lines in rows:
        slot = categories.index(event.category) if event.category in categories else 0
        canvas.text(axis_x - 14, row_y + 12, format_when(event.when, lang), anchor="end")
        canvas.add(f'<circle cx="{_n(axis_x)}" cy="{_n(row_y + 8)}" r="5" fill="currentColor" '
                   f'class="fill s{slot % PALETTE_SIZE}"/>')
        for index, line in enumerate(lines):
            canvas.text(text_left, row_y + 12 + index * LINE_HEIGHT, line)
    height = y + 8
    if chart.categories:
        entries = [('<circle cx="{x1}" cy="{y}" r="5" fill="currentColor" '
                    f'class="fill s{index % PALETTE_SIZE}"/>', localize(label, lang))
                   for index, (_, label) in enumerate(chart.categories)]
        height = _legend(canvas, y + 16, entries)
    _svg_open(canvas, height, title, localize(chart.description, lang))
    return "".join(canvas.parts)


def _timeline_table(chart: EventTimeline, lang: str) -> tuple[list[str], list[list[str]]]:
    names = dict(chart.categories)
    header = {"ja": ["日付", "出来事", "分類"], "en": ["Date", "Event", "Category"]}[
        "ja" if lang == "ja" else "en"]
    rows = [[format_when(event.when, lang), localize(event.label, lang),
             localize(names.get(event.category, event.category), lang)]
            for event in sorted(chart.events, key=_event_sort_key)]
    return header, rows


# --------------------------------------------------------------------------- scatter charts

_MARKERS = ("circle", "square", "diamond", "triangle")


def _marker(shape: str, x: float, y: float, slot: int) -> str:
    css = f'fill="currentColor" class="fill s{slot % PALETTE_SIZE}"'
    if shape == "square":
        return f'<rect x="{_n(x - 4)}" y="{_n(y - 4)}" width="8" height="8" {css}/>'
    if shape == "diamond":
        return f'<polygon points="{_n(x)},{_n(y - 5)} {_n(x + 5)},{_n(y)} {_n(x)},{_n(y + 5)} {_n(x - 5)},{_n(y)}" {css}/>'
    if shape == "triangle":
        return f'<polygon points="{_n(x)},{_n(y - 5)} {_n(x + 5)},{_n(y + 4)} {_n(x - 5)},{_n(y + 4)}" {css}/>'
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4.5" {css}/>'


def _draw_scatter(chart: ScatterChart, lang: str) -> str:
    canvas = _Canvas()
    title = localize(chart.title, lang)
    top = _title(canvas, title)
    xs = [point.x for point in chart.points]
    ys = [point.y for point in chart.points]
    x_low, x_high = _log_range(xs) if chart.x_log else _linear_range(xs or [0, 1], True)
    y_low, y_high = _log_range(ys) if chart.y_log else _linear_range(ys or [0, 1], True)
    y_ticks = _ticks(y_low, y_high, chart.y_log)
    left = 28 + max([text_width(tick_text(value)) for value in y_ticks] or [10]) + 8
    right = WIDTH - 16
    plot_top = top + 4
    bottom = plot_top + 260
    x_scale = _Scale(x_low, x_high, left, right, chart.x_log)
    y_scale = _Scale(y_low, y_high, bottom, plot_top, chart.y_log)
    _x_ticks(canvas, x_scale, [(value, tick_text(value)) for value in _ticks(x_low, x_high, chart.x_log)],
             plot_top, bottom)
    _y_ticks(canvas, y_scale, y_ticks, left, right)
    _axes(canvas, left, right, plot_top, bottom)
    canvas.text((left + right) / 2, bottom + 36, localize(chart.x_label, lang), anchor="middle")
    _y_axis_label(canvas, localize(chart.y_label, lang), plot_top, bottom)
    _named_points(canvas, [point for point in chart.points
                           if not ((chart.x_log and point.x <= 0) or (chart.y_log and point.y <= 0))],
                  x_scale, y_scale, lang)
    entries = [(('<rect x="{x}" y="{yt}" width="10" height="10" fill="currentColor" '
                 f'class="fill s{index % PALETTE_SIZE}"/>'), localize(label, lang))
               for index, label in enumerate(chart.groups)]
    height = _legend(canvas, bottom + 62, entries) if entries else bottom + 50
    _svg_open(canvas, height, title, localize(chart.description, lang))
    return "".join(canvas.parts)


def _scatter_table(chart: ScatterChart, lang: str) -> tuple[list[str], list[list[str]]]:
    header = ["", localize(chart.x_label, lang), localize(chart.y_label, lang)]
    if chart.groups:
        header.append("")
    rows = []
    for point in chart.points:
        row = [localize(point.label, lang), _format_value(chart.x_format, point.x, lang),
               _format_value(chart.y_format, point.y, lang)]
        if chart.groups:
            row.append(localize(chart.groups[point.group], lang))
        rows.append(row)
    return header, rows


# --------------------------------------------------------------------------- the figure

_DRAW = {LineChart: (_draw_line, _line_table), BarChart: (_draw_bar, _bar_table),
         GanttChart: (_draw_gantt, _gantt_table), EventTimeline: (_draw_timeline, _timeline_table),
         ScatterChart: (_draw_scatter, _scatter_table)}

_TABLE_SUMMARY = Text("データ表", "Data table")


def svg(chart, lang: str) -> str:
    """The chart as SVG text in ``lang``."""
    draw, _ = _DRAW[type(chart)]
    return draw(chart, lang)


def table(chart, lang: str) -> tuple[list[str], list[list[str]]]:
    """The chart's numbers as ``(header, rows)`` of display strings."""
    _, make = _DRAW[type(chart)]
    return make(chart, lang)


def figure(chart, lang: str) -> str:
    """HTML ``<figure>``: caption, SVG, and the data table in a ``<details>``."""
    header, rows = table(chart, lang)
    head = "".join(f"<th scope=\"col\">{_e(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(
        (f'<th scope="row">{_e(cell)}</th>' if index == 0 else f"<td>{_e(cell)}</td>")
        for index, cell in enumerate(row)) + "</tr>" for row in rows)
    caption = localize(chart.title, lang)
    return (f'<figure class="dscalc-figure"><figcaption>{_e(caption)}</figcaption>'
            f'<div class="dscalc-figure-scroll" tabindex="0" role="region" aria-label="{_e(caption)}">'
            f"{svg(chart, lang)}</div>"
            f'<details class="dscalc-figure-data"><summary>{_e(_TABLE_SUMMARY.get(lang))}</summary>'
            f'<div class="dscalc-table-scroll" tabindex="0" role="region" aria-label="{_e(caption)}">'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></details>"
            "</figure>")


# --------------------------------------------------------------------------- charts as plain data

def _word(value) -> Label:
    if isinstance(value, dict):
        return Text(str(value["ja"]), str(value["en"]))
    return "" if value is None else str(value)


def _words(values) -> tuple:
    return tuple(_word(value) for value in values or ())


def _pairs(values) -> tuple:
    return tuple((float(x), float(y)) for x, y in values)


def from_spec(spec: dict):
    """Build a chart from plain data: ``{"kind": "line" | "bar" | "gantt" | "timeline" |
    "scatter", ...}`` with the fields of that chart class; words are ``{"ja", "en"}`` mappings or
    plain strings; nested items are mappings of their own class's fields."""
    kind = spec.get("kind")
    if kind not in CHART_KINDS:
        raise ValueError(f"unknown chart kind {kind!r}; known: {', '.join(CHART_KINDS)}")
    fields_ = {key: value for key, value in spec.items() if key != "kind"}
    for key in ("title", "x_label", "y_label", "value_label", "description", "overlay_label"):
        if key in fields_:
            fields_[key] = _word(fields_[key])
    if kind == "line":
        fields_["series"] = tuple(Series(_word(item["label"]), _pairs(item["points"]),
                                         bool(item.get("emphasis", False)), bool(item.get("step", False)))
                                  for item in fields_.get("series", ()))
        fields_["points"] = tuple(Point(float(item["x"]), float(item["y"]), _word(item["label"]),
                                        int(item.get("group", 0)))
                                  for item in fields_.get("points", ()))
        fields_["markers"] = tuple(Marker(float(item["x"]), _word(item["label"]))
                                   for item in fields_.get("markers", ()))
        fields_["regions"] = tuple(Region(float(item["start"]), float(item["end"]),
                                          _word(item["label"]))
                                   for item in fields_.get("regions", ()))
        fields_["x_ticks"] = tuple((float(value), str(label))
                                   for value, label in fields_.get("x_ticks", ()))
    elif kind == "bar":
        fields_["categories"] = _words(fields_.get("categories"))
        fields_["series"] = tuple(BarSeries(_word(item["label"]), tuple(
            None if value is None else float(value) for value in item["values"]))
            for item in fields_.get("series", ()))
        fields_["groups"] = tuple(BarGroup(_word(item["label"]), int(item["start"]),
                                           int(item["end"]), bool(item.get("highlighted")))
                                  for item in fields_.get("groups", ()))
        for key in ("highlight", "annotations", "overlay"):
            if key in fields_:
                fields_[key] = tuple(fields_[key])
    elif kind == "gantt":
        fields_["lanes"] = _words(fields_.get("lanes"))
        fields_["spans"] = tuple(Span(int(item["lane"]), float(item["start"]), float(item["end"]),
                                      str(item["kind"]), str(item.get("label", "")))
                                 for item in fields_.get("spans", ()))
        fields_["kinds"] = tuple((str(name), _word(label)) for name, label in fields_.get("kinds", ()))
    elif kind == "timeline":
        fields_["events"] = tuple(Event(str(item["when"]), _word(item["label"]),
                                        str(item.get("category", "")))
                                  for item in fields_.get("events", ()))
        fields_["categories"] = tuple((str(name), _word(label))
                                      for name, label in fields_.get("categories", ()))
    elif kind == "scatter":
        fields_["points"] = tuple(Point(float(item["x"]), float(item["y"]), _word(item["label"]),
                                        int(item.get("group", 0)))
                                  for item in fields_.get("points", ()))
        fields_["groups"] = _words(fields_.get("groups"))
    return CHART_KINDS[kind](**fields_)
