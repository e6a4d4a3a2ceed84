"""Questions asked and resolved over a scholar's meetings, for the small chart on the history page.

A question carried to the next agenda is a new row pointing at the one it came from
(`carried_from`): it is the same question, counted once, and its state is that of its newest
copy. At each meeting (oldest first) the chart gives, counting every question raised so far:
asked, resolved (answered in writing or resolved), dropped (set aside by the scholar) and
open (the rest). Only submitted agendas count (a draft's questions have not been asked yet),
and only those the viewer may see (access.agenda): a mentor's chart covers their own pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from accounts.models import User
from meetings import access
from meetings.models import Agenda, Question

WIDTH, HEIGHT, PAD = 280, 96, 6
LEFT = 20  # room for the count labels
SETTLED = {Question.Status.ANSWERED, Question.Status.RESOLVED}


@dataclass
class ChartPoint:
    when: datetime
    asked: int
    resolved: int
    dropped: int
    x: float = 0
    y_asked: float = 0
    y_resolved: float = 0

    @property
    def open(self) -> int:
        return self.asked - self.resolved - self.dropped


@dataclass
class QuestionsChart:
    points: list[ChartPoint]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def last(self) -> ChartPoint | None:
        return self.points[-1] if self.points else None

    @property
    def top(self) -> int:
        return max((p.asked for p in self.points), default=0)

    @property
    def asked_line(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y_asked:.1f}" for p in self.points)

    @property
    def resolved_line(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y_resolved:.1f}" for p in self.points)

    @property
    def baseline(self) -> float:
        return HEIGHT - PAD

    @property
    def left(self) -> int:
        return LEFT

    @property
    def first(self) -> ChartPoint | None:
        return self.points[0] if self.points else None

    @property
    def label(self) -> str:
        last = self.last
        if last is None:
            return "No questions asked yet."
        meetings = len(self.points)
        return (
            f"Questions over {meetings} meeting{'s' if meetings != 1 else ''}: "
            f"{last.asked} asked, {last.resolved} resolved, {last.open} open"
            + (f", {last.dropped} dropped" if last.dropped else "")
            + "."
        )


def questions_over_time(user: User, scholar_id: int) -> QuestionsChart:
    """Cumulative questions asked, resolved, dropped and open after each of the scholar's
    meetings that `user` may see, oldest first (one query)."""
    rows = (
        Question.objects.filter(
            access.agenda(user, "agenda__"),
            agenda__status=Agenda.Status.SUBMITTED,
            agenda__meeting__mentorship__scholar_id=scholar_id,
        )
        .order_by("agenda__meeting__scheduled_at", "agenda__meeting_id", "pk")
        .values_list(
            "pk", "carried_from_id", "status", "agenda__meeting_id", "agenda__meeting__scheduled_at"
        )
    )
    root_of: dict[int, int] = {}  # a question (any copy) -> the question first asked
    state: dict[int, str] = {}  # the first-asked question -> the state of its newest copy
    points: list[ChartPoint] = []
    for (_meeting, when), questions in groupby(rows, key=lambda r: (r[3], r[4])):
        for pk, carried_from, status, _, _ in questions:
            # a copy whose original the viewer cannot see counts as a question of its own
            root = root_of.get(carried_from, pk)
            root_of[pk] = root
            state[root] = status
        points.append(_point(when, state))
    _place(points)
    return QuestionsChart(points)


def _point(when: datetime, state: dict[int, str]) -> ChartPoint:
    states = list(state.values())
    return ChartPoint(
        when=when,
        asked=len(states),
        resolved=sum(s in SETTLED for s in states),
        dropped=sum(s == Question.Status.DROPPED for s in states),
    )


def _place(points: list[ChartPoint]) -> None:
    """SVG coordinates: meetings evenly along x, counts up y (0 at the bottom)."""
    top = max((p.asked for p in points), default=0) or 1
    span_x, span_y = WIDTH - LEFT - PAD, HEIGHT - 2 * PAD
    for i, p in enumerate(points):
        p.x = LEFT + (span_x * i / (len(points) - 1) if len(points) > 1 else span_x / 2)
        p.y_asked = HEIGHT - PAD - span_y * p.asked / top
        p.y_resolved = HEIGHT - PAD - span_y * p.resolved / top
