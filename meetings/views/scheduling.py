"""Scheduling: one meeting or a series for a mentorship; moving, cancelling or closing one meeting.

The pair and the program's staff schedule, move and cancel; the mentor marks a meeting held.
The rules (time window, length, repetition) are meetings/scheduling.py's.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User

from .. import scheduling
from ..models import Meeting
from ..scheduling_forms import MoveForm, ScheduleForm


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, repeat: str = "once") -> HttpResponse:
    """One form for one meeting or a series; `repeat` is what it offers first."""
    initial = {"repeat": repeat, "mentorship": request.GET.get("mentorship")}
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
    return render(request, "meetings/meeting_new.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    if meeting.is_scholar(request.user) and meeting.is_open:
        return redirect("agenda", pk=meeting.pk)
    return redirect("brief", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one planned meeting; the other meetings of its series keep their times."""
    meeting = get_object_or_404(
        Meeting.objects.schedule_visible_to(request.user).select_related(
            "mentorship__scholar", "mentorship__mentor"
        ),
        pk=pk,
    )
    if not meeting.is_open:
        messages.error(request, "Only a planned meeting can be moved.")
        return redirect("home")
    form = MoveForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scheduling.move(meeting, data["scheduled_at"], data["duration_minutes"])
        messages.success(request, "Meeting moved. The other meetings of its series are unchanged.")
        return _to_meeting(request.user, meeting)
    return render(request, "meetings/meeting_reschedule.html", {"form": form, "meeting": meeting})


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel one planned meeting; the other meetings of its series stay."""
    meeting = get_object_or_404(Meeting.objects.schedule_visible_to(request.user), pk=pk)
    try:
        scheduling.cancel(meeting)
    except scheduling.NotPlanned as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Meeting cancelled.")
    return redirect("home")


@login_required
@require_POST
def meeting_held(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    if not meeting.is_mentor(request.user):
        raise Http404("Only the mentor marks a meeting held.")
    try:
        scheduling.mark_held(meeting)
    except scheduling.NotPlanned as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Meeting marked held. Its brief is now read-only.")
    return redirect("brief", pk=meeting.pk)


def _to_meeting(user: User, meeting: Meeting) -> HttpResponse:
    """The pair goes on to the meeting; staff, who may not open it, go home."""
    if meeting.is_scholar(user) or meeting.is_mentor(user):
        return redirect("meeting", pk=meeting.pk)
    return redirect("home")
