"""Changing one's e-mail address: the new address takes effect only when the link mailed to it
is opened by the same person, signed in.

Invitations and the CSV import find people by address, so an address nobody proved to own would
let someone receive another person's invitation. The link is signed (django.core.signing) and
carries the user, the new address and a digest of the current address and password hash: once
the address or the password changes, or a newer change is asked for, older links stop working.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django_tasks import task

from accounts.mail import retry_later

from .models import User

log = logging.getLogger(__name__)

SALT = "mentorprep.email-change"
EXPIRY_DAYS = 3
TAKEN = "Another account already uses this e-mail address."


def address_taken(email: str, by_other_than: User | None = None) -> bool:
    others = User.objects.filter(email__iexact=email)
    if by_other_than is not None:
        others = others.exclude(pk=by_other_than.pk)
    return others.exists()


def _digest(user: User) -> str:
    return salted_hmac(SALT, f"{user.email}\n{user.password}").hexdigest()[:24]


def make_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.pending_email, "d": _digest(user)}, salt=SALT)


def confirm_link(user: User) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("email_confirm", args=[make_token(user)])


def request_change(user: User, new_email: str) -> None:
    """Remember the new address and mail it the link; the current address stays in use."""
    with transaction.atomic():
        user.pending_email = new_email
        user.save(update_fields=["pending_email"])
        mail_email_change.enqueue(user.pk, new_email)


@dataclass
class Check:
    email: str = ""
    problem: str = ""  # "", "invalid", "expired", "outdated", "taken"


def check_token(token: str, user: User) -> Check:
    """What the link would set for `user`; any other account gets "invalid"."""
    try:
        data = signing.loads(token, salt=SALT, max_age=EXPIRY_DAYS * 24 * 3600)
    except signing.SignatureExpired:
        return Check(problem="expired")
    except signing.BadSignature:
        return Check(problem="invalid")
    if not isinstance(data, dict) or data.get("u") != user.pk:
        return Check(problem="invalid")
    email = data.get("e") or ""
    if email != user.pending_email or not constant_time_compare(data.get("d", ""), _digest(user)):
        return Check(problem="outdated")
    if address_taken(email, by_other_than=user):
        return Check(problem="taken")
    return Check(email=email)


def confirm_change(user: User, email: str) -> bool:
    """Make the checked address the user's; False when another account took it meanwhile."""
    user.email, user.pending_email = email, ""
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "pending_email"])
    except IntegrityError:
        user.refresh_from_db(fields=["email", "pending_email"])
        return False
    return True


@task()
def mail_email_change(user_id: int, new_email: str, attempt: int = 1) -> bool:
    """Mail the confirmation link; nothing when a newer change replaced this one. True when a
    mail went out."""
    user = User.objects.filter(pk=user_id, pending_email=new_email).first()
    if user is None:
        return False
    body = (
        f"Hello {user.name},\n\nSomeone (we hope you) asked to use this address for the "
        f"mentorprep account {user.username}.\n\n"
        f"Open this link, signed in to that account, to confirm it (it expires in "
        f"{EXPIRY_DAYS} days):\n{confirm_link(user)}\n\n"
        "If it was not you, ignore this mail: nothing changes.\n"
    )
    try:
        send_mail("Confirm your new e-mail address on mentorprep", body, None, [new_email])
    except Exception:
        log.exception("Could not send the address confirmation to user %s", user_id)
        retry_later(mail_email_change, attempt, user_id, new_email)
        raise  # the worker records this attempt as failed, with its traceback
    return True
