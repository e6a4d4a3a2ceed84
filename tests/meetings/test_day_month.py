"""The report's and the growth page's dates come from `day_month`, a cheaper stand-in for
Django's `date:"j M Y"` / `date:"j M"`: it must write exactly what Django's filter writes, in
the reader's time zone, for datetimes and dates alike."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

TEMPLATE = Template(
    '{% load mentorprep %}{{ v|date:"j M Y" }}|{{ v|day_month }}|{{ v|date:"j M" }}|'
    "{{ v|day_month:False }}"
)
VALUES = [
    None,
    "",
    date(2026, 9, 3),
    datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # already 1 Jan 2027 in Auckland
    *(datetime(2026, month, 1, 1, 0, tzinfo=UTC) for month in range(1, 13)),
]


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/Los_Angeles"])
@pytest.mark.parametrize("value", VALUES)
def test_day_month_writes_what_the_date_filter_writes(zone, value):
    with timezone.override(zone):
        django_long, ours_long, django_short, ours_short = TEMPLATE.render(
            Context({"v": value})
        ).split("|")
    assert ours_long == django_long
    assert ours_short == django_short
