"""Search a scholar's history: the scholar and their mentors, each through what they may see.

The page and its htmx partial (the results alone) are the same view with the same checks.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.models import Mentorship

from .. import search

TEMPLATE = "meetings/history_search.html"


@login_required
@require_http_methods(["GET"])
@vary_on_headers("HX-Request")
def history_search(request: HttpRequest, user_id: int) -> HttpResponse:
    pair = (
        Mentorship.objects.of_user(request.user)
        .filter(scholar_id=user_id)
        .select_related("scholar")
        .first()
    )
    if pair is None:  # neither the scholar nor one of their mentors
        raise Http404("No such scholar.")
    query = search.clean_query(request.GET.get("q"))
    results = search.search(request.user, user_id, query) if query else None
    context = {
        "scholar": pair.scholar,
        "query": query,
        "searched": "q" in request.GET,
        "results": results,
        "max_hits": search.MAX_HITS,
    }
    if request.htmx:
        return render(request, "meetings/_history_search.html#results", context)
    return render(request, TEMPLATE, context)
