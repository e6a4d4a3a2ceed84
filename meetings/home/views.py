"""The home page: the user's pairs as a scholar (cards) and as a mentor (a table), and the
programs they run or whose scholars they look after."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Invite, Mentorship, Program, ResearchManagerAssignment, User
from meetings.models import ActionItem, Agenda, BriefRead, Meeting
from meetings.reading.views import progress_context
from meetings.recaps import domain as recaps
from meetings.scheduling import proposals
from meetings.unstuck import peers
from meetings.unstuck import streaks as stuck

NEXT_MEETING_SHOWN = timedelta(hours=12)  # a meeting is "next" until 12 hours after it started
OPEN_ITEMS_SHOWN = 20


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
    # Stuck for two meetings or more, as of each pair's latest brief (the figure stored with the
    # pair): the mentor sees it here at a glance, and the brief says since when and with what.
    for pair in as_mentor:
        pair.streak = stuck.pair_streak(pair)
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
    # Peer help and the progress log: the scholar's own, on their home page only.
    scholar_extras = (
        {
            "peer_offers": list(peers.offers_to(user)),
            "asked_as_peer": list(peers.asked_as_peer(user)),
            "peer_programs": list({pair.program.pk: pair.program for pair in as_scholar}.values()),
            **progress_context(user),
        }
        if as_scholar
        else {}
    )
    # Someone who joined a program but has no pair yet is told so, not that they are in none.
    joined = (
        []
        if as_scholar or as_mentor or related
        else list(
            Invite.objects.filter(user=user, accepted_at__isnull=False)
            .select_related("program")
            .order_by("-accepted_at")
        )
    )
    return render(
        request,
        "meetings/home/home.html",
        {
            "as_scholar": as_scholar,
            "as_mentor": as_mentor,
            "my_items": my_items,
            # After the meeting: recaps the scholar owes, and recaps waiting for the mentor.
            "recaps_to_write": recaps.recaps_to_write(user) if as_scholar else [],
            "recaps_to_confirm": recaps.recaps_to_confirm(user) if as_mentor else [],
            "programs": [p for p in related if p.staffed],
            "managed_programs": [p for p in related if p.managed],
            **scholar_extras,
            "joined": joined,
        },
    )


def _pairs(user: User) -> list[Mentorship]:
    """The user's active pairs, each with its next planned meeting (`next_meeting`, or None), that
    meeting's brief status, the days since the pair last met (`days_since`, or None) and, for
    the mentor, the proposed next meeting (`proposal`, or None)."""
    now = timezone.now()
    next_meeting = (
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED, scheduled_at__gte=now - NEXT_MEETING_SHOWN
        )
        .select_related("agenda")
        # what the page shows of it and what its brief status reads: not the agenda's texts
        .only(
            "mentorship_id",
            "scheduled_at",
            "agenda__status",
            "agenda__updated_at",
            "agenda__updated_after_submit_at",
        )
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
    pairs = list(
        proposals.with_facts(
            Mentorship.objects.of_user(user)
            .active()
            .select_related("program", "scholar", "mentor")
            .annotate(open_items=Coalesce(Subquery(open_items), 0))
        ).prefetch_related(Prefetch("meetings", queryset=next_meeting[:1], to_attr="next"))
    )
    for pair in pairs:
        pair.next_meeting = pair.next[0] if pair.next else None
        pair.brief_status = brief_status(pair.next_meeting)
        # last_held_at is never ahead of now (proposals.with_facts): no negative day counts
        pair.days_since = (now - pair.last_held_at).days if pair.last_held_at else None
        pair.proposal = (
            proposals.for_pair(pair, pair.mentor, now) if pair.mentor_id == user.pk else None
        )
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
