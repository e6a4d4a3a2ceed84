"""The "My growth" page (views/growth.py): the scholar sees every part and their energy trend;
a mentor of theirs only the parts the scholar shared, never the energy; anyone else a 404.
The sharing form saves with and without htmx, and no input makes it fail."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import GrowthSharing, Meeting
from tests.factories import (
    GrowthSharingFactory,
    HelpAskedFactory,
    MeetingFactory,
    MeetingOutcomeFactory,
    MentorshipFactory,
    QuestionFactory,
    ReadingEntryFactory,
    SubmittedAgendaFactory,
)

ALL_PARTS = {"leading": True, "unstuck": True, "reading": True, "peers": True, "report": True}
ENERGY_MARKS = ['id="part-energy"', "Energy at each check-in", "at the latest check-in"]


def _page(client, scholar):
    return client.get(reverse("growth", args=[scholar.pk]))


def _share(scholar, **parts):
    return GrowthSharingFactory(scholar=scholar, **parts)


@pytest.fixture
def data(world):
    """Held briefs with every kind of data, and a check-in energy (the scholar's alone)."""
    world.agenda.wellbeing_energy = 2
    world.agenda.wellbeing_note = "SECRET-WB-NOTE"
    world.agenda.save()
    _held(world.mentorship, 7)
    ReadingEntryFactory(scholar=world.scholar, title="SECRET-READING", takeaway="x")
    return world


def _held(pair, days_ago: int):
    meeting = MeetingFactory(
        mentorship=pair,
        scheduled_at=timezone.now() - timedelta(days=days_ago),
        status=Meeting.Status.HELD,
    )
    agenda = SubmittedAgendaFactory(meeting=meeting, decision="SECRET-DECISION", wellbeing_energy=4)
    QuestionFactory(agenda=agenda, status="discussed")
    HelpAskedFactory(agenda=agenda, kind="outside", name="SECRET-ASKED")
    MeetingOutcomeFactory(meeting=meeting, answer="yes", comment="SECRET-COMMENT")
    return agenda


def test_it_shows_the_scholar_every_part_their_energy_and_the_sharing_form(data):
    response = _page(data.client_for(data.scholar), data.scholar)
    assert response.status_code == 200
    html = response.content.decode()
    for part in ("leading", "unstuck", "reading", "peers", "energy"):
        assert f'id="part-{part}"' in html
    assert "Nothing is shared." in html
    assert 'action="/me/growth/sharing/"' in html and "My end-of-program report" in html
    assert "1 of 2 briefs opened with a decision." in html
    assert 'role="img"' in html and "<title>" in html and "<table" in html


def test_it_never_shows_a_text_only_figures(data):
    html = _page(data.client_for(data.scholar), data.scholar).content.decode()
    for secret in ("SECRET-BOTTLENECK", "SECRET-QUESTION", "SECRET-DECISION", "SECRET-ASKED",
                   "SECRET-COMMENT", "SECRET-READING", "SECRET-WB-NOTE"):  # fmt: skip
        assert secret not in html


@pytest.mark.parametrize("sharing", [None, {}])
def test_it_hides_the_page_from_a_mentor_until_something_is_shared(data, sharing):
    if sharing is not None:
        _share(data.scholar, report=True)  # the report alone is not part of this page
    assert _page(data.client_for(data.mentor), data.scholar).status_code == 404


def test_it_shows_a_mentor_only_the_shared_parts(data):
    _share(data.scholar, leading=True, reading=True)
    response = _page(data.client_for(data.mentor), data.scholar)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="part-leading"' in html and 'id="part-reading"' in html
    assert 'id="part-unstuck"' not in html and 'id="part-peers"' not in html
    assert "chose to share: Leading meetings, Reading." in html
    assert "growth_sharing_save" not in html and 'action="/me/growth/sharing/"' not in html


def test_it_never_shows_a_mentor_the_energy_even_with_everything_shared(data):
    _share(data.scholar, **ALL_PARTS)
    for mentor in (
        data.mentor,
        MentorshipFactory(program=data.program, scholar=data.scholar).mentor,
    ):
        html = _page(data.client_for(mentor), data.scholar).content.decode()
        assert 'id="part-peers"' in html
        for mark in ENERGY_MARKS:
            assert mark not in html
    scholar_html = _page(data.client_for(data.scholar), data.scholar).content.decode()
    assert all(mark in scholar_html for mark in ENERGY_MARKS)


@pytest.mark.parametrize(
    "role", ["other_scholar", "other_mentor", "staff", "manager", "other_staff", "outsider"]
)
def test_it_answers_404_to_anyone_else_even_with_everything_shared(data, role):
    _share(data.scholar, **ALL_PARTS)
    assert _page(data.client_for(getattr(data, role)), data.scholar).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(data):
    response = _page(data.client_for(None), data.scholar)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_it_saves_the_sharing_choices_without_js(world):
    client = world.client_for(world.scholar)
    response = client.post(reverse("growth_sharing_save"), {"leading": "on", "report": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("growth", args=[world.scholar.pk])
    sharing = GrowthSharing.objects.get(scholar=world.scholar)
    assert sharing.shared_parts == {"leading"} and sharing.report
    page = client.get(response["Location"]).content.decode()
    assert "Saved: your mentors now see what you ticked." in page
    assert "Nothing is shared." not in page


def test_it_swaps_the_form_with_htmx(world):
    _share(world.scholar, **ALL_PARTS)
    response = world.htmx_client_for(world.scholar).post(
        reverse("growth_sharing_save"), {"peers": "on"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<article class="side-card growth-sharing" id="sharing"')
    assert 'role="status">Saved.' in html and "<html" not in html
    assert GrowthSharing.objects.get(scholar=world.scholar).shared_parts == {"peers"}


@pytest.mark.parametrize(
    "data_in",
    [
        {"leading": "garbage", "energy": "on", "scholar": "999", "unknown": "x"},
        {"leading": ["on", "off"]},
        {},
    ],
)
def test_bad_input_never_fails_and_the_energy_is_never_shared(world, data_in):
    response = world.client_for(world.scholar).post(reverse("growth_sharing_save"), data_in)
    assert response.status_code == 302
    sharing = GrowthSharing.objects.get()
    assert sharing.scholar == world.scholar
    assert "energy" not in sharing.shared_parts


def test_only_a_scholar_saves_sharing_choices(world):
    for user in (world.mentor, world.staff, world.outsider):
        response = world.client_for(user).post(reverse("growth_sharing_save"), {"leading": "on"})
        assert response.status_code == 404
    assert not GrowthSharing.objects.exists()
    assert world.client_for(world.scholar).get(reverse("growth_sharing_save")).status_code == 405


def test_it_links_the_scholar_to_their_growth_from_home_nav_and_history(world):
    client = world.client_for(world.scholar)
    url = reverse("growth", args=[world.scholar.pk])
    home = client.get(reverse("home")).content.decode()
    assert f'<a href="{url}">Your growth</a>' in home and f'<a href="{url}">My growth</a>' in home
    assert url in client.get(reverse("history", args=[world.scholar.pk])).content.decode()
    assert url not in world.client_for(world.mentor).get(reverse("home")).content.decode()


def test_it_links_the_mentors_history_only_when_something_is_shared(world):
    client = world.client_for(world.mentor)
    history = reverse("history", args=[world.scholar.pk])
    url = reverse("growth", args=[world.scholar.pk])
    assert url not in client.get(history).content.decode()
    sharing = _share(world.scholar, report=True)
    assert url not in client.get(history).content.decode()
    sharing.unstuck = True
    sharing.save()
    assert url in client.get(history).content.decode()


# auth (session, user), the sharing, the menu (one: is a scholar, staffed programs); leading three
# (briefs, questions, captures), unstuck one, reading one, peers two. The scholar's page has
# every part (energy reuses the briefs); the mentor's shows leading and reading only, and looks
# the scholar up for their name.
@pytest.mark.parametrize("role,queries", [("scholar", 11), ("mentor", 9)])
@pytest.mark.parametrize("held", [1, 12])
def test_it_builds_the_page_in_the_same_number_of_queries(
    data, django_assert_num_queries, role, queries, held
):
    _share(data.scholar, leading=True, reading=True)
    for days in range(held):
        agenda = _held(data.mentorship, 14 + 7 * days)
        ReadingEntryFactory(
            scholar=data.scholar, title="r", read_on=timezone.localdate() - timedelta(days=days)
        )
        HelpAskedFactory(agenda=agenda, kind="peer", peer=data.other_scholar)
    client = data.client_for(getattr(data, role))
    with django_assert_num_queries(queries):
        response = _page(client, data.scholar)
    assert response.status_code == 200
    assert f"{held + 1} of {held + 2} briefs opened with a decision" in response.content.decode()


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_it_gives_staff_the_growth_figures_never_a_text(data, role):
    url = reverse("scholar_summary", args=[data.program.slug, data.scholar.pk])
    response = data.client_for(getattr(data, role)).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Briefs with a decision first</span><strong>1 <small" in html
    assert "of 2</small></strong></div>" in html
    assert "Readings logged</span><strong>1 <small" in html and "1 with a takeaway" in html
    for secret in ("SECRET-DECISION", "SECRET-READING", "SECRET-BOTTLENECK", "SECRET-WB-NOTE"):
        assert secret not in html
    assert reverse("growth", args=[data.scholar.pk]) not in html


def test_it_counts_only_the_programs_briefs_for_staff(data):
    elsewhere = MentorshipFactory(program=data.other_program, scholar=data.scholar)
    _held(elsewhere, 3)
    url = reverse("scholar_summary", args=[data.program.slug, data.scholar.pk])
    html = data.client_for(data.staff).get(url).content.decode()
    assert 'Briefs with a decision first</span><strong>1 <small class="muted">of 2</small>' in html


def test_a_research_manager_who_is_not_staff_sees_no_growth_figures(data):
    from accounts.models import ResearchManagerAssignment
    from tests.factories import UserFactory

    manager = UserFactory()
    ResearchManagerAssignment.objects.filter(scholar=data.scholar).update(manager=manager)
    url = reverse("scholar_summary", args=[data.program.slug, data.scholar.pk])
    response = data.client_for(manager).get(url)
    assert response.status_code == 200
    assert "Briefs with a decision first" not in response.content.decode()


def _seen(client, scholar) -> str:
    form = _page(client, scholar).context["form"]
    return form.initial.get("seen", "")


@pytest.mark.parametrize("htmx", [False, True])
def test_it_refuses_a_save_from_an_older_page_and_shows_the_choices_now(world, htmx):
    client = world.client_for(world.scholar)
    _share(world.scholar, leading=True)
    old_page = _seen(client, world.scholar)
    newer = client.post(reverse("growth_sharing_save"), {"seen": old_page})  # unshares all
    assert newer.status_code == 302
    response = (client.htmx if htmx else client).post(
        reverse("growth_sharing_save"), {"seen": old_page, "peers": "on"}
    )
    assert response.status_code == (200 if htmx else 409)
    html = response.content.decode()
    assert "changed in another window" in html and "You had ticked: Peer help." in html
    assert GrowthSharing.objects.get(scholar=world.scholar).shared_parts == set()
    assert ('id="part-leading"' in html) is not htmx  # the whole page without htmx


def test_it_refuses_a_first_save_when_another_page_saved_first(world):
    client = world.client_for(world.scholar)
    assert _seen(client, world.scholar) == ""
    assert (
        client.post(reverse("growth_sharing_save"), {"seen": "", "leading": "on"}).status_code
        == 302
    )
    stale = client.post(reverse("growth_sharing_save"), {"seen": "", "reading": "on"})
    assert stale.status_code == 409
    assert GrowthSharing.objects.get().shared_parts == {"leading"}
    fresh = _seen(client, world.scholar)
    assert client.post(reverse("growth_sharing_save"), {"seen": fresh}).status_code == 302
    assert GrowthSharing.objects.get().shared_parts == set()
