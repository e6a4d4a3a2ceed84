"""Each pair's current figures are stored with it (`Mentorship.stuck_for`, its latest counted
agenda's streak; `Mentorship.last_held_meeting_at`, its latest held meeting) by every write that
can change them, and are always what a recomputation from scratch gives: a meeting marked held or
that undone, cancelled or put back, moved; an agenda submitted or edited; an operator's edit.
The cadence page filters, sorts and counts a program by these columns."""

import importlib
import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Mentorship
from meetings.agendas import domain as agendas
from meetings.models import Agenda, Meeting
from meetings.scheduling import lifecycle
from meetings.staff.cadence import cadence_page
from meetings.unstuck import streaks as stuck
from tests.factories import (
    AgendaFactory,
    HeldMeetingFactory,
    MeetingFactory,
    MentorshipFactory,
    QuestionFactory,
    UserFactory,
    past_agenda,
)
from tests.meetings.unstuck.bottlenecks import EVAL_1, EVAL_2, EVAL_3, OTHER


@pytest.fixture
def pair(db):
    return MentorshipFactory(cadence_days=7, started_on=timezone.localdate() - timedelta(days=60))


def _figures(pair) -> tuple[int, object]:
    """The pair's stored figures, after checking they are what a recomputation gives."""
    assert not stuck.recompute_pairs([pair.pk])  # nothing stale, agendas or pair
    pair.refresh_from_db(fields=["stuck_for", "last_held_meeting_at"])
    return pair.stuck_for, pair.last_held_meeting_at


def _submitted(pair, days: int, bottleneck: str) -> Agenda:
    meeting = MeetingFactory(mentorship=pair, scheduled_at=timezone.now() + timedelta(days=days))
    agenda = AgendaFactory(meeting=meeting, bottleneck=bottleneck)
    QuestionFactory(agenda=agenda)
    agenda = Agenda.objects.select_related("meeting__mentorship").get(pk=agenda.pk)
    assert agendas.submit(agenda)
    return agenda


def _started(pair, hours_ago: int = 1) -> Meeting:
    return MeetingFactory(mentorship=pair, scheduled_at=timezone.now() - timedelta(hours=hours_ago))


def test_marking_held_and_undoing_it_store_the_last_held_meeting(pair):
    earlier = HeldMeetingFactory(mentorship=pair, scheduled_at=timezone.now() - timedelta(days=9))
    assert _figures(pair) == (0, earlier.scheduled_at)
    meeting = _started(pair)
    lifecycle.mark_held(meeting, pair.mentor)
    assert _figures(pair) == (0, meeting.scheduled_at)
    lifecycle.undo(meeting, pair.mentor)
    assert _figures(pair) == (0, earlier.scheduled_at)


def test_the_first_held_meeting_ends_never_held(pair):
    assert _figures(pair) == (0, None)
    meeting = _started(pair)
    lifecycle.mark_held(meeting, pair.mentor)
    assert _figures(pair) == (0, meeting.scheduled_at)
    lifecycle.undo(meeting, pair.mentor)
    assert _figures(pair) == (0, None)


def test_submitting_and_editing_an_agenda_store_the_pairs_streak(pair):
    past_agenda(pair, 14, EVAL_1)
    past_agenda(pair, 7, EVAL_2)
    assert _figures(pair)[0] == 2
    agenda = _submitted(pair, 2, EVAL_3)
    assert _figures(pair)[0] == 3
    agenda = Agenda.objects.select_related("meeting__mentorship").get(pk=agenda.pk)
    assert agendas.save_fields(agenda, {"bottleneck": OTHER}, agenda.version, pair.scholar)
    assert _figures(pair)[0] == 0  # a new problem: not stuck
    agenda = Agenda.objects.select_related("meeting__mentorship").get(pk=agenda.pk)
    assert agendas.save_fields(
        agenda, {"bottleneck_same_as_last": True}, agenda.version, pair.scholar
    )
    assert _figures(pair)[0] == 3  # the scholar says it is the same one


def test_cancelling_a_meeting_and_putting_it_back_store_the_pairs_streak(pair):
    past_agenda(pair, 7, EVAL_1)
    middle = _submitted(pair, 2, OTHER)
    _submitted(pair, 9, EVAL_2)
    assert _figures(pair)[0] == 0
    meeting = Meeting.objects.get(pk=middle.meeting_id)
    lifecycle.cancel(meeting, pair.scholar)
    assert _figures(pair)[0] == 2  # the two evaluations are now in a row
    lifecycle.undo(meeting, pair.scholar)
    assert _figures(pair)[0] == 0


def test_moving_a_meeting_stores_the_pairs_streak(pair):
    first = _submitted(pair, 2, OTHER)
    _submitted(pair, 9, EVAL_1)
    _submitted(pair, 16, EVAL_2)
    assert _figures(pair)[0] == 2
    meeting = Meeting.objects.get(pk=first.meeting_id)
    lifecycle.move(meeting, timezone.now() + timedelta(days=20), meeting.duration_minutes)
    assert _figures(pair)[0] == 0  # the other problem is now the latest


def test_an_operator_marking_a_meeting_held_in_the_admin_stores_it(pair, client):
    meeting = _started(pair, hours_ago=3)
    client.force_login(UserFactory(username="operator", is_staff=True, is_superuser=True))
    when = timezone.localtime(meeting.scheduled_at)
    response = client.post(
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        {
            "mentorship": pair.pk,
            "scheduled_at_0": when.strftime("%Y-%m-%d"),
            "scheduled_at_1": when.strftime("%H:%M:%S"),
            "duration_minutes": meeting.duration_minutes,
            "status": Meeting.Status.HELD,
            "held_at_0": "",
            "held_at_1": "",
        },
    )
    assert response.status_code == 302
    assert _figures(pair) == (0, meeting.scheduled_at.replace(microsecond=0))


def test_the_demo_seed_stores_the_pairs_figures(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert not stuck.recompute_pairs(Mentorship.objects.values_list("pk", flat=True))
    assert Mentorship.objects.filter(stuck_for__gte=stuck.STUCK_FROM).exists()
    assert Mentorship.objects.filter(last_held_meeting_at__isnull=False).exists()


def test_the_migration_fills_the_figures_of_existing_pairs(pair):
    past_agenda(pair, 14, EVAL_1)
    held = past_agenda(pair, 7, EVAL_2).meeting
    calm = MentorshipFactory(program=pair.program)
    past_agenda(calm, 7, OTHER)
    Mentorship.objects.update(stuck_for=0, last_held_meeting_at=None)  # as the fields start
    migration = importlib.import_module("accounts.migrations.0002_mentorship_figures")
    migration.fill(apps, None)
    assert _figures(pair) == (2, held.scheduled_at)
    assert _figures(calm)[0] == 0


def test_the_cadence_page_reads_the_stored_figures(pair):
    """Set behind the writers' back: the page filters and counts by what is stored."""
    quiet = MentorshipFactory(program=pair.program, started_on=pair.started_on)
    HeldMeetingFactory(mentorship=quiet, scheduled_at=timezone.now() - timedelta(days=1))
    Mentorship.objects.filter(pk=pair.pk).update(
        stuck_for=4, last_held_meeting_at=timezone.now() - timedelta(days=30)
    )
    pairs = Mentorship.objects.filter(program=pair.program)
    page = cadence_page(pairs)
    assert (page.total, page.overdue, page.stuck) == (2, 1, 1)
    assert [row.mentorship.pk for row in page.rows] == [pair.pk, quiet.pk]  # overdue first
    assert (page.rows[0].stuck_for, page.rows[0].days_since_last) == (4, 30)
    stuck_only = cadence_page(pairs, flag="stuck")
    assert [row.mentorship.pk for row in stuck_only.rows] == [pair.pk]
