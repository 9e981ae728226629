"""What a chart is: frozen descriptions of every kind, in numbers and words (``Text``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..framework.text import Text


Label = Text | str


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
