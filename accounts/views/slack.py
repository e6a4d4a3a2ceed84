"""Settings → Slack: connect (a code by direct message), confirm with the code, choose per kind
of notice between mail, Slack or both, disconnect. Every view answers 404 while the site has no
Slack bot token: nothing Slack appears anywhere then."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import slack
from ..models import SlackConnection, User

# The kinds of notice Slack can carry, in the order of the table, as the preferences name them
# (User.mail_<name>, SlackConnection.slack_<name>).
LABELS = {
    "brief_submitted": "A scholar submits or updates a brief",
    "brief_reminder": "24 h before a meeting, a brief I have not opened",
    "recap_confirm": "My scholar wrote a recap for me to confirm",
    "agenda_reminder": "48 h before a meeting, my agenda not submitted",
    "peer_asked": "A peer lists me under “whom I asked”",
    "meeting_changes": "A meeting is scheduled, moved or cancelled",
}
WAYS = [("off", "Off"), ("mail", "Mail"), ("slack", "Slack"), ("both", "Both")]


class CodeForm(forms.Form):
    code = forms.CharField(max_length=20, label="Code from the Slack message")


class ChoicesForm(forms.Form):
    """One choice per kind of notice the person can get (their mail options decide which)."""

    def __init__(self, *args, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for name in names:
            self.fields[name] = forms.ChoiceField(choices=WAYS, label=LABELS[name])


def _way(mail: bool, by_slack: bool) -> str:
    return {(False, False): "off", (True, False): "mail", (False, True): "slack"}.get(
        (mail, by_slack), "both"
    )


def _names(mail_form) -> list[str]:
    """The kinds shown: those of the person's mail options that Slack can carry."""
    shown = {name.removeprefix("mail_") for name in mail_form.fields}
    return [name for name in LABELS if name in shown]


def section(user: User, mail_form) -> dict:
    """The Slack part of the Settings page (templates/accounts/settings/slack.html)."""
    if not slack.configured():
        return {"shown": False}
    connection = SlackConnection.objects.filter(user=user).first()
    if connection is None and not _names(mail_form):
        # Nothing Slack could bring them (staff only, say): no offer to connect for nothing.
        return {"shown": False}
    rows = []
    if connection is not None and connection.is_confirmed:
        for name in _names(mail_form):
            way = _way(getattr(user, f"mail_{name}"), getattr(connection, f"slack_{name}"))
            rows.append({"name": name, "label": LABELS[name], "way": way})
    return {
        "shown": True,
        "connection": connection,
        "rows": rows,
        "ways": WAYS,
        "code_form": CodeForm(),
    }


def _back() -> HttpResponse:
    return redirect(reverse("settings") + "#slack")


def _require_configured() -> None:
    if not slack.configured():
        raise Http404("Slack is not set up on this site.")


@require_POST
def connect(request: HttpRequest) -> HttpResponse:
    _require_configured()
    try:
        slack.start(request.user)
    except slack.SlackProblem as problem:
        messages.error(request, str(problem))
    else:
        messages.success(
            request, "We sent you a code by direct message in Slack: type it below to confirm."
        )
    return _back()


@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    _require_configured()
    form = CodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Type the code from the Slack message.")
        return _back()
    try:
        slack.confirm(request.user, form.cleaned_data["code"])
    except slack.SlackProblem as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Slack connected. Choose below what comes by Slack.")
    return _back()


@require_POST
def disconnect(request: HttpRequest) -> HttpResponse:
    _require_configured()
    slack.disconnect(request.user)
    messages.success(request, "Slack disconnected: nothing more will be sent there.")
    return _back()


@require_POST
def choices(request: HttpRequest) -> HttpResponse:
    """Save the table: each kind off, by mail, by Slack or both."""
    from ..forms import MailPreferencesForm
    from .settings import mail_roles  # the settings page's own rule for which options show

    _require_configured()
    user = request.user
    connection = SlackConnection.objects.filter(user=user, confirmed_at__isnull=False).first()
    if connection is None:
        messages.error(request, "Connect Slack first.")
        return _back()
    names = _names(MailPreferencesForm(instance=user, roles=mail_roles(user)))
    form = ChoicesForm(request.POST, names=names)
    if not form.is_valid():
        messages.error(request, "Choose off, mail, Slack or both for each kind of notice.")
        return _back()
    for name in names:
        way = form.cleaned_data[name]
        setattr(user, f"mail_{name}", way in ("mail", "both"))
        setattr(connection, f"slack_{name}", way in ("slack", "both"))
    with transaction.atomic():
        user.save(update_fields=[f"mail_{name}" for name in names])
        connection.save(update_fields=[f"slack_{name}" for name in names])
    messages.success(request, "Notice choices saved.")
    return _back()
