"""The next meeting proposed after a held one: at the pair's cadence, same weekday and time.

After a pair's meeting is held and nothing later is planned (a recurring series that goes on
has its next meeting already), the mentor is offered the next meeting `cadence_days` after the
slot the held one was planned for (a one-off move keeps the usual slot), at the same wall-clock
time in the mentor's time zone (or the first such slot from now
on, when that one has passed). A proposal is not a meeting: it is worked out from the pair's
meetings whenever it is shown, nothing is stored, and cadence figures never count it. Confirming
it schedules an ordinary meeting (scheduling.schedule, with its mail and invitation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Mentorship, User
from meetings.models import Meeting
from meetings.scheduling import lifecycle as scheduling


class NothingToConfirm(Exception):
    """No meeting is proposed for the pair (any more): the next one is planned already."""


class Stale(Exception):
    """The proposal changed since the page showed it; `proposal` is the current one."""

    def __init__(self, proposal: Proposal) -> None:
        super().__init__("The proposed time changed.")
        self.proposal = proposal


@dataclass(frozen=True)
class Proposal:
    mentorship_id: int
    start: datetime
    duration_minutes: int
    after: datetime  # the held meeting it follows


def with_facts(pairs: QuerySet[Mentorship]) -> QuerySet[Mentorship]:
    """Annotate each pair with what a proposal needs: its last held meeting's time and length
    (`last_held_at`, `last_held_minutes`), the slot it was planned for (`last_held_slot`: a
    meeting moved once, or run early, keeps the pair's usual slot there) and whether a planned
    meeting comes after it."""
    last_held = (
        Meeting.objects.held()
        .filter(mentorship=OuterRef("pk"), scheduled_at__lte=timezone.now())
        .order_by("-scheduled_at")
    )
    later = Meeting.objects.filter(
        mentorship=OuterRef("pk"),
        status=Meeting.Status.PLANNED,
        scheduled_at__gt=OuterRef("last_held_at"),
    )
    return pairs.annotate(
        last_held_at=Subquery(last_held.values("scheduled_at")[:1]),
        last_held_slot=Subquery(
            last_held.annotate(slot=Coalesce("rescheduled_from", "scheduled_at")).values("slot")[:1]
        ),
        last_held_minutes=Subquery(last_held.values("duration_minutes")[:1]),
    ).annotate(later_planned=Exists(later))


def for_pair(pair: Mentorship, mentor: User, now: datetime | None = None) -> Proposal | None:
    """The proposal for a pair annotated by `with_facts` (None when nothing is proposed)."""
    if pair.last_held_at is None or pair.later_planned:
        return None
    # From the slot it was planned for: a one-off move is not the pair's new rhythm.
    start = next_slot(pair.last_held_slot, pair.cadence_days, mentor.zone, now)
    if start is None:
        return None
    return Proposal(pair.pk, start, pair.last_held_minutes, pair.last_held_at)


def next_slot(
    held_at: datetime, cadence_days: int, zone: ZoneInfo, now: datetime | None = None
) -> datetime | None:
    """`cadence_days` after `held_at` at the same wall-clock time in `zone`, stepping on by the
    cadence while that is in the past; None beyond the scheduling horizon."""
    now = now or timezone.now()
    earliest, latest = scheduling.window(now)
    local = held_at.astimezone(zone).replace(tzinfo=None)
    step = timedelta(days=cadence_days)
    # Skip whole steps at once when the pair last met long ago.
    behind = (now - held_at) // step
    n = max(1, behind)
    start = (local + n * step).replace(tzinfo=zone)
    while start < now:
        n += 1
        start = (local + n * step).replace(tzinfo=zone)
    return start if earliest <= start <= latest else None


def current(mentorship: Mentorship, mentor: User) -> Proposal | None:
    pair = with_facts(Mentorship.objects.filter(pk=mentorship.pk)).get()
    return for_pair(pair, mentor)


def confirm(mentorship: Mentorship, start: datetime, by: User) -> Meeting:
    """Schedule the proposed meeting, if `start` is still what is proposed."""
    proposal = current(mentorship, mentorship.mentor)
    if proposal is None:
        raise NothingToConfirm("The next meeting of this pair is planned already.")
    if proposal.start != start:
        raise Stale(proposal)
    return scheduling.schedule(mentorship, proposal.start, proposal.duration_minutes, by=by)[0]
