"""The stuck streak is stored with each agenda by every write that can change it, and is always
what a recomputation from scratch gives: submit, an edit of the bottleneck or of the "same as
last" box after submitting, an edit of an earlier agenda, a meeting cancelled, put back or moved.
Pages read the stored figure."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Mentorship
from meetings.agendas import domain as agendas
from meetings.models import Agenda, Meeting
from meetings.scheduling import lifecycle
from meetings.unstuck import streaks as stuck
from meetings.unstuck.similarity import terms
from tests.factories import (
    AgendaFactory,
    MeetingFactory,
    MentorshipFactory,
    QuestionFactory,
    UserFactory,
    past_agenda,
)
from tests.meetings.unstuck.bottlenecks import EVAL_1, EVAL_2, EVAL_3, OTHER


@pytest.fixture
def pair(db):
    return MentorshipFactory()


def _fresh(pair) -> None:
    """The stored figures are exactly what a recomputation from scratch gives."""
    assert not stuck.recompute_pairs([pair.pk])
    for agenda in Agenda.objects.filter(meeting__mentorship=pair):
        assert agenda.bottleneck_stems == " ".join(terms(agenda.bottleneck))


def _runs(pair) -> list[int]:
    """The stored run of each of the pair's agendas, in the order of their meetings."""
    return list(
        Agenda.objects.filter(meeting__mentorship=pair)
        .order_by("meeting__scheduled_at", "pk")
        .values_list("stuck_run", flat=True)
    )


def _draft(pair, days: int, bottleneck: str) -> Agenda:
    meeting = MeetingFactory(mentorship=pair, scheduled_at=timezone.now() + timedelta(days=days))
    agenda = AgendaFactory(meeting=meeting, bottleneck=bottleneck)
    QuestionFactory(agenda=agenda)
    return Agenda.objects.select_related("meeting__mentorship").get(pk=agenda.pk)


def _submitted(pair, days: int, bottleneck: str) -> Agenda:
    agenda = _draft(pair, days, bottleneck)
    assert agendas.submit(agenda)
    return agenda


def _edit(agenda: Agenda, **data) -> Agenda:
    agenda = Agenda.objects.select_related("meeting__mentorship").get(pk=agenda.pk)
    assert agendas.save_fields(agenda, data, agenda.version, agenda.meeting.mentorship.scholar)
    return agenda


def test_submit_stores_the_streak(pair):
    past_agenda(pair, 14, EVAL_1)
    past_agenda(pair, 7, EVAL_2)
    agenda = _draft(pair, 2, EVAL_3)
    assert agenda.stuck_run == 0  # a draft does not count yet
    assert agendas.submit(agenda)
    assert agenda.stuck_run == 3  # the instance the page goes on showing, too
    assert _runs(pair) == [1, 2, 3]
    _fresh(pair)


def test_editing_the_bottleneck_after_submitting_stores_it_again(pair):
    past_agenda(pair, 14, EVAL_1)
    past_agenda(pair, 7, EVAL_2)
    agenda = _submitted(pair, 2, EVAL_3)
    agenda = _edit(agenda, bottleneck=OTHER)
    assert agenda.stuck_run == 1 and _runs(pair) == [1, 2, 1]
    _fresh(pair)
    _edit(agenda, bottleneck=EVAL_3)
    assert _runs(pair) == [1, 2, 3]
    _fresh(pair)


def test_ticking_and_unticking_same_as_last_stores_it_again(pair):
    past_agenda(pair, 7, EVAL_1)
    agenda = _submitted(pair, 2, OTHER)
    assert _runs(pair) == [1, 1]
    agenda = _edit(agenda, bottleneck_same_as_last=True)
    assert _runs(pair) == [1, 2]
    _fresh(pair)
    _edit(agenda, bottleneck_same_as_last=False)
    assert _runs(pair) == [1, 1]
    _fresh(pair)


def test_editing_an_earlier_agenda_stores_the_later_ones_again(pair):
    earlier = _submitted(pair, 2, EVAL_1)
    _submitted(pair, 9, EVAL_2)
    _submitted(pair, 16, EVAL_3)
    assert _runs(pair) == [1, 2, 3]
    _edit(earlier, bottleneck=OTHER)
    assert _runs(pair) == [1, 1, 2]
    _fresh(pair)


def test_cancelling_a_meeting_and_putting_it_back_stores_it_again(pair):
    past_agenda(pair, 7, EVAL_1)
    middle = _submitted(pair, 2, OTHER)
    _submitted(pair, 9, EVAL_2)
    assert _runs(pair) == [1, 1, 1]
    meeting = Meeting.objects.get(pk=middle.meeting_id)
    lifecycle.cancel(meeting, pair.scholar)
    # the cancelled meeting's agenda no longer counts: the two evaluations are now in a row
    assert _runs(pair) == [1, 0, 2]
    _fresh(pair)
    lifecycle.undo(meeting, pair.scholar)
    assert _runs(pair) == [1, 1, 1]
    _fresh(pair)


def test_moving_a_meeting_stores_the_new_order(pair):
    _submitted(pair, 2, EVAL_1)
    _submitted(pair, 9, OTHER)
    last = _submitted(pair, 16, EVAL_2)
    assert _runs(pair) == [1, 1, 1]
    meeting = Meeting.objects.get(pk=last.meeting_id)
    lifecycle.move(meeting, timezone.now() + timedelta(days=5), meeting.duration_minutes)
    assert _runs(pair) == [1, 2, 1]
    _fresh(pair)


def test_the_pages_read_the_stored_figure(world):
    """Set behind the detector's back: the pages show what is stored, not a recomputation."""
    Agenda.objects.filter(pk=world.agenda.pk).update(stuck_run=5)
    Mentorship.objects.filter(pk=world.mentorship.pk).update(stuck_for=5)  # the pair's, for staff
    brief = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    assert "Stuck for 5 meetings" in brief.content.decode()
    cadence = world.client_for(world.staff).get(reverse("cadence", args=[world.program.slug]))
    assert "stuck 5 meetings" in cadence.content.decode()


def test_the_command_fills_the_stored_figures_of_existing_rows(pair):
    past_agenda(pair, 14, EVAL_1)
    past_agenda(pair, 7, EVAL_2)
    Agenda.objects.update(stuck_run=0, bottleneck_stems="")  # as the migration leaves them
    out = io.StringIO()
    call_command("recompute_stuck_streaks", stdout=out)
    assert "2 agendas changed" in out.getvalue()
    assert _runs(pair) == [1, 2]
    _fresh(pair)


def test_the_demo_seed_stores_its_streaks(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert not stuck.recompute_pairs(Mentorship.objects.values_list("pk", flat=True))
    assert Agenda.objects.filter(stuck_run__gt=0).exists()


def test_an_operator_cancelling_a_meeting_in_the_admin_stores_it_again(pair, client):
    past_agenda(pair, 7, EVAL_1)
    middle = _submitted(pair, 2, OTHER)
    _submitted(pair, 9, EVAL_2)
    client.force_login(UserFactory(username="operator", is_staff=True, is_superuser=True))
    meeting = Meeting.objects.get(pk=middle.meeting_id)
    when = timezone.localtime(meeting.scheduled_at)
    response = client.post(
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        {
            "mentorship": pair.pk,
            "scheduled_at_0": when.strftime("%Y-%m-%d"),
            "scheduled_at_1": when.strftime("%H:%M:%S"),
            "duration_minutes": meeting.duration_minutes,
            "status": Meeting.Status.CANCELLED,
            "held_at_0": "",
            "held_at_1": "",
        },
    )
    assert response.status_code == 302
    assert _runs(pair) == [1, 0, 2]
    _fresh(pair)
