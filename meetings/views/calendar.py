"""The calendar feed: a user's meetings at a secret-token URL (no login: calendar apps fetch it)."""


from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import User

from .. import ics
from ..models import Meeting

FEED_PAST_DAYS = 14



def _feed_events(user: User) -> list[ics.Event]:
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    meetings = (
        Meeting.objects.schedule_visible_to(user)
        .filter(scheduled_at__gte=since)
        .select_related("mentorship__scholar", "mentorship__mentor", "mentorship__program")
        .order_by("scheduled_at")
    )
    host = urlsplit(settings.SITE_URL).hostname or "mentorprep"
    base = settings.SITE_URL.rstrip("/")
    events = []
    for m in meetings:
        ms = m.mentorship
        if m.is_scholar(user) or m.is_mentor(user):
            if m.is_scholar(user) and m.is_open:
                url, what = base + reverse("agenda", args=[m.pk]), "Your agenda"
            else:
                url, what = base + reverse("brief", args=[m.pk]), "The brief"
            other = ms.mentor if m.is_scholar(user) else ms.scholar
            summary = (
                f"Mentoring: {other.name}" if m.is_mentor(user) else f"Meeting with {other.name}"
            )
        else:  # program staff: times and statuses only
            url = base + reverse("cadence", args=[ms.program.slug])
            what = "Cadence"
            summary = f"{ms.scholar.name} ↔ {ms.mentor.name}"
        events.append(
            ics.Event(
                uid=f"meeting-{m.pk}@{host}",
                start=m.scheduled_at,
                end=m.scheduled_at + timedelta(minutes=m.duration_minutes),
                summary=summary,
                description=f"{what}: {url}",
                url=url,
                status="CANCELLED" if m.status == Meeting.Status.CANCELLED else "CONFIRMED",
                sequence=m.reschedule_count + (1 if m.status == Meeting.Status.CANCELLED else 0),
            )
        )
    return events


@require_http_methods(["GET", "HEAD"])
def ics_feed(request: HttpRequest, token: str) -> HttpResponse:
    if len(token) < 20:
        raise Http404("No such calendar.")
    user = User.objects.filter(ics_token=token, is_active=True).first()
    if user is None:
        raise Http404("No such calendar.")
    body = ics.calendar(_feed_events(user), name=f"mentorprep · {user.name}")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mentorprep.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
