"""Who calls the API: a personal access token (accounts/api_tokens.py) sent as
`Authorization: Bearer <token>`, and how often it may call.

The token's owner becomes `request.user` for the operation, so every lookup goes through the
same querysets and rules (meetings/access.py) as the pages. The rate limit counts requests per
token in fixed windows in the Django cache (shared between processes when the cache is).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import Throttled
from ninja.security import HttpBearer

from accounts import api_tokens
from accounts.api_tokens import ApiToken


class TokenAuth(HttpBearer):
    """Bearer personal access tokens; the owner's time zone for the request (as the pages)."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = api_tokens.authenticate(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found
        check_rate(found)
        timezone.activate(found.user.zone)  # UserTimezoneMiddleware deactivates it afterwards
        return found


def check_rate(token: ApiToken) -> None:
    """Throttled (429, Retry-After) past API_RATE_LIMIT requests in API_RATE_WINDOW seconds.
    Fixed windows: add() starts one, incr() counts atomically in the cache."""
    limit, window = settings.API_RATE_LIMIT, settings.API_RATE_WINDOW
    now = time.time()
    start = int(now // window) * window
    key = f"api-rate:{token.pk}:{start}"
    if cache.add(key, 1, timeout=window + 1):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, timeout=window + 1)
        return
    if count > limit:
        raise Throttled(wait=int(start + window - now) + 1)


def require_write(request: HttpRequest) -> None:
    """A write needs a token with the `write` scope (403 otherwise, before any lookup)."""
    if not request.auth.can_write:
        raise PermissionDenied("This token has the read scope: writes need a `write` token.")
