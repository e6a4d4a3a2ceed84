"""A user's calendar feed (iCalendar, RFC 5545): which meetings it holds and how each reads.

The feed holds the meetings whose time the user may see (the pair's and, for program staff, their
programs') from FEED_PAST_DAYS ago on and everything ahead, so a meeting just held or cancelled
still updates in the user's calendar. A meeting keeps its UID for ever; its SEQUENCE
(Meeting.reschedule_count) grows each time it moves, is cancelled or is brought back, which is
what tells calendar apps to replace their copy.

The invitations mailed to the pair (meetings/scheduling/invitations.py) carry the same event (`event`),
with an organizer and the two attendees, as an iTIP REQUEST or CANCEL.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from meetings.models import Meeting, MeetingQuerySet

FEED_PAST_DAYS = 30
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
        sequence=meeting.reschedule_count,
    )


def invitation(meeting: Meeting, recipient: User) -> icalendar.Calendar:
    """One meeting as an invitation for `recipient` (RFC 5546): METHOD:REQUEST while it is on,
    METHOD:CANCEL once cancelled. The app organizes (replies are not expected); the scholar and
    the mentor attend."""
    cancelled = meeting.status == Meeting.Status.CANCELLED
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//mentorprep//meetings//EN")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    vevent = event(meeting, recipient, timezone.now())
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = icalendar.vText(name or "mentorprep")
    vevent.add("organizer", organizer)
    for person in (meeting.mentorship.scholar, meeting.mentorship.mentor):
        if not person.email:
            continue
        attendee = icalendar.vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = icalendar.vText(person.name)
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
        attendee.params["rsvp"] = icalendar.vText("FALSE")
        vevent.add("attendee", attendee)
    calendar.add_component(vevent)
    return calendar


def _link(name: str, arg) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[arg])


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "mentorprep"
