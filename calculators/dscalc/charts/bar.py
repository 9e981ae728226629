"""Bar charts (``BarChart``), horizontal and vertical, stacked or grouped."""

from __future__ import annotations

import math

from ..framework.text import Text, localize
from .canvas import (Canvas, FONT_SIZE, LINE_HEIGHT, PALETTE_SIZE, Scale, WIDTH, coordinate,
                     draw_grid_x, draw_grid_y, draw_legend, draw_title, draw_y_axis_label,
                     escape_text, fill_swatch, format_value, linear_range, log_range, open_svg,
                     text_width, thin_labels, tick_text, tick_values, wrap)
from .kinds import BarChart


def draw_bar(chart: BarChart, lang: str) -> str:
    return _draw_hbar(chart, lang) if chart.horizontal else _draw_vbar(chart, lang)


def _bar_totals(chart: BarChart) -> list[float]:
    values = []
    for index in range(len(chart.categories)):
        row = [series.values[index] or 0.0 for series in chart.series]
        values.extend([sum(row)] if chart.stacked else row)
    return values + [value for value in chart.overlay if value is not None]


def _value_scale(chart: BarChart, start: float, end: float) -> Scale:
    values = _bar_totals(chart) or [1.0]
    if chart.value_log:
        low, high = log_range([value for value in values if value > 0] or [1.0])
    else:
        low, high = linear_range(values + [0.0], True)
    if chart.value_max is not None:
        high = max(high, chart.value_max) if not chart.value_log else high
        if not chart.value_log:
            high = chart.value_max if chart.value_max >= max(values) else high
    return Scale(low, high, start, end, chart.value_log)


def _bar_opacity(chart: BarChart, index: int) -> str:
    if not chart.highlight:
        return "0.9"
    return "1" if index in chart.highlight else "0.35"


def _draw_hbar(chart: BarChart, lang: str) -> str:
    canvas = Canvas()
    title = localize(chart.title, lang)
    top = draw_title(canvas, title)
    labels = [localize(category, lang) for category in chart.categories]
    label_width = min(max([text_width(label) for label in labels] or [20]), WIDTH * 0.4)
    wrapped = [wrap(label, label_width) for label in labels]
    annotations = [localize(text, lang) for text in chart.annotations]
    annotation_width = max([text_width(text) for text in annotations] or [0])
    value_texts = [[format_value(chart.value_format, series.values[index], lang)
                    for series in chart.series] for index in range(len(labels))]
    widest_value = max([text_width(text) for row in value_texts for text in row] or [0])
    left = 16 + label_width + 8
    right = WIDTH - 16 - max(widest_value, annotation_width) - 8
    scale = _value_scale(chart, left, right)
    bars_per_row = 1 if chart.stacked else len(chart.series)
    bar = 14.0
    y = top + 8
    ticks = tick_values(scale.low, scale.high, chart.value_log, 5)
    rows = []
    for index, lines in enumerate(wrapped):
        height = max(bar * bars_per_row + 10, LINE_HEIGHT * len(lines) + 6)
        rows.append((y, height))
        y += height
    bottom = y
    for value in ticks:
        draw_grid_x(canvas, scale(value), top + 4, bottom)
    placed = thin_labels([(scale(value), tick_text(value)) for value in ticks], 8)
    for x, text in placed:
        canvas.text(x, bottom + 16, text, anchor="middle")
    canvas.add(f'<line x1="{coordinate(left)}" y1="{coordinate(top + 4)}" x2="{coordinate(left)}" y2="{coordinate(bottom)}" '
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
            canvas.add(f'<rect x="{coordinate(min(x0, x1))}" y="{coordinate(bar_y)}" width="{coordinate(abs(x1 - x0))}" '
                       f'height="{coordinate(bar - 2)}" fill="currentColor" class="fill s{series_index % PALETTE_SIZE}" '
                       f'fill-opacity="{_bar_opacity(chart, index)}"><title>{escape_text(value_texts[index][series_index])}'
                       "</title></rect>")
            if not chart.stacked:
                canvas.text(max(x0, x1) + 4, bar_y + bar - 4, value_texts[index][series_index])
        if chart.stacked:
            total = sum(value or 0 for value in (series.values[index] for series in chart.series))
            canvas.text(scale(max(total, scale.low)) + 4, offset + bar - 4,
                        format_value(chart.value_format, total, lang))
        if index < len(annotations) and annotations[index]:
            canvas.text(right + 8, offset + bar - 4, annotations[index])
    canvas.text((left + right) / 2, bottom + 36, localize(chart.value_label, lang), anchor="middle")
    legend_top = bottom + 62
    if len(chart.series) > 1:
        entries = [(fill_swatch(f"s{index % PALETTE_SIZE}"), localize(series.label, lang))
                   for index, series in enumerate(chart.series)]
        legend_top = draw_legend(canvas, legend_top, entries)
    open_svg(canvas, legend_top, title, localize(chart.description, lang))
    return "".join(canvas.parts)


def _draw_vbar(chart: BarChart, lang: str) -> str:
    canvas = Canvas()
    title = localize(chart.title, lang)
    top = draw_title(canvas, title) + 14
    count = len(chart.categories)
    scale_probe = _value_scale(chart, 0, 1)
    ticks = tick_values(scale_probe.low, scale_probe.high, chart.value_log, 4)
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
            canvas.add(f'<rect x="{coordinate(x0)}" y="{coordinate(top - 14)}" width="{coordinate(x1 - x0)}" '
                       f'height="{coordinate(bottom - top + 14)}" fill="currentColor" fill-opacity="0.12" '
                       'class="fill band"/>')
    for value in ticks:
        y = scale(value)
        draw_grid_y(canvas, y, left, right)
        canvas.text(left - 6, y + 4, tick_text(value), anchor="end")
    canvas.add(f'<line x1="{coordinate(left)}" y1="{coordinate(bottom)}" x2="{coordinate(right)}" y2="{coordinate(bottom)}" '
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
            canvas.add(f'<rect x="{coordinate(x0)}" y="{coordinate(bottom - height)}" width="{coordinate(bar_width)}" '
                       f'height="{coordinate(height)}" fill="currentColor" class="fill s{series_index % PALETTE_SIZE}" '
                       f'fill-opacity="{_bar_opacity(chart, index)}"><title>{escape_text(labels[index])}: '
                       f"{escape_text(format_value(chart.value_format, value, lang))}</title></rect>")
        if index < len(chart.overlay) and chart.overlay[index] is not None:
            y = scale(min(max(chart.overlay[index], scale.low), scale.high))
            canvas.add(f'<line x1="{coordinate(x0 - 1)}" y1="{coordinate(y)}" x2="{coordinate(x0 + bar_width + 1)}" '
                       f'y2="{coordinate(y)}" stroke="currentColor" class="line s1" stroke-width="2"/>')
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
    draw_y_axis_label(canvas, localize(chart.value_label, lang), top, bottom)
    entries = []
    if len(chart.series) > 1 or chart.highlight:
        entries += [(fill_swatch(f"s{index % PALETTE_SIZE}"), localize(series.label, lang))
                    for index, series in enumerate(chart.series)]
    if any(group.highlighted for group in chart.groups):
        entries.append((fill_swatch("band", "0.12"), localize(
            Text("網掛け: 残したグループ", "shaded: kept group"), lang)))
    if chart.overlay_label and any(value is not None for value in chart.overlay):
        entries.append(('<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="currentColor" '
                        'class="line s1" stroke-width="2"/>', localize(chart.overlay_label, lang)))
    height = draw_legend(canvas, bottom + 52, entries)
    open_svg(canvas, height, title, localize(chart.description, lang))
    return "".join(canvas.parts)


def bar_table(chart: BarChart, lang: str) -> tuple[list[str], list[list[str]]]:
    header = [""] + [localize(series.label, lang) for series in chart.series]
    if chart.overlay:
        header.append(localize(chart.overlay_label, lang))
    if chart.annotations:
        header.append("")
    rows = []
    for index, category in enumerate(chart.categories):
        row = [localize(category, lang)] + [
            format_value(chart.value_format, series.values[index], lang) for series in chart.series]
        if chart.overlay:
            overlay = chart.overlay[index] if index < len(chart.overlay) else None
            row.append(format_value(chart.value_format, overlay, lang))
        if chart.annotations:
            row.append(localize(chart.annotations[index], lang) if index < len(chart.annotations) else "")
        rows.append(row)
    return header, rows
