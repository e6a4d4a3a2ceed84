"""A scholar's growth: the qualities research mentors value, as signals over the program.

Each part of the page (GrowthSharing.PARTS, plus the check-in energy trend for the scholar
alone) is a list of signals; a signal is a dated series (one value per brief, or per week), a
headline figure and its small chart. This module computes the numbers, meetings/charts.py
places them, templates/meetings/growth/_growth_signal.html draws them. Only figures leave this module,
never a text the scholar wrote.

What counts: the scholar's own data across all their pairs. A "brief" is a submitted agenda of a
meeting that was not cancelled (a draft is not a brief, even on the scholar's own page). Only
the parts asked for are computed; each kind of data is read in one query, whatever its size.

Callers decide who may see which part (access.growth_parts) before calling `growth`.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import Mentorship, User
from meetings import access, charts
from meetings.models import (
    ONE_PAGE_WORDS,
    Agenda,
    Capture,
    GrowthSharing,
    HelpAsked,
    Meeting,
    MeetingOutcome,
    PeerOffer,
    Question,
)
from meetings.reading import domain as reading
from meetings.unstuck import streaks as stuck

WEEKS_SHOWN = 26  # weekly series: at most the last half year, from the first week with data
# A question "dealt with" in a meeting held without meeting mode.
DEALT_WITH = {Question.Status.DISCUSSED, Question.Status.ANSWERED, Question.Status.RESOLVED}

ENERGY = (
    "energy",
    "My energy",
    "Only you see this: how you felt, meeting by meeting, so a low stretch does not go unnoticed.",
)


@dataclass
class Point:
    """One value of a series: per brief (`when` the meeting's date) or per week (its Monday)."""

    when: date
    value: float | None  # None: nothing to count here (e.g. no answer given)
    text: str = ""  # the value in words, for the table
    state: str = ""  # marks: css class of the mark ("yes", "no", "partly", "none")


@dataclass
class Signal:
    name: str
    title: str
    why: str  # why it matters, one line
    definition: str  # what is counted, said once
    per: str  # "brief", "meeting" or "week"
    kind: str  # "bars" (a number per point) or "marks" (a yes / no per point)
    points: list[Point]
    headline: str
    plot: charts.Plot
    guide: float | None = None  # a reference value drawn as a line (e.g. one page)
    guide_label: str = ""

    @property
    def first(self) -> Point | None:
        return self.points[0] if self.points else None

    @property
    def last(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def label(self) -> str:
        """The chart's text alternative."""
        if not self.points:
            return f"{self.title}: nothing yet."
        span = f"{len(self.points)} {self.per}{'s' if len(self.points) != 1 else ''}"
        return f"{self.title}, over {span}: {self.headline}"


@dataclass
class Part:
    name: str
    label: str
    why: str
    signals: list[Signal] = field(default_factory=list)


def growth(
    scholar: User, parts: set[str], today: date | None = None, viewer: User | None = None
) -> list[Part]:
    """The parts of the scholar's growth page named in `parts`, in the page's order, as
    `viewer` (default: the scholar) may see them."""
    today = today or timezone.localdate()
    data = _Data(scholar.pk, viewer or scholar)
    builders = {
        "leading": _leading,
        "unstuck": _unstuck,
        "reading": lambda d: _reading(d, today),
        "peers": lambda d: _peers(d, today),
        "energy": _energy,
    }
    result = []
    for name, label, why in [*GrowthSharing.PARTS, ENERGY]:
        if name in parts:
            result.append(Part(name, label, why, builders[name](data)))
    return result


# --- Reading the data: one query per kind, only when a part needs it ----------------------------


class _Data:
    def __init__(self, scholar_id: int, viewer: User):
        self.scholar_id = scholar_id
        self.viewer = viewer
        self._briefs: list[Agenda] | None = None

    def briefs(self) -> list[Agenda]:
        """The scholar's briefs, oldest first, each with `when`, `words`, `outcome`, `top` (the
        top-ranked question: pk and status) and `first_live` (the question of the meeting
        mode's first capture about a question). Three queries."""
        if self._briefs is None:
            self._briefs = briefs(briefs_of(self.scholar_id))
        return self._briefs


def briefs_of(scholar_id: int, mentorships: QuerySet | None = None) -> QuerySet:
    """The scholar's briefs (of these pairs, when given): submitted agendas of meetings that
    were not cancelled."""
    agendas = Agenda.objects.filter(
        meeting__mentorship__scholar_id=scholar_id, status=Agenda.Status.SUBMITTED
    ).exclude(meeting__status=Meeting.Status.CANCELLED)
    if mentorships is not None:
        agendas = agendas.filter(meeting__mentorship__in=mentorships.order_by().values("pk"))
    return agendas


def briefs(agendas: QuerySet, *, captures: bool = True) -> list[Agenda]:
    """See _Data.briefs: the agendas, their questions, the meeting mode's captures (unless
    `captures` is False: `first_live` is then None)."""
    rows = list(
        agendas.annotate(
            when=F("meeting__scheduled_at"),
            meeting_status=F("meeting__status"),
            outcome=F("meeting__outcome__answer"),
            mentor_id=F("meeting__mentorship__mentor_id"),
        )
        .only("pk", "meeting_id", "wellbeing_energy", "decision", "section_words")
        .order_by("meeting__scheduled_at", "pk")
    )
    questions = Question.objects.filter(agenda__in=[a.pk for a in rows]).exclude(
        status=Question.Status.DROPPED
    )
    by_agenda: dict[int, list[tuple]] = defaultdict(list)
    for row in questions.order_by("rank", "pk").values_list("agenda_id", "pk", "status", "words"):
        by_agenda[row[0]].append(row)
    first_live: dict[int, int] = {}
    if captures:
        on_questions = (
            Capture.objects.filter(
                live__meeting_id__in=[a.meeting_id for a in rows], question__isnull=False
            )
            .order_by("live__meeting_id", "seq")
            .values_list("live__meeting_id", "question_id")
        )
        for meeting_id, question_id in on_questions:
            first_live.setdefault(meeting_id, question_id)
    for agenda in rows:
        qs = by_agenda[agenda.pk]
        # as Agenda.word_count: the brief as the mentor reads it, sections and questions,
        # counted when they were written
        agenda.words = agenda.section_words + sum(words for *_, words in qs)
        agenda.top = (qs[0][1], qs[0][2]) if qs else None
        agenda.first_live = first_live.get(agenda.meeting_id)
    return rows


# --- Leading meetings -------------------------------------------------------------------------


def _leading(data: _Data) -> list[Signal]:
    rows = data.briefs()
    scholar, viewer = data.scholar_id, data.viewer
    per_brief = [(timezone.localdate(a.when), a) for a in rows]
    words = [Point(d, a.words, f"{a.words} words") for d, a in per_brief]
    one_page = [_mark(d, a.words <= ONE_PAGE_WORDS) for d, a in per_brief]
    decision = [_mark(d, bool(a.decision.strip())) for d, a in per_brief]
    held = [(d, a) for d, a in per_brief if a.meeting_status == Meeting.Status.HELD and a.top]
    top_first = [_mark(d, _top_first(a)) for d, a in held]
    # A mentor of a scholar with two mentors sees the answers of their own meetings only.
    answered = [
        (d, a.outcome)
        for d, a in per_brief
        if a.outcome and access.may_see_outcome_answer(viewer, scholar, a.mentor_id)
    ]
    came_for = [
        Point(d, 1 if answer == "yes" else 0, MeetingOutcome.Answer(answer).label, state=answer)
        for d, answer in answered
    ]
    return [
        _bars(
            "words",
            "Words per brief",
            "A short brief gets read before the meeting: your mentor arrives prepared.",
            "The words of the brief as your mentor reads it: its sections and questions.",
            "brief",
            words,
            (
                f"Median {charts.number(median_words(rows))} words per brief; "
                f"the latest {charts.number(words[-1].value)}."
                if words
                else "No briefs yet."
            ),
            guide=ONE_PAGE_WORDS,
            guide_label="one page",
        ),
        _marks(
            "one_page",
            "Briefs on one page",
            "One page is what a busy mentor reads in full.",
            f"A brief fits on one page at {ONE_PAGE_WORDS} words or fewer (one printed page, "
            "as on the agenda's word meter).",
            "brief",
            one_page,
            "briefs fit on one page",
        ),
        _marks(
            "decision_first",
            "Decision first",
            "Naming the decision you need first is how the meeting starts where it matters.",
            "The brief's first box, “The decision or help I need most”, was filled in.",
            "brief",
            decision,
            "briefs opened with a decision",
        ),
        _marks(
            "top_first",
            "Top question first",
            "Taking your most important question first means it never runs out of time.",
            "Held meetings with questions. In meeting mode: the first answer, decision or action "
            "typed on a question was on the top-ranked one. Otherwise: the top-ranked question "
            "ended discussed, answered or resolved.",
            "meeting",
            top_first,
            "held meetings took the top question first",
        ),
        _marks(
            "came_for",
            "Got what I came for",
            "Coming out with what you needed is the point of leading the meeting.",
            "The answer to “Did you get what you came for?” after each meeting: yes, partly "
            "or no (the comment is never shown here).",
            "meeting",
            came_for,
            "meetings: got what I came for",
            headline=_came_for_headline(came_for),
        ),
    ]


def _top_first(agenda: Agenda) -> bool:
    top_pk, top_status = agenda.top
    if agenda.first_live is not None:
        return agenda.first_live == top_pk
    return top_status in DEALT_WITH


def _came_for_headline(points: list[Point]) -> str:
    if not points:
        return "No answers yet."
    counts = {s: sum(p.state == s for p in points) for s in ("yes", "partly", "no")}
    meetings = "meeting" if len(points) == 1 else "meetings"
    said = [f"{name} {counts[key]}" for key, name in (("yes", "yes"), ("partly", "partly"),
                                                     ("no", "no")) if counts[key]]  # fmt: skip
    return f"Of {len(points)} {meetings} answered: {', '.join(said)}."


# --- Getting unstuck --------------------------------------------------------------------------


def _unstuck(data: _Data) -> list[Signal]:
    pairs = Mentorship.objects.filter(scholar_id=data.scholar_id)
    rows = sorted(stuck.streak_timeline(pairs), key=lambda r: (r[0].scheduled_at, r[0].pk))
    streaks = [
        Point(timezone.localdate(a.scheduled_at), s.meetings, _streak_text(s.meetings))
        for a, s in rows
    ]
    asked = [
        Point(timezone.localdate(a.scheduled_at), a.asked, f"{a.asked} asked") for a, _ in rows
    ]
    longest = max((p.value for p in streaks), default=0)
    stuck_at = sum(1 for p in streaks if p.value >= stuck.STUCK_FROM)
    total = sum(p.value for p in asked)
    per_meeting = stuck.asked_per_brief(total, len(asked))
    return [
        _bars(
            "stuck",
            "Stuck streaks",
            "Noticing a repeated bottleneck early is the first step past it.",
            "At each brief, for how many meetings in a row (this one included) the main "
            "bottleneck was much the same; 0 when it was new.",
            "brief",
            streaks,
            (
                f"Stuck at {stuck_at} of {len(streaks)} briefs; the longest streak "
                f"{_streak_text(longest)}; now {_streak_text(streaks[-1].value)}."
                if streaks
                else "No briefs yet."
            ),
        ),
        _bars(
            "asked",
            "People asked per meeting",
            "Asking for help early is how thriving scholars get unstuck.",
            "The people or channels you asked about your bottleneck (“Whom I asked”), per brief.",
            "brief",
            asked,
            (
                f"{_people(per_meeting)} asked per meeting on average "
                f"({total} over {len(asked)} briefs)."
                if asked and per_meeting is not None
                else "No briefs yet."
            ),
        ),
    ]


def _people(value: float) -> str:
    text = charts.number(value)
    return f"{text} {'person' if text == '1' else 'people'}"


def _streak_text(meetings: float) -> str:
    return "not stuck" if not meetings else f"{charts.number(meetings)} meetings"


# --- Reading ----------------------------------------------------------------------------------


def _reading(data: _Data, today: date) -> list[Signal]:
    by_week = reading.counts_by_week(data.scholar_id)
    weeks = reading.reading_weeks(by_week, today, WEEKS_SHOWN) if by_week else []
    readings = [_week_point(m, by_week.get(m, (0, 0))[0], "reading") for m in weeks]
    takeaways = [_week_point(m, by_week.get(m, (0, 0))[1], "takeaway") for m in weeks]
    n_readings, n_takeaways = reading.totals(by_week)
    shown = sum(p.value for p in readings)
    return [
        _bars(
            "readings",
            "Readings per week",
            "A little every week keeps new ideas coming, more than a burst before a deadline.",
            "Entries on your reading list, by the week you read them.",
            "week",
            readings,
            (
                f"{n_readings} reading{'s' if n_readings != 1 else ''} in all, "
                f"{charts.number(reading.per_week(shown, weeks))} a week over the last "
                f"{len(weeks)} weeks."
                if n_readings
                else "No readings yet."
            ),
        ),
        _bars(
            "takeaways",
            "Takeaways per week",
            "A takeaway is what reading changed in your model: the part that sticks.",
            "Readings with a line on “What changed in my model”, by the week you read them.",
            "week",
            takeaways,
            (
                f"{n_takeaways} of {n_readings} readings with a takeaway."
                if n_readings
                else "No readings yet."
            ),
        ),
    ]


# --- Peer help --------------------------------------------------------------------------------


def _peers(data: _Data, today: date) -> list[Signal]:
    asked_rows = list(
        HelpAsked.objects.filter(
            kind=HelpAsked.Kind.PEER, peer__isnull=False, agenda__in=briefs_of(data.scholar_id)
        ).values_list("agenda__meeting__scheduled_at", "peer_id")
    )
    helped_rows = list(
        PeerOffer.objects.filter(author_id=data.scholar_id).values_list(
            "created_at", "agenda__meeting__mentorship__scholar_id"
        )
    )
    asked = _count_by_week(asked_rows)
    helped = _count_by_week(helped_rows)
    weeks = _weeks({**asked, **helped}, today)
    asked_points = [_week_point(m, asked.get(m, 0), "peer asked") for m in weeks]
    helped_points = [_week_point(m, helped.get(m, 0), "offer") for m in weeks]
    n_asked, n_helped = len(asked_rows), len(helped_rows)
    return [
        _bars(
            "peers_asked",
            "Peers asked",
            "Peers who solved something like it are often the quickest help.",
            "Entries of “Whom I asked” naming a peer of the program, by the week of the meeting.",
            "week",
            asked_points,
            (
                f"Asked peers {n_asked} time{'s' if n_asked != 1 else ''} "
                f"({len({p for _, p in asked_rows})} different)."
                if n_asked
                else "No peer asked yet."
            ),
        ),
        _bars(
            "peers_helped",
            "Peers helped",
            "Helping a peer is how a cohort learns faster than any one scholar.",
            "Offers of help you made on the peer board, by the week you made them.",
            "week",
            helped_points,
            _helped_headline(n_helped, len({p for _, p in helped_rows})),
        ),
    ]


def _helped_headline(offers: int, peers: int) -> str:
    if not offers:
        return "No offers of help yet."
    return (
        f"Offered help {offers} time{'s' if offers != 1 else ''} "
        f"to {peers} peer{'s' if peers != 1 else ''}."
    )


def _count_by_week(rows: list[tuple]) -> dict[date, int]:
    counts: dict[date, int] = defaultdict(int)
    for week, _ in rows:
        counts[_monday(week)] += 1
    return dict(counts)


# --- The check-in energy (the scholar alone) ----------------------------------------------------


def _energy(data: _Data) -> list[Signal]:
    rows = [a for a in data.briefs() if a.wellbeing_energy]
    points = [
        Point(timezone.localdate(a.when), a.wellbeing_energy, f"{a.wellbeing_energy} of 5")
        for a in rows
    ]
    if points:
        recent = [p.value for p in points[-3:]]
        headline = (
            f"Energy {charts.number(points[-1].value)} of 5 at the latest check-in; "
            f"{charts.number(statistics.mean(recent))} over the last {len(recent)}."
        )
    else:
        headline = "No check-ins yet."
    signal = _bars(
        "energy",
        "Energy at each check-in",
        "Energy is a resource: a low stretch is worth a word with someone before it costs more.",
        "The energy (1 to 5) you gave in the check-in of each submitted agenda.",
        "brief",
        points,
        headline,
        top=5,
    )
    return [signal]


def median_words(briefs: list[Agenda]) -> float | None:
    """The median words per brief, the one figure the growth page and the staff summary show
    (None without a brief); pages write it with the `number` filter, one rounding."""
    return statistics.median(a.words for a in briefs) if briefs else None


# --- Staff: figures only, on the scholar's summary ----------------------------------------------


def staff_figures(scholar_id: int, mentorships: QuerySet) -> dict:
    """A few figures of the scholar's growth in these pairs (the program's): briefs, with a
    decision first, on one page, the median words; readings and takeaways. Three queries; never
    a text (README, "Who sees what": staff see figures)."""
    rows = briefs(briefs_of(scholar_id, mentorships), captures=False)
    n_readings, n_takeaways = reading.totals(reading.counts_by_week(scholar_id))
    return {
        "briefs": len(rows),
        "decision_first": sum(bool(a.decision.strip()) for a in rows),
        "one_page": sum(a.words <= ONE_PAGE_WORDS for a in rows),
        "median_words": median_words(rows),
        "readings": n_readings,
        "takeaways": n_takeaways,
    }


# --- Series and their charts --------------------------------------------------------------------


def _mark(when: date, yes: bool) -> Point:
    return Point(when, 1 if yes else 0, "yes" if yes else "no", state="yes" if yes else "no")


def _week_point(monday: date, n: int, noun: str) -> Point:
    return Point(monday, n, f"{n} {noun}{'s' if n != 1 else ''}")


def _monday(value: date | datetime) -> date:
    day = timezone.localdate(value) if isinstance(value, datetime) else value
    return day - timedelta(days=day.weekday())


def _weeks(counts: dict[date, object], today: date) -> list[date]:
    """Every week from the first with data to this one, or to the last with data when that is
    ahead (a brief for next week's meeting), at most WEEKS_SHOWN of them, oldest first."""
    if not counts:
        return []
    last = max(_monday(today), max(counts))
    first = max(min(counts), last - timedelta(weeks=WEEKS_SHOWN - 1))
    return [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def _bars(name, title, why, definition, per, points, headline, *, top=None, guide=None,
          guide_label="") -> Signal:  # fmt: skip
    """A number per point, as bars; `top`: the scale's top when it is fixed (else the largest
    value, or the guide)."""
    plot = charts.bars(charts.GROWTH_BARS, [p.value for p in points], top=top, guide=guide)
    signal = Signal(name, title, why, definition, per, "bars", points, headline, plot)
    signal.guide, signal.guide_label = guide, guide_label
    return signal


def _marks(name, title, why, definition, per, points, noun, *, headline=None) -> Signal:
    """A yes / no per point, as a row of dots; the headline "7 of 9 <noun>."."""
    if headline is None:
        yes = sum(p.state == "yes" for p in points)
        headline = f"{yes} of {len(points)} {noun}." if points else "Nothing to count yet."
    plot = charts.marks(charts.GROWTH_MARKS, [p.state for p in points])
    return Signal(name, title, why, definition, per, "marks", points, headline, plot)


# --- What the scholar shares ------------------------------------------------------------------


def seen_token(sharing: GrowthSharing | None) -> str:
    """When the choices were last saved, as the page shows them ("" for never)."""
    return sharing.updated_at.isoformat() if sharing is not None else ""


class StaleSharing(Exception):
    """The choices were saved from another page since this one was opened: nothing changed."""


def save_sharing(scholar: User, choices: dict[str, bool], seen: str | None = None) -> GrowthSharing:
    """Record the scholar's sharing choices (a box left out is not shared). `seen`: when the
    choices the scholar saw were saved ("" for never); a save from an older page raises
    StaleSharing, so an old tab never shares again what was just unshared."""
    fields = [*GrowthSharing.PART_NAMES, "report"]
    with transaction.atomic():
        current = GrowthSharing.objects.select_for_update().filter(scholar=scholar).first()
        if seen is not None and seen != seen_token(current):
            raise StaleSharing
        sharing, _ = GrowthSharing.objects.update_or_create(
            scholar=scholar,
            defaults={name: bool(choices.get(name)) for name in fields}
            | {"updated_at": timezone.now()},
        )
    return sharing
