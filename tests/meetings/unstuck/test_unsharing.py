"""Sharing is consent, not part of the read-only record: the scholar takes a shared bottleneck
back at any time (agenda, brief, history, board), and the board and suggestions drop it at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Agenda, AgendaRevision, Meeting
from meetings.unstuck import peers
from tests.factories import MentorshipFactory, SubmittedAgendaFactory, UserFactory

BOTTLENECK = "SHARED-ONE reward model evaluation runs out of GPU memory on the cluster."


@pytest.fixture
def held(world):
    """The world's scholar shared a bottleneck, solved it, and the meeting was held."""
    agenda = world.agenda
    agenda.bottleneck = BOTTLENECK
    agenda.bottleneck_shared = True
    agenda.bottleneck_shared_at = timezone.now() - timedelta(days=1)
    agenda.bottleneck_resolved_at = timezone.now()
    agenda.save()
    Meeting.objects.filter(pk=world.meeting.pk).update(status=Meeting.Status.HELD)
    return Agenda.objects.get(pk=agenda.pk)


def _board_html(world, user=None):
    client = world.client_for(user or world.other_scholar)
    return client.get(reverse("peer_board", args=[world.program.slug])).content.decode()


def _suggested_to_a_stuck_peer(world) -> list:
    peer = MentorshipFactory(program=world.program, scholar=UserFactory(username="peer"))
    mine = SubmittedAgendaFactory(
        meeting=peer.meetings.create(scheduled_at=timezone.now() + timedelta(days=3)),
        bottleneck="My reward model evaluation runs out of GPU memory on the cluster jobs.",
    )
    return peers.suggestions(mine)


def test_the_agenda_autosave_takes_it_back_after_the_meeting_was_held(world, held):
    assert "SHARED-ONE" in _board_html(world)
    response = world.client_for(world.scholar).htmx.post(
        reverse("agenda_autosave", args=[world.meeting.pk]),
        {"version": held.version, "bottleneck_shared_shown": "1"},
    )
    assert response.status_code == 200  # not 423: consent is no part of the held record
    stored = Agenda.objects.get(pk=held.pk)
    assert not stored.bottleneck_shared and stored.bottleneck_shared_at is None
    assert "SHARED-ONE" not in _board_html(world)
    assert _suggested_to_a_stuck_peer(world) == []
    assert not stored.is_updated  # the mentor is not told of an update


def test_the_brief_offers_a_real_form_to_take_it_back(world, held):
    brief = reverse("brief", args=[world.meeting.pk])
    assert _suggested_to_a_stuck_peer(world) != []
    html = world.client_for(world.scholar).get(brief).content.decode()
    action = reverse("bottleneck_share", args=[held.pk])
    assert f'action="{action}"' in html and "Stop sharing" in html
    # Without JavaScript: a plain post, back to the brief with a message.
    response = world.client_for(world.scholar).post(
        action, {"shared": "0", "next": brief}, follow=True
    )
    assert response.redirect_chain[-1][0] == brief
    assert "Taken off the peer board" in response.content.decode()
    assert not Agenda.objects.get(pk=held.pk).bottleneck_shared
    assert "SHARED-ONE" not in _board_html(world)
    assert _suggested_to_a_stuck_peer(world) == []
    # The mentor's brief has no such control.
    assert action not in world.client_for(world.mentor).get(brief).content.decode()


def test_the_history_and_the_board_take_it_back_with_htmx_and_can_share_again(world, held):
    history = world.client_for(world.scholar).get(reverse("history", args=[world.scholar.pk]))
    action = reverse("bottleneck_share", args=[held.pk])
    assert f'hx-post="{action}"' in history.content.decode()
    board = _board_html(world, world.scholar)
    assert f'hx-post="{action}"' in board
    answer = world.client_for(world.scholar).htmx.post(action, {"shared": "0"})
    assert answer.status_code == 200
    assert "Share with the scholars of my program" in answer.content.decode()
    assert "SHARED-ONE" not in _board_html(world)
    world.client_for(world.scholar).htmx.post(action, {"shared": "1"})
    assert "SHARED-ONE" in _board_html(world)
    # Both kept in the revision history, as one burst back to where it started.
    assert not AgendaRevision.objects.filter(agenda=held).exists()


@pytest.mark.parametrize("who", ["mentor", "other_scholar", "staff"])
def test_only_the_scholar_shares_or_takes_back(world, held, who):
    action = reverse("bottleneck_share", args=[held.pk])
    response = world.client_for(getattr(world, who)).post(action, {"shared": "0"})
    assert response.status_code == 404
    assert Agenda.objects.get(pk=held.pk).bottleneck_shared


def test_a_tab_still_showing_the_tick_does_not_share_it_again(world):
    agenda = world.agenda
    agenda.bottleneck_shared, agenda.bottleneck_shared_at = True, timezone.now()
    agenda.save()
    seen = agenda.version
    world.client_for(world.scholar).post(
        reverse("bottleneck_share", args=[agenda.pk]), {"shared": "0"}
    )
    response = world.client_for(world.scholar).htmx.post(
        reverse("agenda_autosave", args=[world.meeting.pk]),
        {
            "version": seen,
            "bottleneck_shared_shown": "1",
            "bottleneck_shared": "on",
            "progress": "More",
        },
    )
    assert response.status_code == 409
    assert not Agenda.objects.get(pk=agenda.pk).bottleneck_shared
