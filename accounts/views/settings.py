"""A person's own account: who they are, their settings, mail preferences and calendar link."""

from django.conf import settings
from django.contrib import messages
from django.db.models import BooleanField, Exists, ExpressionWrapper, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from meetings.webhooks.views import settings_context as webhooks_context

from .. import emails
from ..forms import MailPreferencesForm, ProfileForm
from ..models import Invite, Mentorship, User
from ..sso import allow_provider_forms
from . import api_tokens, slack
from .sso import settings_context as sso_settings

EMAIL_PROBLEMS = {
    "expired": "This confirmation link has expired: enter the address in your settings again.",
    "outdated": "This link was replaced by a newer change, or your account changed since: use "
    "the latest link, or enter the address in your settings again.",
    "taken": emails.TAKEN,
}


def mail_roles(user: User) -> set[str]:
    """ "scholar" and/or "mentor": from the user's pairs, or an accepted invitation in that role
    (someone who joined and waits for a pair gets that role's mail once paired). One query."""
    accepted = Invite.objects.filter(user=user, accepted_at__isnull=False)

    def either(pairs, role: str) -> ExpressionWrapper:
        return ExpressionWrapper(
            Q(Exists(pairs)) | Q(Exists(accepted.filter(role=role))), output_field=BooleanField()
        )

    scholar, mentor = (
        User.objects.filter(pk=user.pk)
        .values_list(
            either(Mentorship.objects.of_scholar(user), Invite.Role.SCHOLAR),
            either(user.mentorships_as_mentor.all(), Invite.Role.MENTOR),
        )
        .get()
    )
    return {role for role, has in (("scholar", scholar), ("mentor", mentor)) if has}


@require_http_methods(["GET", "POST"])
@allow_provider_forms
def settings_view(request: HttpRequest) -> HttpResponse:
    # One page, two forms: the profile, and the mail preferences (told apart by "form").
    is_mail = request.method == "POST" and request.POST.get("form") == "mail"
    is_profile = request.method == "POST" and not is_mail
    form = ProfileForm(request.POST if is_profile else None, instance=request.user)
    mail_form = MailPreferencesForm(
        request.POST if is_mail else None, instance=request.user, roles=mail_roles(request.user)
    )
    if is_profile and form.is_valid():
        form.save()
        if new_email := form.new_email:
            emails.request_change(request.user, new_email)
            messages.success(
                request,
                f"Settings saved. Open the link we mailed to {new_email} to start using it.",
            )
        else:
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
        {
            "form": form,
            "mail_form": mail_form,
            "ics_url": ics_url,
            **webhooks_context(request.user),
            **api_tokens.settings_context(request),
            **sso_settings(request),
            "slack": slack.section(request.user, mail_form),
        },
    )


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


@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    """Who you are, with links to your settings."""
    return render(request, "accounts/account.html")


@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to a new address: the signed-in owner confirms it with a click (POST), so
    a mail client that prefetches the link changes nothing. Any other account gets a 404."""
    check = emails.check_token(token, request.user)
    if check.problem == "invalid":
        raise Http404("No such confirmation link for this account.")
    if request.method == "POST" and not check.problem:
        if emails.confirm_change(request.user, check.email):
            messages.success(request, f"Your e-mail address is now {check.email}.")
            return redirect("settings")
        check = emails.Check(problem="taken")
    return render(
        request,
        "accounts/email_confirm.html",
        {"check": check, "problem": EMAIL_PROBLEMS.get(check.problem, "")},
        status=410 if check.problem else 200,
    )
