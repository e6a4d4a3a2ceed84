"""What a locked-out login sees: the login page again, with a clear message, and HTTP 429."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .sso import allow_provider_forms


def lockout_message() -> str:
    minutes = settings.AXES_COOLOFF_MINUTES
    return (
        f"Too many failed log-in attempts. For your security, logging in with this username "
        f"from here is paused for {minutes} minutes. Try again later; if you forgot your "
        "password, ask your program staff to reset it."
    )


@allow_provider_forms  # the page shows the providers' buttons too
def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The same page and message whether or not the username exists: nothing to enumerate."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username[:150]})
    context = {
        "form": form,
        "locked_out_message": lockout_message(),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=429)
