"""Scheduling: one meeting or a series for a mentorship; moving, cancelling or closing one meeting.

The pair and the program's staff schedule, move and cancel; the mentor marks a meeting held.
The rules (time window, length, repetition) are meetings/scheduling/lifecycle.py's.

The calendar feed: a user's meetings at a secret-token URL (no login: calendar apps fetch it).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import Mentorship, User
from meetings import access
from meetings.models import Meeting, StatusChange
from meetings.redirects import redirect_to_next
from meetings.scheduling import calendar, proposals
from meetings.scheduling import lifecycle as scheduling
from meetings.scheduling.forms import MoveForm, ScheduleForm


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, repeat: str = "once") -> HttpResponse:
    """One form for one meeting or a series; `repeat` is what it offers first. A link may name
    the pair, time and length to start from (a proposed next meeting's "Move…")."""
    initial = {"repeat": repeat, "mentorship": request.GET.get("mentorship")}
    for name in ("scheduled_at", "duration_minutes"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    form = ScheduleForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        meetings = scheduling.schedule(by=request.user, **form.plan())
        if len(meetings) == 1:
            messages.success(request, "Meeting scheduled.")
            return _to_meeting(request.user, meetings[0])
        messages.success(
            request,
            f"{len(meetings)} meetings scheduled, every {form.interval()} days. "
            "Move or cancel any one of them without changing the others.",
        )
        return redirect("home")
    return render(request, "meetings/scheduling/meeting_new.html", {"form": form})


@require_http_methods(["GET"])
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    if meeting.is_scholar(request.user) and meeting.is_open:
        return redirect("agenda", pk=meeting.pk)
    return redirect("brief", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one planned meeting; the other meetings of its series keep their times."""
    meeting = get_object_or_404(
        Meeting.objects.schedule_visible_to(request.user).select_related(
            "mentorship__scholar", "mentorship__mentor"
        ),
        pk=pk,
    )
    form = MoveForm(request.POST or None, meeting=meeting)
    try:
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            scheduling.move(meeting, data["scheduled_at"], data["duration_minutes"])
            messages.success(
                request, "Meeting moved. The other meetings of its series are unchanged."
            )
            return _to_meeting(request.user, meeting)
        scheduling.check_movable(meeting)  # the form only for a meeting that may still move
    except scheduling.NotPlanned as refused:
        messages.error(request, str(refused))
        return redirect("home")
    return render(
        request, "meetings/scheduling/meeting_reschedule.html", {"form": form, "meeting": meeting}
    )


CONFIRM_TEMPLATE = "meetings/scheduling/meeting_confirm.html"


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel one planned meeting; the other meetings of its series stay. GET asks first."""
    meeting = _schedule_meeting(request.user, pk)
    if request.method == "GET":
        return _confirm_page(request, meeting, "cancel")
    try:
        scheduling.cancel(meeting, by=request.user)
    except scheduling.NotPlanned as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Meeting cancelled. You can undo this until the end of today.")
    return _after_change(request.user, meeting)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def meeting_held(request: HttpRequest, pk: int) -> HttpResponse:
    """The mentor records that the meeting took place, from its start on. GET asks first."""
    # Only the mentor marks a meeting held: anyone else finds no such meeting here.
    mentors = Meeting.objects.visible_to(request.user).filter(mentorship__mentor=request.user)
    meeting = get_object_or_404(_with_pair(mentors), pk=pk)
    if request.method == "GET":
        return _confirm_page(request, meeting, "held")
    try:
        filed = scheduling.mark_held(meeting, by=request.user)
    except (scheduling.NotPlanned, scheduling.NotStarted) as problem:
        messages.error(request, str(problem))
    else:
        captured = (
            f" {filed} capture{'s' if filed != 1 else ''} from meeting mode filed into its record."
            if filed
            else ""
        )
        messages.success(
            request,
            f"Meeting marked held.{captured} Its brief is now read-only. "
            "You can undo this until the end of today.",
        )
    return redirect("brief", pk=meeting.pk)


@require_POST
def meeting_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a meeting marked held or cancelled today back to planned. Whoever may cancel may
    undo a cancellation; only the mentor undoes "held" (lifecycle.undo): anyone else finds no
    such meeting here."""
    meeting = _schedule_meeting(request.user, pk)
    try:
        change = scheduling.undo(meeting, by=request.user)
    except PermissionDenied as refused:
        raise Http404(str(refused)) from refused
    except scheduling.CannotUndo as problem:
        messages.error(request, str(problem))
    else:
        what = "held" if change.action == StatusChange.Action.HELD else "cancelled"
        messages.success(request, f"Undone: the meeting is planned again (it was {what}).")
    return _after_change(request.user, meeting)


@require_POST
def proposal_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The mentor confirms the proposed next meeting of a pair in one click."""
    mentorship = get_object_or_404(
        Mentorship.objects.active()
        .filter(access.mentorship_propose(request.user))
        .select_related("scholar", "mentor"),
        pk=pk,
    )
    try:
        start = parse_datetime(request.POST.get("start", "") or "")
    except ValueError:  # well-formed but no such moment (month 13, 30 February)
        start = None
    if start is None or timezone.is_naive(start):
        # The form posts the proposal's own time: only a tampered or truncated post gets here.
        return HttpResponse(
            "That proposal could not be read (its time is not a date and time with a zone): "
            "go back and confirm it again.",
            status=400,
            content_type="text/plain",
        )
    try:
        meeting = proposals.confirm(mentorship, start, by=request.user)
    except proposals.NothingToConfirm as problem:
        messages.error(request, str(problem))
    except proposals.Stale as stale:
        messages.error(
            request,
            "The proposed time changed: it is now "
            f"{date_format(timezone.localtime(stale.proposal.start), 'D j M, H:i')}. "
            "Confirm that one, or move it.",
        )
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    else:
        when = date_format(timezone.localtime(meeting.scheduled_at), "D j M, H:i")
        messages.success(request, f"Next meeting with {mentorship.scholar.name}: {when}.")
    return redirect_to_next(request, "home")


def _with_pair(meetings):
    return meetings.select_related("mentorship__scholar", "mentorship__mentor")


def _schedule_meeting(user: User, pk: int) -> Meeting:
    return get_object_or_404(_with_pair(Meeting.objects.schedule_visible_to(user)), pk=pk)


def _confirm_page(request: HttpRequest, meeting: Meeting, action: str) -> HttpResponse:
    """The confirmation step (a page; the dialog inline with htmx): what the change does, and
    the form that makes it. Once made, the same page shows the status and its undo."""
    changes = list(meeting.status_changes.select_related("by"))
    ctx = {
        "meeting": meeting,
        "action": action,
        "changes": changes,
        "undo": scheduling.undoable(meeting, changes),
        "is_pair": meeting.is_scholar(request.user) or meeting.is_mentor(request.user),
        "is_mentor": meeting.is_mentor(request.user),
        "inline": bool(request.htmx),
    }
    if action == "held" and meeting.is_open:
        live = scheduling.live_facts(meeting)
        ctx["may_hold"] = scheduling.may_mark_held(meeting, live)
        ctx["unfiled"] = live.unfiled if live else 0
    template = CONFIRM_TEMPLATE + ("#confirm" if request.htmx else "")
    return render(request, template, ctx)


def _after_change(user: User, meeting: Meeting) -> HttpResponse:
    """The pair goes back to the meeting's brief, which shows its status and the undo; staff,
    who may not open the brief, to the meeting's status page."""
    if meeting.is_scholar(user) or meeting.is_mentor(user):
        return redirect("brief", pk=meeting.pk)
    return redirect("meeting_cancel", pk=meeting.pk)


def _to_meeting(user: User, meeting: Meeting) -> HttpResponse:
    """The pair goes on to the meeting; staff, who may not open it, go home."""
    if meeting.is_scholar(user) or meeting.is_mentor(user):
        return redirect("meeting", pk=meeting.pk)
    return redirect("home")


# Shorter tokens were never issued: refuse them without a database query.
MIN_TOKEN_LENGTH = 20


@login_not_required
@require_http_methods(["GET", "HEAD"])
def ics_feed(request: HttpRequest, token: str) -> HttpResponse:
    if len(token) < MIN_TOKEN_LENGTH:
        raise Http404("No such calendar.")
    user = get_object_or_404(User.objects.filter(is_active=True), ics_token=token)
    response = HttpResponse(
        calendar.feed(user).to_ical(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="mentorprep.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
