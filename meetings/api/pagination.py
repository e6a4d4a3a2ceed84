"""Cursor pagination: newest first, on (time, id), so a page never repeats or skips a row when
rows are added meanwhile. The cursor is opaque (signed: a changed one is refused with 400) and
the answer names the next page's URL in `next` and in a `Link: <…>; rel="next"` header."""

from __future__ import annotations

from datetime import datetime

from django.core import signing
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja.errors import HttpError

SALT = "api.cursor"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def _decode(cursor: str, scope: str) -> tuple[datetime, int]:
    try:
        data = signing.loads(cursor, salt=SALT)
        if data["s"] != scope:
            raise ValueError
        return datetime.fromisoformat(data["t"]), int(data["id"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as bad:
        raise HttpError(
            400, "This cursor is not one this list gave: start again without it."
        ) from bad


def _encode(when: datetime, pk: int, scope: str) -> str:
    return signing.dumps({"s": scope, "t": when.isoformat(), "id": pk}, salt=SALT, compress=True)


def page(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    field: str,
    cursor: str | None,
    limit: int,
    scope: str,
    response,
) -> tuple[list, str | None]:
    """One page of `queryset` ordered by `field` then pk, newest first: the rows, and the URL of
    the next page (None on the last). `scope` ties a cursor to its list. Sets the Link header on
    ninja's temporal `response`."""
    qs = queryset.order_by(f"-{field}", "-pk")
    if cursor:
        when, pk = _decode(cursor, scope)
        qs = qs.filter(Q(**{f"{field}__lt": when}) | Q(**{field: when, "pk__lt": pk}))
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    query = request.GET.copy()
    query["cursor"] = _encode(getattr(last, field), last.pk, scope)
    query["limit"] = str(limit)
    next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    response["Link"] = f'<{next_url}>; rel="next"'
    return rows, next_url
