"""Following a `next` parameter without becoming an open redirect."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest) -> str | None:
    """The posted `next` when it is a path on this site, else None.

    Path only, never a host: "//evil.example" and "/\\evil.example" (which a browser reads as
    "//evil.example") are refused too.
    """
    target = request.POST.get("next", "")
    parts = urlsplit(target.replace("\\", "/"))
    if not target.startswith("/") or parts.scheme or parts.netloc:
        return None
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else None


def redirect_to_next(request: HttpRequest, fallback: str, *args, **kwargs) -> HttpResponseRedirect:
    """Back to the posted `next` page when it is safe; otherwise to the `fallback` URL name."""
    return redirect(safe_next(request) or fallback, *args, **kwargs)
