"""Getting unstuck: whom the scholar asked, and peers' offers of help."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import User
from meetings import access
from meetings.models.agendas import Agenda
from meetings.models.choices import HelpAskedKind, PeerOfferKind


class PeerOfferQuerySet(models.QuerySet["PeerOffer"]):
    def visible_to(self, user: User) -> PeerOfferQuerySet:
        return self.filter(access.peer_offer(user))


class PeerOffer(models.Model):
    """A scholar's offer to a peer whose bottleneck is on the program's board: only the two of
    them ever see it (README, "Who sees what")."""

    Kind = PeerOfferKind

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="peer_offers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_offers_made"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TALK)
    message = models.CharField("Message (optional)", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    objects = PeerOfferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["agenda", "author"], name="one_offer_per_peer")
        ]

    def __str__(self) -> str:
        return f"{self.author} offers help on agenda {self.agenda_id}"


class HelpAsked(models.Model):
    """Someone the scholar asked about their bottleneck before the meeting, and what came of it.

    Part of the agenda (editable while the meeting is planned); a peer in the program is linked
    so that the only thing that peer may ever learn is that they were asked (README, "Who sees what")."""

    Kind = HelpAskedKind

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="help_asked")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField("Person or channel", max_length=120, blank=True)
    outcome = models.CharField("What came of it", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The peer asked hides the "you were asked" notice on their home page (peers.py).
    peer_dismissed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "help asked"

    def __str__(self) -> str:
        return self.label

    @property
    def who(self) -> str:
        """The person or channel as the scholar's agenda names them."""
        if self.kind == self.Kind.PEER and self.peer_id:
            return self.peer.name
        if self.kind == self.Kind.MENTOR and not self.name:
            return "my mentor"
        return self.name

    @property
    def label(self) -> str:
        """ "Dana (peer)", "#interp-help (forum)": one entry on a history line."""
        short = {"peer": "peer", "mentor": "mentor", "outside": "outside", "forum": "forum"}
        return f"{self.who} ({short[self.kind]})"
