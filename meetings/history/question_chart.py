"""Questions asked and resolved over a scholar's meetings, for the small chart on the history page.

A question carried to the next agenda is a new row pointing at the one it came from
(`carried_from`): it is the same question, counted once, and its state is that of its newest
copy. At each meeting (oldest first) the chart gives, counting every question raised so far:
asked, resolved (answered in writing or resolved), dropped (set aside by the scholar) and
open (the rest). Only submitted agendas count (a draft's questions have not been asked yet),
and only those the viewer may see (access.agenda): a mentor's chart covers their own pair.
Where the lines go is meetings/charts.py's business.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from itertools import groupby

from accounts.models import User
from meetings import access, charts
from meetings.models import Agenda, Question

SETTLED = {Question.Status.ANSWERED, Question.Status.RESOLVED}


@dataclass
class ChartPoint:
    when: datetime
    asked: int
    resolved: int
    dropped: int

    @property
    def open(self) -> int:
        return self.asked - self.resolved - self.dropped


@dataclass
class QuestionsChart:
    points: list[ChartPoint]

    @property
    def first(self) -> ChartPoint | None:
        return self.points[0] if self.points else None

    @property
    def last(self) -> ChartPoint | None:
        return self.points[-1] if self.points else None

    @cached_property
    def plot(self) -> charts.Plot:
        """Asked and resolved (the css classes of the two lines) at each meeting."""
        return charts.lines(
            charts.QUESTIONS,
            {
                "q-asked": [p.asked for p in self.points],
                "q-resolved": [p.resolved for p in self.points],
            },
        )

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
    # How many first-asked questions are in each state, kept as the states change: a point then
    # costs nothing, however long the history (counting `state` at every meeting grew with
    # meetings × questions).
    tally: Counter[str] = Counter()
    points: list[ChartPoint] = []
    for (_meeting, when), questions in groupby(rows, key=lambda r: (r[3], r[4])):
        for pk, carried_from, status, _, _ in questions:
            # a copy whose original the viewer cannot see counts as a question of its own
            root = root_of.get(carried_from, pk)
            root_of[pk] = root
            if root in state:
                tally[state[root]] -= 1
            state[root] = status
            tally[status] += 1
        points.append(_point(when, tally))
    return QuestionsChart(points)


def _point(when: datetime, tally: Counter[str]) -> ChartPoint:
    return ChartPoint(
        when=when,
        asked=sum(tally.values()),
        resolved=sum(tally[s] for s in SETTLED),
        dropped=tally[Question.Status.DROPPED],
    )
