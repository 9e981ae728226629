"""Charts from plain data (``from_spec``): what a page's ``chart`` block or JSON describes."""

from __future__ import annotations

from ..framework.text import Text
from .kinds import (BarGroup, BarSeries, CHART_KINDS, Event, Label, Marker, Point, Region, Series,
                    Span)


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
