"""A program's people page: who is in it, whom this staff member may delete, its invitations,
and the form that invites someone new."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from config.ids import parse_id

from .. import invites
from ..deletion import deletable_by
from ..forms import InviteForm, PairForm
from ..models import Invite, Mentorship, Program, User

INVITATIONS_SHOWN = 200


def _people(program: Program, viewer: User) -> list[dict]:
    """The program's scholars and mentors with their roles, and whom `viewer` may delete."""
    mentorships = Mentorship.objects.filter(program=program).select_related("scholar", "mentor")
    roles: dict[int, dict] = {}
    for m in mentorships:
        for person, role in ((m.scholar, "scholar"), (m.mentor, "mentor")):
            entry = roles.setdefault(person.pk, {"user": person, "roles": set()})
            entry["roles"].add(role)
    deletable = set(
        deletable_by(viewer, program).filter(pk__in=list(roles)).values_list("pk", flat=True)
    )
    people = sorted(roles.values(), key=lambda e: (e["user"].name.lower(), e["user"].pk))
    for entry in people:
        entry["roles"] = sorted(entry["roles"])
        entry["deletable"] = entry["user"].pk in deletable
    return people


def _unpaired(program: Program) -> list[dict]:
    """People who accepted an invitation as scholar or mentor and have no active pair here."""
    paired = Mentorship.objects.filter(program=program, active=True)
    accepted = (
        program.invites.filter(
            accepted_at__isnull=False, role__in=[Invite.Role.SCHOLAR, Invite.Role.MENTOR]
        )
        .exclude(user_id__in=paired.values("scholar_id"))
        .exclude(user_id__in=paired.values("mentor_id"))
        .select_related("user")
        .order_by("accepted_at")
    )
    people: dict[int, dict] = {}
    for invite in accepted:
        entry = people.setdefault(
            invite.user_id, {"user": invite.user, "roles": set(), "since": invite.accepted_at}
        )
        entry["roles"].add(invite.role)
    rows = sorted(people.values(), key=lambda e: (e["user"].name.lower(), e["user"].pk))
    for entry in rows:
        entry["roles"] = sorted(entry["roles"])
    return rows


def _proposed(program: Program) -> list[dict]:
    """Pairs waiting for acceptance, with the names of those who have not accepted yet."""
    pending = program.pending_mentorships.select_related("scholar", "mentor").prefetch_related(
        "invites__user"
    )
    return [
        {
            "pair": p,
            "waiting": [
                i.user.name
                for i in sorted(p.invites.all(), key=lambda i: i.role != Invite.Role.SCHOLAR)
                if not i.is_accepted
            ],
        }
        for p in pending.order_by("-created_at")
    ]


def _propose(request: HttpRequest, program: Program, form: PairForm) -> bool:
    """Create the pairing invitations; False (with the reason on the form) when refused."""
    data = form.cleaned_data
    try:
        pending = invites.propose_pair(
            program, data["scholar"], data["mentor"], data["cadence_days"], request.user
        )
    except invites.PairProblem as problem:
        form.add_error(None, str(problem))
        return False
    messages.success(
        request,
        f"Invitations sent to {pending.scholar.name} and {pending.mentor.name}: they start "
        "meeting once both accept.",
    )
    return True


@require_http_methods(["GET", "POST"])
def program_people(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(Program.objects.staffed_by(request.user), slug=slug)
    # Two forms on one page, told apart by "form": an invitation, or a proposed pair.
    is_pair = request.method == "POST" and request.POST.get("form") == "pair"
    form = InviteForm(request.POST if request.method == "POST" and not is_pair else None)
    pair_form = PairForm(
        program,
        request.POST if is_pair else None,
        initial={
            "scholar": parse_id(request.GET.get("scholar")),
            "mentor": parse_id(request.GET.get("mentor")),
        },
    )
    if is_pair and pair_form.is_valid() and _propose(request, program, pair_form):
        return redirect(reverse("program_people", args=[program.slug]) + "#proposed")
    if request.method == "POST" and not is_pair and form.is_valid():
        email, role = form.cleaned_data["email"], form.cleaned_data["role"]
        member, roles = invites.roles_in_program(program, email)
        if role in roles:
            # Already there in that role: another invitation would only confuse them.
            held = ", ".join(invites.ROLE_WORDS[r] for r in roles)
            messages.info(
                request,
                f"{member.name} ({member.email}) is already a member of {program.name} as {held}. "
                "No invitation was sent.",
            )
            return redirect("program_people", slug=program.slug)
        invite = invites.invite_person(program, email, role, request.user)
        if invite.is_accepted:
            messages.info(request, f"{invite.email} already joined as {invite.get_role_display()}.")
        elif roles:
            held = ", ".join(invites.ROLE_WORDS[r] for r in roles)
            messages.success(
                request,
                f"Invitation sent to {invite.email}, already {held} in {program.name}, "
                f"to join as {invites.ROLE_WORDS[role]} too.",
            )
        else:
            messages.success(request, f"Invitation sent to {invite.email}.")
        return redirect("program_people", slug=program.slug)
    invitations = (
        program.invites.select_related("user")
        .prefetch_related("pending_mentorships__scholar", "pending_mentorships__mentor")
        .order_by("accepted_at", "-created_at")
    )
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
            "invitations": invitations[:INVITATIONS_SHOWN],
            "invite_count": invitations.count(),
            "query": query,
            "expiry_days": settings.INVITE_EXPIRY_DAYS,
            "people": _people(program, request.user),
            "pair_form": pair_form,
            "unpaired": _unpaired(program),
            "proposed": _proposed(program),
        },
    )
