"""The stuck detector: a scholar naming the same bottleneck meeting after meeting.

The one definition. The pair's counted agendas (submitted, their meeting not cancelled) are read in
the order of their meetings; each starts a new run or continues the run of the one right before
it. It continues that run when the scholar ticked "still the same bottleneck as last meeting"
(`bottleneck_same_as_last`): the scholar knows better than the words. Otherwise it continues it
when its bottleneck is similar (meetings/unstuck/similarity.py) to EVERY bottleneck of the run
written since the scholar last ticked the box, at most the LOOK_BACK newest: a run never drifts
from one problem to another through a middle text that shares a little with both (compute
budget, then the write-up's framing, then seeds), and a tick joins the words it was ticked on,
not everything before them. The scholar's usual words (`usual_words`: those in most of their
earlier bottlenecks on other problems, such as a topic they write into every one) are left out
of the comparison. An agenda is stuck for N meetings when it is the Nth of its run, N
from STUCK_FROM on; a stuck stretch is exactly one run, so the history brackets the meetings the
badge counts.

Each counted agenda stores its run position (`Agenda.stuck_run`) and its bottleneck's stems
(`Agenda.bottleneck_stems`), written by `recompute_pair` in the transaction of every change that
can move them (a submit, an edit of a submitted bottleneck or of the tick, a meeting cancelled,
put back or moved); each pair stores its current one (`Mentorship.stuck_for`, with its last held
meeting, `last_held_meeting_at`, the other figure staff pages sort a program by), written by the
same recomputation. Pages read the stored figures and never score text. Only the agenda page's
live prompt scores words not yet saved, by the same `continues`.

Only the pair's own meetings count: a mentor sees the briefs of their own mentorship only
(README, "Who sees what"), so a streak never shows them a bottleneck written for another mentor.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from accounts.models import Mentorship
from meetings.models import Agenda, Meeting
from meetings.unstuck.similarity import similar_terms, terms

# A new bottleneck is compared with at most this many of the run's latest ones.
LOOK_BACK = 3
# Stuck from this many meetings in a row (the badge, the staff's figure and flag).
STUCK_FROM = 2
# A page lists this many of a streak's latest earlier bottlenecks side by side and counts the
# rest: after twenty meetings stuck, the last few say what it is; the history has them all.
SHOWN_EARLIER = 3


@dataclass
class Streak:
    """An agenda's stuck streak: how many meetings in a row (this one included; 0 when not
    stuck) and, where a page shows them, the earlier agendas of the run, oldest first."""

    meetings: int = 0
    earlier: list[Agenda] = field(default_factory=list)
    # How many of the streak's meetings, counted back from this one, had nobody asked.
    asked_nobody: int = 0
    # The pair's submitted agenda right before this one (stuck_streak only): the agenda page
    # offers "still the same bottleneck as last meeting" with its date and words.
    previous: Agenda | None = None

    @property
    def is_stuck(self) -> bool:
        return self.meetings >= STUCK_FROM

    @property
    def shown_earlier(self) -> list[Agenda]:
        """The latest SHOWN_EARLIER of the earlier agendas, oldest first."""
        return self.earlier[-SHOWN_EARLIER:]

    @property
    def not_shown(self) -> int:
        """How many earlier agendas of the run are counted, not listed."""
        return max(0, len(self.earlier) - SHOWN_EARLIER)

    @property
    def first(self) -> Agenda | None:
        """The run's first agenda: "since" when the scholar has been stuck."""
        return self.earlier[0] if self.earlier else None

    def __bool__(self) -> bool:
        return self.is_stuck


def _figure(run: int) -> int:
    """Stuck for this many meetings: the run position from STUCK_FROM on, 0 before."""
    return run if run >= STUCK_FROM else 0


# --- The one definition ------------------------------------------------------------------------


Stems = tuple[str, ...]


def stems_of(text: str) -> Stems:
    return terms(text or "")


def _stored(stems: str) -> Stems:
    return tuple(stems.split())


def usual_words(other_problems: Sequence[Stems]) -> frozenset[str]:
    """The scholar's usual words: stems in most of the pair's earlier bottlenecks that were other
    problems (those before the run), at least two of them. A scholar who writes their topic into
    every bottleneck ("the sparse autoencoder features for factual recall sweep needs more
    compute", "… framing for the sparse autoencoder features for factual recall write-up") shares
    those words between any two of them: they tell one problem from another no more than "the"."""
    if len(other_problems) < 2:
        return frozenset()
    counts = Counter(stem for stems in other_problems for stem in set(stems))
    return frozenset(s for s, n in counts.items() if n >= 2 and 2 * n > len(other_problems))


def _same_problem(a: Stems, b: Stems, usual: frozenset[str]) -> bool:
    if a == b:
        return True
    return similar_terms(
        tuple(w for w in a if w not in usual), tuple(w for w in b if w not in usual)
    )


def continues(
    stems: Stems,
    ticked: bool,
    run: Sequence[tuple[Stems, bool]],
    usual: frozenset[str] = frozenset(),
) -> bool:
    """Whether a bottleneck (`stems`, `ticked`: the "same as last" box) continues `run`: the
    (stems, ticked) of the run it follows, newest first (empty: it starts one); `usual`: the
    scholar's usual words, left out of the comparison."""
    if not run:
        return False
    if ticked:
        return True
    if not stems:
        return False
    for earlier_stems, earlier_ticked in run[:LOOK_BACK]:
        if not _same_problem(stems, earlier_stems, usual):
            return False
        if earlier_ticked:
            break  # the words before a tick are the scholar's to join, not the detector's
    return True


def _runs(agendas: Sequence[Agenda]) -> list[int]:
    """The run position of each counted agenda (`agendas`: one pair's, oldest first, each with
    `stems` as a tuple)."""
    positions: list[int] = []
    run: list[tuple[Stems, bool]] = []  # newest first
    other_problems: list[Stems] = []
    for agenda in agendas:
        usual = usual_words(other_problems)
        if continues(agenda.stems, agenda.bottleneck_same_as_last, run, usual):
            run.insert(0, (agenda.stems, agenda.bottleneck_same_as_last))
        else:
            other_problems += [stems for stems, _ in run]
            run = [(agenda.stems, agenda.bottleneck_same_as_last)]
        positions.append(len(run))
    return positions


def _counted() -> Q:
    return Q(status=Agenda.Status.SUBMITTED) & ~Q(meeting__status=Meeting.Status.CANCELLED)


def _is_counted(status: str, meeting_status: str) -> bool:
    """_counted, in Python (one row already read)."""
    return status == Agenda.Status.SUBMITTED and meeting_status != Meeting.Status.CANCELLED


@dataclass
class Changed:
    """What a recomputation wrote: the agendas' (stems, run) and the pairs' (stuck_for,
    last_held_meeting_at) that were not what the definition gives, by id. Empty: all was fresh."""

    agendas: dict[int, tuple[str, int]] = field(default_factory=dict)
    pairs: dict[int, tuple[int, datetime | None]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.agendas or self.pairs)


def recompute_pairs(mentorship_ids: Iterable[int], *, lock: bool = False) -> Changed:
    """Store, from scratch, the stems and run position of every agenda of these pairs and each
    pair's current figures: `Mentorship.stuck_for` (its latest counted agenda's streak, as the
    badge shows it) and `Mentorship.last_held_meeting_at` (its latest held meeting's time; a meeting is
    marked held only from its start, so that time has passed). Two queries to read, one bulk
    update per table for the rows that changed. With `lock`, the pairs' rows are read first and
    held until the caller's transaction ends (`recompute_pair`)."""
    mentorship_ids = list(mentorship_ids)
    last_held = Meeting.objects.filter(
        mentorship=OuterRef("pk"), status=Meeting.Status.HELD
    ).order_by("-scheduled_at")
    pairs = (
        Mentorship.objects.filter(pk__in=mentorship_ids)
        .annotate(held=Subquery(last_held.values("scheduled_at")[:1]))
        .only("pk", "stuck_for", "last_held_meeting_at")
        .order_by("pk")
    )
    if lock:
        pairs = pairs.select_for_update()
    pairs = list(pairs)
    rows = list(
        Agenda.objects.filter(meeting__mentorship_id__in=mentorship_ids)
        .annotate(
            mentorship_id=F("meeting__mentorship_id"),
            meeting_status=F("meeting__status"),
        )
        .only(
            "pk",
            "status",
            "bottleneck",
            "bottleneck_same_as_last",
            "bottleneck_stems",
            "stuck_run",
        )
        .order_by("meeting__mentorship_id", "meeting__scheduled_at", "pk")
    )
    by_pair: dict[int, list[Agenda]] = defaultdict(list)
    changed = Changed()
    for agenda in rows:
        stems = " ".join(stems_of(agenda.bottleneck))
        agenda.stems = _stored(stems)
        if _is_counted(agenda.status, agenda.meeting_status):
            by_pair[agenda.mentorship_id].append(agenda)
        agenda.new_stems, agenda.new_run = stems, 0
    for agendas in by_pair.values():
        for agenda, run in zip(agendas, _runs(agendas), strict=True):
            agenda.new_run = run
    for agenda in rows:
        if (agenda.bottleneck_stems, agenda.stuck_run) != (agenda.new_stems, agenda.new_run):
            agenda.bottleneck_stems, agenda.stuck_run = agenda.new_stems, agenda.new_run
            changed.agendas[agenda.pk] = (agenda.bottleneck_stems, agenda.stuck_run)
    Agenda.objects.bulk_update(
        [a for a in rows if a.pk in changed.agendas],
        ["bottleneck_stems", "stuck_run"],
        batch_size=500,
    )
    stale = []
    for pair in pairs:
        agendas = by_pair.get(pair.pk)
        figures = (_figure(agendas[-1].new_run) if agendas else 0, pair.held)
        if (pair.stuck_for, pair.last_held_meeting_at) != figures:
            pair.stuck_for, pair.last_held_meeting_at = figures
            changed.pairs[pair.pk] = figures
            stale.append(pair)
    Mentorship.objects.bulk_update(stale, ["stuck_for", "last_held_meeting_at"], batch_size=500)
    return changed


def recompute_pair(mentorship_id: int, agenda: Agenda | None = None) -> None:
    """After a change to one pair's agendas or meetings (the meeting's status or time): its
    stored streaks and figures again, in the caller's transaction, under the pair's lock (two
    changes at once are written one by one); `agenda`, the instance the caller goes on showing,
    gets its new figures too. Outside a transaction (a script, a test's setup) it opens one of
    its own: the lock holds until the figures are written."""
    with transaction.atomic(savepoint=False):
        changed = recompute_pairs([mentorship_id], lock=True)
    if agenda is not None and agenda.pk in changed.agendas:
        agenda.bottleneck_stems, agenda.stuck_run = changed.agendas[agenda.pk]


# --- Reading the stored streaks ----------------------------------------------------------------


def _submitted_before(mentorship_ids: Iterable[int], agendas=None):
    """The pairs' counted agendas, newest first, with how many people the scholar asked for
    each (`agendas`: a queryset already scoped to a viewer, to read from)."""
    if isinstance(mentorship_ids, QuerySet):
        # a queryset of mentorships: one subquery, not a list of ids fetched first
        mentorship_ids = mentorship_ids.order_by().values("pk")
    else:
        mentorship_ids = list(mentorship_ids)
    return (
        (Agenda.objects.all() if agendas is None else agendas)
        .filter(_counted(), meeting__mentorship_id__in=mentorship_ids)
        .annotate(
            asked=Count("help_asked"),
            mentorship_id=F("meeting__mentorship_id"),
            scheduled_at=F("meeting__scheduled_at"),
        )
        .only(
            "pk",
            "bottleneck",
            "bottleneck_same_as_last",
            "bottleneck_stems",
            "stuck_run",
            "meeting_id",
        )
        .order_by("-meeting__scheduled_at", "-pk")
    )


def _asked_nobody(asked: int, earlier_newest_first: Sequence[Agenda]) -> int:
    nobody = 0
    for n in [asked, *(a.asked for a in earlier_newest_first)]:
        if n:
            break
        nobody += 1
    return nobody


def stuck_streak(
    agenda: Agenda, bottleneck: str | None = None, *, count_asked: bool = True
) -> Streak:
    """The agenda's streak, with its earlier agendas. A counted agenda's is its stored figure;
    a draft's (or `bottleneck`: text not saved yet) is worked out now by the same definition
    from the stored runs before it. One query for the earlier agendas, and one for this
    agenda's entries of whom the scholar asked unless they were prefetched (`help_asked`) or
    `count_asked` is False."""
    meeting = agenda.meeting
    stored = (
        agenda.stuck_run
        if bottleneck is None and agenda.is_submitted and meeting.status != Meeting.Status.CANCELLED
        else 0
    )
    before = (
        _submitted_before([meeting.mentorship_id])
        .filter(meeting__scheduled_at__lt=meeting.scheduled_at)
        .exclude(pk=agenda.pk)
    )
    # A stored figure needs only its run (and the agenda right before, for the box); a text
    # not saved yet is compared with the run before it, knowing the scholar's usual words.
    earlier = list(before[: max(stored - 1, 1)] if stored else before)
    previous = earlier[0] if earlier else None
    if stored:
        meetings = _figure(stored)
    else:
        text = agenda.bottleneck if bottleneck is None else bottleneck
        run = earlier[: previous.stuck_run] if previous else []
        joined = continues(
            stems_of(text),
            agenda.bottleneck_same_as_last,
            [(_stored(a.bottleneck_stems), a.bottleneck_same_as_last) for a in run],
            usual_words([_stored(a.bottleneck_stems) for a in earlier[len(run) :]]),
        )
        meetings = _figure(len(run) + 1) if joined and text.strip() else 0
    if not meetings:
        return Streak(previous=previous)
    run_before = earlier[: meetings - 1]
    # all(): the entries prefetched with the agenda when the caller shows them anyway; without
    # count_asked (the agenda page's prompt) `asked_nobody` is not worked out.
    nobody = _asked_nobody(len(agenda.help_asked.all()), run_before) if count_asked else 0
    return Streak(
        meetings=meetings, earlier=run_before[::-1], asked_nobody=nobody, previous=previous
    )


def streaks_by_agenda(mentorship_ids: Iterable[int]) -> dict[int, Streak]:
    """The streak of every counted agenda of these pairs, by agenda id, in one query."""
    return {agenda.pk: streak for agenda, streak in streak_timeline(mentorship_ids)}


def streak_timeline(mentorship_ids: Iterable[int], agendas=None) -> list[tuple[Agenda, Streak]]:
    """Every counted agenda of these pairs, newest first, with its stored streak, in one query;
    each agenda carries `scheduled_at` and `asked` (how many people the scholar asked)."""
    rows = list(_submitted_before(mentorship_ids, agendas))
    by_pair: dict[int, list[Agenda]] = defaultdict(list)
    for agenda in rows:
        by_pair[agenda.mentorship_id].append(agenda)
    streaks: dict[int, Streak] = {}
    for pair_rows in by_pair.values():
        for i, agenda in enumerate(pair_rows):
            meetings = _figure(agenda.stuck_run)
            run_before = pair_rows[i + 1 : i + meetings] if meetings else []
            streaks[agenda.pk] = Streak(
                meetings=meetings,
                earlier=run_before[::-1],
                asked_nobody=_asked_nobody(agenda.asked, run_before) if meetings else 0,
            )
    return [(agenda, streaks[agenda.pk]) for agenda in rows]


def current_streaks(mentorship_ids: Iterable[int]) -> dict[int, Streak]:
    """Each pair's streak as of its latest counted agenda, by mentorship id: the figure stored
    with the pair (`Mentorship.stuck_for`), one query on that table (the mentor's home, the
    program-figures download: figures only)."""
    if isinstance(mentorship_ids, QuerySet):
        pairs = mentorship_ids.order_by()
    else:
        pairs = Mentorship.objects.filter(pk__in=list(mentorship_ids))
    return {pair.pk: pair_streak(pair) for pair in pairs.only("pk", "stuck_for")}


def pair_streak(pair: Mentorship) -> Streak:
    """A pair's current streak from its stored figure, for a pair already loaded: no query."""
    return Streak(meetings=pair.stuck_for)


def stuck_q() -> Q:
    """The pairs stuck for STUCK_FROM meetings or more, as a filter on Mentorship (its stored
    figure, which is 0 below STUCK_FROM): a WHERE, for pages that count or list them."""
    return Q(stuck_for__gte=STUCK_FROM)


def stuck_mentorship_ids(mentorship_ids: Iterable[int]) -> set[int]:
    """The pairs stuck for STUCK_FROM meetings or more."""
    if not isinstance(mentorship_ids, QuerySet):
        mentorship_ids = Mentorship.objects.filter(pk__in=list(mentorship_ids))
    return set(mentorship_ids.filter(stuck_q()).order_by().values_list("pk", flat=True))


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


def timeline(mentorship_ids: Iterable[int], agendas, *, with_asked=True) -> list[TimelineLine]:
    """The pairs' submitted agendas, newest first, each with its streak and whom the scholar
    asked, the stuck stretches marked. `agendas`: Agenda queryset scoped to the viewer. Two
    queries, whatever the length of the history; one without `with_asked`, for a page that does
    not show whom the scholar asked (the lines' `asked` stay empty)."""
    from meetings.models import HelpAsked

    timed = streak_timeline(mentorship_ids, agendas)
    asked: dict[int, list[HelpAsked]] = defaultdict(list)
    entries = HelpAsked.objects.filter(agenda__in=[a.pk for a, _ in timed]).select_related("peer")
    for entry in entries if with_asked else ():
        asked[entry.agenda_id].append(entry)
    lines = [TimelineLine(agenda=a, streak=s, asked=asked[a.pk]) for a, s in timed]
    _mark_stretches(lines)
    return lines


def _mark_stretches(lines: list[TimelineLine]) -> None:
    """Mark the stuck stretches of `lines` (newest first): a line's marks depend only on the
    lines above it (newer)."""
    newer: dict[int, Agenda] = {}  # by pair: the line above, one meeting later
    for line in lines:
        agenda, later = line.agenda, newer.get(line.agenda.mentorship_id)
        continued = later is not None and later.stuck_run == agenda.stuck_run + 1
        # a stretch is one run: told at its latest meeting, every member marked
        line.stretch_end = line.streak.is_stuck and not continued
        line.in_stretch = line.streak.is_stuck or (continued and _figure(later.stuck_run) > 0)
        newer[agenda.mentorship_id] = agenda


def meetings_timeline(
    mentorship_ids: Iterable[int], agendas, meetings: Sequence[Meeting]
) -> list[TimelineLine]:
    """The lines of `timeline` for these meetings only (a page of the history), the same marks,
    newest first; each streak is its figure alone (no earlier agendas, nobody asked not worked
    out). A line's marks depend only on the newer agendas, so only the agendas from the oldest
    of these meetings on are read, not the whole history. Two queries (none without meetings)."""
    from meetings.models import HelpAsked

    if not meetings:
        return []
    shown = {meeting.pk for meeting in meetings}
    rows = list(
        agendas.filter(
            _counted(),
            meeting__mentorship_id__in=list(mentorship_ids),
            meeting__scheduled_at__gte=min(meeting.scheduled_at for meeting in meetings),
        )
        .annotate(
            mentorship_id=F("meeting__mentorship_id"), scheduled_at=F("meeting__scheduled_at")
        )
        .only("pk", "bottleneck", "stuck_run", "meeting_id")
        .order_by("-meeting__scheduled_at", "-pk")
    )
    asked: dict[int, list[HelpAsked]] = defaultdict(list)
    entries = HelpAsked.objects.filter(
        agenda__in=[a.pk for a in rows if a.meeting_id in shown]
    ).select_related("peer")
    for entry in entries:
        asked[entry.agenda_id].append(entry)
    lines = [
        TimelineLine(agenda=a, streak=Streak(meetings=_figure(a.stuck_run)), asked=asked[a.pk])
        for a in rows
    ]
    _mark_stretches(lines)
    return [line for line in lines if line.agenda.meeting_id in shown]


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
