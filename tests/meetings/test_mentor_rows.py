"""The mentor list's rows, built in Python (issue 5), are exactly what the template loop they
replaced rendered: same markup, same escaping, times in the viewer's zone, every branch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from meetings.views.home import mentor_rows_html

# The loop of templates/meetings/home.html before issue 5's benchmark work, verbatim.
OLD_LOOP = """    {% for row in as_mentor %}
      <tr>
        <td><strong>{{ row.scholar_name }}</strong></td>
        <td>{% if row.next_at %}{{ row.next_at|date:"D j M, H:i" }}{% else %}<span class="muted">none planned</span>{% endif %}</td>
        <td><span class="badge status-{{ row.status_slug }}">{{ row.status }}</span>{% if row.read_at %} <small class="muted">{{ row.read_at|date:"j M, H:i" }}</small>{% endif %}</td>
        <td>{{ row.open_items }}</td>
        <td>{% if row.days_since is not None %}{{ row.days_since }} days{% else %}<span class="muted">never met</span>{% endif %}</td>
        <td class="links">
          {% if row.next_at %}<a href="{{ row.brief_url }}">Brief</a> <a href="{{ row.move_url }}">Move</a>{% else %}<a href="{{ series_url }}?mentorship={{ row.mentorship_id }}">Schedule</a>{% endif %}
          <a href="{{ row.history_url }}">History</a>
        </td>
      </tr>
    {% endfor %}
"""  # noqa: E501


def _row(**extra) -> dict:
    at = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    row = {
        "mentorship_id": 7,
        "scholar_name": "Ada <b>Lovelace</b> & co",
        "next_at": at,
        "read_at": at - timedelta(hours=20),
        "status": "submitted",
        "status_slug": "submitted",
        "open_items": 3,
        "days_since": 12,
        "brief_url": "/meetings/12/brief/",
        "move_url": "/meetings/12/move/",
        "history_url": "/scholars/4/history/",
    }
    return row | extra


ROWS = [
    _row(),
    _row(next_at=None, read_at=None, status="no meeting planned", status_slug="no-meeting-planned"),
    _row(read_at=None, days_since=None, open_items=0, status="not started"),
    _row(days_since=0, open_items=1200, scholar_name='"Quoted" O\'Brien'),
]


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/Los_Angeles"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_it_builds_the_rows_the_template_rendered(zone, language):
    series_url = "/meetings/series/new/"
    with timezone.override(zone), translation.override(language):
        old = Template(OLD_LOOP).render(Context({"as_mentor": ROWS, "series_url": series_url}))
        new = "    " + mentor_rows_html(ROWS, series_url) + "\n"
    assert new == old
    assert "Ada &lt;b&gt;Lovelace&lt;/b&gt; &amp; co" in new


def test_it_builds_nothing_for_no_rows():
    assert mentor_rows_html([], "/x/") == ""
