"""The program's peer board: the bottlenecks its scholars chose to share, and their offers of
help to each other.

Only the program's scholars see the board (access.shared_bottlenecks_for); an offer is seen by
the scholar it was made to and the peer who made it (access.peer_offer); a "you were asked"
notice by the peer named (access.help_asked_as_peer). Everyone else: 404.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import Program, User
from meetings import access
from meetings.forms import form_problem
from meetings.htmx import part_or_redirect
from meetings.models import Agenda, HelpAsked, PeerOffer
from meetings.redirects import safe_next
from meetings.unstuck import peers
from meetings.unstuck.forms import PeerOfferForm, ResolveForm

BOARD_TEMPLATE = "meetings/unstuck/peer_board.html"


def _program_for_scholar(user: User, slug: str) -> Program:
    program = get_object_or_404(Program, slug=slug)
    if not access.is_scholar_in(user, program):
        raise Http404("The peer board is for the program's scholars.")
    return program


def _board_entries(user: User, program: Program):
    """The shared bottlenecks the user may see, each with the offers the user may see on it."""
    offers = PeerOffer.objects.visible_to(user).select_related("author").order_by("created_at")
    return (
        Agenda.objects.filter(access.shared_bottlenecks_for(user, program))
        .select_related("meeting__mentorship__scholar")
        .prefetch_related(Prefetch("peer_offers", queryset=offers, to_attr="visible_offers"))
        .order_by("bottleneck_resolved_at", "-bottleneck_shared_at", "-pk")
    )


def _decorate(entry: Agenda, user: User) -> Agenda:
    entry.is_mine = entry.meeting.mentorship.scholar_id == user.pk
    entry.my_offer = next((o for o in entry.visible_offers if o.author_id == user.pk), None)
    return entry


def _entry_response(
    request: HttpRequest, program: Program, pk: int, announce: str = "", error: str = ""
) -> HttpResponse:
    """htmx: the one entry again; otherwise back to the board at that entry."""

    def context() -> dict:
        entry = get_object_or_404(_board_entries(request.user, program), pk=pk)
        return {
            "program": program,
            "entry": _decorate(entry, request.user),
            "offer_form": PeerOfferForm(),
            "resolve_form": ResolveForm(),
            "announce": announce,
            "error": error,
        }

    return part_or_redirect(
        request,
        BOARD_TEMPLATE,
        "entry",
        context,
        url=reverse("peer_board", args=[program.slug]),
        anchor=f"b{pk}",
        message=announce,
        error=error,
    )


@require_http_methods(["GET"])
def peer_board(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program_for_scholar(request.user, slug)
    entries = [_decorate(e, request.user) for e in _board_entries(request.user, program)]
    return render(
        request,
        BOARD_TEMPLATE,
        {
            "program": program,
            "entries": entries,
            "weeks": access.PEER_BOARD_WEEKS,
            "offer_form": PeerOfferForm(),
            "resolve_form": ResolveForm(),
        },
    )


@require_POST
def peer_offer_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _program_for_scholar(request.user, slug)
    agenda = get_object_or_404(
        Agenda.objects.filter(access.shared_bottlenecks_for(request.user, program))
        .exclude(meeting__mentorship__scholar=request.user)
        .select_related("meeting__mentorship"),
        pk=pk,
    )
    form = PeerOfferForm(request.POST)
    if not form.is_valid():
        error = form_problem(form, "Choose what you offer: solved something like it, or a talk.")
        return _entry_response(request, program, agenda.pk, error=error)
    peers.offer(agenda, request.user, form.cleaned_data["kind"], form.cleaned_data["message"])
    name = agenda.meeting.mentorship.scholar.name
    return _entry_response(request, program, agenda.pk, announce=f"{name} is told of your offer.")


@require_POST
def bottleneck_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """The scholar marks their shared bottleneck resolved (with how), or open again."""
    agenda = get_object_or_404(
        Agenda.objects.filter(
            meeting__mentorship__scholar=request.user, bottleneck_shared=True
        ).select_related("meeting__mentorship__program"),
        pk=pk,
    )
    program = agenda.meeting.mentorship.program
    if request.POST.get("action") == "reopen":
        peers.reopen(agenda)
        return _entry_response(request, program, agenda.pk, announce="Marked as open again.")
    form = ResolveForm(request.POST)
    if not form.is_valid():
        error = form_problem(form, "Say in one line how you got past it, or leave it empty.")
        return _entry_response(request, program, agenda.pk, error=error)
    peers.resolve(agenda, form.cleaned_data["resolution"])
    return _entry_response(request, program, agenda.pk, announce="Marked as resolved.")


SHARE_TEMPLATE = "meetings/unstuck/_share_control.html"


@require_POST
@vary_on_headers("HX-Request")
def bottleneck_share(request: HttpRequest, pk: int) -> HttpResponse:
    """The scholar shares their agenda's bottleneck with the program's scholars, or takes it
    back, from the brief, the history or the board, whatever the meeting's state (the agenda
    page's tick box goes through the same function, peers.set_shared)."""
    agenda = get_object_or_404(
        Agenda.objects.filter(access.bottleneck_sharing(request.user)).select_related("meeting"),
        pk=pk,
    )
    back = safe_next(request) or reverse("brief", args=[agenda.meeting_id])
    shared = request.POST.get("shared") == "1"
    if shared and not agenda.bottleneck.strip():
        error = "There is no bottleneck to share: name it on the agenda first."
        return part_or_redirect(
            request,
            SHARE_TEMPLATE,
            "share",
            {"agenda": agenda, "next": back, "announce": error},
            url=back,
            error=error,
        )
    peers.set_shared(agenda, shared, request.user)
    if not shared:
        announce = "Taken off the peer board: your peers no longer see this bottleneck."
    elif agenda.is_submitted:
        announce = "Shared: the scholars of your program see this bottleneck on the peer board."
    else:
        announce = "Shared once you submit: then the scholars of your program see it."
    return part_or_redirect(
        request,
        SHARE_TEMPLATE,
        "share",
        {"agenda": agenda, "next": back, "announce": announce},
        url=back,
        message=announce,
    )


@require_POST
def peer_offer_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(
        PeerOffer.objects.visible_to(request.user).filter(
            agenda__meeting__mentorship__scholar=request.user
        ),
        pk=pk,
    )
    peers.dismiss(offer)
    return part_or_redirect(
        request,
        "meetings/unstuck/_peer_offers.html",
        "peer-offers",
        lambda: {"peer_offers": list(peers.offers_to(request.user)), "announce": "Dismissed."},
        url=reverse("home"),
        message="Offer dismissed.",
    )


@require_POST
def asked_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """The peer hides a "<scholar> listed you as someone they asked" notice."""
    entry = get_object_or_404(
        HelpAsked.objects.filter(access.help_asked_as_peer(request.user)), pk=pk
    )
    peers.dismiss_asked(entry)
    return part_or_redirect(
        request,
        "meetings/unstuck/_you_were_asked.html",
        "you-were-asked",
        lambda: {
            "asked_as_peer": list(peers.asked_as_peer(request.user)),
            "announce": "Dismissed.",
        },
        url=reverse("home"),
        message="Notice dismissed.",
    )
