"""Gantt charts (``GanttChart``): spans on lanes, a data table with one row per lane."""

from __future__ import annotations

from ..framework.text import localize
from .canvas import (Canvas, PALETTE_SIZE, Scale, WIDTH, coordinate, draw_axes, draw_legend,
                     draw_title, draw_x_ticks, escape_text, fill_swatch, format_value, open_svg,
                     text_width, tick_text, tick_values)
from .kinds import GanttChart, Span


def draw_gantt(chart: GanttChart, lang: str) -> str:
    canvas = Canvas()
    title = localize(chart.title, lang)
    top = draw_title(canvas, title)
    lanes = [localize(lane, lang) for lane in chart.lanes]
    left = 16 + min(max([text_width(lane) for lane in lanes] or [20]), WIDTH * 0.3) + 8
    right = WIDTH - 16
    end = max([span.end for span in chart.spans] or [1.0])
    scale = Scale(0.0, end, left, right, False)
    lane_height = 22.0
    bottom = top + lane_height * len(lanes) + 4
    kinds = [kind for kind, _ in chart.kinds]
    ticks = tick_values(0.0, end, False, 6)
    draw_x_ticks(canvas, scale, [(value, tick_text(value)) for value in ticks if value <= end],
             top, bottom)
    for index, lane in enumerate(lanes):
        y = top + index * lane_height
        canvas.text(left - 8, y + 15, lane, anchor="end")
    for span in chart.spans:
        y = top + span.lane * lane_height + 2
        x0, x1 = scale(span.start), scale(span.end)
        slot = kinds.index(span.kind) if span.kind in kinds else 0
        # A thin outline in the page's background colour keeps neighbouring spans apart.
        canvas.add(f'<rect x="{coordinate(x0)}" y="{coordinate(y)}" width="{coordinate(max(x1 - x0, 0.4))}" '
                   f'height="{coordinate(lane_height - 4)}" fill="currentColor" class="fill s{slot % PALETTE_SIZE} span" '
                   f'fill-opacity="0.85"><title>{escape_text(span.label)}</title></rect>')
        if span.label and text_width(span.label, 10) + 4 <= x1 - x0:
            canvas.add(f'<text x="{coordinate((x0 + x1) / 2)}" y="{coordinate(y + 13)}" text-anchor="middle" '
                       f'font-size="10" class="on-fill">{escape_text(span.label)}</text>')
    draw_axes(canvas, left, right, top, bottom)
    canvas.text((left + right) / 2, bottom + 36, localize(chart.x_label, lang), anchor="middle")
    entries = [(fill_swatch(f"s{index % PALETTE_SIZE}", "0.85"), localize(label, lang))
               for index, (_, label) in enumerate(chart.kinds)]
    height = draw_legend(canvas, bottom + 62, entries)
    open_svg(canvas, height, title, localize(chart.description, lang))
    return "".join(canvas.parts)


def gantt_table(chart: GanttChart, lang: str) -> tuple[list[str], list[list[str]]]:
    """One row per lane, its spans in time order as text: a schedule of a thousand spans stays
    a table of a few rows (one row per span put thousands of elements into the page)."""
    names = dict(chart.kinds)
    header = {"ja": ["レーン", "区間（ラベル: 開始–終了）"],
              "en": ["Lane", "Spans (label: start–end)"]}["ja" if lang == "ja" else "en"]
    separator = "、" if lang == "ja" else ", "

    def span_text(span: Span) -> str:
        name = span.label or localize(names.get(span.kind, span.kind), lang)
        return (f"{name}: {format_value(chart.x_format, span.start, lang)}–"
                f"{format_value(chart.x_format, span.end, lang)}")

    rows = []
    for lane_index, lane in enumerate(chart.lanes):
        spans = sorted((span for span in chart.spans if span.lane == lane_index), key=lambda item: item.start)
        rows.append([localize(lane, lang), separator.join(span_text(span) for span in spans)])
    return header, rows
