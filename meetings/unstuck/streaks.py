"""The stuck detector: a scholar naming the same bottleneck meeting after meeting.

A bottleneck is "the same again" when meetings/unstuck/similarity.py says so. An agenda's streak is the
run of the pair's earlier submitted agendas, newest first and without a gap, whose bottleneck is
similar to this one's, looking back at most LOOK_BACK agendas (meetings cancelled do not count).
Stuck "for N meetings" counts this agenda too: two earlier similar bottlenecks make three.

The scholar knows better than the words: an agenda ticked "still the same bottleneck as last
meeting" (`bottleneck_same_as_last`) continues the streak from the agenda right before it,
whatever the similarity score; from there the detector goes on comparing, with that earlier
bottleneck's words too, so a ticked agenda carries on the earlier one's own streak.

Only the pair's own meetings count: a mentor sees the briefs of their own mentorship only
(README, "Who sees what"), so a streak never shows them a bottleneck written for another mentor.

Every function here reads the texts once and scores them in Python: a page listing many pairs
costs one query, whatever their number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from meetings.models import Agenda, Meeting
from meetings.unstuck.similarity import similar

LOOK_BACK = 3
# A pair is flagged stuck (staff and research managers: the figure and the flag) from here on.
STUCK_FROM = 2


@dataclass
class Streak:
    """An agenda's stuck streak: the earlier agendas with a similar bottleneck, oldest first."""

    earlier: list[Agenda] = field(default_factory=list)
    # How many of the streak's meetings, counted back from this one, had nobody asked.
    asked_nobody: int = 0
    # The pair's submitted agenda right before this one (stuck_streak only): the agenda page
    # offers "still the same bottleneck as last meeting" with its date and words.
    previous: Agenda | None = None

    @property
    def meetings(self) -> int:
        """Stuck for this many meetings (this one included), 0 when not stuck."""
        return len(self.earlier) + 1 if self.earlier else 0

    @property
    def is_stuck(self) -> bool:
        return self.meetings >= STUCK_FROM

    def __bool__(self) -> bool:
        return bool(self.earlier)


def _submitted_before(mentorship_ids: Iterable[int], agendas=None):
    """The pairs' submitted agendas, newest first, with how many people the scholar asked for
    each (`agendas`: a queryset already scoped to a viewer, to read from)."""
    if isinstance(mentorship_ids, QuerySet):
        # a queryset of mentorships: one subquery, not a list of ids fetched first
        mentorship_ids = mentorship_ids.order_by().values("pk")
    else:
        mentorship_ids = list(mentorship_ids)
    return (
        (Agenda.objects.all() if agendas is None else agendas)
        .filter(meeting__mentorship_id__in=mentorship_ids, status=Agenda.Status.SUBMITTED)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .annotate(
            asked=Count("help_asked"),
            mentorship_id=F("meeting__mentorship_id"),
            scheduled_at=F("meeting__scheduled_at"),
        )
        .only("pk", "bottleneck", "bottleneck_same_as_last", "meeting_id")
        .order_by("-meeting__scheduled_at", "-pk")
    )


def _streak(bottleneck: str, asked: int, earlier: list[Agenda], same_as_last: bool) -> Streak:
    """`earlier`: the pair's agendas before this one, newest first (at most LOOK_BACK used);
    `same_as_last`: this agenda is ticked "still the same bottleneck as last meeting"."""
    run: list[Agenda] = []
    if bottleneck.strip():
        texts = [bottleneck]  # this bottleneck's words, and those a tick bridged to
        ticked = same_as_last
        for agenda in earlier[:LOOK_BACK]:
            if ticked:
                texts.append(agenda.bottleneck)
            elif not any(similar(text, agenda.bottleneck) for text in texts):
                break
            run.append(agenda)
            ticked = agenda.bottleneck_same_as_last
    nobody = 0
    if run:
        for n in [asked, *(a.asked for a in run)]:
            if n:
                break
            nobody += 1
    return Streak(earlier=run[::-1], asked_nobody=nobody)


def stuck_streak(
    agenda: Agenda, bottleneck: str | None = None, *, count_asked: bool = True
) -> Streak:
    """The agenda's streak (`bottleneck`: text to test instead of the saved one). One query for
    the earlier agendas, and one for this agenda's entries of whom the scholar asked unless they
    were prefetched (`help_asked`) or `count_asked` is False."""
    meeting = agenda.meeting
    earlier = list(
        _submitted_before([meeting.mentorship_id])
        .filter(meeting__scheduled_at__lt=meeting.scheduled_at)
        .exclude(pk=agenda.pk)[:LOOK_BACK]
    )
    text = agenda.bottleneck if bottleneck is None else bottleneck
    previous = earlier[0] if earlier else None
    if not earlier or not text.strip():
        return Streak(previous=previous)
    # all(): the entries prefetched with the agenda when the caller shows them anyway; without
    # count_asked (the agenda page's prompt) `asked_nobody` is not worked out.
    asked = len(agenda.help_asked.all()) if count_asked else 1
    streak = _streak(text, asked, earlier, agenda.bottleneck_same_as_last)
    streak.previous = previous
    return streak


def streaks_by_agenda(mentorship_ids: Iterable[int]) -> dict[int, Streak]:
    """The streak of every submitted agenda of these pairs, by agenda id, in one query (a
    history page shows the whole timeline)."""
    return {agenda.pk: streak for agenda, streak in streak_timeline(mentorship_ids)}


def streak_timeline(mentorship_ids: Iterable[int]) -> list[tuple[Agenda, Streak]]:
    """Every submitted agenda of these pairs, newest first, with its streak, in one query; each
    agenda carries `scheduled_at` and `asked` (how many people the scholar asked)."""
    rows = list(_submitted_before(mentorship_ids))
    by_pair: dict[int, list[Agenda]] = defaultdict(list)
    for agenda in rows:
        by_pair[agenda.mentorship_id].append(agenda)
    streaks: dict[int, Streak] = {}
    for agendas in by_pair.values():
        for i, agenda in enumerate(agendas):
            streaks[agenda.pk] = _streak(
                agenda.bottleneck, agenda.asked, agendas[i + 1 :], agenda.bottleneck_same_as_last
            )
    return [(agenda, streaks[agenda.pk]) for agenda in rows]


def current_streaks(mentorship_ids: Iterable[int]) -> dict[int, Streak]:
    """Each pair's streak as of its latest submitted agenda, by mentorship id, in one query that
    reads only the last LOOK_BACK + 1 agendas of each pair (the staff pages: figures only)."""
    latest = (
        _submitted_before(mentorship_ids)
        .annotate(
            row=Window(
                RowNumber(),
                partition_by=[F("meeting__mentorship_id")],
                order_by=[F("meeting__scheduled_at").desc(), F("pk").desc()],
            )
        )
        .filter(row__lte=LOOK_BACK + 1)
    )
    by_pair: dict[int, list[Agenda]] = defaultdict(list)
    for agenda in latest:
        by_pair[agenda.mentorship_id].append(agenda)
    return {
        pair: _streak(
            agendas[0].bottleneck, agendas[0].asked, agendas[1:], agendas[0].bottleneck_same_as_last
        )
        for pair, agendas in by_pair.items()
    }


def stuck_mentorship_ids(mentorship_ids: Iterable[int]) -> set[int]:
    """The pairs stuck for STUCK_FROM meetings or more."""
    return {pair for pair, streak in current_streaks(mentorship_ids).items() if streak.is_stuck}


# --- The history's bottleneck timeline --------------------------------------------------------


@dataclass
class TimelineLine:
    """One meeting on the bottleneck timeline: its bottleneck, whom the scholar asked, and where
    it stands in a stuck stretch."""

    agenda: Agenda
    streak: Streak
    asked: list = field(default_factory=list)
    in_stretch: bool = False  # part of a run of similar bottlenecks
    stretch_end: bool = False  # the stretch's latest meeting: where its length is told

    @property
    def help_line(self) -> str:
        """ "asked 2 people: Dana (peer), #ml-help (forum)", or "asked nobody"."""
        if not self.asked:
            return "asked nobody"
        n = len(self.asked)
        return f"asked {n} {'person' if n == 1 else 'people'}: {', '.join(e.label for e in self.asked)}"


def timeline(mentorship_ids: Iterable[int], agendas) -> list[TimelineLine]:
    """The pairs' submitted agendas, newest first, each with its streak and whom the scholar
    asked, the stuck stretches marked. `agendas`: Agenda queryset scoped to the viewer. Two
    queries, whatever the length of the history."""
    from meetings.models import HelpAsked

    rows = list(_submitted_before(mentorship_ids, agendas))
    asked: dict[int, list[HelpAsked]] = defaultdict(list)
    for entry in HelpAsked.objects.filter(agenda__in=[a.pk for a in rows]).select_related("peer"):
        asked[entry.agenda_id].append(entry)
    by_pair: dict[int, list[Agenda]] = defaultdict(list)
    for agenda in rows:
        by_pair[agenda.mentorship_id].append(agenda)
    streaks: dict[int, Streak] = {}
    for pair_agendas in by_pair.values():
        for i, agenda in enumerate(pair_agendas):
            streaks[agenda.pk] = _streak(
                agenda.bottleneck,
                agenda.asked,
                pair_agendas[i + 1 :],
                agenda.bottleneck_same_as_last,
            )
    in_stretch: set[int] = set()
    covered: set[int] = set()  # earlier members of a stretch already told at its latest meeting
    lines = []
    for agenda in rows:
        streak = streaks[agenda.pk]
        line = TimelineLine(agenda=agenda, streak=streak, asked=asked[agenda.pk])
        if streak:
            in_stretch.add(agenda.pk)
            in_stretch.update(a.pk for a in streak.earlier)
            line.stretch_end = agenda.pk not in covered
            covered.update(a.pk for a in streak.earlier)
        lines.append(line)
    for line in lines:
        line.in_stretch = line.agenda.pk in in_stretch
    return lines


def people_asked_per_meeting(mentorships: QuerySet) -> float | None:
    """Staff's one figure on help-seeking (README, "Who sees what"): entries of whom the scholar asked per
    submitted agenda of these pairs (None without one). One query; never who or what."""
    # A brief of a cancelled meeting is no brief (as on the growth page, which shows this figure too).
    totals = (
        Agenda.objects.filter(
            meeting__mentorship__in=mentorships.order_by().values("pk"),
            status=Agenda.Status.SUBMITTED,
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .aggregate(agendas=Count("pk", distinct=True), asked=Count("help_asked"))
    )
    return asked_per_brief(totals["asked"], totals["agendas"])


def asked_per_brief(asked: int, briefs: int) -> float | None:
    """People asked per brief, the figure the staff summary and the growth page show: one
    division, the pages round it with the `number` filter."""
    return asked / briefs if briefs else None
