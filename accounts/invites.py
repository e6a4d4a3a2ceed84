"""Invitations: create invited users, send the link by mail, and check the link's token.

The token is signed with the project's SECRET_KEY (django.core.signing) and carries the
invitation's id and how many times it was sent: re-sending makes older links invalid, accepting
makes every link invalid (single use), and the timestamp makes it expire after
settings.INVITE_EXPIRY_DAYS days.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.mail import retry_later

from .models import Invite, Mentorship, PendingMentorship, Program, User

log = logging.getLogger(__name__)

SALT = "mentorprep.invite"


def expiry_seconds() -> int:
    return settings.INVITE_EXPIRY_DAYS * 24 * 3600


def make_token(invite: Invite) -> str:
    return signing.dumps({"i": invite.pk, "n": invite.send_count}, salt=SALT)


@dataclass
class TokenCheck:
    invite: Invite | None
    problem: str = ""  # "", "invalid", "expired", "used", "replaced"


def check_token(token: str) -> TokenCheck:
    try:
        data = signing.loads(token, salt=SALT, max_age=expiry_seconds())
    except signing.SignatureExpired:
        return TokenCheck(None, "expired")
    except signing.BadSignature:
        return TokenCheck(None, "invalid")
    invite = (
        Invite.objects.select_related("user", "program").filter(pk=data.get("i")).first()
        if isinstance(data, dict)
        else None
    )
    if invite is None:
        return TokenCheck(None, "invalid")
    if invite.is_accepted:
        return TokenCheck(None, "used")
    if data.get("n") != invite.send_count:
        return TokenCheck(None, "replaced")
    return TokenCheck(invite)


def unique_username(email: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", email.split("@")[0])[:140] or "user"
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {t.lower() for t in taken}
    if base.lower() not in taken:
        return base
    n = 2
    while f"{base}{n}".lower() in taken:
        n += 1
    return f"{base}{n}"


def user_for_email(email: str) -> tuple[User, bool]:
    """The account with this e-mail, or a new one that can only log in after accepting."""
    existing = User.objects.filter(email__iexact=email).order_by("pk").first()
    if existing is not None:
        return existing, False
    user = User(username=unique_username(email), email=email)
    user.set_unusable_password()
    user.save()
    return user, True


def invite_link(invite: Invite) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("invite_accept", args=[make_token(invite)])


def send_invite(invite: Invite) -> None:
    """(Re-)send the invitation: a new link replaces the previous one.

    The mail is queued in the same transaction and sent by the worker, so a slow or failing mail
    server neither slows the page nor loses the invitation.
    """
    with transaction.atomic():
        invite.send_count += 1
        invite.sent_at = timezone.now()
        invite.save(update_fields=["send_count", "sent_at"])
        mail_invite.enqueue(invite.pk, invite.send_count)


@task()
def mail_invite(invite_id: int, send_count: int, attempt: int = 1) -> bool:
    """Mail the link of this sending; nothing when a newer sending replaced it or it was
    accepted meanwhile. True when a mail went out."""
    invite = (
        Invite.objects.select_related("program", "user", "invited_by")
        .filter(pk=invite_id, send_count=send_count, accepted_at__isnull=True)
        .first()
    )
    if invite is None:
        return False
    link = invite_link(invite)
    inviter = invite.invited_by.name if invite.invited_by else "The program staff"
    if invite.pairing:
        return _mail_pair_invite(invite, link, inviter, attempt, send_count)
    body = render_to_string("mail/invite.txt", {**_sign_in_words(invite), "link": link})
    try:
        send_mail(
            f"You are invited to {invite.program.name} on mentorprep",
            body,
            None,
            [invite.email],
        )
    except Exception:
        log.exception("Could not send the invitation %s (attempt %d)", invite.pk, attempt)
        retry_later(mail_invite, attempt, invite_id, send_count)
        raise  # the worker records this attempt as failed, with its traceback
    return True


ROLE_WORDS = {
    Invite.Role.SCHOLAR: "scholar",
    Invite.Role.MENTOR: "mentor",
    Invite.Role.STAFF: "program staff",
}


def roles_in_program(program: Program, email: str) -> tuple[User | None, list[str]]:
    """The account with this address and the roles it already holds in the program (as
    Invite.Role values): a party to a mentorship, staff, or an accepted invitation."""
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        return None, []
    roles = set(
        program.invites.filter(user=user, accepted_at__isnull=False).values_list("role", flat=True)
    )
    pairs = Mentorship.objects.filter(program=program).filter(
        models.Q(scholar=user) | models.Q(mentor=user)
    )
    for scholar_id in pairs.values_list("scholar_id", flat=True):
        roles.add(Invite.Role.SCHOLAR if scholar_id == user.pk else Invite.Role.MENTOR)
    if program.is_staffed_by(user):
        roles.add(Invite.Role.STAFF)
    return user, [r for r in Invite.Role.values if r in roles]


def pair_of(invite: Invite) -> PendingMentorship | None:
    """The proposed pair a pairing invitation is for (None once it started or was removed)."""
    return (
        invite.pending_mentorships.select_related("scholar", "mentor", "program").first()
        if invite.pairing
        else None
    )


def _sign_in_words(invite: Invite) -> dict:
    """What the invitation mail says about signing in: the configured providers by name, and
    whether the program accepts only them (no password), as the invitation's page does."""
    from allauth.socialaccount.adapter import get_adapter  # sso imports this module

    providers = [app.name or app.provider for app in get_adapter().list_apps(None)]
    return {
        "invite": invite,
        "inviter": invite.invited_by.name if invite.invited_by else "The program staff",
        "expiry_days": settings.INVITE_EXPIRY_DAYS,
        "providers": " or ".join(providers),
        "sso_only": bool(providers) and invite.program.require_sso,
    }


def _mail_pair_invite(invite: Invite, link: str, inviter: str, attempt: int, send_count: int):
    pending = pair_of(invite)
    if pending is None:
        return False
    ctx = {**_sign_in_words(invite), "pending": pending, "link": link}
    try:
        send_mail(
            " ".join(render_to_string("mail/pair_invite_subject.txt", ctx).split()),
            render_to_string("mail/pair_invite.txt", ctx),
            None,
            [invite.email],
        )
    except Exception:
        log.exception("Could not send the pairing invitation %s (attempt %d)", invite.pk, attempt)
        retry_later(mail_invite, attempt, invite.pk, send_count)
        raise
    return True


class PairProblem(Exception):
    """A pair staff may not propose; the message says why, for the page."""


def propose_pair(
    program: Program, scholar: User, mentor: User, cadence_days: int, invited_by: User | None
) -> PendingMentorship:
    """Staff propose that two people already in the program meet: each gets an invitation to
    this pair, and the mentorship starts when both accept (`accept`). Nothing is granted before."""
    if scholar.pk == mentor.pk:
        raise PairProblem("The scholar and the mentor must be two different people.")
    if Mentorship.objects.filter(program=program, scholar=scholar, mentor=mentor).exists():
        raise PairProblem(f"{scholar.name} and {mentor.name} are already a pair in {program.name}.")
    if PendingMentorship.objects.filter(program=program, scholar=scholar, mentor=mentor).exists():
        raise PairProblem(
            f"{scholar.name} and {mentor.name} were already invited to pair: re-send their "
            "invitations below if needed."
        )
    for person in (scholar, mentor):
        if not person.email:
            raise PairProblem(f"{person.name} has no e-mail address to send the invitation to.")
    try:
        with transaction.atomic():
            pending = PendingMentorship.objects.create(
                program=program, scholar=scholar, mentor=mentor, cadence_days=cadence_days
            )
            for person, role in ((scholar, Invite.Role.SCHOLAR), (mentor, Invite.Role.MENTOR)):
                invite = Invite.objects.create(
                    program=program,
                    user=person,
                    email=person.email,
                    role=role,
                    invited_by=invited_by,
                    pairing=True,
                )
                pending.invites.add(invite)
                send_invite(invite)
    except IntegrityError as race:  # the same pair proposed twice at once: one wins
        raise PairProblem(
            f"{scholar.name} and {mentor.name} were already invited to pair."
        ) from race
    return pending


def invite_person(program: Program, email: str, role: str, invited_by: User | None) -> Invite:
    """Create (or reuse) the person and the invitation, and send it. Nothing is granted before
    the person accepts (see `accept`).

    An invitation that was already accepted is returned as it is, without sending mail.
    """
    with transaction.atomic():
        user, _created = user_for_email(email)
        invite, _ = Invite.objects.get_or_create(
            program=program,
            user=user,
            role=role,
            pairing=False,
            defaults={"email": email, "invited_by": invited_by},
        )
        if not invite.is_accepted:
            send_invite(invite)
    return invite


def accept(invite: Invite) -> None:
    """The invited person said yes: grant the role, and start the imported pairs that waited
    only for this acceptance."""
    with transaction.atomic():
        invite.accepted_at = timezone.now()
        invite.save(update_fields=["accepted_at"])
        if invite.role == Invite.Role.STAFF:
            invite.program.staff.add(invite.user)
        for pending in invite.pending_mentorships.select_related("program"):
            if pending.invites.filter(accepted_at__isnull=True).exists():
                continue
            Mentorship.objects.get_or_create(
                program=pending.program,
                scholar_id=pending.scholar_id,
                mentor_id=pending.mentor_id,
                defaults={
                    "cadence_days": pending.cadence_days,
                    "started_on": max(pending.program.starts_on, timezone.localdate()),
                },
            )
            pending.delete()
