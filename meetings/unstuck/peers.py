"""Peer help: a scholar shares an agenda's bottleneck with the scholars of their program, marks
it resolved (with how they got past it), and peers offer help. A stuck scholar is suggested the
peers who got past a similar bottleneck; a peer listed in "whom I asked" is told so.

Who sees what is in access.py (shared_bottlenecks_for, peer_suggestions_for, help_asked_as_peer,
peer_offer); callers look the agenda, entry or offer up through those rules first. An offer tells
the scholar in the app (a notice on their home page until dismissed) and by mail, queued in the
transaction that stores the offer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, F, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django_tasks import task

from accounts.mail import retry_later
from accounts.models import User
from meetings import access
from meetings.agendas.revisions import record_edit
from meetings.models import Agenda, HelpAsked, PeerOffer, SentReminder
from meetings.notifications import absolute
from meetings.unstuck.similarity import SIMILAR_AT, bottleneck_score

log = logging.getLogger(__name__)


def set_shared(
    agenda: Agenda, shared: bool, author: User, expected_version: int | None = None
) -> bool:
    """Share the agenda's bottleneck with the scholars of the program, or take it back.

    The one way sharing changes, from the agenda, the brief, the history or the board. Sharing
    is the scholar's consent, not part of a meeting's read-only record: it may be withdrawn
    (or given) whatever the meeting's state, and the board and the suggestions follow at once
    (access.shared_bottlenecks_for, peer_suggestions_for). The version goes up, so a tab still
    showing the old tick is refused rather than sharing again behind the scholar's back.
    `expected_version`: write only over that version (False when another was saved since).
    Kept in the revision history; never an update of the brief for the mentor, never mail.
    """
    if agenda.bottleneck_shared == shared:
        return expected_version is None or agenda.version == expected_version
    now = timezone.now()
    changes = {"bottleneck_shared": shared, "bottleneck_shared_at": now if shared else None}
    current = Agenda.objects.filter(pk=agenda.pk)
    if expected_version is not None:
        current = current.filter(version=expected_version)
    with transaction.atomic():
        if not current.update(**changes, version=F("version") + 1):
            return False
        agenda.version = Agenda.objects.values_list("version", flat=True).get(pk=agenda.pk)
        record_edit(
            agenda,
            author,
            {"bottleneck_shared": agenda.bottleneck_shared},
            {"bottleneck_shared": shared},
            agenda.version,
            now,
        )
    agenda.bottleneck_shared, agenda.bottleneck_shared_at = shared, changes["bottleneck_shared_at"]
    return True


def resolve(agenda: Agenda, resolution: str) -> None:
    """The scholar got past this bottleneck; `resolution` says how (may be empty)."""
    agenda.bottleneck_resolved_at = timezone.now()
    agenda.bottleneck_resolution = resolution
    Agenda.objects.filter(pk=agenda.pk).update(
        bottleneck_resolved_at=agenda.bottleneck_resolved_at,
        bottleneck_resolution=resolution,
    )


def reopen(agenda: Agenda) -> None:
    agenda.bottleneck_resolved_at = None
    agenda.bottleneck_resolution = ""
    Agenda.objects.filter(pk=agenda.pk).update(
        bottleneck_resolved_at=None, bottleneck_resolution=""
    )


@transaction.atomic
def offer(agenda: Agenda, author: User, kind: str, message: str) -> PeerOffer:
    """Offer help on a peer's shared bottleneck; offering again replaces the earlier offer (and
    shows it again if the scholar had dismissed it), and mails the scholar once per offer."""
    made, created = PeerOffer.objects.update_or_create(
        agenda=agenda,
        author=author,
        defaults={"kind": kind, "message": message, "dismissed_at": None},
        create_defaults={"kind": kind, "message": message},
    )
    if created:
        # With the database backend the task is a row of this transaction (notifications.py).
        send_peer_offer.enqueue(made.pk)
    return made


def dismiss(offer_: PeerOffer) -> None:
    offer_.dismissed_at = timezone.now()
    offer_.save(update_fields=["dismissed_at"])


def offers_to(user: User):
    """The offers the scholar has not dismissed yet, newest first (their home page notice)."""
    return (
        PeerOffer.objects.visible_to(user)
        .filter(agenda__meeting__mentorship__scholar=user, dismissed_at__isnull=True)
        .select_related("author", "agenda__meeting__mentorship__program")
    )


@task()
def send_peer_offer(offer_id: int, attempt: int = 1) -> bool:
    """Mail the scholar about a peer's offer, once; True when a mail went out."""
    made = (
        PeerOffer.objects.select_related("author", "agenda__meeting__mentorship__scholar")
        .filter(pk=offer_id)
        .first()
    )
    if made is None:
        return False
    meeting = made.agenda.meeting
    recipient = meeting.mentorship.scholar
    if not (recipient.email and recipient.is_active and recipient.mail_peer_offers):
        return False
    claim = SentReminder.claim(
        kind=SentReminder.Kind.PEER_OFFER,
        meeting=meeting,
        recipient=recipient,
        key=f"offer-{made.pk}",
    )
    if claim is None:
        return False
    ctx = {
        "recipient": recipient,
        "offer": made,
        "bottleneck": made.agenda.bottleneck,
        "home_url": absolute(reverse("home")),
        "settings_url": absolute(reverse("settings")),
    }
    subject = " ".join(render_to_string("mail/peer_offer_subject.txt", ctx).split())
    body = render_to_string("mail/peer_offer.txt", ctx)
    try:
        send_mail(subject, body, None, [recipient.email], fail_silently=False)
    except Exception:
        claim.delete()
        log.exception("Could not send a peer offer to %s (attempt %d)", recipient.email, attempt)
        retry_later(send_peer_offer, attempt, offer_id)
        raise
    return True


# --- Suggestions for a stuck scholar ----------------------------------------------------------

SUGGESTIONS = 3
ASK_ABOUT_CHARS = 90


@dataclass
class Suggestion:
    """A peer who got past a bottleneck similar to the scholar's: whom to ask, and about what."""

    peer: User
    agenda: Agenda  # the peer's agenda with the shared, resolved bottleneck
    score: float

    @property
    def first_name(self) -> str:
        return self.peer.name.split()[0]

    @property
    def line(self) -> str:
        """ "Ask Dana about “Gradient checkpointing on the eval jobs”": one line. Quoted: the
        peer's words, however they phrased them."""
        return f"Ask {self.first_name} about “{ask_about(self.agenda)}”"


def ask_about(agenda: Agenda) -> str:
    """How the peer got past it, or else their bottleneck, shortened to one line."""
    text = " ".join((agenda.bottleneck_resolution or agenda.bottleneck).split())
    return Truncator(text.rstrip(".")).chars(ASK_ABOUT_CHARS)


def suggestions(
    agenda: Agenda, bottleneck: str | None = None, limit: int = SUGGESTIONS, viewer=None
) -> list[Suggestion]:
    """Up to `limit` peers of the agenda's program who shared a bottleneck similar to this one
    (`bottleneck`: text to test instead of the saved one) and marked it resolved, best first,
    one per peer. `viewer`: the agenda's scholar (the request's user), fetched if not given.
    One query for the candidates; the similarity is scored in Python (similarity.py)."""
    text = agenda.bottleneck if bottleneck is None else bottleneck
    if not text.strip():
        return []
    mentorship = agenda.meeting.mentorship
    viewer = viewer if viewer is not None else mentorship.scholar
    candidates = Agenda.objects.filter(
        access.peer_suggestions_for(viewer, mentorship.program_id)
    ).select_related("meeting__mentorship__scholar")
    best: dict[int, Suggestion] = {}
    for candidate in candidates:
        score = bottleneck_score(text, candidate.bottleneck)
        if score < SIMILAR_AT:
            continue
        peer = candidate.meeting.mentorship.scholar
        found = best.get(peer.pk)
        if found is None or (score, candidate.bottleneck_resolved_at) > (
            found.score,
            found.agenda.bottleneck_resolved_at,
        ):
            best[peer.pk] = Suggestion(peer=peer, agenda=candidate, score=score)
    ranked = sorted(
        best.values(), key=lambda s: (-s.score, -s.agenda.bottleneck_resolved_at.timestamp())
    )
    return ranked[:limit]


# --- "You were asked": the peer named in a scholar's "whom I asked" ----------------------------


def asked_as_peer(user: User):
    """The entries naming the user as a peer asked that they have not dismissed, newest first
    (their home page notice), each with `on_board`: the asker's bottleneck is on the peer board
    the user may see, so the notice may link to it. Only the asker's name and the date are ever
    shown from an entry, never its outcome nor the bottleneck."""
    on_board = access.shared_bottlenecks_for(user, None, prefix="agenda__")
    return (
        HelpAsked.objects.filter(access.help_asked_as_peer(user), peer_dismissed_at__isnull=True)
        .annotate(on_board=Case(When(on_board, then=True), default=False))
        .select_related(
            "agenda__meeting__mentorship__scholar", "agenda__meeting__mentorship__program"
        )
        .order_by("-created_at", "-pk")
    )


def dismiss_asked(entry: HelpAsked) -> None:
    entry.peer_dismissed_at = timezone.now()
    HelpAsked.objects.filter(pk=entry.pk).update(peer_dismissed_at=entry.peer_dismissed_at)
