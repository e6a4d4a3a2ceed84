"""Meeting-cadence figures for program staff: counts, dates and flags, never content.

All figures come from aggregated SQL over the mentorships (one query for the table's rows, one for
the weekly grid); nothing loops over meetings in Python.

The dashboard stays fast at a thousand scholars by paginating before aggregating whenever the
order does not depend on aggregated figures: the page's mentorship ids come from a cheap ordered
query (the overdue flag is an indexed NOT EXISTS probe per mentorship), and only that page's
meetings are counted. Sorting or filtering by aggregated figures aggregates the whole program.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
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
    Value,
    When,
)
from django.db.models import DateTimeField as DateTimeFieldType
from django.db.models.functions import Cast, Coalesce, TruncWeek
from django.utils import timezone

from accounts.models import Mentorship

from .models import ON_TIME_HOURS, ActionItem, Agenda, Meeting

OVERDUE_FACTOR = 1.5
UNPREPARED_BELOW = 0.5
GRID_WEEKS_PAST = 10
GRID_WEEKS_AHEAD = 2
PER_PAGE = 50

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
    "Weeks start on Monday in your time zone."
)

# Sort keys offered as links: key -> (label, needs aggregated figures)
SORTS: dict[str, tuple[str, bool]] = {
    "attention": ("Needs attention first", False),
    "scholar": ("Scholar", False),
    "mentor": ("Mentor", False),
    "cadence": ("Cadence", False),
    "held_4w": ("Held, 4 weeks", True),
    "held_8w": ("Held, 8 weeks", True),
    "held_total": ("Held, whole program", True),
    "days": ("Days since last held", True),
    "on_time": ("Agendas on time", True),
    "open_items": ("Open action items", True),
}
FLAGS = {"overdue": "Overdue", "unprepared": "Unprepared"}


def overdue_cutoff(cadence_days: int, now: datetime) -> datetime:
    return now - timedelta(days=cadence_days * OVERDUE_FACTOR)


def overdue_q(cadences: set[int], now: datetime) -> Q:
    """Active, started more than 1.5× cadence ago, and no held meeting since then.

    One OR branch per distinct cadence (a program has a handful), each an indexed NOT EXISTS
    probe on (mentorship, status, scheduled_at): cheap even at a thousand mentorships.
    """
    q = Q(pk__in=[])
    for c in sorted(cadences):
        cutoff = overdue_cutoff(c, now)
        recent_held = Meeting.objects.filter(
            mentorship=OuterRef("pk"),
            status=Meeting.Status.HELD,
            scheduled_at__gt=cutoff,
            scheduled_at__lte=now,
        )
        q |= Q(cadence_days=c, started_on__lt=timezone.localdate(cutoff)) & ~Exists(recent_held)
    return Q(active=True) & q


def with_overdue(mentorships: QuerySet[Mentorship], now: datetime) -> QuerySet[Mentorship]:
    cadences = set(mentorships.order_by().values_list("cadence_days", flat=True).distinct())
    if not cadences:
        return mentorships.annotate(is_overdue=Value(False, output_field=BooleanField()))
    return mentorships.annotate(
        is_overdue=ExpressionWrapper(overdue_q(cadences, now), output_field=BooleanField())
    )


def annotate_cadence(mentorships: QuerySet[Mentorship], now: datetime) -> QuerySet[Mentorship]:
    held = Q(meetings__status=Meeting.Status.HELD, meetings__scheduled_at__lte=now)
    on_time_deadline = ExpressionWrapper(
        F("meetings__scheduled_at") - timedelta(hours=ON_TIME_HOURS),
        output_field=DateTimeFieldType(),
    )
    open_items = (
        ActionItem.objects.filter(mentorship=OuterRef("pk"), done=False)
        .order_by()
        .values("mentorship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return mentorships.annotate(
        held_4w=Count(
            "meetings", filter=held & Q(meetings__scheduled_at__gt=now - timedelta(weeks=4))
        ),
        held_8w=Count(
            "meetings", filter=held & Q(meetings__scheduled_at__gt=now - timedelta(weeks=8))
        ),
        held_total=Count("meetings", filter=held),
        held_on_time=Count(
            "meetings",
            filter=held
            & Q(meetings__agenda__status=Agenda.Status.SUBMITTED)
            & Q(meetings__agenda__submitted_at__lte=on_time_deadline),
        ),
        last_held_at=Max("meetings__scheduled_at", filter=held),
        next_meeting_at=Min(
            "meetings__scheduled_at",
            filter=Q(meetings__status=Meeting.Status.PLANNED, meetings__scheduled_at__gt=now),
        ),
        open_items=Coalesce(Subquery(open_items, output_field=IntegerField()), 0),
    ).annotate(
        on_time_share=Case(
            When(held_total=0, then=Value(None)),
            default=Cast("held_on_time", FloatField()) / Cast("held_total", FloatField()),
            output_field=FloatField(),
        ),
    )


@dataclass(frozen=True)
class WeekCell:
    week: date
    held: int = 0
    cancelled: int = 0
    missed: int = 0
    planned: int = 0

    @property
    def state(self) -> str:
        """The cell's colour: what matters most that week."""
        for name in ("held", "missed", "cancelled", "planned"):
            if getattr(self, name):
                return name
        return "none"

    @property
    def label(self) -> str:
        parts = [
            f"{getattr(self, n)} {n}"
            for n in ("held", "cancelled", "missed", "planned")
            if getattr(self, n)
        ]
        return f"Week of {self.week:%d %b}: " + (", ".join(parts) if parts else "no meeting")

    @property
    def symbol(self) -> str:
        return {"held": "●", "missed": "✕", "cancelled": "–", "planned": "○"}.get(self.state, "")


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
        if overdue is None:  # not annotated: the same rule in Python
            gap = days_since if days_since is not None else days_active
            overdue = m.active and gap > m.cadence_days * OVERDUE_FACTOR
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
        .annotate(week=TruncWeek("scheduled_at"), state=state)
        .values("mentorship_id", "week", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table: dict[tuple[int, date], dict[str, int]] = {}
    for c in counts:
        week = c["week"]
        week = timezone.localtime(week).date() if isinstance(week, datetime) else week
        table.setdefault((c["mentorship_id"], week), {})[c["state"]] = c["n"]
    return {
        mid: [WeekCell(week=w, **table.get((mid, w), {})) for w in weeks] for mid in mentorship_ids
    }


@dataclass
class CadencePage:
    rows: list[CadenceRow]
    total: int
    page: int
    pages: int
    weeks: list[date]

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
    mentorships: QuerySet[Mentorship], now: datetime, *, mentor_id: int | None, flag: str | None
) -> tuple[QuerySet[Mentorship], bool]:
    """The filtered queryset (with is_overdue) and whether the filter needs aggregated figures."""
    qs = with_overdue(mentorships, now)
    if mentor_id:
        qs = qs.filter(mentor_id=mentor_id)
    if flag == "overdue":
        qs = qs.filter(is_overdue=True)
    return qs, flag == "unprepared"


def _unprepared_filter(qs: QuerySet[Mentorship]) -> QuerySet[Mentorship]:
    return qs.filter(on_time_share__lt=UNPREPARED_BELOW)


def cadence_page(
    mentorships: QuerySet[Mentorship],
    *,
    sort: str = "attention",
    flag: str | None = None,
    mentor_id: int | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    now: datetime | None = None,
) -> CadencePage:
    now = now or timezone.now()
    qs, filter_needs_figures = filtered(mentorships, now, mentor_id=mentor_id, flag=flag)
    order, sort_needs_figures = _order(sort)
    if filter_needs_figures or sort_needs_figures:
        qs = annotate_cadence(qs, now)
        if filter_needs_figures:
            qs = _unprepared_filter(qs)
    total = qs.count()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    offset = (page - 1) * per_page
    ids = list(qs.order_by(*order).values_list("pk", flat=True)[offset : offset + per_page])
    rows = _rows_for(ids, now)
    return CadencePage(rows=rows, total=total, page=page, pages=pages, weeks=grid_weeks(now))


def _rows_for(ids: list[int], now: datetime) -> list[CadenceRow]:
    """Figures and weekly grid for the given mentorships, in the given order (two queries)."""
    if not ids:
        return []
    base = Mentorship.objects.filter(pk__in=ids).select_related("scholar", "mentor", "program")
    by_id = {m.pk: m for m in annotate_cadence(with_overdue(base, now), now)}
    grid = weekly_grid(ids, now)
    return [CadenceRow.build(by_id[i], now, grid.get(i)) for i in ids if i in by_id]


def cadence_rows(
    mentorships: QuerySet[Mentorship], now: datetime | None = None
) -> list[CadenceRow]:
    """Every row, without the weekly grid (for exports and small lists)."""
    now = now or timezone.now()
    qs = annotate_cadence(
        with_overdue(mentorships.select_related("scholar", "mentor", "program"), now), now
    )
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
        qs = _unprepared_filter(qs)
    order, _ = _order(sort)
    return [CadenceRow.build(m, now) for m in qs.order_by(*order)]


def weekly_held(mentorship_ids: list[int], now: datetime) -> list[tuple[date, int]]:
    """Held meetings per past week of the grid window, summed over the given mentorships."""
    grid = weekly_grid(mentorship_ids, now)
    weeks = grid_weeks(now)[:GRID_WEEKS_PAST]
    return [(w, sum(cells[i].held for cells in grid.values())) for i, w in enumerate(weeks)]
