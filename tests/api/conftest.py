"""The API's tests: the security world (every role, sentinel strings) and a token per role."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.api_tokens import ApiTokenScope, create_token
from tests.security.conftest import SecurityWorld, sentinel_world, with_second_mentor


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


class ApiClient(Client):
    """A client sending one token with every request, JSON bodies as JSON."""

    def __init__(self, raw: str | None = None) -> None:
        super().__init__(headers=bearer(raw) if raw else {})
        self.raw = raw

    def patch_json(self, url: str, data: dict, **extra):
        return self.patch(url, data, content_type="application/json", **extra)


def token(user, scope: str = ApiTokenScope.READ, **kwargs) -> str:
    return create_token(user, "test", scope, **kwargs)[1]


def client_for(user, scope: str = ApiTokenScope.READ) -> ApiClient:
    return ApiClient(token(user, scope) if user is not None else None)


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """Each test counts its own requests (the rate limit lives in the cache)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sec(world) -> SecurityWorld:
    return with_second_mentor(sentinel_world(world))
