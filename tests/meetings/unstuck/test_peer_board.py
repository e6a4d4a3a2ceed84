"""The program's peer board: shared bottlenecks of the last six weeks, for the program's
scholars only; nothing unshared is ever shown, used or counted."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Agenda, Meeting
from tests.factories import (
    AgendaFactory,
    MeetingFactory,
    MentorshipFactory,
    PeerOfferFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
)


def _share(agenda: Agenda, days_ago: int = 1) -> Agenda:
    agenda.bottleneck_shared = True
    agenda.bottleneck_shared_at = timezone.now() - timedelta(days=days_ago)
    agenda.save()
    return agenda


def _board(world, user):
    return world.client_for(user).get(reverse("peer_board", args=[world.program.slug]))


def _shared_by_other_scholar(world, text: str, days_ago: int = 1) -> Agenda:
    meeting = world.other_scholar.mentorships_as_scholar.get().meetings.get()
    return _share(SubmittedAgendaFactory(meeting=meeting, bottleneck=text), days_ago)


def test_it_shows_peers_the_shared_bottlenecks_of_their_program(world):
    _shared_by_other_scholar(world, "PEER-SHARED **cuda** out of memory")
    response = _board(world, world.scholar)
    html = response.content.decode()
    assert response.status_code == 200
    assert "PEER-SHARED" in html and "<strong>cuda</strong>" in html  # through Markdown
    assert world.other_scholar.name in html
    assert "Offer help" in html


def test_it_never_shows_an_unshared_bottleneck_anywhere_to_a_peer(world):
    """The world's agenda is submitted but not shared: its text reaches no page of the other
    scholar (board, home, reading, history search)."""
    _shared_by_other_scholar(world, "Shared one")
    draft = MeetingFactory(mentorship=world.mentorship, scheduled_at=timezone.now() + timedelta(5))
    # Shared but still a draft: a draft is the scholar's alone.
    _share(AgendaFactory(meeting=draft, bottleneck="UNSHARED-DRAFT-TEXT"))
    client = world.client_for(world.other_scholar)
    pages = [
        reverse("peer_board", args=[world.program.slug]),
        reverse("home"),
        reverse("reading", args=[world.other_scholar.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "SECRET-BOTTLENECK" not in html, url
        assert "UNSHARED-DRAFT-TEXT" not in html, url
    board = _board(world, world.other_scholar)
    assert len(board.context["entries"]) == 1  # not counted either


def test_unsharing_takes_it_off_the_board_at_once(world):
    _share(world.agenda)
    assert "SECRET-BOTTLENECK" in _board(world, world.other_scholar).content.decode()
    client = world.client_for(world.scholar)
    response = client.htmx.post(
        reverse("agenda_autosave", args=[world.meeting.pk]),
        {"version": world.agenda.version, "bottleneck_shared_shown": "1"},
    )
    assert response.status_code == 200
    world.agenda.refresh_from_db()
    assert not world.agenda.bottleneck_shared and world.agenda.bottleneck_shared_at is None
    assert "SECRET-BOTTLENECK" not in _board(world, world.other_scholar).content.decode()


def test_sharing_from_the_agenda_is_saved_with_it_and_does_not_alert_the_mentor(world):
    client = world.client_for(world.scholar)
    response = client.htmx.post(
        reverse("agenda_autosave", args=[world.meeting.pk]),
        {
            "version": world.agenda.version,
            "bottleneck_shared_shown": "1",
            "bottleneck_shared": "on",
        },
    )
    assert response.status_code == 200
    world.agenda.refresh_from_db()
    assert world.agenda.bottleneck_shared and world.agenda.bottleneck_shared_at is not None
    assert not world.agenda.is_updated  # sharing is not a change of the brief
    assert "SECRET-BOTTLENECK" in _board(world, world.other_scholar).content.decode()


def test_an_autosave_without_the_checkbox_on_the_page_keeps_the_sharing(world):
    _share(world.agenda)
    client = world.client_for(world.scholar)
    client.htmx.post(
        reverse("agenda_autosave", args=[world.meeting.pk]),
        {"version": world.agenda.version, "progress": "More done"},
    )
    world.agenda.refresh_from_db()
    assert world.agenda.progress == "More done" and world.agenda.bottleneck_shared


def test_the_agenda_page_shows_the_sharing_checkbox_unticked_by_default(world):
    planned = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=timezone.now() + timedelta(3)
    )
    html = world.client_for(world.scholar).get(reverse("agenda", args=[planned.pk])).content
    html = html.decode()
    assert 'name="bottleneck_shared"' in html and 'name="bottleneck_shared_shown"' in html
    assert "checked" not in html.split('name="bottleneck_shared"')[1].split(">")[0]


def test_it_keeps_other_programs_and_old_shares_off_the_board(world):
    elsewhere = MentorshipFactory(program=world.other_program)
    _share(
        SubmittedAgendaFactory(
            meeting=MeetingFactory(mentorship=elsewhere), bottleneck="OTHER-PROG"
        )
    )
    _shared_by_other_scholar(world, "TOO-OLD", days_ago=7 * 6 + 1)
    html = _board(world, world.scholar).content.decode()
    assert "OTHER-PROG" not in html and "TOO-OLD" not in html
    # and a scholar of the other program gets no board of this one
    response = world.client_for(elsewhere.scholar).get(
        reverse("peer_board", args=[world.program.slug])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["mentor", "staff", "manager", "other_mentor", "outsider"])
def test_only_the_programs_scholars_see_the_board(world, role):
    _share(world.agenda)
    response = _board(world, getattr(world, role))
    assert response.status_code == 404
    assert b"SECRET-BOTTLENECK" not in response.content


def test_the_scholar_marks_a_shared_bottleneck_resolved_with_how(world):
    _share(world.agenda)
    client = world.client_for(world.scholar)
    url = reverse("bottleneck_resolve", args=[world.agenda.pk])
    response = client.htmx.post(url, {"action": "resolve", "resolution": "Gradient  clipping"})
    assert response.status_code == 200
    assert "Resolved" in response.content.decode()
    world.agenda.refresh_from_db()
    assert world.agenda.bottleneck_resolved_at is not None
    assert world.agenda.bottleneck_resolution == "Gradient clipping"
    assert "Gradient clipping" in _board(world, world.other_scholar).content.decode()
    client.post(url, {"action": "reopen"})
    world.agenda.refresh_from_db()
    assert world.agenda.bottleneck_resolved_at is None


def test_a_peer_cannot_resolve_someone_elses_bottleneck(world):
    _share(world.agenda)
    response = world.client_for(world.other_scholar).post(
        reverse("bottleneck_resolve", args=[world.agenda.pk]), {"action": "resolve"}
    )
    assert response.status_code == 404
    world.agenda.refresh_from_db()
    assert world.agenda.bottleneck_resolved_at is None


def _add_shared(world, n: int) -> None:
    for i in range(n):
        pair = MentorshipFactory(program=world.program)
        meeting = MeetingFactory(mentorship=pair, status=Meeting.Status.HELD)
        agenda = _share(SubmittedAgendaFactory(meeting=meeting, bottleneck=f"Shared {i}"))
        QuestionFactory(agenda=agenda)

        PeerOfferFactory(agenda=agenda, author=world.scholar, message=f"offer {i}")
        PeerOfferFactory(agenda=agenda, author=pair.mentor, message="not mine")


@pytest.mark.parametrize("size", [1, 8])
def test_it_builds_the_board_in_the_same_number_of_queries(world, django_assert_num_queries, size):
    _add_shared(world, size)
    client = world.client_for(world.scholar)
    # session, user, program, membership, entries, offers on them, the menu's one
    with django_assert_num_queries(7):
        response = client.get(reverse("peer_board", args=[world.program.slug]))
    assert len(response.context["entries"]) == size
    html = response.content.decode()
    assert "You offered" in html and "not mine" not in html
