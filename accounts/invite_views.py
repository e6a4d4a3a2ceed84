"""Onboarding a cohort: create a program, invite people by e-mail, import mentorships from CSV,
and accept an invitation (set a password, land logged in)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import importers, invites
from .deletion_views import program_people_entries
from .forms import ImportForm, InviteForm, ProgramForm
from .models import Program, User

PROBLEMS = {
    "expired": "This invitation link has expired.",
    # issue 6: the same words whoever the link was for (no hint about accounts or addresses)
    "used": "This invitation link was already used.",
    "replaced": "A newer invitation was sent to you: use the link in the latest e-mail.",
    "invalid": "This invitation link is not valid.",
}


def _staffed_program(request: HttpRequest, slug: str) -> Program:
    return get_object_or_404(Program.objects.staffed_by(request.user), slug=slug)


def can_create_programs(user: User) -> bool:
    return user.is_authenticated and (user.is_staff or user.is_program_staff())


@login_required
@require_http_methods(["GET", "POST"])
def program_new(request: HttpRequest) -> HttpResponse:
    if not can_create_programs(request.user):
        raise Http404("Only program staff create programs.")
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        program = form.save()
        program.staff.add(request.user)
        messages.success(request, f"Program “{program.name}” created. Invite its people next.")
        return redirect("program_people", slug=program.slug)
    return render(request, "accounts/program_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def program_people(request: HttpRequest, slug: str) -> HttpResponse:
    program = _staffed_program(request, slug)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invite = invites.invite_person(
            program, form.cleaned_data["email"], form.cleaned_data["role"], request.user
        )
        if invite.is_accepted:
            messages.info(request, f"{invite.email} already joined as {invite.get_role_display()}.")
        else:
            messages.success(request, f"Invitation sent to {invite.email}.")
        return redirect("program_people", slug=program.slug)
    invitations = program.invites.select_related("user").order_by("accepted_at", "-created_at")
    query = (request.GET.get("q") or "").strip()
    if query:
        invitations = invitations.filter(
            Q(email__icontains=query) | Q(user__username__icontains=query)
        )
    return render(
        request,
        "accounts/program_people.html",
        {
            "program": program,
            "form": form,
            "invitations": invitations[:200],
            "invite_count": invitations.count(),
            "query": query,
            "expiry_days": settings.INVITE_EXPIRY_DAYS,
            # issue 6: who is in the program, and whom this staff member may delete
            "people": program_people_entries(program, request.user),
        },
    )


@login_required
@require_POST
def invite_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _staffed_program(request, slug)
    invite = get_object_or_404(program.invites.filter(accepted_at__isnull=True), pk=pk)
    invites.send_invite(invite)
    messages.success(
        request, f"Invitation sent again to {invite.email}; older links no longer work."
    )
    return redirect("program_people", slug=program.slug)


@never_cache
@require_http_methods(["GET", "POST"])
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
    if user.has_usable_password():
        # Someone who already has an account: the invitation only added a role. Accepting takes
        # a click (POST), so a mail client that prefetches the link does not accept it.
        if request.method == "POST":
            invites.accept(invite)
            messages.info(request, f"You joined {invite.program.name}. Log in with your password.")
            return redirect("login")
        return render(request, "accounts/invite_accept.html", {"invite": invite, "existing": True})
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        invites.accept(invite)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to {invite.program.name}, {user.name}.")
        return redirect("home")
    return render(request, "accounts/invite_accept.html", {"form": form, "invite": invite})


@login_required
@require_http_methods(["GET", "POST"])
def mentorship_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Preview (dry run) first; the import button re-sends the same rows and writes them."""
    program = _staffed_program(request, slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    plan = None
    content = ""
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["content"]
        plan = importers.parse(program, content)
        if request.POST.get("action") == "import" and plan.ok:
            created = importers.apply(program, plan, request.user)
            messages.success(
                request,
                f"Imported {created} mentorship{'s' if created != 1 else ''}; "
                f"invited {len(plan.new_people)} new {'people' if len(plan.new_people) != 1 else 'person'}.",
            )
            return redirect("cadence", slug=program.slug)
    return render(
        request,
        "accounts/mentorship_import.html",
        {"program": program, "form": form, "plan": plan, "content": content},
    )
