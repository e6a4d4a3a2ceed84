"""Provider sign-ins on the settings page: unlink one (never the last way in)."""

from __future__ import annotations

from functools import wraps

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import sso


def configured(provider: str, view):
    """allauth's view of a provider that only exists when configured: 404 otherwise."""

    @login_not_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not get_adapter().list_apps(request, provider=provider):
            raise Http404("This sign-in provider is not configured.")
        return view(request, *args, **kwargs)

    return wrapped


@require_POST
def link_remove(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(SocialAccount.objects.filter(user=request.user), pk=pk)
    try:
        account = sso.remove_link(request.user, pk)
    except sso.LastWayIn as problem:
        messages.error(request, str(problem))
    else:
        name = sso.provider_name(request, account.provider)
        messages.success(request, f"{name} sign-in removed from your account.")
    return redirect(reverse("settings") + "#sign-in-methods")


def settings_context(request: HttpRequest) -> dict:
    """The settings page's "Sign-in methods" section."""
    links = sso.links(request, request.user)
    linked = {link.account.provider for link in links}
    return {
        "sso_links": links,
        "sso_password": sso.password_is_a_way_in(request.user),
        "sso_link_buttons": [b for b in sso.buttons(request) if b.provider_id not in linked],
    }
