"""The dashboard's figure cells, built in Python (issue 5), against the template they replaced."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from meetings.cadence import CadenceRow, WeekCell
from tests.factories import MentorshipFactory

# templates/meetings/_cadence_cells.html as it was, rendered per row through {% include %}.
OLD_CELLS = """{# One mentorship's figures: the cadence table and the staff summaries share these cells. #}
{% load mentorprep %}<td>{{ r.mentorship.cadence_days }} d</td>
      <td>{{ r.held_4w }} <small class="muted">/ {{ r.expected_4w }}</small></td>
      <td>{{ r.held_8w }} <small class="muted">/ {{ r.expected_8w }}</small></td>
      <td>{{ r.held_total }} <small class="muted">/ {{ r.expected_total }}</small></td>
      <td>{% if r.days_since_last is not None %}{{ r.days_since_last }}{% else %}<span class="muted">never</span>{% endif %}</td>
      <td>{{ r.on_time_share|percent }}</td>
      <td>{{ r.opened_share|percent }}</td>
      <td>{{ r.open_items }}</td>
      <td>{% if r.overdue %}<span class="badge danger">overdue</span>{% endif %} {% if r.unprepared %}<span class="badge warning">unprepared</span>{% endif %} {% if r.unread %}<span class="badge warning">unread</span>{% endif %}{% if not r.mentorship.active %}<span class="badge">ended</span>{% endif %}</td>
      <td>{% if r.mentorship.next_meeting_at %}{{ r.mentorship.next_meeting_at|date:"j M" }}{% else %}<span class="muted">none</span>{% endif %}</td>
"""  # noqa: E501

OLD_GRID = (
    "{% for c in r.weeks %}"
    '<td><span class="wk wk-{{ c.state }}" title="{{ c.label }}" aria-label="{{ c.label }}"'
    ' role="img">{{ c.symbol }}</span></td>{% endfor %}'
)


def _row(m, **kw) -> CadenceRow:
    figures = {
        "held_4w": 3,
        "expected_4w": 4.0,
        "held_8w": 7,
        "expected_8w": 8.0,
        "held_total": 1234,
        "expected_total": 12.9,
        "days_since_last": 3,
        "on_time_share": 0.75,
        "open_items": 2,
        "overdue": False,
        "briefs": 4,
        "briefs_read_before": 3,
    }
    figures.update(kw)
    return CadenceRow(mentorship=m, **figures)


@pytest.mark.parametrize(
    ("figures", "active", "next_at"),
    [
        ({}, True, datetime(2026, 3, 20, 23, 30, tzinfo=UTC)),
        ({"overdue": True, "on_time_share": 0.25, "briefs_read_before": 1}, True, None),
        ({"days_since_last": None, "on_time_share": None, "briefs": 0}, False, None),
        (
            {"overdue": True, "days_since_last": 0, "expected_total": 0.0, "held_total": 0},
            False,
            datetime(2026, 12, 31, 23, 0, tzinfo=UTC),
        ),
        ({"on_time_share": 0.5, "briefs": 2, "briefs_read_before": 1, "open_items": 0}, True, None),
    ],
)
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "Pacific/Auckland"])
def test_it_builds_the_same_cells_as_the_template_did(db, figures, active, next_at, zone):
    m = MentorshipFactory(cadence_days=14, active=active)
    m.next_meeting_at = next_at
    row = _row(m, **figures)
    with timezone.override(zone):
        assert str(row.cells_html) == Template(OLD_CELLS).render(Context({"r": row}))


@pytest.mark.parametrize("language", ["en-us", "de", "fr"])
@pytest.mark.parametrize("thousands", [False, True])
def test_it_formats_numbers_and_dates_as_the_template_did(db, settings, language, thousands):
    settings.USE_THOUSAND_SEPARATOR = thousands
    m = MentorshipFactory(cadence_days=14)
    m.next_meeting_at = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
    row = _row(m, expected_total=1234.5, held_total=12345)
    with translation.override(language):
        assert str(row.cells_html) == Template(OLD_CELLS).render(Context({"r": row}))


def test_it_builds_the_same_week_cells_as_the_template_did(db):
    m = MentorshipFactory()
    weeks = [
        WeekCell.of(date(2026, 3, 2), {}),
        WeekCell.of(date(2026, 3, 9), {"held": 1}),
        WeekCell.of(date(2026, 3, 16), {"held": 1, "cancelled": 2, "missed": 1, "planned": 1}),
        WeekCell.of(date(2026, 3, 23), {"planned": 1}),
        WeekCell.of(date(2026, 3, 30), {"cancelled": 1}),
    ]
    row = _row(m, weeks=weeks)
    assert str(row.grid_html) == Template(OLD_GRID).render(Context({"r": row}))
    assert 'title="Week of 16 Mar: 1 held, 2 cancelled, 1 missed, 1 planned"' in row.grid_html


# The dashboard's two row loops as they were in templates/meetings/cadence.html.
OLD_TABLE_ROW = """
    <tr class="{% if r.overdue %}is-overdue{% endif %}">
      <td><a href="{{ r.scholar_url }}">{{ r.mentorship.scholar.name }}</a></td>
      <td><a href="{{ r.mentor_url }}">{{ r.mentorship.mentor.name }}</a></td>
      {{ r.cells_html }}
    </tr>
  """
OLD_GRID_ROW = """
    <tr>
      <th scope="row" class="small">{{ r.mentorship.scholar.name }} · {{ r.mentorship.mentor.name }}</th>
      {{ r.grid_html }}
    </tr>
  """  # noqa: E501


@pytest.mark.parametrize("overdue", [False, True])
def test_it_builds_the_same_rows_as_the_template_did_and_escapes_names(db, overdue):
    m = MentorshipFactory(
        scholar__display_name='<b>Ada & "Bo"</b>', mentor__display_name="O'Neil <i>"
    )
    m.next_meeting_at = None
    row = _row(
        m,
        overdue=overdue,
        scholar_url="/p/x/scholar/1/?a=1&b=2",
        mentor_url="/p/x/mentor/2/",
        weeks=[WeekCell.of(date(2026, 3, 9), {"held": 1})],
    )
    context = Context({"r": row})
    assert str(row.table_row_html) == Template(OLD_TABLE_ROW).render(context)
    assert str(row.grid_row_html) == Template(OLD_GRID_ROW).render(context)
    assert (
        "<b>Ada" not in row.table_row_html
        and "&lt;b&gt;Ada &amp; &quot;Bo&quot;" in row.table_row_html
    )
