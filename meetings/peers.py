"""Peer help: a scholar shares an agenda's bottleneck with the scholars of their program, marks
it resolved (with how they got past it), and peers offer help.

Who sees what is in access.py (shared_bottlenecks_for, peer_offer); callers look the agenda or
offer up through those rules first. An offer tells the scholar in the app (a notice on their
home page until dismissed) and by mail, queued in the transaction that stores the offer.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.mail import retry_later
from accounts.models import User

from .models import Agenda, PeerOffer, SentReminder
from .notifications import absolute

log = logging.getLogger(__name__)


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
    try:
        with transaction.atomic():
            claim = SentReminder.objects.create(
                kind=SentReminder.Kind.PEER_OFFER,
                meeting=meeting,
                recipient=recipient,
                key=f"offer-{made.pk}",
            )
    except IntegrityError:
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
