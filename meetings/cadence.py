"""Meeting-cadence figures for program staff: counts, dates and flags, never content.

All figures come from one aggregated SQL query over the mentorships; nothing loops over meetings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, ExpressionWrapper, F, Max, Min, Q, QuerySet
from django.db.models import DateTimeField as DateTimeFieldType
from django.utils import timezone

from accounts.models import Mentorship

from .models import ON_TIME_HOURS, Agenda, Meeting

OVERDUE_FACTOR = 1.5
HELP_TEXT = (
    "A meeting counts as held when the mentor marked it held. Expected meetings are the days in "
    "the window (or since the mentorship began, if later) divided by the pair's cadence. "
    f"On-time agendas: share of held meetings whose agenda was submitted at least {ON_TIME_HOURS} h "
    f"before the meeting. Overdue: no held meeting for more than {OVERDUE_FACTOR}× the cadence "
    "(counted from the mentorship's start when it has none yet)."
)


def annotate_cadence(mentorships: QuerySet[Mentorship], now: datetime) -> QuerySet[Mentorship]:
    held = Q(meetings__status=Meeting.Status.HELD, meetings__scheduled_at__lte=now)
    on_time_deadline = ExpressionWrapper(
        F("meetings__scheduled_at") - timedelta(hours=ON_TIME_HOURS),
        output_field=DateTimeFieldType(),
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
    )


@dataclass(frozen=True)
class CadenceRow:
    mentorship: Mentorship
    held_4w: int
    expected_4w: float
    held_8w: int
    expected_8w: float
    held_total: int
    days_since_last: int | None
    on_time_share: float | None
    overdue: bool

    @classmethod
    def build(cls, m: Mentorship, now: datetime) -> CadenceRow:
        today = timezone.localdate(now)
        days_active = max(0, (today - m.started_on).days)

        def expected(days: int) -> float:
            return round(min(days, days_active) / m.cadence_days, 1)

        days_since = (now - m.last_held_at).days if m.last_held_at else None
        gap = days_since if days_since is not None else days_active
        return cls(
            mentorship=m,
            held_4w=m.held_4w,
            expected_4w=expected(28),
            held_8w=m.held_8w,
            expected_8w=expected(56),
            held_total=m.held_total,
            days_since_last=days_since,
            on_time_share=(m.held_on_time / m.held_total) if m.held_total else None,
            overdue=m.active and gap > m.cadence_days * OVERDUE_FACTOR,
        )


def cadence_rows(
    mentorships: QuerySet[Mentorship], now: datetime | None = None
) -> list[CadenceRow]:
    now = now or timezone.now()
    qs = annotate_cadence(mentorships.select_related("scholar", "mentor", "program"), now)
    return [CadenceRow.build(m, now) for m in qs]
