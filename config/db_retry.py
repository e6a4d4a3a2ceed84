"""Reads survive a database restart: a GET or HEAD that failed because the connection went away
is tried once more, on a new connection, after a short wait.

Only reads: a write that failed may or may not have been committed, so it is never sent twice
(the person sees the "back in a moment" page and decides). Only once: during a longer outage the
person gets that page after one extra wait rather than a request that hangs.

The failure is recognised by the answer accounts.errors.server_error gives for a lost database
(503 with Retry-After): this middleware is the outermost one, so every inner middleware (the
session, the user) runs again on the retry, on the fresh connection. It relies on the
connection health checks (CONN_HEALTH_CHECKS, on in config/settings.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connections
from django.http import HttpRequest, HttpResponse

RETRY_AFTER_SECONDS = 1.0
READS = frozenset({"GET", "HEAD"})


def database_lost(response: HttpResponse) -> bool:
    return response.status_code == 503 and response.has_header("Retry-After")


class RetryReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in READS and database_lost(response):
            for connection in connections.all(initialized_only=True):
                # As at the start of a request: the retry's first query checks the connection
                # (CONN_HEALTH_CHECKS) and opens a new one if the old one is gone.
                connection.health_check_done = False
            time.sleep(RETRY_AFTER_SECONDS)
            response = self.get_response(request)
        return response
