"""The growth signals in the end-of-program report: the scholar's every part but their energy;
a mentor the parts the scholar shares on their growth page; the PDF the same, with the charts
drawn by the same stylesheet and without the page's disclosures."""

import pytest
from django.urls import reverse

from meetings import pdf
from meetings.models import GrowthSharing

from .report_data import add_meetings, share_report

PARTS = ["part-leading", "part-unstuck", "part-reading", "part-peers"]
ENERGY = "Energy at each check-in"


def _html(client, scholar, name="report") -> str:
    response = client.get(reverse(name, args=[scholar.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def shared(world):
    add_meetings(world, 3)
    world.agenda.wellbeing_energy = 2
    world.agenda.save()
    share_report(world.scholar)
    return world


def test_the_scholars_report_has_every_growth_part_but_the_energy(shared):
    html = _html(shared.client_for(shared.scholar), shared.scholar)
    assert 'id="h-growth"' in html
    for title in ("Words per brief", "Decision first", "Stuck streaks", "Readings per week"):
        assert title in html, title
    assert ENERGY not in html
    # the same energy is on the scholar's own growth page: the test can fail
    assert ENERGY in _html(shared.client_for(shared.scholar), shared.scholar, "growth")


def test_a_mentor_sees_no_growth_until_a_part_is_shared(shared):
    html = _html(shared.client_for(shared.mentor), shared.scholar)
    assert 'id="h-growth"' not in html and "Words per brief" not in html


def test_a_mentor_sees_the_shared_parts_only(shared):
    GrowthSharing.objects.filter(scholar=shared.scholar).update(reading=True)
    html = _html(shared.client_for(shared.mentor), shared.scholar)
    assert 'id="h-growth"' in html and "Readings per week" in html
    assert "Words per brief" not in html and "Stuck streaks" not in html and ENERGY not in html


def test_the_pdf_draws_the_charts_without_the_disclosures(shared):
    from meetings.growth.views import _context

    request = type("R", (), {"user": shared.scholar})()
    html = pdf.report_html(_context(request, shared.scholar.pk))
    assert "Words per brief" in html and 'class="gchart"' in html
    assert ".gchart .bar" in html  # the charts' stylesheet is inlined
    assert "<details" not in html and ENERGY not in html
