"""Scheduling and the calendar feed (issue 4).

- series_new: the scholar, their mentor or the program's staff schedule one meeting or a recurring
  series (weekly, every two weeks, or every N days) for a mentorship.
- meeting_reschedule: move one planned meeting; the rest of its series is untouched.
- ics_feed: a user's upcoming meetings at a secret-token URL (no login: calendar apps fetch it).
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Mentorship, User

from ..forms import ScheduleMeetingForm
from ..models import Meeting, MeetingSeries

# --- Scheduling ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    form = ScheduleMeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        meeting = form.save(commit=False)
        meeting.created_by = request.user
        meeting.save()
        messages.success(request, "Meeting scheduled.")
        return redirect("meeting", pk=meeting.pk)
    return render(request, "meetings/meeting_new.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    if meeting.is_scholar(request.user) and meeting.is_open:
        return redirect("agenda", pk=meeting.pk)
    return redirect("brief", pk=meeting.pk)


@login_required
@require_POST
def meeting_held(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.filter(mentorship__mentor=request.user), pk=pk)
    if meeting.status != Meeting.Status.PLANNED:
        messages.error(request, "Only a planned meeting can be marked held.")
    else:
        meeting.mark_held()
        messages.success(request, "Meeting marked held. Its brief is now read-only.")
    return redirect("brief", pk=meeting.pk)


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """The pair or the program's staff cancel one planned meeting (its series is unchanged)."""
    meeting = get_object_or_404(Meeting.objects.schedule_visible_to(request.user), pk=pk)
    if meeting.status != Meeting.Status.PLANNED:
        messages.error(request, "Only a planned meeting can be cancelled.")
    else:
        meeting.status = Meeting.Status.CANCELLED
        meeting.save(update_fields=["status"])
        messages.success(request, "Meeting cancelled.")
    return redirect("home")



FEED_PAST_DAYS = 14


def schedulable_mentorships(user: User):
    """Mentorships the user may schedule for: their own, or those of programs they staff."""
    return (
        Mentorship.objects.active()
        .filter(Q(scholar=user) | Q(mentor=user) | Q(program__staff=user))
        .select_related("scholar", "mentor", "program")
        .distinct()
    )


class SeriesForm(forms.Form):
    REPEAT_CHOICES = [
        ("once", "Just this meeting"),
        ("7", "Every week"),
        ("14", "Every two weeks"),
        ("custom", "Every … days"),
    ]
    mentorship = forms.ModelChoiceField(queryset=Mentorship.objects.none(), label="With")
    starts_at = forms.DateTimeField(
        label="First meeting (your time zone)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(label="Minutes", min_value=5, max_value=480, initial=30)
    repeat = forms.ChoiceField(choices=REPEAT_CHOICES, initial="7", label="Repeat")
    interval_days = forms.IntegerField(
        label="Custom interval (days)",
        min_value=1,
        max_value=90,
        required=False,
        help_text="Only for “Every … days”.",
    )
    count = forms.IntegerField(
        label="Number of meetings", min_value=1, max_value=52, initial=8, required=False
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentorship"].queryset = schedulable_mentorships(user)

    def clean_starts_at(self):
        when = self.cleaned_data["starts_at"]
        if when < timezone.now() - timedelta(hours=1):
            raise forms.ValidationError("Pick a time from now on.")
        return when

    def clean(self):
        data = super().clean()
        repeat = data.get("repeat")
        if repeat == "custom" and not data.get("interval_days"):
            self.add_error("interval_days", "Say every how many days the meetings repeat.")
        if repeat and repeat != "once" and not data.get("count"):
            self.add_error("count", "Say how many meetings to schedule (up to 52).")
        return data

    def interval(self) -> int | None:
        repeat = self.cleaned_data["repeat"]
        if repeat == "once":
            return None
        return self.cleaned_data["interval_days"] if repeat == "custom" else int(repeat)


@login_required
@require_http_methods(["GET", "POST"])
def series_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("mentorship"):
        initial["mentorship"] = request.GET["mentorship"]
    form = SeriesForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        interval = form.interval()
        with transaction.atomic():
            if interval is None or data["count"] == 1:
                meeting = Meeting.objects.create(
                    mentorship=data["mentorship"],
                    scheduled_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    created_by=request.user,
                )
                messages.success(request, "Meeting scheduled.")
                return (
                    redirect("meeting", pk=meeting.pk)
                    if _is_party(request.user, meeting)
                    else redirect("home")
                )
            series = MeetingSeries.objects.create(
                mentorship=data["mentorship"],
                starts_at=data["starts_at"],
                interval_days=interval,
                count=data["count"],
                duration_minutes=data["duration_minutes"],
                time_zone=request.user.time_zone,
                created_by=request.user,
            )
            meetings = series.create_meetings()
        messages.success(
            request,
            f"{len(meetings)} meetings scheduled, every {interval} days. "
            "Move or cancel any one of them without changing the others.",
        )
        return redirect("home")
    return render(request, "meetings/series_new.html", {"form": form})


def _is_party(user: User, meeting: Meeting) -> bool:
    return meeting.is_scholar(user) or meeting.is_mentor(user)


class RescheduleForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["scheduled_at", "duration_minutes"]
        labels = {"scheduled_at": "New time (your time zone)", "duration_minutes": "Minutes"}
        widgets = {
            "scheduled_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            )
        }

    def clean_scheduled_at(self):
        when = self.cleaned_data["scheduled_at"]
        if when < timezone.now() - timedelta(hours=1):
            raise forms.ValidationError("Pick a time from now on.")
        return when


@login_required
@require_http_methods(["GET", "POST"])
def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one planned meeting (the pair or the program's staff); its series is unchanged."""
    meeting = get_object_or_404(
        Meeting.objects.schedule_visible_to(request.user).select_related(
            "mentorship__scholar", "mentorship__mentor", "series"
        ),
        pk=pk,
    )
    if not meeting.is_open:
        messages.error(request, "Only a planned meeting can be moved.")
        return redirect("home")
    original = meeting.scheduled_at
    form = RescheduleForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        moved = form.save(commit=False)
        if moved.scheduled_at != original and moved.rescheduled_from is None:
            moved.rescheduled_from = original
        moved.reschedule_count += 1
        moved.save(
            update_fields=[
                "scheduled_at",
                "duration_minutes",
                "rescheduled_from",
                "reschedule_count",
            ]
        )
        messages.success(request, "Meeting moved. The other meetings of its series are unchanged.")
        return (
            redirect("meeting", pk=meeting.pk)
            if _is_party(request.user, meeting)
            else redirect("home")
        )
    return render(request, "meetings/meeting_reschedule.html", {"form": form, "meeting": meeting})
