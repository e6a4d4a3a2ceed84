"""A user's calendar feed (iCalendar, RFC 5545): which meetings it holds and how each reads.

The feed holds the meetings whose time the user may see (the pair's and, for program staff, their
programs') from FEED_PAST_DAYS ago on, so a meeting just held or cancelled still updates in the
user's calendar. A meeting keeps its UID for ever; its SEQUENCE grows each time it moves or is
cancelled, which is what tells calendar apps to replace their copy.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User

from .models import Meeting, MeetingQuerySet

FEED_PAST_DAYS = 14
# How often calendar apps should fetch the feed again.
REFRESH = timedelta(hours=1)


def feed_meetings(user: User) -> MeetingQuerySet:
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return (
        Meeting.objects.schedule_visible_to(user)
        .filter(scheduled_at__gte=since)
        .select_related("mentorship__scholar", "mentorship__mentor", "mentorship__program")
        .order_by("scheduled_at")
    )


def feed(user: User) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//mentorprep//meetings//EN")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.calendar_name = f"mentorprep · {user.name}"
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    stamp = timezone.now()
    for meeting in feed_meetings(user):
        calendar.add_component(event(meeting, user, stamp))
    return calendar


def event(meeting: Meeting, user: User, stamp) -> icalendar.Event:
    """One meeting as `user` sees it: the pair get a link to the agenda or brief, program staff
    (who may not read either) only times and a link to the cadence page."""
    mentorship = meeting.mentorship
    if meeting.is_scholar(user) and meeting.is_open:
        url, what = _link("agenda", meeting.pk), "Your agenda"
        summary = f"Meeting with {mentorship.mentor.name}"
    elif meeting.is_scholar(user):
        url, what = _link("brief", meeting.pk), "The brief"
        summary = f"Meeting with {mentorship.mentor.name}"
    elif meeting.is_mentor(user):
        url, what = _link("brief", meeting.pk), "The brief"
        summary = f"Mentoring: {mentorship.scholar.name}"
    else:
        url, what = _link("cadence", mentorship.program.slug), "Cadence"
        summary = f"{mentorship.scholar.name} ↔ {mentorship.mentor.name}"
    cancelled = meeting.status == Meeting.Status.CANCELLED
    start = meeting.scheduled_at.astimezone(UTC)  # every time in UTC: no VTIMEZONE needed
    return icalendar.Event.new(
        uid=f"meeting-{meeting.pk}@{_host()}",
        stamp=stamp,
        start=start,
        end=start + timedelta(minutes=meeting.duration_minutes),
        summary=summary,
        description=f"{what}: {url}",
        url=url,
        status="CANCELLED" if cancelled else "CONFIRMED",
        sequence=meeting.reschedule_count + (1 if cancelled else 0),
    )


def _link(name: str, arg) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[arg])


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "mentorprep"
