"""Meeting-cadence figures for program staff: counts, dates and flags, never content.

Every figure is defined once, in `annotate_cadence`, as a correlated subquery per mentorship (the
counts of a pair's meetings as conditions on them, in `_meeting_counts`: one subquery per count
to sort and filter a program by, all of them in one subquery for the pairs of a page or a
chunk of the CSV), and the overdue rule once, in `overdue_q`; the two a whole program is filtered, sorted and counted by
(the last held meeting, for the overdue flag, and the stuck streak) are stored with each pair by
the writers (`Mentorship.last_held_meeting_at` and `stuck_for`, meetings/unstuck/streaks.py), so
the first page of a program costs the same whatever its size. The dashboard, its CSV, the staff summaries, the research
manager's page and the program-figures download (`program_figures`) all read the same annotations, so a figure can
never disagree between two pages, and sorting or filtering by a figure is plain ORDER BY / WHERE.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import DateTimeField as DateTimeFieldType
from django.db.models.functions import Cast, Coalesce, JSONObject, NullIf, TruncWeek
from django.db.models.lookups import LessThan
from django.utils import timezone

from accounts.models import Mentorship, Program
from meetings.models import ON_TIME_HOURS, ActionItem, Agenda, BriefRead, Meeting
from meetings.unstuck import streaks as stuck

OVERDUE_FACTOR = 1.5
UNPREPARED_BELOW = 0.5
UNREAD_BELOW = 0.5
GRID_WEEKS_PAST = 10
GRID_WEEKS_AHEAD = 2
PER_PAGE = 30
NEVER = datetime(1970, 1, 1, tzinfo=UTC)

HELP_TEXT = (
    "Held: a meeting whose scheduled time has passed and that the mentor marked as held; "
    "cancelled meetings and planned meetings whose time passed without being marked held "
    "(“missed”) do not count. A rescheduled meeting counts in the week it finally took place. "
    "Expected meetings are the days in the window (or since the mentorship began, if later) "
    "divided by the pair's cadence. "
    f"Agendas on time: share of held meetings whose agenda was submitted at least {ON_TIME_HOURS} h "
    f"before the meeting; below {round(UNPREPARED_BELOW * 100)}% the pair is flagged unprepared. "
    f"Overdue: no held meeting for more than {OVERDUE_FACTOR}× the cadence "
    "(counted from the mentorship's start when it has none yet). "
    "Briefs opened before: of the held meetings whose brief was submitted before the meeting's "
    "time, the share whose brief the mentor first opened before that time (a brief opened only "
    f"afterwards, or never, does not count); below {round(UNREAD_BELOW * 100)}% over the whole program the pair is flagged "
    "unread. "
    "Weeks start on Monday in your time zone. "
    f"Stuck: the scholar's bottleneck on the pair's latest brief is similar to the one on the "
    f"briefs before it, for {stuck.STUCK_FROM} meetings or more (the texts are never shown here)."
)

# Sort keys offered as column links: key -> label.
SORTS: dict[str, str] = {
    "attention": "Needs attention first",
    "scholar": "Scholar",
    "mentor": "Mentor",
    "cadence": "Cadence",
    "held_4w": "Held 4 wk",
    "held_8w": "Held 8 wk",
    "held_total": "Held in program",
    "days": "Days since held",
    "on_time": "Agendas on time",
    "opened": "Briefs opened before",
    "open_items": "Open items",
}
FLAGS = {"overdue": "Overdue", "unprepared": "Unprepared", "unread": "Unread", "stuck": "Stuck"}


# --- The figures ------------------------------------------------------------------------------


def _held(now: datetime) -> Q:
    return Q(status=Meeting.Status.HELD, scheduled_at__lte=now)


def _meetings_of_row() -> QuerySet[Meeting]:
    return Meeting.objects.filter(mentorship=OuterRef("pk")).order_by()


def _count(rows: QuerySet) -> Coalesce:
    """A correlated COUNT per mentorship, 0 when there is none."""
    counted = rows.values("mentorship").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# The shares and the flags that follow from them, defined once, over the counts: a share is
# part / whole (none when the whole is 0), a flag says a share is below its threshold. The
# database evaluates them to sort and filter (`_share_sql`, `_low_sql`); a page that already has
# the counts evaluates the same definitions in Python (`share_of`, `CadenceRow`), so the counts'
# subqueries are not run again for each share and flag that uses them.
SHARES = {
    "on_time_share": ("held_on_time", "held_total"),
    "opened_share": ("briefs_read_before", "briefs"),
}
LOW_SHARE_FLAGS = {
    "is_unprepared": ("on_time_share", UNPREPARED_BELOW),
    "is_unread": ("opened_share", UNREAD_BELOW),
}


def share_of(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _share_sql(part: str, whole: str) -> Cast:
    return Cast(part, FloatField()) / NullIf(Cast(whole, FloatField()), Value(0.0))


def _low_sql(share: str, below: float) -> Case:
    return _flag(Q(**{f"{share}__lt": below}))


def overdue_q(cadences: set[int], now: datetime) -> Q:
    """The overdue rule: active, begun more than 1.5× the cadence ago, and no held meeting since
    then (the pair's stored `last_held_meeting_at` is before the cutoff or there is none).

    The cutoff depends on the pair's cadence; one branch per distinct cadence (a program has a
    handful) keeps the date arithmetic in Python and the SQL the same on every database.
    """
    q = Q(pk__in=[])
    for cadence_days in sorted(cadences):
        cutoff = now - timedelta(days=cadence_days * OVERDUE_FACTOR)
        # "never held" as the earliest time
        never_held_or_before = LessThan(
            Coalesce("last_held_meeting_at", Value(NEVER, output_field=DateTimeFieldType())), cutoff
        )
        q |= Q(
            never_held_or_before,
            cadence_days=cadence_days,
            started_on__lt=timezone.localdate(cutoff),
        )
    return Q(active=True) & q


def _flag(condition: Q) -> Case:
    # CASE, not the bare condition: a plain true/false column, never NULL.
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _meeting_counts(now: datetime) -> dict[str, Q]:
    """Which of a pair's meetings each of its counts counts, as of `now`: a condition on the
    pair's meetings (read in a subquery over them, the pair its outer row), the one definition
    of each count whichever way it is read (`annotate_cadence`)."""
    held = _held(now)
    submitted = Q(agenda__status=Agenda.Status.SUBMITTED)
    on_time = ExpressionWrapper(
        F("scheduled_at") - timedelta(hours=ON_TIME_HOURS), output_field=DateTimeFieldType()
    )
    # A brief the mentor could have opened: submitted before the meeting's time.
    brief = held & submitted & Q(agenda__submitted_at__lt=F("scheduled_at"))
    # The read's agenda is the brief's, already joined: no second join to the agendas per meeting.
    read = BriefRead.objects.filter(
        agenda=OuterRef("agenda"),
        reader_id=OuterRef(OuterRef("mentor_id")),
        first_read_at__lt=OuterRef("scheduled_at"),
    )
    return {
        "held_4w": held & Q(scheduled_at__gt=now - timedelta(weeks=4)),
        "held_8w": held & Q(scheduled_at__gt=now - timedelta(weeks=8)),
        "held_total": held,
        "held_on_time": held & submitted & Q(agenda__submitted_at__lte=on_time),
        "briefs": brief,
        "briefs_read_before": brief & Q(Exists(read)),
    }


MEETING_COUNTS = "meeting_counts"


def _all_counts(counts: dict[str, Q]) -> Subquery:
    """Every count of the pair's meetings in one subquery, as one JSON object (none: the pair has
    no meeting): one pass over its meetings and their agendas, where a subquery per count reads
    them once per count."""
    grouped = (
        _meetings_of_row()
        .values("mentorship")
        .annotate(counts=JSONObject(**{n: Count("pk", filter=q) for n, q in counts.items()}))
        .values("counts")
    )
    return Subquery(grouped, output_field=JSONField())


def _with_inputs(names: Iterable[str]) -> set[str]:
    """These figures and those they are worked out from (a flag from its share, a share from
    its counts)."""
    wanted = set(names)
    wanted |= {LOW_SHARE_FLAGS[n][0] for n in wanted if n in LOW_SHARE_FLAGS}
    return wanted | {count for n in wanted if n in SHARES for count in SHARES[n]}


def annotate_cadence(
    mentorships: QuerySet[Mentorship],
    now: datetime,
    cadences: set[int] | None = None,
    shares: bool = True,
    figures: Iterable[str] | None = None,
) -> QuerySet[Mentorship]:
    """Every figure and flag of each mentorship, as of `now` (`cadences`: the pairs' distinct
    cadences, when the caller knows them already), to sort and filter by; `figures`: only these
    (and what they are worked out from), for a query that reads no other, as the ids of a page
    in the order of one figure. Without `shares`, for a page or a chunk of pairs already
    chosen: the counts of meetings in one JSON object (`with_counts` sets them as the pair's
    attributes), the other counts and the overdue flag; CadenceRow works the shares and their
    flags out from the counts."""
    wanted = None if figures is None else _with_inputs(figures)

    def only(annotations: dict) -> dict:
        return (
            annotations
            if wanted is None
            else {n: annotations[n] for n in wanted & annotations.keys()}
        )

    counts = _meeting_counts(now)
    upcoming = _meetings_of_row().filter(status=Meeting.Status.PLANNED, scheduled_at__gt=now)
    open_items = ActionItem.objects.filter(mentorship=OuterRef("pk"), done=False).order_by()
    if cadences is None:
        cadences = set(mentorships.order_by().values_list("cadence_days", flat=True).distinct())
    if shares:
        meeting_counts = {n: _count(_meetings_of_row().filter(q)) for n, q in only(counts).items()}
    else:
        meeting_counts = {MEETING_COUNTS: _all_counts(counts)}
    others = {
        "next_meeting_at": lambda: Subquery(
            upcoming.order_by("scheduled_at").values("scheduled_at")[:1]
        ),
        "open_items": lambda: _count(open_items),
    }
    counted = mentorships.annotate(
        **meeting_counts, **{n: make() for n, make in only(others).items()}
    )
    if wanted is None or "is_overdue" in wanted:
        counted = counted.annotate(is_overdue=_flag(overdue_q(cadences, now)))
    if not shares:
        return counted
    return counted.annotate(
        **{name: _share_sql(*counts) for name, counts in only(SHARES).items()}
    ).annotate(**{name: _low_sql(*rule) for name, rule in only(LOW_SHARE_FLAGS).items()})


def with_counts(mentorship: Mentorship, names: Iterable[str]) -> Mentorship:
    """A pair read by annotate_cadence without `shares`, its meeting counts (`names`: those of
    `_meeting_counts`) set as attributes, as annotate_cadence with `shares` gives them: 0 for a
    pair without meetings."""
    counts = getattr(mentorship, MEETING_COUNTS) or {}
    for name in names:
        setattr(mentorship, name, counts.get(name, 0))
    return mentorship


# --- Rows -------------------------------------------------------------------------------------

SYMBOLS = {"held": "●", "missed": "✕", "cancelled": "–", "planned": "○", "none": ""}


def percent_text(value: float | None) -> str:
    """A share as the pages print it (the templates' `percent` filter)."""
    return "—" if value is None else f"{round(value * 100)}%"


@dataclass(frozen=True)
class WeekCell:
    """One mentorship's meetings in one week."""

    week: date
    held: int = 0
    cancelled: int = 0
    missed: int = 0
    planned: int = 0
    state: str = "none"  # the cell's colour: what matters most that week
    label: str = ""
    symbol: str = ""

    @classmethod
    def of(cls, week: date, counts: dict[str, int]) -> WeekCell:
        state = next(
            (n for n in ("held", "missed", "cancelled", "planned") if counts.get(n)), "none"
        )
        parts = [
            f"{counts[n]} {n}" for n in ("held", "cancelled", "missed", "planned") if counts.get(n)
        ]
        label = f"Week of {week:%d %b}: " + (", ".join(parts) if parts else "no meeting")
        return cls(week=week, state=state, label=label, symbol=SYMBOLS[state], **counts)


@dataclass(frozen=True)
class CadenceRow:
    """A mentorship annotated by annotate_cadence, with what follows from its figures."""

    mentorship: Mentorship
    now: datetime
    weeks: list[WeekCell] = field(default_factory=list)

    @property
    def stuck_for(self) -> int:
        """Meetings the pair's latest bottleneck has been similar to the earlier ones (0: not
        stuck), as stored with the pair."""
        return self.mentorship.stuck_for

    @property
    def stuck(self) -> bool:
        return self.stuck_for >= stuck.STUCK_FROM

    def _expected(self, days: int | None = None) -> float:
        """Meetings expected in the last `days` days (or since the start), by the cadence."""
        m = self.mentorship
        today = timezone.localdate(self.now)
        end = min(today, m.program.ends_on) if m.program.ends_on else today
        days_active = max(0, (end - m.started_on).days)
        return round(min(days_active, days or days_active) / m.cadence_days, 1)

    held_4w = property(lambda self: self.mentorship.held_4w)
    held_8w = property(lambda self: self.mentorship.held_8w)
    held_total = property(lambda self: self.mentorship.held_total)
    briefs = property(lambda self: self.mentorship.briefs)
    briefs_read_before = property(lambda self: self.mentorship.briefs_read_before)
    open_items = property(lambda self: self.mentorship.open_items)
    overdue = property(lambda self: self.mentorship.is_overdue)
    on_time_share = property(lambda self: self._share("on_time_share"))
    opened_share = property(lambda self: self._share("opened_share"))
    unprepared = property(lambda self: self._low("is_unprepared"))
    unread = property(lambda self: self._low("is_unread"))

    def _share(self, name: str) -> float | None:
        part, whole = SHARES[name]
        return share_of(getattr(self.mentorship, part), getattr(self.mentorship, whole))

    def _low(self, name: str) -> bool:
        share, below = LOW_SHARE_FLAGS[name]
        value = self._share(share)
        return value is not None and value < below

    expected_4w = property(lambda self: self._expected(28))
    expected_8w = property(lambda self: self._expected(56))
    expected_total = property(lambda self: self._expected())

    @property
    def days_since_last(self) -> int | None:
        last = self.mentorship.last_held_meeting_at
        return (self.now - last).days if last else None


def _order(sort: str) -> list:
    """ORDER BY for a sort key ('-' prefix reverses), ties broken by names then id."""
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        key, desc = "attention", False
    exprs = {
        "attention": [F("is_overdue").desc()],
        "scholar": [F("scholar__display_name").asc(), F("scholar__username").asc()],
        "mentor": [F("mentor__display_name").asc(), F("mentor__username").asc()],
        "cadence": [F("cadence_days").asc()],
        "held_4w": [F("held_4w").asc()],
        "held_8w": [F("held_8w").asc()],
        "held_total": [F("held_total").asc()],
        # Few days since the last held meeting = the latest stored one; never held = most days.
        "days": [F("last_held_meeting_at").desc(nulls_last=True)],
        "on_time": [F("on_time_share").asc(nulls_last=True)],
        "opened": [F("opened_share").asc(nulls_last=True)],
        "open_items": [F("open_items").asc()],
    }[key]
    if desc:
        exprs = [e.copy() for e in exprs]
        for e in exprs:
            e.reverse_ordering()
    tie = [
        F(n).asc() for n in ("scholar__display_name", "scholar__username", "mentor__username", "pk")
    ]
    return exprs + tie


def cadence_queryset(
    mentorships: QuerySet[Mentorship],
    *,
    sort: str = "attention",
    flag: str | None = None,
    mentor_id: int | None = None,
    now: datetime | None = None,
    cadences: set[int] | None = None,
    shares: bool = True,
    figures: Iterable[str] | None = None,
) -> QuerySet[Mentorship]:
    """The mentorships with their figures (`figures`: see annotate_cadence), filtered and in
    the chosen order."""
    qs = annotate_cadence(mentorships, now or timezone.now(), cadences, shares, figures)
    if mentor_id:
        qs = qs.filter(mentor_id=mentor_id)
    if flag == "stuck":
        # The streak stored with each pair (meetings/unstuck/streaks.py).
        qs = qs.filter(stuck.stuck_q())
    elif flag in FLAGS:
        qs = qs.filter(**{f"is_{flag}": True})
    return qs.select_related("scholar", "mentor", "program").order_by(*_order(sort))


def cadence_rows(
    mentorships: QuerySet[Mentorship],
    *,
    sort: str = "attention",
    flag: str | None = None,
    mentor_id: int | None = None,
    now: datetime | None = None,
) -> list[CadenceRow]:
    """Every row matching the filters, in the chosen order, without the weekly grid."""
    now = now or timezone.now()
    qs = cadence_queryset(mentorships, sort=sort, flag=flag, mentor_id=mentor_id, now=now)
    return [CadenceRow(m, now) for m in qs]


# --- The dashboard: a page of rows with their week grid ---------------------------------------


def grid_weeks(now: datetime) -> list[date]:
    """Monday of each week in the grid's window, oldest first, in the current time zone."""
    today = timezone.localdate(now)
    monday = today - timedelta(days=today.weekday())
    return [monday + timedelta(weeks=i) for i in range(-GRID_WEEKS_PAST + 1, GRID_WEEKS_AHEAD + 1)]


def weekly_grid(mentorship_ids: list[int], now: datetime) -> dict[int, list[WeekCell]]:
    """Meetings per mentorship and week by state, in one grouped query limited to the window."""
    weeks = grid_weeks(now)
    tz = timezone.get_current_timezone()
    start = datetime.combine(weeks[0], datetime.min.time(), tzinfo=tz)
    end = datetime.combine(weeks[-1] + timedelta(weeks=1), datetime.min.time(), tzinfo=tz)
    state = Case(
        When(status=Meeting.Status.PLANNED, scheduled_at__lt=now, then=Value("missed")),
        default=F("status"),
    )
    counts = (
        Meeting.objects.filter(
            mentorship_id__in=mentorship_ids, scheduled_at__gte=start, scheduled_at__lt=end
        )
        # The week's Monday as a date in the current time zone.
        .annotate(week=TruncWeek("scheduled_at", output_field=DateField()), state=state)
        .values("mentorship_id", "week", "state")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("mentorship_id", "week", "state", "n")
    )
    table: dict[tuple[int, date], dict[str, int]] = {}
    for mentorship_id, week, state_name, n in counts:
        table.setdefault((mentorship_id, week), {})[state_name] = n
    return {mid: [WeekCell.of(w, table.get((mid, w), {})) for w in weeks] for mid in mentorship_ids}


def weekly_held(mentorship_ids: list[int], now: datetime) -> list[tuple[date, int]]:
    """Held meetings per past week of the grid window, summed over the given mentorships."""
    grid = weekly_grid(mentorship_ids, now)
    weeks = grid_weeks(now)[:GRID_WEEKS_PAST]
    return [(w, sum(cells[i].held for cells in grid.values())) for i, w in enumerate(weeks)]


@dataclass
class CadencePage:
    rows: list[CadenceRow]
    total: int
    page: int
    pages: int
    weeks: list[date]
    overdue: int = 0
    stuck: int = 0

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _rows_of(
    ids: list[int], now: datetime, cadences: set[int], grid: bool = False
) -> list[CadenceRow]:
    """Every figure of the given pairs, in the given order: a constant number of queries (the
    counts, the week grid if asked), whatever the program's size."""
    figured = annotate_cadence(
        Mentorship.objects.filter(pk__in=ids), now, cadences, shares=False
    ).select_related("scholar", "mentor", "program")
    names = list(_meeting_counts(now))
    by_id = {m.pk: with_counts(m, names) for m in figured}
    weeks = weekly_grid(ids, now) if grid else {}
    return [CadenceRow(by_id[pk], now, weeks.get(pk, [])) for pk in ids]


def _read_by(sort: str, flag: str | None) -> set[str]:
    """The figures that choosing the pairs reads: their order, the flag filtered by and the
    overdue count. The rows' own figures come after, for the chosen pairs alone."""
    names = {e.expression.name for e in _order(sort)} | {"is_overdue"}
    if flag in FLAGS and flag != "stuck":
        names.add(f"is_{flag}")
    return names


def _distinct_cadences(mentorships: QuerySet[Mentorship]) -> set[int]:
    return set(mentorships.order_by().values_list("cadence_days", flat=True).distinct())


def _chosen(mentorships, sort, flag, mentor_id, now, cadences) -> QuerySet[Mentorship]:
    """The pairs a page or a download lists, filtered and ordered, with only the figures their
    order and filter read (the rows' own figures come after, for the pairs shown)."""
    return cadence_queryset(
        mentorships,
        sort=sort,
        flag=flag,
        mentor_id=mentor_id,
        now=now,
        cadences=cadences,
        figures=_read_by(sort, flag),
    )


def cadence_page(
    mentorships: QuerySet[Mentorship],
    *,
    sort: str = "attention",
    flag: str | None = None,
    mentor_id: int | None = None,
    page: int | str = 1,
    per_page: int = PER_PAGE,
    now: datetime | None = None,
) -> CadencePage:
    """One page of rows with their week grid, the number of matches and how many are overdue.

    Paginated in SQL: over the whole program the database reads only the mentorship table (the
    overdue flag and the stuck figure are stored with each pair, `last_held_meeting_at` and `stuck_for`)
    for the filter, the default order and the totals; the page's ids come with LIMIT/OFFSET,
    and every other figure is worked out for those ids alone."""
    now = now or timezone.now()
    cadences = _distinct_cadences(mentorships)
    qs = _chosen(mentorships, sort, flag, mentor_id, now, cadences)
    # The matches and how many of them are overdue; the stuck count is the whole program's.
    totals = qs.order_by().aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(is_overdue=True))
    )
    stuck_count = mentorships.filter(stuck.stuck_q()).order_by().count()
    # The paginator over the known total: it turns any `page` into a valid page number.
    found = Paginator(range(totals["total"]), per_page).get_page(page)
    start = (found.number - 1) * per_page
    ids = list(qs.values_list("pk", flat=True)[start : start + per_page])
    return CadencePage(
        rows=_rows_of(ids, now, cadences, grid=True),
        total=totals["total"],
        page=found.number,
        pages=found.paginator.num_pages,
        weeks=grid_weeks(now),
        overdue=totals["overdue"],
        stuck=stuck_count,
    )


CSV_CHUNK = 500


def streamed_rows(
    mentorships: QuerySet[Mentorship],
    *,
    sort: str = "attention",
    flag: str | None = None,
    mentor_id: int | None = None,
    now: datetime | None = None,
    chunk: int | None = None,
) -> Iterator[CadenceRow]:
    """Every row matching the filters, in the chosen order, without the grid, a chunk of pairs
    at a time: the ordered ids in one query, then each chunk's figures in a fixed number of
    queries. For a download that starts at once and holds one chunk in memory."""
    now = now or timezone.now()
    cadences = _distinct_cadences(mentorships)
    qs = _chosen(mentorships, sort, flag, mentor_id, now, cadences)
    ids = list(qs.values_list("pk", flat=True))
    size = chunk or CSV_CHUNK
    for start in range(0, len(ids), size):
        yield from _rows_of(ids[start : start + size], now, cadences)


# --- The program's figures as a download, for its staff -------------------------------------


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def program_figures(program: Program) -> dict:
    """Structure and figures of a program: who meets whom, when, how often. No text at all."""
    now = timezone.now()
    meetings: dict[int, list[dict]] = defaultdict(list)
    for m in (
        Meeting.objects.filter(mentorship__program=program)
        .select_related("agenda")
        .annotate(
            n_questions=Count("agenda__questions", distinct=True),
            n_comments=Count("agenda__annotations", distinct=True),
        )
        .order_by("scheduled_at", "pk")
    ):
        agenda = getattr(m, "agenda", None)
        meetings[m.mentorship_id].append(
            {
                "scheduled_at": _when(m.scheduled_at),
                "duration_minutes": m.duration_minutes,
                "status": m.status,
                "held_at": _when(m.held_at),
                "agenda": None
                if agenda is None
                else {
                    "status": agenda.status,
                    "submitted_at": _when(agenda.submitted_at),
                    "submitted_on_time": agenda.submitted_on_time,
                    "questions": m.n_questions,
                    "comments": m.n_comments,
                },
            }
        )
    done_items = dict(
        ActionItem.objects.filter(mentorship__program=program, done=True)
        .values("mentorship")
        .annotate(n=Count("pk"))
        .values_list("mentorship", "n")
    )
    rows = cadence_rows(program.mentorships.all(), sort="scholar", now=now)
    return {
        "format": "mentorprep-program-figures",
        "exported_at": now.isoformat(),
        "program": {
            "name": program.name,
            "slug": program.slug,
            "starts_on": _when(program.starts_on),
            "ends_on": _when(program.ends_on),
        },
        "mentorships": [
            {
                "scholar": r.mentorship.scholar.name,
                "mentor": r.mentorship.mentor.name,
                "cadence_days": r.mentorship.cadence_days,
                "started_on": _when(r.mentorship.started_on),
                "active": r.mentorship.active,
                "held_last_4_weeks": r.held_4w,
                "expected_last_4_weeks": r.expected_4w,
                "held_last_8_weeks": r.held_8w,
                "expected_last_8_weeks": r.expected_8w,
                "held_total": r.held_total,
                "days_since_last_held": r.days_since_last,
                "agendas_on_time_share": r.on_time_share,
                "overdue": r.overdue,
                "stuck_meetings": r.stuck_for if r.stuck else 0,
                "action_items": {
                    "open": r.open_items,
                    "done": done_items.get(r.mentorship.pk, 0),
                },
                "meetings": meetings.get(r.mentorship.pk, []),
            }
            for r in rows
        ],
    }
