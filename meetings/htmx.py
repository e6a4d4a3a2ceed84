"""The answers every small form gives: the part of the page for htmx, else a message and a
redirect to the page at the part's anchor, or the whole page (so every form also works without
JavaScript)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRefresh


def part_or_redirect(
    request: HttpRequest,
    template: str,
    part: str,
    context: dict | Callable[[], dict],
    *,
    url: str,
    anchor: str = "",
    message: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """htmx gets `template#part` rendered with `context` (a dict, or a function that builds it:
    a plain post never pays for it); a plain post gets `error` (or `message`) as a flash message
    and a redirect to `url#anchor`."""
    if request.htmx:
        ctx = context() if callable(context) else context
        return render(request, f"{template}#{part}", ctx, status=status)
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    return redirect(f"{url}#{anchor}" if anchor else url)


def part_or_page(
    request: HttpRequest, template: str, part: str, context: dict, *, status: int = 200
) -> HttpResponse:
    """A form shown again (with its errors, or the newer version after a stale save): htmx gets
    `template#part` with 200, since htmx swaps only 2xx answers; a plain post gets the whole page
    with `status`."""
    if request.htmx:
        return render(request, f"{template}#{part}", context)
    return render(request, template, context, status=status)


def refresh_or_redirect(
    request: HttpRequest, *, url: str, error: str, status: int = 409
) -> HttpResponse:
    """A refusal that changes what the whole page shows (the meeting is no longer planned): the
    message is flashed; htmx reloads the page (with the refusal's status), a plain post goes to
    `url`."""
    messages.error(request, error)
    if request.htmx:
        response = HttpResponseClientRefresh()
        response.status_code = status
        return response
    return redirect(url)
