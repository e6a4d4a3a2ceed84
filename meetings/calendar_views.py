"""Scheduling and the calendar feed (issue 4)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def series_new(request: HttpRequest) -> HttpResponse:
    raise Http404


def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def ics_feed(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404
