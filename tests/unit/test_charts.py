"""The chart kit: every kind draws valid, self-contained, accessible SVG whose labels never
collide, in the language asked for, with the numbers in a data table as well."""

import html
import re
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings, strategies as st

from dscalc import charts
from dscalc.charts import (BarChart, BarGroup, BarSeries, Event, EventTimeline, GanttChart,
                           LineChart, Marker, Point, Region, ScatterChart, Series, Span)
from dscalc.framework.text import Text, localize

SVG = "{http://www.w3.org/2000/svg}"
LONG_JA = "日本語のとても長いラベルが入っても重ならずに折り返されることを確かめるための文字列"
LONG_EN = "An English label long enough that it has to wrap onto a second line to fit the width"


def svg_of(figure_html: str) -> str:
    return figure_html[figure_html.index("<svg"):figure_html.index("</svg>") + 6]


def text_boxes(svg: str):
    """Boxes of every horizontal text, measured the way the kit measures them."""
    root = ElementTree.fromstring(svg)
    boxes = []
    for element in root.iter(f"{SVG}text"):
        if element.get("transform"):
            continue  # the rotated y-axis label lives alone in the margin
        size = float(element.get("font-size") or charts.FONT_SIZE)
        x, y = float(element.get("x")), float(element.get("y"))
        width = charts.text_width(element.text or "", size)
        anchor = element.get("text-anchor") or "start"
        left = x - (width if anchor == "end" else width / 2 if anchor == "middle" else 0)
        boxes.append((element.text, (left, y - size * 0.85, left + width, y + size * 0.25)))
    return boxes, float(root.get("width"))


def assert_no_overlap(svg: str):
    boxes, width = text_boxes(svg)
    for index, (text, box) in enumerate(boxes):
        assert box[0] >= -1 and box[2] <= width + 1, f"{text!r} runs off the drawing"
        for other_text, other in boxes[index + 1:]:
            overlaps = (box[0] < other[2] - 0.5 and other[0] < box[2] - 0.5
                        and box[1] < other[3] - 0.5 and other[1] < box[3] - 0.5)
            assert not overlaps, f"{text!r} overlaps {other_text!r}"


def example(title_en: str):
    return next(chart for chart in examples() if localize(chart.title, "en") == title_en)


def examples():
    return [
        LineChart(title=Text(LONG_JA * 2, f"{LONG_EN} {LONG_EN}"), x_label=Text("横軸", "x axis"),
                  y_label=Text("縦軸", "y axis"), x_log=True, y_log=True,
                  series=tuple(Series(Text(f"系列 {i} {LONG_JA[:12]}", f"series {i} {LONG_EN[:30]}"),
                                      tuple((10.0 ** k, 10.0 ** (k * (i + 1) / 3)) for k in range(1, 7)),
                                      emphasis=i == 0) for i in range(5)),
                  markers=(Marker(1000, "T = 1,000"), Marker(1100, "T = 1,100"),
                           Marker(1200, Text("三つ目の目印", "third marker"))),
                  description=Text("説明", "description")),
        LineChart(title="roofline", x_label="FLOP/B", y_label="FLOP/s", x_log=True, y_log=True,
                  series=(Series("H100", ((1, 3.35e12), (295, 989e12), (1e4, 989e12))),
                          Series("price", ((1, 1e13), (10, 5e12), (100, 2e12)), step=True)),
                  points=tuple(Point(2 ** i, 1e12 * 2 ** i, f"model {i}", i % 2) for i in range(8))),
        LineChart(title="linear", x_label="x", y_label="y",
                  series=(Series("a", ((0, 0), (1, 0.5), (2, 3))),),
                  regions=(Region(0, 1, Text("GPU の重要性が下がる", "GPUs matter less")),
                           Region(1, 2, Text("GPU の重要性が上がる", "GPUs matter more")))),
        BarChart(title=Text("横棒", "horizontal bars"), value_label=Text("値", "value"),
                 categories=(Text(LONG_JA, LONG_EN), "B", "C"),
                 series=(BarSeries("2024", (1.0, -2.0, 3.5)), BarSeries("2025", (2.0, 1.0, None))),
                 value_format="percent"),
        BarChart(title="stacked", value_label="bytes", categories=("x", "y"), stacked=True,
                 series=(BarSeries("a", (1e9, 2e9)), BarSeries("b", (3e9, 1e9))),
                 value_format="bytes"),
        BarChart(title="experts", value_label="s_i", horizontal=False,
                 categories=tuple(str(i) for i in range(256)),
                 series=(BarSeries("s", tuple((i % 17) / 17 for i in range(256))),),
                 highlight=(3, 40, 200), annotations=tuple("1" if i == 3 else "" for i in range(256)),
                 overlay=tuple((i % 5) / 5 for i in range(256)), overlay_label="s + b",
                 groups=tuple(BarGroup(f"G{g}", g * 32, g * 32 + 31, g in (1, 6)) for g in range(8)),
                 value_max=1.0),
        GanttChart(title=Text("パイプライン", "pipeline"), lanes=tuple(f"GPU {i}" for i in range(8)),
                   spans=tuple(Span(lane, t, t + 1, "F" if t % 2 else "B", f"{t}")
                               for lane in range(8) for t in range(lane, lane + 12)),
                   kinds=(("F", Text("順伝播", "forward")), ("B", Text("逆伝播", "backward"))),
                   x_label=Text("時間", "time")),
        EventTimeline(title=Text("年表", "time-line"),
                      events=(Event("2025-01-27", Text(LONG_JA, LONG_EN), "market"),
                              Event("2024-12-26", Text("V3 公開", "V3 released"), "release"),
                              Event("2025-01", Text("月だけ", "month only"), "release")),
                      categories=(("release", Text("公開", "release")),
                                  ("market", Text("市場", "market")))),
        ScatterChart(title="chips", x_label="FLOP/s", y_label="B/s", x_log=True, y_log=True,
                     points=tuple(Point(1e15 * (1 + i / 50), 3e12 * (1 + i / 40), f"chip {i}", i % 3)
                                  for i in range(12)),
                     groups=(Text("GPU", "GPU"), "TPU", "ASIC")),
    ]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("index", range(len(examples())))
def test_every_kind_draws_valid_accessible_svg_without_collisions(index, lang):
    chart = examples()[index]
    drawn = charts.figure(chart, lang)
    svg = svg_of(drawn)
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label")
    assert root.find(f"{SVG}title") is not None
    outside = svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http" not in outside and "href" not in outside and "url(" not in outside
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b", svg), "colours come from the page's CSS"
    assert_no_overlap(svg)
    assert "<figcaption>" in drawn and "<table>" in drawn


def test_words_come_in_the_language_asked_for():
    chart = examples()[0]
    assert "横軸" in charts.figure(chart, "ja") and "横軸" not in charts.figure(chart, "en")
    assert "x axis" in charts.figure(chart, "en")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_long_title_wraps_instead_of_running_off(lang):
    svg = svg_of(charts.figure(examples()[0], lang))
    assert svg.count('font-size="14"') >= 2


def test_the_data_table_carries_the_numbers_in_the_page_format():
    table = charts.figure(example("horizontal bars"), "en")
    assert "<td>100%</td>" in table and "<td>-200%</td>" in table and "<td>—</td>" in table


def test_text_is_escaped():
    chart = BarChart(title="<script>alert(1)</script>", value_label="&", categories=('"><b>',),
                     series=(BarSeries("<i>", (1.0,)),))
    drawn = charts.figure(chart, "en")
    assert "<script>" not in drawn and "<b>" not in drawn and "<i>" not in drawn
    assert html.escape("<script>") in drawn


def test_dense_bar_labels_are_thinned_not_overlapped():
    svg = svg_of(charts.figure(example("experts"), "en"))
    assert_no_overlap(svg)
    labels = [text for text, _ in text_boxes(svg)[0] if text and text.isdigit()]
    assert 8 <= len(labels) < 256


def test_a_chart_can_be_described_as_plain_data():
    spec = {"kind": "bar", "title": {"ja": "題", "en": "title"}, "value_label": "v",
            "categories": [{"ja": "甲", "en": "A"}, "B"],
            "series": [{"label": "s", "values": [1, None]}]}
    drawn = charts.figure(charts.from_spec(spec), "ja")
    assert "題" in drawn and "甲" in drawn
    with pytest.raises(ValueError, match="unknown chart kind"):
        charts.from_spec({"kind": "pie"})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                        min_size=1, max_size=40), min_size=1, max_size=12),
       st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=12, max_size=12))
def test_any_labels_and_values_draw_a_valid_bar_chart(labels, values):
    chart = BarChart(title="t", value_label="v", categories=tuple(labels),
                     series=(BarSeries("s", tuple(values[:len(labels)])),))
    svg = svg_of(charts.figure(chart, "en"))
    ElementTree.fromstring(svg)


def test_event_dates_are_written_for_each_language():
    assert charts.format_when("2025-01-27", "ja") == "2025年1月27日"
    assert charts.format_when("2025-01-27", "en") == "27 Jan 2025"
    assert charts.format_when("2024-05", "en") == "May 2024"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_gantt_table_has_one_row_per_lane_with_every_span_in_time_order(lang):
    chart = GanttChart(title="pipeline", lanes=("GPU 0", "GPU 1"),
                       spans=(Span(1, 2.0, 3.0, "B", "B0"), Span(0, 0.0, 1.0, "F", "F0"),
                              Span(1, 0.0, 1.0, "F", ""), Span(0, 1.0, 2.0, "F", "F1")),
                       kinds=(("F", Text("順伝播", "forward")), ("B", Text("逆伝播", "backward"))),
                       x_label="time")
    drawn = charts.figure(chart, lang)
    rows = re.findall(r"<tr>(.*?)</tr>", drawn.split("<table>", 1)[1], re.DOTALL)[1:]
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row) for row in rows]
    unlabelled = "順伝播" if lang == "ja" else "forward"
    assert [row[0] for row in cells] == ["GPU 0", "GPU 1"]
    assert cells[0][1].startswith("F0: 0–1") and cells[0][1].index("F0") < cells[0][1].index("F1: 1")
    assert cells[1][1].startswith(f"{unlabelled}: 0–1") and "B0: 2" in cells[1][1]


@pytest.mark.parametrize("values", [[5e-324, 0.0], [1e-300, 2e-300], [-5e-324, 5e-324], [3.0, 3.0 + 4e-16]])
def test_values_closer_than_any_tick_spacing_still_draw_a_bar_chart(values):
    chart = BarChart(title="t", value_label="v", categories=("a", "b"),
                     series=(BarSeries("s", tuple(values)),))
    ElementTree.fromstring(svg_of(charts.figure(chart, "en")))
