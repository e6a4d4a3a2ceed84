""" "You were asked": a peer listed in a scholar's "whom I asked" on a submitted agenda sees a
notice on their home page with the scholar's name and the date, never the bottleneck nor what
came of it; they may dismiss it; nobody else reaches it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings.models import Agenda, HelpAsked
from tests.factories import (
    AgendaFactory,
    HelpAskedFactory,
    MeetingFactory,
    MentorshipFactory,
    UserFactory,
)

OUTCOME = "SENTINEL-OUTCOME she pointed me to a paper"


@pytest.fixture
def asked(world):
    """The world's scholar (submitted agenda, bottleneck SECRET-BOTTLENECK) lists the other
    scholar of the program as a peer they asked, on 3 Nov."""
    with time_machine.travel(datetime(2026, 11, 3, 12, 0, tzinfo=UTC), tick=False):
        entry = HelpAskedFactory(
            agenda=world.agenda, kind="peer", peer=world.other_scholar, outcome=OUTCOME
        )
    return entry


def _home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_peer_sees_who_listed_them_and_when_nothing_else(world, asked):
    html = _home(world.client_for(world.other_scholar))
    notice = html[
        html.index('id="you-were-asked"') : html.index(
            "</section>", html.index('id="you-were-asked"')
        )
    ]
    assert f"<strong>{world.scholar.name}</strong> listed you as someone they asked" in notice
    assert "(3 Nov)" in notice
    assert "SENTINEL-OUTCOME" not in html and "SECRET-BOTTLENECK" not in html
    assert "peer board" not in notice


def test_nobody_else_sees_the_notice(world, asked):
    for user in (world.scholar, world.mentor, world.other_mentor, world.staff, world.outsider):
        html = _home(world.client_for(user))
        assert "listed you as someone they asked" not in html, user.username
        assert "SENTINEL-OUTCOME" not in html or user in (world.scholar, world.mentor)


def test_a_draft_tells_the_peer_nothing_until_it_is_submitted(world):
    meeting = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=timezone.now() + timedelta(9)
    )
    draft = AgendaFactory(meeting=meeting)
    HelpAskedFactory(agenda=draft, kind="peer", peer=world.other_scholar)
    client = world.client_for(world.other_scholar)
    assert "listed you as someone they asked" not in _home(client)
    Agenda.objects.filter(pk=draft.pk).update(status=Agenda.Status.SUBMITTED)
    assert "listed you as someone they asked" in _home(client)


def test_a_bottleneck_on_the_peer_board_is_linked(world, asked):
    Agenda.objects.filter(pk=world.agenda.pk).update(
        bottleneck_shared=True, bottleneck_shared_at=timezone.now()
    )
    html = _home(world.client_for(world.other_scholar))
    board = reverse("peer_board", args=[world.program.slug])
    assert f'href="{board}#b{world.agenda.pk}"' in html
    assert "SENTINEL-OUTCOME" not in html


def test_the_peer_dismisses_it_with_htmx_and_without(world, asked):
    client = world.client_for(world.other_scholar)
    url = reverse("asked_dismiss", args=[asked.pk])
    answer = client.htmx.post(url)
    assert answer.status_code == 200
    assert "listed you" not in answer.content.decode() and "Dismissed." in answer.content.decode()
    asked.refresh_from_db()
    assert asked.peer_dismissed_at is not None
    assert "listed you as someone they asked" not in _home(client)
    HelpAsked.objects.filter(pk=asked.pk).update(peer_dismissed_at=None)
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("home")
    assert HelpAsked.objects.get(pk=asked.pk).peer_dismissed_at is not None


def test_no_one_else_may_dismiss_it(world, asked):
    url = reverse("asked_dismiss", args=[asked.pk])
    for user in (world.scholar, world.mentor, world.other_mentor, world.staff, world.outsider):
        assert world.client_for(user).post(url).status_code == 404, user.username
    assert world.client_for(world.other_scholar).get(url).status_code == 405
    asked.refresh_from_db()
    assert asked.peer_dismissed_at is None


def test_an_entry_that_is_not_a_peer_names_no_one(world):
    entry = HelpAskedFactory(agenda=world.agenda, kind="outside", name="Priya")
    url = reverse("asked_dismiss", args=[entry.pk])
    for user in (world.other_scholar, world.scholar):
        assert world.client_for(user).post(url).status_code == 404


@pytest.mark.parametrize("notices", [0, 5])
def test_the_home_page_takes_the_same_queries_whatever_the_notices(
    world, django_assert_num_queries, notices
):
    for _ in range(notices):
        pair = MentorshipFactory(program=world.program, scholar=UserFactory())
        agenda = AgendaFactory(meeting__mentorship=pair, status=Agenda.Status.SUBMITTED)
        HelpAskedFactory(agenda=agenda, kind="peer", peer=world.other_scholar)
    client = world.client_for(world.other_scholar)
    with django_assert_num_queries(HOME_QUERIES):
        html = _home(client)
    assert html.count("listed you as someone they asked") == notices


# the scholar's home page (tests/meetings/test_home.py), the notices in one query among them
HOME_QUERIES = 11
