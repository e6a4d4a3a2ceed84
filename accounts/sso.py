"""Signing in with the university or Google (django-allauth): who may, and to which account.

There is no open sign-up. A provider's sign-in reaches an account only when
  - the account is already linked to that provider's account (by the provider's `sub`, so a
    changed address at the provider keeps reaching the same account and never another one), or
  - the provider vouches for the address (`email_verified` true) and that address is the
    confirmed e-mail of exactly one account here, which is a member (it has a password or
    accepted an invitation), or is accepting its invitation right now.
Everything else gets the same page: ask your program's staff for an invitation.

Addresses are compared case-insensitively after Unicode canonical normalisation (NFC): the same
letters typed as one code point or as a letter and an accent match. Compatibility forms
(fullwidth letters, ligatures, superscripts…: those NFKC changes) never match anything, and an
address that another account also holds in some form (its confirmed or pending address, in any
case or Unicode form, NFKC case-folded) links nothing: it is not clear whose it is.
"""

from __future__ import annotations

import unicodedata
import zoneinfo
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse

from . import invites
from .models import Invite, Program, User

# --- Addresses ----------------------------------------------------------------------------------


def strict_key(address: str) -> str | None:
    """The form two addresses must share to be the same address: NFC, lower case. None for an
    address with compatibility characters (fullwidth letters and the like), which match nothing."""
    address = (address or "").strip()
    if not address:
        return None
    nfc = unicodedata.normalize("NFC", address)
    if unicodedata.normalize("NFKC", address) != nfc:
        return None
    return nfc.lower()


def loose_key(address: str) -> str:
    """A wider sameness, for refusing: NFKC and case-folded (fullwidth "ａ" is "a" here)."""
    return unicodedata.normalize("NFKC", (address or "").strip()).casefold()


def holders(address: str) -> set[int]:
    """The accounts holding `address` in any form, as their confirmed or pending address.

    Compared in Python, not by the database: SQLite's and PostgreSQL's case-insensitive lookups
    differ outside ASCII, and neither normalises Unicode. One pass over the addresses, at a
    sign-in with a new provider only (a linked sign-in is found by its `sub`)."""
    wanted = loose_key(address)
    found = set()
    rows = User.objects.exclude(email="", pending_email="").values_list(
        "pk", "email", "pending_email"
    )
    for pk, email, pending in rows.iterator(chunk_size=2000):
        if (email and loose_key(email) == wanted) or (pending and loose_key(pending) == wanted):
            found.add(pk)
    return found


def sole_owner(address: str) -> User | None:
    """The one account whose confirmed address is `address` (strictly), when no other account
    holds it in any form; else None."""
    key = strict_key(address)
    if key is None:
        return None
    ids = holders(address)
    if len(ids) != 1:
        return None
    user = User.objects.filter(pk__in=ids).first()
    if user is None or strict_key(user.email) != key:
        return None  # held only as a pending address, or only in another form
    return user


def verified_address(sociallogin: SocialLogin) -> str | None:
    """The provider's address when it says it verified it (`email_verified` true)."""
    for address in sociallogin.email_addresses:
        if address.verified and address.email:
            return address.email
    return None


# --- Accounts -----------------------------------------------------------------------------------


def is_member(user: User) -> bool:
    """An account someone already signs in to: a password, an accepted invitation or a link."""
    return (
        user.has_usable_password()
        or Invite.objects.filter(user=user, accepted_at__isnull=False).exists()
        or SocialAccount.objects.filter(user=user).exists()
    )


def sso_programs(user: User):
    """The programs requiring sign-in through a provider that `user` is a member of: staff,
    scholar or mentor, or joined by an accepted invitation."""
    if user is None or not user.pk:
        return Program.objects.none()
    return (
        Program.objects.filter(require_sso=True)
        .filter(
            Q(staff=user)
            | Q(mentorships__scholar=user)
            | Q(mentorships__mentor=user)
            | Q(invites__user=user, invites__accepted_at__isnull=False)
        )
        .distinct()
    )


def password_is_a_way_in(user: User) -> bool:
    """A password lets in unless a program of the person's requires a (configured) provider."""
    if not user.has_usable_password():
        return False
    return not (get_social_adapter().list_apps(None) and sso_programs(user).exists())


@dataclass
class Link:
    account: SocialAccount
    provider_name: str
    email: str
    removable: bool


def claim(account: SocialAccount, name: str) -> str:
    """One claim the provider gave at the latest sign-in (userinfo, else the id token)."""
    data = account.extra_data or {}
    data = data.get("userinfo") or data.get("id_token") or data
    return str(data.get(name) or "")


def account_email(account: SocialAccount) -> str:
    return claim(account, "email")


def provider_name(request: HttpRequest, provider_id: str) -> str:
    try:
        return get_social_adapter().get_provider(request, provider_id).name
    except Exception:  # a provider no longer configured: its id is all we know
        return provider_id


def links(request: HttpRequest, user: User) -> list[Link]:
    accounts = list(SocialAccount.objects.filter(user=user).order_by("date_joined", "pk"))
    removable = len(accounts) > 1 or password_is_a_way_in(user)
    return [
        Link(a, provider_name(request, a.provider), account_email(a), removable) for a in accounts
    ]


class LastWayIn(Exception):
    pass


LAST_WAY_IN = "This is your only way to sign in: link another sign-in before removing it."


def remove_link(user: User, account_id: int) -> SocialAccount:
    """Unlink one of `user`'s provider sign-ins, unless it is the last way in."""
    with transaction.atomic():
        # Locks the user's row: two removals at once cannot both see "another way in".
        User.objects.select_for_update().filter(pk=user.pk).first()
        account = SocialAccount.objects.get(user=user, pk=account_id)
        others = SocialAccount.objects.filter(user=user).exclude(pk=account.pk).exists()
        if not others and not password_is_a_way_in(user):
            raise LastWayIn(LAST_WAY_IN)
        account.delete()
    return account


# --- Providers and their buttons ----------------------------------------------------------------


@dataclass
class Button:
    provider_id: str
    name: str
    url: str


def buttons(request: HttpRequest) -> list[Button]:
    """The configured providers, in the order of their configuration."""
    providers = get_social_adapter().list_providers(request)
    return [Button(p.sub_id, p.name, p.get_login_url(request)) for p in providers]


def provider_origins(request: HttpRequest) -> list[str]:
    """Where the sign-in buttons' forms lead (CSP form-action follows their redirect)."""
    origins = []
    for app in get_social_adapter().list_apps(request):
        if app.provider == "google":
            origins.append("https://accounts.google.com")
        elif server_url := (app.settings or {}).get("server_url"):
            parts = urlsplit(server_url)
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


def allow_provider_forms(view):
    """A page with sign-in buttons lets its forms lead on to the providers (CSP form-action)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if origins := provider_origins(request):
            response._csp_update = {"form-action": origins}
        return response

    return wrapped


# --- The time zone of a person accepting through a provider -------------------------------------

# The invitation page's buttons carry the zone its password form would have saved (the browser's,
# filled in by static/js/timezone.js, or the one chosen in its list); it waits in the session
# while the person is at the provider.
TIME_ZONE_KEY = "sso_time_zone"


def known_zone(value: str) -> str:
    """`value` when it is a time zone we know, else ""."""
    return value if value in zoneinfo.available_timezones() else ""


def remember_time_zone(view):
    """A provider's start view keeps the zone its button sent (a known one only) for the return."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST":
            zone = known_zone(request.POST.get("time_zone", ""))
            if zone:
                request.session[TIME_ZONE_KEY] = zone
            else:
                request.session.pop(TIME_ZONE_KEY, None)
        return view(request, *args, **kwargs)

    return wrapped


# --- The rules, as allauth's adapters ------------------------------------------------------------


def refused(request: HttpRequest, status: int = 403) -> HttpResponse:
    return render(request, "accounts/sso/refused.html", status=status)


def _invite_in(next_url: str | None) -> Invite | None:
    """The invitation being accepted, when the sign-in started from its page."""
    if not next_url:
        return None
    try:
        match = resolve(urlsplit(next_url).path)
    except Resolver404:
        return None
    if match.url_name != "invite_accept":
        return None
    return invites.check_token(match.kwargs.get("token", "")).invite


def has_sign_in(user: User) -> bool:
    """An account with a way in already: it accepts invitations signed in, not by the link."""
    return user.has_usable_password() or SocialAccount.objects.filter(user=user).exists()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def list_apps(self, request, provider=None, client_id=None) -> list:
        """The providers of the environment (settings) only, never database rows: the login
        page asks no query of them, and what signs people in is in one place."""
        from allauth.socialaccount.adapter import _build_apps_from_settings

        apps = _build_apps_from_settings(provider=provider, client_id=client_id)
        return [app for provider_apps in apps.values() for app in provider_apps]

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return False

    def get_connect_redirect_url(self, request, socialaccount) -> str:
        return reverse("settings") + "#sign-in-methods"

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        # Our own page for a failed or cancelled sign-in, whatever the reason: nothing linked.
        page = render(
            request, "accounts/sso/error.html", {"cancelled": error == "cancelled"}, status=400
        )
        raise ImmediateHttpResponse(page)

    def pre_social_login(self, request, sociallogin) -> None:
        process = sociallogin.state.get("process")
        # Taken whatever follows: a zone is for this sign-in only, never a later one.
        zone = known_zone(request.session.pop(TIME_ZONE_KEY, ""))
        if sociallogin.is_existing:
            # Linked by the provider's own id: the same account as before, whatever the address
            # says now (allauth refuses to link it to a second account).
            return
        address = verified_address(sociallogin)
        if process == AuthProcess.CONNECT:
            owner = sole_owner(address) if address else None
            if owner is None or owner.pk != request.user.pk:
                messages.error(
                    request,
                    "That account could not be linked: its provider must confirm the same "
                    "e-mail address as your account here.",
                )
                raise ImmediateHttpResponse(
                    HttpResponseRedirect(self.get_connect_redirect_url(request, None))
                )
            return  # allauth links it to the signed-in account
        invite = _invite_in(sociallogin.state.get("next"))
        if invite is not None and not has_sign_in(invite.user):
            self._accept_invitation(request, sociallogin, invite, address, zone)
            return
        owner = sole_owner(address) if address else None
        if owner is None or not owner.is_active or not is_member(owner):
            raise ImmediateHttpResponse(refused(request))
        _link(request, sociallogin, owner)

    def _accept_invitation(
        self, request, sociallogin, invite: Invite, address: str | None, zone: str = ""
    ):
        owner = sole_owner(address) if address else None
        if (
            owner is None
            or owner.pk != invite.user_id
            or strict_key(invite.email) != strict_key(address)
            or not owner.is_active
        ):
            raise ImmediateHttpResponse(refused(request))
        with transaction.atomic():
            if not owner.display_name and (name := claim(sociallogin.account, "name")):
                owner.display_name = name[:120]  # what the password form would have asked
            if zone:
                owner.time_zone = zone  # as the password form saves it; else it stays as it was
            if _link(request, sociallogin, owner):  # saves the user, then links
                invites.accept(invite)
            # else a sign-in at the same moment linked the account and accepted the invitation
        sociallogin.state["next"] = reverse("home")
        messages.success(request, f"Welcome to {invite.program.name}, {owner.name}.")


def _link(request: HttpRequest, sociallogin: SocialLogin, owner: User) -> bool:
    """Link the provider's account to `owner`. True when this sign-in made the link; False when
    another sign-in with the same provider account, at the same moment, made it first (both
    found no link; the database lets one row per provider `sub` in): this one then signs in with
    that link. A link to any other account is refused, as the sign-in would have been."""
    try:
        with transaction.atomic():
            sociallogin.connect(request, owner)
    except IntegrityError:
        existing = (
            SocialAccount.objects.select_related("user")
            .filter(provider=sociallogin.account.provider, uid=sociallogin.account.uid)
            .first()
        )
        if existing is None or existing.user_id != owner.pk:
            raise ImmediateHttpResponse(refused(request)) from None
        sociallogin.account = existing
        sociallogin.user = existing.user
        return False
    return True


class AccountAdapter(DefaultAccountAdapter):
    """allauth's account side does only what a provider sign-in needs: no sign-up, our login."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def login(self, request, user) -> None:
        # The model backend, by name: allauth would otherwise pick the first backend, axes'.
        user.backend = "django.contrib.auth.backends.ModelBackend"
        super().login(request, user)

    def respond_user_inactive(self, request, user) -> HttpResponse:
        return refused(request)


# --- Password login for programs that require a provider --------------------------------------


class PasswordLoginForm(AuthenticationForm):
    """The login form, refusing a member of a program that requires a provider's sign-in.

    Only once the password was right: the answer for a wrong password or an unknown username is
    the usual one, so nothing tells whether an account exists."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        request = self.request
        configured = [b.name for b in buttons(request)]
        if not configured:
            return  # no provider to send them to: a password is the only way in
        programs = list(sso_programs(user).values_list("name", flat=True))
        if not programs:
            return
        linked = [provider_name(request, a.provider) for a in user.socialaccount_set.all()]
        names = [name for name in linked if name in configured] or configured
        use = " or ".join(f"“Sign in with {name}”" for name in names)
        raise ValidationError(
            f"{', '.join(programs)} asks its members to sign in with their university or Google "
            f"account, not a password: use {use} below.",
            code="sso_required",
        )
