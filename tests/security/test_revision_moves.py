"""Question moves (rank changes) are agenda edits in the revision history."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings.agendas import domain as agendas
from meetings.agendas.revisions import ORDER_KEY
from tests.factories import AgendaFactory, MeetingFactory, QuestionFactory


@pytest.fixture
def clock():
    """A clock that stands still until the test moves it (clock.shift(timedelta(...)))."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def ranked(world):
    agenda = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship), bottleneck="B")
    questions = [QuestionFactory(agenda=agenda, text=t, rank=i) for i, t in enumerate("XYZ", 1)]
    agenda.revisions.all().delete()  # the questions' creation is not what these tests are about
    return agenda, questions


def _orders(agenda) -> list[dict]:
    return [
        r.changes[ORDER_KEY]
        for r in agenda.revisions.order_by("created_at", "pk")
        if ORDER_KEY in r.changes
    ]


def test_it_records_a_question_moved_up_as_the_ranking_before_and_after(world, ranked, clock):
    agenda, (x, y, z) = ranked
    client = world.client_for(world.scholar)
    response = client.post(reverse("question_move", args=[z.pk]), {"direction": "up"})
    assert response.status_code == 302
    revision = agenda.revisions.get()
    assert revision.author == world.scholar
    assert revision.changes == {ORDER_KEY: {"old": "1. X\n2. Y\n3. Z", "new": "1. X\n2. Z\n3. Y"}}


def test_it_coalesces_moves_with_the_other_edits_of_a_burst(world, ranked, clock):
    agenda, (x, y, z) = ranked
    client = world.client_for(world.scholar)
    client.post(reverse("question_move", args=[z.pk]), {"direction": "up"})
    clock.shift(timedelta(minutes=1))
    agenda.refresh_from_db()
    assert agendas.save_fields(agenda, {"bottleneck": "New B"}, agenda.version)
    clock.shift(timedelta(minutes=1))
    client.post(
        reverse("question_reorder", args=[agenda.meeting_id]), {"order": [z.pk, x.pk, y.pk]}
    )
    revision = agenda.revisions.get()  # one revision for the whole burst
    assert revision.changes[ORDER_KEY] == {"old": "1. X\n2. Y\n3. Z", "new": "1. Z\n2. X\n3. Y"}
    assert revision.changes["bottleneck"] == {"old": "B", "new": "New B"}
    clock.shift(timedelta(minutes=10))  # a pause: the next move is a new revision
    client.post(reverse("question_move", args=[z.pk]), {"direction": "down"})
    assert _orders(agenda)[-1] == {"old": "1. Z\n2. X\n3. Y", "new": "1. X\n2. Z\n3. Y"}
    assert agenda.revisions.count() == 2


def test_it_drops_moves_that_end_where_they_started(world, ranked, clock):
    agenda, (x, y, z) = ranked
    client = world.client_for(world.scholar)
    client.post(reverse("question_move", args=[y.pk]), {"direction": "down"})
    client.post(reverse("question_move", args=[y.pk]), {"direction": "up"})
    assert not agenda.revisions.exists()
    client.post(reverse("question_move", args=[x.pk]), {"direction": "up"})  # already first
    assert not agenda.revisions.exists()


def test_it_does_not_record_setting_a_question_aside_as_a_move(world, ranked):
    agenda, (x, y, z) = ranked
    world.client_for(world.scholar).post(
        reverse("question_state", args=[x.pk]), {"state": "resolved"}
    )
    assert _orders(agenda) == []


def test_it_shows_the_mentor_a_move_made_after_submission(world, ranked, clock):
    agenda, (x, y, z) = ranked
    agendas.submit(agenda)
    clock.shift(timedelta(minutes=10))
    world.client_for(world.scholar).post(reverse("question_move", args=[z.pk]), {"direction": "up"})
    html = (
        world.client_for(world.mentor)
        .get(reverse("agenda_revisions", args=[agenda.meeting_id]))
        .content.decode()
    )
    assert "Order of questions" in html
    assert "<del>" in html and "<ins>" in html
    assert (
        world.client_for(world.other_mentor)
        .get(reverse("agenda_revisions", args=[agenda.meeting_id]))
        .status_code
        == 404
    )
