"""Object ids from addresses and forms: plain ASCII digits that fit the database's integers.

`str.isdigit()` accepts "²" and "٣", which `int()` then refuses or reads as another number, and
`int()` accepts any length, which PostgreSQL refuses for a bigint column. Eighteen digits always
fit a signed 64-bit integer, far beyond any id this database will hand out.
"""

from __future__ import annotations

import re

from django.urls import register_converter

ID_PATTERN = "[0-9]{1,18}"
_ID = re.compile(ID_PATTERN)


def parse_id(value: str | None) -> int | None:
    """The id written in `value`, or None when it is not one."""
    if value is None or not _ID.fullmatch(value):
        return None
    return int(value)


class IdConverter:
    """`<id:pk>` in a URL: an address with anything else in that place is not found (404)."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
