"""Event time-lines (``EventTimeline``): dated events in categories."""

from __future__ import annotations

from datetime import date

from ..framework.text import localize
from .canvas import (Canvas, LINE_HEIGHT, PALETTE_SIZE, WIDTH, coordinate, draw_legend, draw_title,
                     open_svg, text_width, wrap)
from .kinds import Event, EventTimeline


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


def draw_timeline(chart: EventTimeline, lang: str) -> str:
    canvas = Canvas()
    title = localize(chart.title, lang)
    top = draw_title(canvas, title)
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
        canvas.add(f'<line x1="{coordinate(axis_x)}" y1="{coordinate(top)}" x2="{coordinate(axis_x)}" y2="{coordinate(y - 4)}" '
                   'stroke="currentColor" stroke-opacity="0.4"/>')
    for row_y, event, lines in rows:
        slot = categories.index(event.category) if event.category in categories else 0
        canvas.text(axis_x - 14, row_y + 12, format_when(event.when, lang), anchor="end")
        canvas.add(f'<circle cx="{coordinate(axis_x)}" cy="{coordinate(row_y + 8)}" r="5" fill="currentColor" '
                   f'class="fill s{slot % PALETTE_SIZE}"/>')
        for index, line in enumerate(lines):
            canvas.text(text_left, row_y + 12 + index * LINE_HEIGHT, line)
    height = y + 8
    if chart.categories:
        entries = [('<circle cx="{x1}" cy="{y}" r="5" fill="currentColor" '
                    f'class="fill s{index % PALETTE_SIZE}"/>', localize(label, lang))
                   for index, (_, label) in enumerate(chart.categories)]
        height = draw_legend(canvas, y + 16, entries)
    open_svg(canvas, height, title, localize(chart.description, lang))
    return "".join(canvas.parts)


def timeline_table(chart: EventTimeline, lang: str) -> tuple[list[str], list[list[str]]]:
    names = dict(chart.categories)
    header = {"ja": ["日付", "出来事", "分類"], "en": ["Date", "Event", "Category"]}[
        "ja" if lang == "ja" else "en"]
    rows = [[format_when(event.when, lang), localize(event.label, lang),
             localize(names.get(event.category, event.category), lang)]
            for event in sorted(chart.events, key=_event_sort_key)]
    return header, rows
