"""A person's own account: who they are, their settings, mail preferences and calendar link."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ..forms import MailPreferencesForm, ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    # One page, two forms: the profile, and the mail preferences (told apart by "form").
    is_mail = request.method == "POST" and request.POST.get("form") == "mail"
    is_profile = request.method == "POST" and not is_mail
    form = ProfileForm(request.POST if is_profile else None, instance=request.user)
    mail_form = MailPreferencesForm(request.POST if is_mail else None, instance=request.user)
    if is_profile and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("settings")
    if is_mail and mail_form.is_valid():
        mail_form.save()
        messages.success(request, "Mail preferences saved.")
        return redirect(reverse("settings") + "#mail")
    token = request.user.ics_token
    ics_url = settings.SITE_URL.rstrip("/") + reverse("ics_feed", args=[token]) if token else ""
    return render(
        request,
        "accounts/settings.html",
        {"form": form, "mail_form": mail_form, "ics_url": ics_url},
    )


@login_required
@require_POST
def ics_token_rotate(request: HttpRequest) -> HttpResponse:
    """A new secret calendar link; the old one stops working at once."""
    had_token = bool(request.user.ics_token)
    request.user.rotate_ics_token()
    messages.success(
        request,
        "New calendar link created: the old link no longer works."
        if had_token
        else "Calendar link created.",
    )
    return redirect(reverse("settings") + "#calendar")


@login_required
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    """Who you are, with links to your settings."""
    return render(request, "accounts/account.html")
