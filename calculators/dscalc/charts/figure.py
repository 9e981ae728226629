"""The figure: one chart drawn in one language, with its caption and data table."""

from __future__ import annotations

from ..framework.text import Text, localize
from .bar import bar_table, draw_bar
from .canvas import escape_text
from .gantt import draw_gantt, gantt_table
from .kinds import BarChart, EventTimeline, GanttChart, LineChart, ScatterChart
from .line import draw_line, line_table
from .scatter import draw_scatter, scatter_table
from .timeline import draw_timeline, timeline_table


_DRAW = {LineChart: (draw_line, line_table), BarChart: (draw_bar, bar_table),
         GanttChart: (draw_gantt, gantt_table), EventTimeline: (draw_timeline, timeline_table),
         ScatterChart: (draw_scatter, scatter_table)}

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
    head = "".join(f"<th scope=\"col\">{escape_text(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(
        (f'<th scope="row">{escape_text(cell)}</th>' if index == 0 else f"<td>{escape_text(cell)}</td>")
        for index, cell in enumerate(row)) + "</tr>" for row in rows)
    caption = localize(chart.title, lang)
    return (f'<figure class="dscalc-figure"><figcaption>{escape_text(caption)}</figcaption>'
            f'<div class="dscalc-figure-scroll" tabindex="0" role="region" aria-label="{escape_text(caption)}">'
            f"{svg(chart, lang)}</div>"
            f'<details class="dscalc-figure-data"><summary>{escape_text(_TABLE_SUMMARY.get(lang))}</summary>'
            f'<div class="dscalc-table-scroll" tabindex="0" role="region" aria-label="{escape_text(caption)}">'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></details>"
            "</figure>")
