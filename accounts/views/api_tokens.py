"""Settings → API tokens: a person's personal access tokens for the JSON API (meetings/api/), created
and revoked by their owner. A new token is shown once, on the page that answers its creation:
it is stored nowhere but as a hash (accounts/api_tokens.py), not even in the session."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..api_tokens import ApiToken, ApiTokenScope, create_token, revoke

EXPIRY_CHOICES = [("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year"), ("", "Never")]


class ApiTokenForm(forms.Form):
    prefix = "api_token"  # its fields' ids stay apart from the profile form's on the same page

    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What it is for, e.g. “my notes script”: to recognise it in this list.",
    )
    scope = forms.ChoiceField(
        label="Scope",
        choices=ApiTokenScope.choices,
        initial=ApiTokenScope.READ,
        widget=forms.RadioSelect,
        help_text="Read sees what you see; read and write may also change what you may change.",
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires",
        choices=EXPIRY_CHOICES,
        initial="90",
        required=False,
        coerce=int,
        empty_value=None,
        # Radios, as for the scope: four choices, all seen at once.
        widget=forms.RadioSelect,
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the token a name.")
        return name


def settings_context(request: HttpRequest) -> dict:
    """The Settings page's API tokens section (one line in accounts/views/settings.py)."""
    return {
        "api_tokens": list(ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)),
        "api_token_form": ApiTokenForm(),
    }


def _back() -> HttpResponse:
    return redirect(reverse("settings") + "#api-tokens")


@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        problems = " ".join(" ".join(errors) for errors in form.errors.values())
        messages.error(request, f"No token created. {problems}")
        return _back()
    token, raw = create_token(
        request.user,
        form.cleaned_data["name"],
        form.cleaned_data["scope"],
        form.cleaned_data["expires_in_days"],
    )
    # Shown on this answer only (never stored, never shown again); PrivatePagesMiddleware keeps
    # the page out of every cache and the browser's history.
    return render(request, "accounts/settings/api_token_created.html", {"token": token, "raw": raw})


@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    revoke(token)
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return _back()
