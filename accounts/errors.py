"""Friendly pages for requests the server refuses before any view runs."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, or 413 when the request is bigger than DATA_UPLOAD_MAX_MEMORY_SIZE allows."""
    too_big = isinstance(exception, RequestDataTooBig | TooManyFieldsSent)
    context = {
        "too_big": too_big,
        "limit_kb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024,
    }
    return render(request, "errors/bad_request.html", context, status=413 if too_big else 400)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 "back in a moment" while the database is unreachable (restart, failover).

    Neither page touches the database (no user, no session): the next request reconnects by
    itself (CONN_HEALTH_CHECKS).
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, error)
        html = render_to_string("errors/unavailable.html", {"retry": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponse(render_to_string("errors/server_error.html"), status=500)
