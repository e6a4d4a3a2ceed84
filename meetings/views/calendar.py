"""The calendar feed: a user's meetings at a secret-token URL (no login: calendar apps fetch it)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from accounts.models import User

from .. import calendar

# Shorter tokens were never issued: refuse them without a database query.
MIN_TOKEN_LENGTH = 20


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
