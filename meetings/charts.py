"""Where the marks of every chart go: the SVG geometry of the app's small charts.

The features count (meetings/history/question_chart.py, meetings/growth/signals.py, the cadence
trend in meetings/staff/views.py); this module places what they counted, from plain series of
numbers, and templates/meetings/_chart.html draws it. Nothing here knows what is counted.

A chart is drawn in a `Frame`: its size, `left` (room for the scale's labels) and `pad` (the
margin on the other sides, so a stroke or a dot at the edge is not cut). Values go up from the
baseline (0) to the top of the scale (`Scale`). Along x, the points of a line run from the
plot's left edge to its right edge, one point alone in the middle; bars and marks each take an
equal slot. Every coordinate is rounded once, here (`coordinate`), to a tenth of a pixel, so a
template prints it as it comes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Frame:
    width: int
    height: int
    left: float = 0  # where the plot starts: room for the scale's labels
    pad: float = 0  # the margin above, below and on the right

    @property
    def right(self) -> float:
        return self.width - self.pad

    @property
    def baseline(self) -> float:
        """Where 0 is drawn."""
        return self.height - self.pad

    @property
    def middle(self) -> float:
        return (self.pad + self.baseline) / 2

    @property
    def viewbox(self) -> str:
        return f"0 0 {self.width} {self.height}"


# Every chart's box, side by side so that they stay alike. The dates under the history and
# growth charts are indented by the same `left` (static/css/app.css, static/css/charts.css).
QUESTIONS = Frame(280, 96, left=20, pad=6)  # the history page's questions over time
GROWTH_BARS = Frame(280, 64, left=24, pad=4)  # a growth signal with a number per point
GROWTH_MARKS = Frame(280, 22, left=24, pad=4)  # a growth signal with a yes / no per point
SPARKLINE = Frame(180, 36, left=2, pad=2)  # held meetings per week, on a staff summary

DIGITS = 1  # coordinates to a tenth of a pixel: finer is invisible, coarser shows steps
AXIS_STUB = 4  # the axis starts this far left of the plot, under the scale's labels
LABEL_GAP = 6  # the scale's labels end this far left of the plot
LABEL_DROP = 3.5  # half the height of a 10px digit: a label's middle sits on its value
DOT_RADIUS = 2.5  # a line's points
BAR_SHARE, BAR_MIN = 0.7, 1.5  # a bar's share of its slot; at least this wide to be seen
MARK_SHARE, MARK_MAX = 0.35, 6  # a mark's radius as a share of its slot; at most this


def coordinate(value: float) -> float:
    """The one rounding of every coordinate the charts draw (always a float, so that every
    coordinate prints alike: "20.0")."""
    return round(float(value), DIGITS)


def number(value: float) -> str:
    """A figure as every page writes it (the templates' `number` filter): rounded to one
    decimal, then a whole number without ".0" (3.96 is "4", not "4.0"), else one decimal."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


@dataclass(frozen=True)
class Scale:
    """Values from 0 (the frame's baseline) up to `top` (the frame's top margin)."""

    frame: Frame
    top: float

    def y(self, value: float | None) -> float:
        """None (nothing counted) is drawn as 0."""
        frame = self.frame
        return coordinate(frame.baseline - (frame.baseline - frame.pad) * (value or 0) / self.top)


def scale(frame: Frame, values: Sequence[float | None], top: float | None = None) -> Scale:
    """The scale of these values: up to `top` when given, else to the largest value, never below
    1 (so a series of zeros lies on the baseline)."""
    return Scale(frame, top or max([*(v or 0 for v in values), 1]))


def spread(frame: Frame, n: int) -> list[float]:
    """The x of n points evenly from the plot's left edge to its right edge; one alone in the
    middle."""
    span = frame.right - frame.left
    if n == 1:
        return [coordinate(frame.left + span / 2)]
    return [coordinate(frame.left + span * i / (n - 1)) for i in range(n)]


def slot(frame: Frame, n: int) -> float:
    """The width of each of n equal slots across the plot (bars, marks)."""
    return (frame.right - frame.left) / max(n, 1)


# --- What a template draws ----------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Tick:
    """A label of the scale, right-aligned at x, its middle on the value's height."""

    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    kind: str = ""  # its css class


@dataclass(frozen=True)
class Bar:
    x: float
    y: float  # its top; its bottom is on the baseline
    w: float
    h: float


@dataclass(frozen=True)
class Series:
    """A line through one point per value; `kind` is its css class (and its dots')."""

    kind: str
    vertices: tuple[tuple[float, float], ...]
    dotted: bool = True

    @property
    def points(self) -> str:
        """The polyline's points attribute."""
        return " ".join(f"{x},{y}" for x, y in self.vertices)

    @property
    def dots(self) -> list[Dot]:
        if not self.dotted:
            return []
        return [Dot(x, y, DOT_RADIUS, self.kind) for x, y in self.vertices]


@dataclass(frozen=True)
class Plot:
    """Everything templates/meetings/_chart.html draws for one chart."""

    frame: Frame
    axis: Segment
    top: float | None = None  # the scale's top (None: the chart has no scale)
    ticks: list[Tick] = field(default_factory=list)
    lines: list[Series] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    guide: Segment | None = None  # a reference value across the plot
    marks: list[Dot] = field(default_factory=list)

    @property
    def width(self) -> int:
        return self.frame.width

    @property
    def height(self) -> int:
        return self.frame.height

    @property
    def viewbox(self) -> str:
        return self.frame.viewbox


def _axis(frame: Frame, y: float) -> Segment:
    """A line across the chart at y, from a short stub left of the plot to the right edge."""
    x1, y = coordinate(max(frame.left - AXIS_STUB, 0)), coordinate(y)
    return Segment(x1, y, coordinate(frame.width), y)


def _ticks(s: Scale) -> list[Tick]:
    """The top of the scale and 0, left of the plot."""
    x = coordinate(s.frame.left - LABEL_GAP)
    return [Tick(x, coordinate(s.y(v) + LABEL_DROP), number(v)) for v in (s.top, 0)]


# --- The three kinds of chart -------------------------------------------------------------------


def lines(
    frame: Frame,
    series: Mapping[str, Sequence[float]],
    *,
    top: float | None = None,
    labelled: bool = True,
    dotted: bool = True,
) -> Plot:
    """Lines of values over the same points, on one scale, by css class (e.g. questions asked
    and resolved at each meeting). `labelled`: with the scale's labels; `dotted`: a dot on each
    point."""
    s = scale(frame, [v for values in series.values() for v in values], top)
    drawn = [
        Series(kind, tuple(zip(spread(frame, len(values)), map(s.y, values), strict=True)), dotted)
        for kind, values in series.items()
    ]
    return Plot(
        frame,
        _axis(frame, frame.baseline),
        top=s.top,
        ticks=_ticks(s) if labelled else [],
        lines=drawn,
    )


def bars(
    frame: Frame,
    values: Sequence[float | None],
    *,
    top: float | None = None,
    guide: float | None = None,
) -> Plot:
    """A bar per value, with the scale's labels; `guide`: a reference value drawn as a line
    (the scale reaches it)."""
    s = scale(frame, [*values, guide], top)
    width = slot(frame, len(values))
    w = max(width * BAR_SHARE, BAR_MIN)
    drawn = []
    for i, value in enumerate(values):
        y = s.y(value)
        x = coordinate(frame.left + width * i + (width - w) / 2)
        drawn.append(Bar(x, y, coordinate(w), coordinate(frame.baseline - y)))
    line = None
    if guide is not None:
        line = Segment(coordinate(frame.left), s.y(guide), coordinate(frame.width), s.y(guide))
    return Plot(
        frame, _axis(frame, frame.baseline), top=s.top, ticks=_ticks(s), bars=drawn, guide=line
    )


def marks(frame: Frame, kinds: Sequence[str]) -> Plot:
    """A row of dots, one per point, each of a kind (its css class: "yes", "no", ...)."""
    width = slot(frame, len(kinds))
    r = coordinate(min(width * MARK_SHARE, MARK_MAX))
    y = coordinate(frame.middle)
    drawn = [
        Dot(coordinate(frame.left + width * (i + 0.5)), y, r, kind) for i, kind in enumerate(kinds)
    ]
    return Plot(frame, _axis(frame, y), marks=drawn)
