"""Invitations: staff re-send one; the invited person accepts it (sets a password, lands logged
in, or, with an account already, joins with a click while signed in to that account)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .. import invites, sso
from ..forms import AcceptInviteForm
from ..models import Program

PROBLEMS = {
    "expired": "This invitation link has expired.",
    # The same words whoever the link was for: no hint about accounts or addresses.
    "used": "This invitation link was already used.",
    "replaced": "A newer invitation was sent to you: use the link in the latest e-mail.",
    "invalid": "This invitation link is not valid.",
}


@require_POST
def invite_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_object_or_404(Program.objects.staffed_by(request.user), slug=slug)
    invite = get_object_or_404(program.invites.filter(accepted_at__isnull=True), pk=pk)
    invites.send_invite(invite)
    messages.success(
        request, f"Invitation sent again to {invite.email}; older links no longer work."
    )
    return redirect("program_people", slug=program.slug)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@sso.allow_provider_forms
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    check = invites.check_token(token)
    if check.invite is None:
        return render(
            request,
            "accounts/invite_invalid.html",
            {"problem": PROBLEMS[check.problem]},
            status=410 if check.problem in ("expired", "used", "replaced") else 404,
        )
    invite = check.invite
    user = invite.user
    if sso.has_sign_in(user):
        # Someone who already has an account: only its owner, signed in, may accept; holding the
        # link is not enough. Accepting takes a click (POST), so a mail client that prefetches
        # the link does not accept it.
        if not request.user.is_authenticated:
            messages.info(request, "Log in to accept the invitation.")
            return redirect_to_login(request.get_full_path())
        if request.user != user:
            return render(
                request,
                "accounts/invite_accept.html",
                {"invite": invite, "other": True},
                status=403,
            )
        if request.method == "POST":
            invites.accept(invite)
            messages.success(
                request,
                f"You accepted the pairing in {invite.program.name}."
                if invite.pairing
                else f"You joined {invite.program.name}.",
            )
            return redirect("home")
        return render(
            request,
            "accounts/invite_accept.html",
            {"invite": invite, "existing": True, "pending": invites.pair_of(invite)},
        )
    # A program that requires its provider's sign-in offers no password: the buttons only.
    sso_only = invite.program.require_sso and bool(sso.buttons(request))
    form = AcceptInviteForm(user, request.POST or None)
    if request.method == "POST" and not sso_only and form.is_valid():
        form.save()
        invites.accept(invite)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to {invite.program.name}, {user.name}.")
        return redirect("home")
    return render(
        request,
        "accounts/invite_accept.html",
        {
            "form": None if sso_only else form,
            "sso_only": sso_only,
            "invite": invite,
            "pending": invites.pair_of(invite),
        },
    )
