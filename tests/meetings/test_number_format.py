"""One number format for every figure on every page (the `number` filter, meetings/charts.py
number): a whole number without ".0", one decimal otherwise, "—" for none; and words around
every figure, never a bare "3 / 4.0"."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from meetings import charts
from meetings.unstuck.streaks import TimelineLine
from tests.factories import HelpAskedFactory, ReadingEntryFactory


@pytest.mark.parametrize(
    ("value", "text"),
    [(4.0, "4"), (4, "4"), (14.44, "14.4"), (112.5, "112.5"), (3.96, "4"), (0, "0"), (0.05, "0.1")],
)
def test_a_figure_is_whole_without_a_point_zero_else_one_decimal(value, text):
    assert charts.number(value) == text
    assert Template("{% load mentorprep %}{{ v|number }}").render(Context({"v": value})) == text


def test_no_figure_is_a_dash():
    assert Template("{% load mentorprep %}{{ v|number }}").render(Context({"v": None})) == "—"


def _rows_html(html: str) -> str:
    return html[html.index("<table") : html.index("</table>")]


def test_the_cadence_table_says_held_of_expected_without_a_point_zero(world):
    html = world.client_for(world.staff).get(reverse("cadence", args=["winter"])).content.decode()
    rows = _rows_html(html)
    assert re.search(r"0 <small class=\"muted\">of \d+(\.\d)? expected</small>", rows)
    assert not re.search(r"\d\.0\b", rows)
    assert "/ " not in rows


def test_the_staff_summary_writes_its_figures_in_words(world):
    ReadingEntryFactory(scholar=world.scholar, takeaway="x")
    ReadingEntryFactory(scholar=world.scholar, takeaway="")
    url = reverse("scholar_summary", args=["winter", world.scholar.pk])
    html = world.client_for(world.staff).get(url).content.decode()
    assert (
        'Readings logged</span><strong>2 <small class="muted">readings, 1 with a takeaway' in html
    )
    figures = html[html.index('class="summary-figures"') : html.index("Upcoming meetings")]
    figures = re.sub(r"<svg.*?</svg>", "", figures, flags=re.S)  # coordinates, not figures
    assert not re.search(r"\d\.0\b", figures)
    assert re.search(r"of \d+(\.\d)? expected", figures)


def test_a_help_line_says_how_many_people_before_naming_them(world):
    asked = [HelpAskedFactory(agenda=world.agenda, kind="outside", name="Kim")]
    line = TimelineLine(agenda=world.agenda, streak=None, asked=asked)
    assert line.help_line == "asked 1 person: Kim (outside)"
    asked.append(HelpAskedFactory(agenda=world.agenda, kind="forum", name="#help", position=1))
    assert line.help_line == "asked 2 people: Kim (outside), #help (forum)"
