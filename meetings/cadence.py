"""Meeting-cadence figures for program staff: counts, dates and flags, never content.

All figures come from aggregated SQL over the mentorships (one query for the table's rows, one for
the weekly grid); nothing loops over meetings in Python.

The dashboard stays fast at a thousand scholars by paginating before aggregating whenever the
order does not depend on aggregated figures: the page's mentorship ids come from a cheap ordered
query (the overdue flag is NOT IN over the program's recently held meetings: one index-only
range scan on status and time, hashed), and only that page's meetings are counted. Sorting or
filtering by aggregated figures aggregates the whole program. The page's rows are formatted here
(format_html, the templates' markup) rather than in template loops: at 30 rows × 12 weeks the
template machinery cost more than the figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property, lru_cache

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import DateTimeField as DateTimeFieldType
from django.db.models.functions import Cast, Coalesce, NullIf, TruncWeek
from django.utils import timezone
from django.utils.formats import date_format, get_format, localize
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from accounts.models import Mentorship

from .models import ON_TIME_HOURS, ActionItem, Agenda, BriefRead, Meeting

OVERDUE_FACTOR = 1.5
NEVER = datetime(1970, 1, 1, tzinfo=UTC)
UNPREPARED_BELOW = 0.5
UNREAD_BELOW = 0.5
GRID_WEEKS_PAST = 10
GRID_WEEKS_AHEAD = 2
PER_PAGE = 30

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
    "Weeks start on Monday in your time zone."
)

# Sort keys offered as links: key -> (label, needs aggregated figures)
SORTS: dict[str, tuple[str, bool]] = {
    "attention": ("Needs attention first", False),
    "scholar": ("Scholar", False),
    "mentor": ("Mentor", False),
    "cadence": ("Cadence", False),
    "held_4w": ("Held 4 wk", True),
    "held_8w": ("Held 8 wk", True),
    "held_total": ("Held in program", True),
    "days": ("Days since held", True),
    "on_time": ("Agendas on time", True),
    "opened": ("Briefs opened before", True),
    "open_items": ("Open items", True),
}
FLAGS = {"overdue": "Overdue", "unprepared": "Unprepared", "unread": "Unread"}
# Flags that need the aggregated figures of the whole program.
FIGURE_FLAGS = {"unprepared", "unread"}


def overdue_cutoff(cadence_days: int, now: datetime) -> datetime:
    return now - timedelta(days=cadence_days * OVERDUE_FACTOR)


def _held(now: datetime) -> Q:
    return Q(status=Meeting.Status.HELD, scheduled_at__lte=now)


def _of_row() -> QuerySet[Meeting]:
    return Meeting.objects.filter(mentorship=OuterRef("pk")).order_by()


def _count(meetings: QuerySet[Meeting]) -> Coalesce:
    """A correlated COUNT per mentorship (an index range scan on mentorship, status, time)."""
    counted = meetings.values("mentorship").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _open_items() -> Coalesce:
    """A mentorship's open action items: a correlated COUNT (index on mentorship, done)."""
    counted = (
        ActionItem.objects.filter(mentorship=OuterRef("pk"), done=False)
        .order_by()
        .values("mentorship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _last_held(now: datetime) -> Subquery:
    return Subquery(
        _of_row().filter(_held(now)).order_by("-scheduled_at").values("scheduled_at")[:1]
    )


def overdue_q(cadences: set[int], now: datetime) -> Q:
    """Active, started more than 1.5× the cadence ago, and no held meeting since then.

    "No held meeting (up to now) at or after the cutoff" is the same as "the last held meeting,
    or never, is before the cutoff"; written as NOT IN over the held meetings of the window, the
    database reads those meetings once (an index-only range scan on status and time, hashed)
    instead of probing each mentorship's last held meeting. One OR branch per distinct cadence
    (a program has a handful), so it stays plain SQL on every database.
    """
    q = Q(pk__in=[])
    for c in sorted(cadences):
        cutoff = overdue_cutoff(c, now)
        held_since = (
            Meeting.objects.filter(_held(now), scheduled_at__gte=cutoff)
            .order_by()
            .values("mentorship_id")
        )
        q |= Q(cadence_days=c, started_on__lt=timezone.localdate(cutoff)) & ~Q(pk__in=held_since)
    return Q(active=True) & q


def cadences_of(mentorships: QuerySet[Mentorship]) -> set[int]:
    return set(mentorships.order_by().values_list("cadence_days", flat=True).distinct())


def with_overdue(
    mentorships: QuerySet[Mentorship], now: datetime, cadences: set[int] | None = None
) -> QuerySet[Mentorship]:
    """Annotate the overdue flag (cheap: no aggregation over meetings; annotate_cadence adds
    last_held_at where a figure or the "days" sort needs it)."""
    if cadences is None:
        cadences = cadences_of(mentorships)
    if not cadences:
        return mentorships.annotate(is_overdue=Value(False, output_field=BooleanField()))
    # CASE, not the bare condition: a plain true/false column, never NULL (sorted first on PG).
    return mentorships.annotate(
        is_overdue=Case(
            When(overdue_q(cadences, now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def overdue_count(
    mentorships: QuerySet[Mentorship], now: datetime | None = None, cadences: set[int] | None = None
) -> int:
    qs = with_overdue(mentorships, now or timezone.now(), cadences)
    return qs.filter(is_overdue=True).count()


def annotate_cadence(mentorships: QuerySet[Mentorship], now: datetime) -> QuerySet[Mentorship]:
    """Every figure as a correlated subquery per mentorship: no GROUP BY over joined meetings,
    so a page of 50 mentorships costs 50 small index scans per figure, whatever the program size.
    Adds last_held_at unless the queryset has it already."""
    if "last_held_at" not in mentorships.query.annotations:
        mentorships = mentorships.annotate(last_held_at=_last_held(now))
    held = _of_row().filter(_held(now))
    on_time = held.filter(
        agenda__status=Agenda.Status.SUBMITTED,
        agenda__submitted_at__lte=ExpressionWrapper(
            F("scheduled_at") - timedelta(hours=ON_TIME_HOURS), output_field=DateTimeFieldType()
        ),
    )
    # A brief the mentor could have opened: submitted before the meeting's time.
    briefs = held.filter(
        agenda__status=Agenda.Status.SUBMITTED, agenda__submitted_at__lt=F("scheduled_at")
    )
    read_before = briefs.filter(
        Exists(
            BriefRead.objects.filter(
                agenda__meeting=OuterRef("pk"),
                reader_id=OuterRef(OuterRef("mentor_id")),
                first_read_at__lt=OuterRef("scheduled_at"),
            )
        )
    )
    upcoming = _of_row().filter(status=Meeting.Status.PLANNED, scheduled_at__gt=now)
    return mentorships.annotate(
        held_4w=_count(held.filter(scheduled_at__gt=now - timedelta(weeks=4))),
        held_8w=_count(held.filter(scheduled_at__gt=now - timedelta(weeks=8))),
        held_total=_count(held),
        held_on_time=_count(on_time),
        briefs=_count(briefs),
        briefs_read_before=_count(read_before),
        next_meeting_at=Subquery(upcoming.order_by("scheduled_at").values("scheduled_at")[:1]),
        open_items=_open_items(),
    ).annotate(
        # x / NULLIF(n, 0): NULL when there is nothing to share, and each count's correlated
        # subquery appears once (a CASE on n = 0 would make the database run it twice).
        on_time_share=Cast("held_on_time", FloatField())
        / NullIf(Cast("held_total", FloatField()), Value(0.0)),
        opened_share=Cast("briefs_read_before", FloatField())
        / NullIf(Cast("briefs", FloatField()), Value(0.0)),
    )


SYMBOLS = {"held": "●", "missed": "✕", "cancelled": "–", "planned": "○", "none": ""}


def _plain_number(value: float) -> str:
    text = str(value)
    return text if "e" not in text else localize(value)


def number_text() -> Callable[[float], str]:
    """How the templates print a number in the active language: `localize`, which for a '.'
    decimal separator without thousand separators is `str` (what this returns then: it costs
    about a twentieth)."""
    if not settings.USE_THOUSAND_SEPARATOR and get_format("DECIMAL_SEPARATOR") == ".":
        return _plain_number
    return localize


@lru_cache(maxsize=1024)
def _day_month(day: date, language: str | None) -> str:
    return date_format(day, "j M")


def day_month(moment: datetime) -> str:
    """The templates' `|date:"j M"` of a time: its day in the current time zone."""
    return _day_month(timezone.localtime(moment).date(), get_language())


def percent_text(value: float | None) -> str:
    """The templates' `percent` filter."""
    return "—" if value is None else f"{round(value * 100)}%"


@dataclass(frozen=True)
class WeekCell:
    """One mentorship's meetings in one week; state, label and symbol are computed once."""

    week: date
    held: int = 0
    cancelled: int = 0
    missed: int = 0
    planned: int = 0
    state: str = "none"  # the cell's colour: what matters most that week
    label: str = ""
    symbol: str = ""

    @cached_property
    def html(self) -> SafeString:
        """The grid cell; cells are shared (see weekly_grid), so each is formatted once."""
        return format_html(
            '<td><span class="wk wk-{}" title="{}" aria-label="{}" role="img">{}</span></td>',
            self.state,
            self.label,
            self.label,
            self.symbol,
        )

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
    mentorship: Mentorship
    held_4w: int
    expected_4w: float
    held_8w: int
    expected_8w: float
    held_total: int
    expected_total: float
    days_since_last: int | None
    on_time_share: float | None
    open_items: int
    overdue: bool
    weeks: list[WeekCell] = field(default_factory=list)
    scholar_url: str = ""  # the summary pages, set by the views that link them
    mentor_url: str = ""
    briefs: int = 0  # held meetings whose brief was submitted before the meeting's time
    briefs_read_before: int = 0  # ... that the mentor first opened before the meeting

    @property
    def opened_share(self) -> float | None:
        return self.briefs_read_before / self.briefs if self.briefs else None

    @property
    def unread(self) -> bool:
        return self.opened_share is not None and self.opened_share < UNREAD_BELOW

    @property
    def grid_html(self) -> SafeString:
        """The row's week cells, built here rather than in a template loop (360 cells a page)."""
        return format_html("{}" * len(self.weeks), *(c.html for c in self.weeks))

    @property
    def table_row_html(self) -> SafeString:
        """The dashboard table's row: both names linking to their summaries, then the cells (a
        template loop cost more than the figures behind it; the markup is the template's)."""
        m = self.mentorship
        return format_html(
            '\n    <tr class="{}">\n'
            '      <td><a href="{}">{}</a></td>\n'
            '      <td><a href="{}">{}</a></td>\n'
            "      {}\n    </tr>\n  ",
            "is-overdue" if self.overdue else "",
            self.scholar_url,
            m.scholar.name,
            self.mentor_url,
            m.mentor.name,
            self.cells_html,
        )

    @property
    def grid_row_html(self) -> SafeString:
        """The week grid's row: the pair, then a cell per week."""
        m = self.mentorship
        return format_html(
            '\n    <tr>\n      <th scope="row" class="small">{} · {}</th>\n      {}\n    </tr>\n  ',
            m.scholar.name,
            m.mentor.name,
            self.grid_html,
        )

    @property
    def cells_html(self) -> SafeString:
        """The row's figure cells (the cadence table and the staff summaries share them), built
        here rather than in an included template per row: the template's markup, one
        format_html call (every value escaped), numbers localized as the template did."""
        m = self.mentorship
        num = number_text()
        # The format string is assembled from constant markup only; every value is an argument.
        fmt = ["\n<td>{} d</td>", '<td>{} <small class="muted">/ {}</small></td>'] + [
            '<td>{} <small class="muted">/ {}</small></td>'
        ] * 2
        args: list = [
            num(m.cadence_days),
            num(self.held_4w),
            num(self.expected_4w),
            num(self.held_8w),
            num(self.expected_8w),
            num(self.held_total),
            num(self.expected_total),
        ]
        if self.days_since_last is not None:
            fmt.append("<td>{}</td>")
            args.append(num(self.days_since_last))
        else:
            fmt.append('<td><span class="muted">never</span></td>')
        fmt += ["<td>{}</td>", "<td>{}</td>", "<td>{}</td>"]
        args += [
            percent_text(self.on_time_share),
            percent_text(self.opened_share),
            num(self.open_items),
        ]
        fmt.append(
            "<td>"
            + ('<span class="badge danger">overdue</span>' if self.overdue else "")
            + " "
            + ('<span class="badge warning">unprepared</span>' if self.unprepared else "")
            + " "
            + ('<span class="badge warning">unread</span>' if self.unread else "")
            + ("" if m.active else '<span class="badge">ended</span>')
            + "</td>"
        )
        next_at = getattr(m, "next_meeting_at", None)
        if next_at:
            fmt.append("<td>{}</td>\n")
            args.append(day_month(next_at))
        else:
            fmt.append('<td><span class="muted">none</span></td>\n')
        return format_html("\n      ".join(fmt), *args)

    @property
    def unprepared(self) -> bool:
        return self.on_time_share is not None and self.on_time_share < UNPREPARED_BELOW

    @classmethod
    def build(cls, m: Mentorship, now: datetime, weeks: list[WeekCell] | None = None) -> CadenceRow:
        today = timezone.localdate(now)
        end = min(today, m.program.ends_on) if m.program.ends_on else today
        days_active = max(0, (end - m.started_on).days)

        def expected(days: int) -> float:
            return round(min(days, days_active) / m.cadence_days, 1)

        days_since = (now - m.last_held_at).days if m.last_held_at else None
        overdue = getattr(m, "is_overdue", None)
        if overdue is None:  # not annotated: overdue_q's rule in Python
            cutoff = overdue_cutoff(m.cadence_days, now)
            overdue = (
                m.active
                and m.started_on < timezone.localdate(cutoff)
                and (m.last_held_at is None or m.last_held_at < cutoff)
            )
        return cls(
            mentorship=m,
            held_4w=m.held_4w,
            expected_4w=expected(28),
            held_8w=m.held_8w,
            expected_8w=expected(56),
            held_total=m.held_total,
            expected_total=expected(days_active),
            days_since_last=days_since,
            on_time_share=(m.held_on_time / m.held_total) if m.held_total else None,
            open_items=m.open_items,
            overdue=bool(overdue),
            weeks=weeks or [],
            briefs=m.briefs,
            briefs_read_before=m.briefs_read_before,
        )


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
        # The week's Monday as a date in the current time zone (a DATE output: no per-row
        # time-zone conversion of a truncated datetime in Python).
        .annotate(week=TruncWeek("scheduled_at", output_field=DateField()), state=state)
        .values("mentorship_id", "week", "state")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("mentorship_id", "week", "state", "n")
    )
    table: dict[tuple[int, date], dict[str, int]] = {}
    for mentorship_id, week, state_name, n in counts:
        table.setdefault((mentorship_id, week), {})[state_name] = n
    # Cells are immutable: equal weeks and counts share one cell (and its HTML).
    cells: dict[tuple, WeekCell] = {}

    def cell(w: date, counts: dict[str, int]) -> WeekCell:
        key = (w, *sorted(counts.items()))
        found = cells.get(key)
        if found is None:
            found = cells[key] = WeekCell.of(w, counts)
        return found

    return {mid: [cell(w, table.get((mid, w), {})) for w in weeks] for mid in mentorship_ids}


@dataclass
class CadencePage:
    rows: list[CadenceRow]
    total: int
    page: int
    pages: int
    weeks: list[date]
    overdue: int = 0

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _order(sort: str) -> tuple[list, bool]:
    """ORDER BY for a sort key ('-' prefix reverses) and whether it needs aggregated figures."""
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
        # Few days since the last held meeting = most recent last_held_at; never held = most days.
        "days": [F("last_held_at").desc(nulls_last=True)],
        "on_time": [F("on_time_share").asc(nulls_last=True)],
        "opened": [F("opened_share").asc(nulls_last=True)],
        "open_items": [F("open_items").asc()],
    }[key]
    if desc:
        flipped = []
        for e in exprs:
            e = e.copy()
            e.reverse_ordering()
            flipped.append(e)
        exprs = flipped
    tie = [
        F(n).asc() for n in ("scholar__display_name", "scholar__username", "mentor__username", "pk")
    ]
    return exprs + tie, SORTS[key][1]


def filtered(
    mentorships: QuerySet[Mentorship],
    now: datetime,
    *,
    mentor_id: int | None,
    flag: str | None,
    cadences: set[int] | None = None,
) -> tuple[QuerySet[Mentorship], bool]:
    """The filtered queryset (with is_overdue) and whether the filter needs aggregated figures."""
    qs = with_overdue(mentorships, now, cadences)
    if mentor_id:
        qs = qs.filter(mentor_id=mentor_id)
    if flag == "overdue":
        qs = qs.filter(is_overdue=True)
    return qs, flag in FIGURE_FLAGS


def _figure_filter(qs: QuerySet[Mentorship], flag: str | None) -> QuerySet[Mentorship]:
    """The flags defined on aggregated figures (annotate_cadence must have run)."""
    if flag == "unprepared":
        return qs.filter(on_time_share__lt=UNPREPARED_BELOW)
    if flag == "unread":
        return qs.filter(opened_share__lt=UNREAD_BELOW)
    return qs


def cadence_page(
    mentorships: QuerySet[Mentorship],
    *,
    sort: str = "attention",
    flag: str | None = None,
    mentor_id: int | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    now: datetime | None = None,
    cadences: set[int] | None = None,
) -> CadencePage:
    now = now or timezone.now()
    qs, filter_needs_figures = filtered(
        mentorships, now, mentor_id=mentor_id, flag=flag, cadences=cadences
    )
    order, sort_needs_figures = _order(sort)
    if filter_needs_figures or sort_needs_figures:
        qs = annotate_cadence(qs, now)
        if filter_needs_figures:
            qs = _figure_filter(qs, flag)
    # One ordered query gives the page, the total and the overdue count: (id, flag) pairs only,
    # a few kilobytes even for a thousand mentorships.
    ordered = list(qs.order_by(*order).values_list("pk", "is_overdue"))
    total = len(ordered)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    offset = (page - 1) * per_page
    ids = [pk for pk, _ in ordered[offset : offset + per_page]]
    rows = _rows_for(ids, now)
    return CadencePage(
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        weeks=grid_weeks(now),
        overdue=sum(1 for _, overdue in ordered if overdue),
    )


# The page's three brief figures come from ONE probe per held meeting: a correlated subquery on
# its agenda (an index lookup by meeting; a join would make the planner hash the whole agenda
# table at bulk data) that returns a code, summed per mentorship and split again in Python.
# Each figure counts in its own 20 bits, so the sum stays exact below 2^20 (about a million)
# meetings per mentorship.
_BITS = 20
_ON_TIME, _BRIEF, _READ_BEFORE = 1, 1 << _BITS, 1 << (2 * _BITS)


def _brief_code() -> Subquery:
    """Per meeting: _ON_TIME if its agenda was submitted ≥ ON_TIME_HOURS before the meeting,
    plus _BRIEF if submitted before the meeting's time (a brief the mentor could open), plus
    _READ_BEFORE if the mentorship's mentor also first opened it before the meeting's time."""
    sched = OuterRef("scheduled_at")
    read_before = BriefRead.objects.filter(
        agenda=OuterRef("pk"),
        reader_id=OuterRef(OuterRef("mentorship__mentor_id")),
        first_read_at__lt=OuterRef(sched),
    )

    def bit(condition: Q, value: int) -> Case:
        return Case(
            When(condition, then=Value(value)), default=Value(0), output_field=BigIntegerField()
        )

    on_time_by = ExpressionWrapper(
        sched - timedelta(hours=ON_TIME_HOURS), output_field=DateTimeFieldType()
    )
    code = (
        Agenda.objects.filter(meeting=OuterRef("pk"), status=Agenda.Status.SUBMITTED)
        .annotate(
            code=bit(Q(submitted_at__lte=on_time_by), _ON_TIME)
            + bit(Q(submitted_at__lt=sched), _BRIEF)
            + bit(Q(submitted_at__lt=sched) & Q(Exists(read_before)), _READ_BEFORE)
        )
        .values("code")[:1]
    )
    return Subquery(code, output_field=BigIntegerField())


def _decode_brief_codes(total: int | None) -> dict[str, int]:
    total = total or 0
    mask = (1 << _BITS) - 1
    return {
        "held_on_time": total & mask,
        "briefs": (total >> _BITS) & mask,
        "briefs_read_before": total >> (2 * _BITS),
    }


def _page_figures(mentorships: list[Mentorship], now: datetime) -> None:
    """Set the meeting figures on a page of mentorships: one GROUP BY over their meetings (the
    same definitions as annotate_cadence; the open items come with the mentorships)."""
    ids = [m.pk for m in mentorships]
    held = Q(status=Meeting.Status.HELD, scheduled_at__lte=now)
    figures = {
        f["mentorship_id"]: f
        for f in Meeting.objects.filter(mentorship_id__in=ids)
        .order_by()
        .values("mentorship_id")
        .annotate(
            held_4w=Count("pk", filter=held & Q(scheduled_at__gt=now - timedelta(weeks=4))),
            held_8w=Count("pk", filter=held & Q(scheduled_at__gt=now - timedelta(weeks=8))),
            held_total=Count("pk", filter=held),
            brief_codes=Sum(_brief_code(), filter=held),
            last_held_at=Max("scheduled_at", filter=held),
            next_meeting_at=Min(
                "scheduled_at", filter=Q(status=Meeting.Status.PLANNED, scheduled_at__gt=now)
            ),
        )
    }
    for f in figures.values():
        f.update(_decode_brief_codes(f.pop("brief_codes")))
    empty = {
        "held_4w": 0,
        "held_8w": 0,
        "held_total": 0,
        "held_on_time": 0,
        "briefs": 0,
        "briefs_read_before": 0,
        "last_held_at": None,
        "next_meeting_at": None,
    }
    for m in mentorships:
        for name, value in empty.items():
            setattr(m, name, figures.get(m.pk, empty).get(name, value))


_NAME_FIELDS = ("display_name", "first_name", "last_name", "username")  # User.name
_ROW_FIELDS = (
    "program_id",
    "scholar_id",
    "mentor_id",
    "cadence_days",
    "started_on",
    "active",
    "program__ends_on",
    *(f"{person}__{name}" for person in ("scholar", "mentor") for name in _NAME_FIELDS),
)


def _rows_for(ids: list[int], now: datetime) -> list[CadenceRow]:
    """Figures and weekly grid for the given mentorships, in the given order (three queries:
    the mentorships with their open items, their meeting figures, their week grid)."""
    if not ids:
        return []
    by_id = {
        m.pk: m
        for m in Mentorship.objects.filter(pk__in=ids)
        .select_related("scholar", "mentor", "program")
        # Only what a row shows (a person's name, the program's end): not the users' whole rows.
        .only(*_ROW_FIELDS)
        .annotate(open_items=_open_items())
    }
    _page_figures(list(by_id.values()), now)
    grid = weekly_grid(ids, now)
    return [CadenceRow.build(by_id[i], now, grid.get(i)) for i in ids if i in by_id]


def cadence_rows(
    mentorships: QuerySet[Mentorship], now: datetime | None = None
) -> list[CadenceRow]:
    """Every row, without the weekly grid (for exports and small lists)."""
    now = now or timezone.now()
    qs = annotate_cadence(mentorships.select_related("scholar", "mentor", "program"), now)
    return [CadenceRow.build(m, now) for m in qs]


def all_rows(
    mentorships: QuerySet[Mentorship],
    *,
    sort: str = "attention",
    flag: str | None = None,
    mentor_id: int | None = None,
    now: datetime | None = None,
) -> list[CadenceRow]:
    """Every row matching the filters, in the chosen order, from one aggregated query."""
    now = now or timezone.now()
    qs, filter_needs_figures = filtered(mentorships, now, mentor_id=mentor_id, flag=flag)
    qs = annotate_cadence(qs.select_related("scholar", "mentor", "program"), now)
    if filter_needs_figures:
        qs = _figure_filter(qs, flag)
    order, _ = _order(sort)
    return [CadenceRow.build(m, now) for m in qs.order_by(*order)]


def weekly_held(mentorship_ids: list[int], now: datetime) -> list[tuple[date, int]]:
    """Held meetings per past week of the grid window, summed over the given mentorships."""
    grid = weekly_grid(mentorship_ids, now)
    weeks = grid_weeks(now)[:GRID_WEEKS_PAST]
    return [(w, sum(cells[i].held for cells in grid.values())) for i, w in enumerate(weeks)]
