"""The home page: the user's pairs as a scholar (cards) and as a mentor (a table), and the
programs they run or whose scholars they look after."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Mentorship, Program, ResearchManagerAssignment, User

from ..models import ActionItem, Agenda, BriefRead, Meeting

NEXT_MEETING_SHOWN = timedelta(hours=12)  # a meeting is "next" until 12 hours after it started
OPEN_ITEMS_SHOWN = 20


@login_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    pairs = _pairs(user)
    as_scholar = [pair for pair in pairs if pair.scholar_id == user.pk]
    never = timezone.now() + timedelta(days=3650)
    as_mentor = sorted(
        (pair for pair in pairs if pair.mentor_id == user.pk),
        key=lambda pair: pair.next_meeting.scheduled_at if pair.next_meeting else never,
    )
    # the scholar's own open items, shown under their cards only
    my_items = (
        ActionItem.objects.visible_to(user)
        .open()
        .filter(mentorship__scholar=user)
        .select_related("mentorship__mentor")
        .order_by("due_on", "created_at")[:OPEN_ITEMS_SHOWN]
        if as_scholar
        else []
    )
    related = _programs(user)
    return render(
        request,
        "meetings/home.html",
        {
            "as_scholar": as_scholar,
            "as_mentor": as_mentor,
            "my_items": my_items,
            "programs": [p for p in related if p.staffed],
            "managed_programs": [p for p in related if p.managed],
        },
    )


def _pairs(user: User) -> list[Mentorship]:
    """The user's active pairs, each with its next planned meeting (`next_meeting`, or None), that
    meeting's brief status, and the days since the pair last met (`days_since`, or None)."""
    now = timezone.now()
    next_meeting = (
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED, scheduled_at__gte=now - NEXT_MEETING_SHOWN
        )
        .select_related("agenda")
        .annotate(
            # the mentor's last read of the submitted agenda
            mentor_read_at=Subquery(
                BriefRead.objects.filter(
                    agenda__meeting=OuterRef("pk"),
                    agenda__status=Agenda.Status.SUBMITTED,
                    reader_id=OuterRef("mentorship__mentor_id"),
                ).values("last_read_at")[:1]
            )
        )
        .order_by("scheduled_at")
    )
    # correlated subqueries: joining every meeting and item of every pair would multiply rows
    open_items = (
        ActionItem.objects.open()
        .filter(mentorship=OuterRef("pk"))
        .order_by()
        .values("mentorship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_held = Meeting.objects.held().filter(mentorship=OuterRef("pk")).order_by("-scheduled_at")
    pairs = list(
        Mentorship.objects.of_user(user)
        .active()
        .select_related("program", "scholar", "mentor")
        .annotate(
            open_items=Coalesce(Subquery(open_items), 0),
            last_held_at=Subquery(last_held.values("scheduled_at")[:1]),
        )
        .prefetch_related(Prefetch("meetings", queryset=next_meeting[:1], to_attr="next"))
    )
    for pair in pairs:
        pair.next_meeting = pair.next[0] if pair.next else None
        pair.brief_status = brief_status(pair.next_meeting)
        pair.days_since = (now - pair.last_held_at).days if pair.last_held_at else None
    return pairs


def brief_status(meeting: Meeting | None) -> str:
    """no meeting planned, not started, draft, submitted, updated (since it was submitted or
    since the mentor last read it), or read; `meeting` carries `mentor_read_at` (see _pairs)."""
    if meeting is None:
        return "no meeting planned"
    agenda = getattr(meeting, "agenda", None)
    if agenda is None:
        return "not started"
    if not agenda.is_submitted:
        return "draft"
    if meeting.mentor_read_at is not None:  # read since the last change: BriefRead.is_current
        return "read" if meeting.mentor_read_at >= agenda.updated_at else "updated"
    return "updated" if agenda.is_updated else "submitted"


def _programs(user: User) -> list[Program]:
    """The programs the user staffs (`staffed`) or where they are a research manager
    (`managed`), in one query."""
    staffed = Program.staff.through.objects.filter(program_id=OuterRef("pk"), user_id=user.pk)
    managed = ResearchManagerAssignment.objects.filter(program_id=OuterRef("pk"), manager=user)
    return list(
        Program.objects.annotate(staffed=Exists(staffed), managed=Exists(managed)).filter(
            Q(staffed=True) | Q(managed=True)
        )
    )
