"""The charts' geometry (meetings/charts.py), worked out by hand in a small frame.

FRAME is 100 × 50 with 15 on the left for the scale's labels and a margin of 5 elsewhere: the
plot runs from x 15 to 95 (80 wide) and from y 45 (the baseline, 0) up to y 5 (the top of the
scale, 40 high).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from meetings import charts
from meetings.charts import Bar, Dot, Frame, Segment, Tick

FRAME = Frame(100, 50, left=15, pad=5)
AXIS = Segment(11.0, 45.0, 100.0, 45.0)  # from 4 left of the plot to the right edge


def test_a_frame_knows_its_plot_and_its_viewbox():
    assert (FRAME.right, FRAME.baseline, FRAME.middle) == (95, 45, 25)
    assert FRAME.viewbox == "0 0 100 50"


def test_it_draws_lines_on_one_scale_from_edge_to_edge():
    plot = charts.lines(FRAME, {"asked": [0, 2, 4], "resolved": [1, 1, 1]})
    # top 4 (the largest of both): y = 45 - 40 * v / 4; x: 15, 55, 95
    asked, resolved = plot.lines
    assert asked.vertices == ((15.0, 45.0), (55.0, 25.0), (95.0, 5.0))
    assert resolved.vertices == ((15.0, 35.0), (55.0, 35.0), (95.0, 35.0))
    assert asked.points == "15.0,45.0 55.0,25.0 95.0,5.0"
    assert asked.dots == [
        Dot(15.0, 45.0, 2.5, "asked"),
        Dot(55.0, 25.0, 2.5, "asked"),
        Dot(95.0, 5.0, 2.5, "asked"),
    ]
    assert plot.top == 4
    assert plot.axis == AXIS
    # right-aligned 6 left of the plot, their middles on 4 (y 5) and on 0 (y 45)
    assert plot.ticks == [Tick(9.0, 8.5, "4"), Tick(9.0, 48.5, "0")]
    assert (plot.bars, plot.marks, plot.guide) == ([], [], None)


def test_it_rounds_every_coordinate_once_to_a_tenth():
    (line,) = charts.lines(FRAME, {"a": [0, 1, 2, 3]}).lines
    # x: 15 + 80 * i / 3; y: 45 - 40 * v / 3
    assert line.points == "15.0,45.0 41.7,31.7 68.3,18.3 95.0,5.0"


def test_a_line_without_labels_or_dots():
    plot = charts.lines(FRAME, {"held": [2, 0]}, labelled=False, dotted=False)
    assert plot.ticks == []
    assert plot.lines[0].dots == []
    assert plot.lines[0].points == "15.0,5.0 95.0,45.0"


def test_a_single_point_sits_in_the_middle():
    (line,) = charts.lines(FRAME, {"a": [3]}).lines
    assert line.vertices == ((55.0, 5.0),)
    (bar,) = charts.bars(FRAME, [3]).bars
    # one slot of 80, the bar 56 wide in its middle, full height
    assert bar == Bar(27.0, 5.0, 56.0, 40.0)
    (mark,) = charts.marks(FRAME, ["yes"]).marks
    assert mark == Dot(55.0, 25.0, 6.0, "yes")


def test_an_empty_series_draws_nothing_but_its_axis():
    lines = charts.lines(FRAME, {"a": []})
    assert lines.lines[0].vertices == () and lines.lines[0].points == ""
    assert lines.axis == AXIS
    assert lines.ticks == [Tick(9.0, 8.5, "1"), Tick(9.0, 48.5, "0")]  # the scale never below 1
    bars = charts.bars(FRAME, [])
    assert (bars.bars, bars.top) == ([], 1)
    assert charts.marks(FRAME, []).marks == []


def test_equal_values_reach_the_top_and_zeros_lie_on_the_baseline():
    (line,) = charts.lines(FRAME, {"a": [3, 3, 3]}).lines
    assert [y for _, y in line.vertices] == [5.0, 5.0, 5.0]
    (zeros,) = charts.lines(FRAME, {"a": [0, 0]}).lines
    assert [y for _, y in zeros.vertices] == [45.0, 45.0]
    assert [(b.y, b.h) for b in charts.bars(FRAME, [2, 2]).bars] == [(5.0, 40.0), (5.0, 40.0)]
    assert [(b.y, b.h) for b in charts.bars(FRAME, [0, 0]).bars] == [(45.0, 0.0), (45.0, 0.0)]


def test_it_draws_a_bar_per_value_in_equal_slots():
    plot = charts.bars(FRAME, [1, 4, None, 2])
    # four slots of 20, each bar 14 wide in the middle of its slot; top 4; None draws as 0
    assert plot.bars == [
        Bar(18.0, 35.0, 14.0, 10.0),
        Bar(38.0, 5.0, 14.0, 40.0),
        Bar(58.0, 45.0, 14.0, 0.0),
        Bar(78.0, 25.0, 14.0, 20.0),
    ]
    assert plot.axis == AXIS
    assert [t.text for t in plot.ticks] == ["4", "0"]


def test_a_bar_stays_visible_however_many_there_are():
    plot = charts.bars(FRAME, [1] * 100)
    assert {b.w for b in plot.bars} == {1.5}


def test_the_scale_reaches_a_guide_or_a_given_top():
    plot = charts.bars(FRAME, [2, 4], guide=8)
    # top 8 (the guide): y = 45 - 40 * v / 8
    assert [(b.y, b.h) for b in plot.bars] == [(35.0, 10.0), (25.0, 20.0)]
    assert plot.guide == Segment(15.0, 5.0, 100.0, 5.0)
    assert [t.text for t in plot.ticks] == ["8", "0"]
    fixed = charts.bars(FRAME, [2, 4], top=5)
    # top 5: y = 45 - 8 * v
    assert [(b.y, b.h) for b in fixed.bars] == [(29.0, 16.0), (13.0, 32.0)]
    assert fixed.guide is None


def test_it_draws_a_row_of_marks_by_kind():
    plot = charts.marks(FRAME, ["yes", "no", "partly", "yes"])
    # four slots of 20, a dot in the middle of each, radius 7 at most 6, on the middle line
    assert plot.marks == [
        Dot(25.0, 25.0, 6.0, "yes"),
        Dot(45.0, 25.0, 6.0, "no"),
        Dot(65.0, 25.0, 6.0, "partly"),
        Dot(85.0, 25.0, 6.0, "yes"),
    ]
    assert plot.axis == Segment(11.0, 25.0, 100.0, 25.0)
    assert (plot.ticks, plot.top) == ([], None)
    assert charts.marks(FRAME, ["no"] * 40).marks[0].r == 0.7  # a slot of 2: radius 0.7


def test_it_writes_values_whole_or_with_one_decimal():
    assert [charts.number(v) for v in (0, 4, 450.0, 2.5, 1 / 3)] == ["0", "4", "450", "2.5", "0.3"]


def test_the_partial_draws_the_plot_as_it_is_whatever_the_language(db):
    plot = charts.lines(FRAME, {"q-asked": [0, 1, 2, 3]})
    with translation.override("de"):  # a decimal comma would break the coordinates
        html = render_to_string(
            "meetings/_chart.html", {"plot": plot, "css_class": "qchart", "label": "Asked: 3."}
        )
    assert html.startswith('<svg class="qchart" width="100" height="50" viewBox="0 0 100 50"')
    assert 'role="img" aria-label="Asked: 3."><title>Asked: 3.</title>' in html
    assert '<line class="axis" x1="11.0" y1="45.0" x2="100.0" y2="45.0"/>' in html
    assert '<text class="tick" x="9.0" y="8.5" text-anchor="end">3</text>' in html
    assert '<polyline class="q-asked" points="15.0,45.0 41.7,31.7 68.3,18.3 95.0,5.0"/>' in html
    assert '<circle class="q-asked" cx="41.7" cy="31.7" r="2.5"/>' in html
    assert html.count("<circle") == 4
    assert "style=" not in html and "<rect" not in html
