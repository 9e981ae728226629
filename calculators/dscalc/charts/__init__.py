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

from .kinds import (BarChart, BarGroup, BarSeries, CHART_KINDS, Event, EventTimeline, GanttChart,
                    Label, LineChart, Marker, Point, Region, ScatterChart, Series, Span)
from .canvas import FONT_SIZE, SVG_NS, text_width, tick_text, wrap
from .timeline import format_when
from .figure import figure, svg, table
from .spec import from_spec

__all__ = ["BarChart", "BarGroup", "BarSeries", "CHART_KINDS", "Event", "EventTimeline",
           "FONT_SIZE", "GanttChart", "Label", "LineChart", "Marker", "Point", "Region", "SVG_NS",
           "ScatterChart", "Series", "Span", "figure", "format_when", "from_spec", "svg", "table",
           "text_width", "tick_text", "wrap"]
