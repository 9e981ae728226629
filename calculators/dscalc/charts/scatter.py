"""Scatter charts (``ScatterChart``): points in groups, each with its own marker."""

from __future__ import annotations

from ..framework.text import localize
from .canvas import (Canvas, PALETTE_SIZE, Scale, WIDTH, draw_axes, draw_legend, draw_title,
                     draw_x_ticks, draw_y_axis_label, draw_y_ticks, format_value, linear_range,
                     log_range, open_svg, text_width, tick_text, tick_values)
from .kinds import ScatterChart
from .line import draw_named_points


def draw_scatter(chart: ScatterChart, lang: str) -> str:
    canvas = Canvas()
    title = localize(chart.title, lang)
    top = draw_title(canvas, title)
    xs = [point.x for point in chart.points]
    ys = [point.y for point in chart.points]
    x_low, x_high = log_range(xs) if chart.x_log else linear_range(xs or [0, 1], True)
    y_low, y_high = log_range(ys) if chart.y_log else linear_range(ys or [0, 1], True)
    y_ticks = tick_values(y_low, y_high, chart.y_log)
    left = 28 + max([text_width(tick_text(value)) for value in y_ticks] or [10]) + 8
    right = WIDTH - 16
    plot_top = top + 4
    bottom = plot_top + 260
    x_scale = Scale(x_low, x_high, left, right, chart.x_log)
    y_scale = Scale(y_low, y_high, bottom, plot_top, chart.y_log)
    draw_x_ticks(canvas, x_scale, [(value, tick_text(value)) for value in tick_values(x_low, x_high, chart.x_log)],
             plot_top, bottom)
    draw_y_ticks(canvas, y_scale, y_ticks, left, right)
    draw_axes(canvas, left, right, plot_top, bottom)
    canvas.text((left + right) / 2, bottom + 36, localize(chart.x_label, lang), anchor="middle")
    draw_y_axis_label(canvas, localize(chart.y_label, lang), plot_top, bottom)
    draw_named_points(canvas, [point for point in chart.points
                           if not ((chart.x_log and point.x <= 0) or (chart.y_log and point.y <= 0))],
                  x_scale, y_scale, lang)
    entries = [(('<rect x="{x}" y="{yt}" width="10" height="10" fill="currentColor" '
                 f'class="fill s{index % PALETTE_SIZE}"/>'), localize(label, lang))
               for index, label in enumerate(chart.groups)]
    height = draw_legend(canvas, bottom + 62, entries) if entries else bottom + 50
    open_svg(canvas, height, title, localize(chart.description, lang))
    return "".join(canvas.parts)


def scatter_table(chart: ScatterChart, lang: str) -> tuple[list[str], list[list[str]]]:
    header = ["", localize(chart.x_label, lang), localize(chart.y_label, lang)]
    if chart.groups:
        header.append("")
    rows = []
    for point in chart.points:
        row = [localize(point.label, lang), format_value(chart.x_format, point.x, lang),
               format_value(chart.y_format, point.y, lang)]
        if chart.groups:
            row.append(localize(chart.groups[point.group], lang))
        rows.append(row)
    return header, rows
