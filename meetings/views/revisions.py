"""The agenda's revision history page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from ..models import Agenda, AgendaRevision
from ..revisions import rows_for


@login_required
@require_http_methods(["GET"])
def agenda_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    """The scholar sees every revision; their mentor those since the agenda was submitted."""
    agenda = get_object_or_404(
        Agenda.objects.visible_to(request.user).select_related(
            "meeting__mentorship__scholar", "meeting__mentorship__mentor"
        ),
        meeting_id=pk,
    )
    revisions = list(
        AgendaRevision.objects.visible_to(request.user)
        .filter(agenda=agenda)
        .select_related("author")
    )
    for revision in revisions:
        revision.agenda = agenda  # rows_for() reads the mentorship: no query per row
        revision.rows = rows_for(revision, request.user)
    return render(
        request,
        "meetings/revisions.html",
        {
            "agenda": agenda,
            "meeting": agenda.meeting,
            "revisions": [r for r in revisions if r.rows],
            "is_scholar": agenda.meeting.is_scholar(request.user),
        },
    )
