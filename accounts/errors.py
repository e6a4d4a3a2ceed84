"""Friendly pages for requests the server refuses before any view runs."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, or 413 when the request is bigger than DATA_UPLOAD_MAX_MEMORY_SIZE allows."""
    too_big = isinstance(exception, RequestDataTooBig | TooManyFieldsSent)
    context = {
        "too_big": too_big,
        "limit_kb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024,
    }
    return render(request, "errors/bad_request.html", context, status=413 if too_big else 400)
