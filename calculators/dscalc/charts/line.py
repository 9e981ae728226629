"""Line charts (``LineChart``): series, named points, markers and regions."""

from __future__ import annotations

from ..framework.text import localize
from .canvas import (Canvas, MARKER_SHAPES, Scale, WIDTH, coordinate, draw_axes, draw_legend,
                     draw_marker, draw_markers, draw_title, draw_x_ticks, draw_y_axis_label,
                     draw_y_ticks, escape_text, format_value, line_style, line_swatch, linear_range,
                     log_range, open_svg, text_width, tick_text, tick_values)
from .kinds import LineChart


def draw_line(chart: LineChart, lang: str) -> str:
    canvas = Canvas()
    title = localize(chart.title, lang)
    top = draw_title(canvas, title)
    # Named points count for the axes too: a measured point above every line is drawn, not dropped.
    xs = [x for item in chart.series for x, _ in item.points] + [point.x for point in chart.points]
    ys = [y for item in chart.series for _, y in item.points] + [point.y for point in chart.points]
    if chart.x_ticks:
        x_low, x_high = chart.x_ticks[0][0], chart.x_ticks[-1][0]
    elif chart.x_log:
        x_low, x_high = log_range(xs or [1.0])
    else:
        x_low, x_high = linear_range(xs or [0.0, 1.0], False)
    if chart.y_log:
        y_low, y_high = log_range(ys or [1.0])
    else:
        y_low, y_high = linear_range(ys or [0.0, 1.0], chart.y_from_zero)
    y_tick_values = tick_values(y_low, y_high, chart.y_log)
    left = 28 + max([text_width(tick_text(value)) for value in y_tick_values] or [10]) + 8
    right = WIDTH - 16
    plot_top = top + 4
    bottom = plot_top + 240
    x_scale = Scale(x_low, x_high, left, right, chart.x_log)
    y_scale = Scale(y_low, y_high, bottom, plot_top, chart.y_log)
    for region in chart.regions:
        start = x_scale(max(region.start, x_low))
        end = x_scale(min(region.end, x_high))
        index = chart.regions.index(region)
        canvas.add(f'<rect x="{coordinate(start)}" y="{coordinate(plot_top)}" width="{coordinate(max(end - start, 0))}" '
                   f'height="{coordinate(bottom - plot_top)}" fill="currentColor" fill-opacity="0.08" '
                   f'class="fill region r{index % 2}"/>')
        text = localize(region.label, lang)
        if text_width(text) + 8 <= end - start:
            canvas.text((start + end) / 2, bottom - 8, text, anchor="middle")
    ticks = list(chart.x_ticks) or [(value, tick_text(value))
                                    for value in tick_values(x_low, x_high, chart.x_log)]
    draw_x_ticks(canvas, x_scale, ticks, plot_top, bottom)
    draw_y_ticks(canvas, y_scale, y_tick_values, left, right)
    draw_axes(canvas, left, right, plot_top, bottom)
    canvas.text((left + right) / 2, bottom + 36, localize(chart.x_label, lang), anchor="middle")
    draw_y_axis_label(canvas, localize(chart.y_label, lang), plot_top, bottom)
    for index, item in enumerate(chart.series):
        points = [(x, y) for x, y in item.points if x_low <= x <= x_high and y_low <= y <= y_high
                  and (not chart.x_log or x > 0) and (not chart.y_log or y > 0)]
        if not points:
            continue
        if item.step:
            points = [pair for index, (x, y) in enumerate(points)
                      for pair in ([(x, points[index - 1][1])] if index else []) + [(x, y)]]
        path = " ".join(f"{coordinate(x_scale(x))},{coordinate(y_scale(y))}" for x, y in points)
        label = localize(item.label, lang)
        canvas.add(f'<polyline points="{path}" {line_style(index, item.emphasis)}>'
                   f"<title>{escape_text(label)}</title></polyline>")
    draw_markers(canvas, chart.markers, x_scale, plot_top, bottom, left, right, lang)
    draw_named_points(canvas, chart.points, x_scale, y_scale, lang)
    entries = [(line_swatch(index, item.emphasis), localize(item.label, lang))
               for index, item in enumerate(chart.series) if localize(item.label, lang)]
    height = draw_legend(canvas, bottom + 62, entries) + 4
    open_svg(canvas, height, title, localize(chart.description, lang))
    return "".join(canvas.parts)


def draw_named_points(canvas: Canvas, points, x_scale: Scale, y_scale: Scale, lang: str) -> None:
    """Dots with labels beside them; a label that would collide is left to the data table."""
    placed = []
    for point in points:
        if not (x_scale.low <= point.x <= x_scale.high and y_scale.low <= point.y <= y_scale.high):
            continue
        x, y = x_scale(point.x), y_scale(point.y)
        canvas.add(draw_marker(MARKER_SHAPES[point.group % len(MARKER_SHAPES)], x, y, point.group))
        canvas.boxes.append((x - 5, y - 5, x + 5, y + 5))
        placed.append((x, y, point))
    for x, y, point in placed:
        text = localize(point.label, lang)
        for dx, dy, anchor in ((8, 4, "start"), (-8, 4, "end"), (0, -9, "middle"), (0, 17, "middle")):
            box = canvas.text_box(x + dx, y + dy, text, anchor, 11)
            if canvas.fits(box) and box[0] >= 0 and box[2] <= WIDTH:
                canvas.text(x + dx, y + dy, text, anchor=anchor, size=11)
                break


def line_table(chart: LineChart, lang: str) -> tuple[list[str], list[list[str]]]:
    xs = sorted({x for item in chart.series for x, _ in item.points})
    header = [localize(chart.x_label, lang)] + [localize(item.label, lang) for item in chart.series]
    lookup = [dict(item.points) for item in chart.series]
    rows = [[format_value(chart.x_format, x, lang)]
            + [format_value(chart.y_format, values.get(x), lang) for values in lookup]
            for x in xs]
    for point in chart.points:
        rows.append([f"{format_value(chart.x_format, point.x, lang)} ({localize(point.label, lang)})"]
                    + [format_value(chart.y_format, point.y, lang)] + [""] * (len(chart.series) - 1))
    return header, rows
