"""The home page: the scholar's cards, the mentor's table of scholars, and what it costs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from meetings.models import Agenda, Meeting
from meetings.unstuck.streaks import recompute_pair
from tests.factories import (
    ActionItemFactory,
    BriefReadFactory,
    MeetingFactory,
    MentorshipFactory,
    SubmittedAgendaFactory,
    UserFactory,
    past_agenda,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _row(html: str, name: str) -> str:
    """The mentor table's row of the scholar called `name`."""
    match = re.search(rf"<tr>\s*<td[^>]*><strong>{re.escape(name)}</strong>.*?</tr>", html, re.S)
    assert match, f"no row for {name}"
    return match.group(0)


def test_it_shows_the_mentor_a_row_per_scholar_with_its_links(world):
    with time_machine.travel(NOW, tick=False):
        meeting = MeetingFactory(mentorship__mentor=world.mentor, scheduled_at=NOW + timedelta(1))
        pair = meeting.mentorship
        pair.scholar.display_name = "Ada <b>Lovelace</b>"
        pair.scholar.save()
        SubmittedAgendaFactory(meeting=meeting)
        ActionItemFactory.create_batch(2, mentorship=pair)
        ActionItemFactory(mentorship=pair, done=True)
        MeetingFactory(mentorship=pair, scheduled_at=NOW - timedelta(days=12), status="held")
        idle = MentorshipFactory(program=world.program, mentor=world.mentor)
        html = _home(world.client_for(world.mentor))
    row = _row(html, "Ada &lt;b&gt;Lovelace&lt;/b&gt;")
    assert "Tue 3 Mar, 09:00" in row
    assert '<span class="badge status-submitted">submitted</span>' in row
    assert '<td data-label="Open items">2</td>' in row
    assert '<td data-label="Since last meeting">12 days</td>' in row
    assert f'href="{reverse("brief", args=[meeting.pk])}"' in row
    assert f'href="{reverse("meeting_reschedule", args=[meeting.pk])}"' in row
    assert f'href="{reverse("history", args=[pair.scholar_id])}"' in row
    row = _row(html, idle.scholar.name)
    assert "none planned" in row and "never met" in row and "no meeting planned" in row
    assert f'href="{reverse("series_new")}?mentorship={idle.pk}"' in row


def test_it_lists_the_mentors_scholars_by_their_next_meeting(world):
    later = MeetingFactory(
        mentorship__mentor=world.mentor, scheduled_at=world.meeting.scheduled_at + timedelta(1)
    )
    sooner = MeetingFactory(
        mentorship__mentor=world.mentor, scheduled_at=world.meeting.scheduled_at - timedelta(1)
    )
    response = world.client_for(world.mentor).get(reverse("home"))
    shown = [pair.pk for pair in response.context["as_mentor"]]
    expected = [sooner.mentorship_id, world.mentorship.pk, later.mentorship_id]
    assert [pk for pk in shown if pk in expected] == expected


def test_it_keeps_a_meeting_next_until_twelve_hours_after_it_started(world):
    with time_machine.travel(world.meeting.scheduled_at + timedelta(hours=11), tick=False):
        assert "status-submitted" in _row(_home(world.client_for(world.mentor)), "Scholar")
    with time_machine.travel(world.meeting.scheduled_at + timedelta(hours=13), tick=False):
        assert "none planned" in _row(_home(world.client_for(world.mentor)), "Scholar")


def test_it_shows_the_scholar_a_card_per_mentor_with_the_brief_status(world):
    client = world.client_for(world.scholar)
    html = _home(client)
    assert "With Mentor" in html and "Agenda: submitted" in html
    assert f'href="{reverse("brief", args=[world.meeting.pk])}"' in html
    assert "Read by" not in html
    world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    html = _home(client)
    assert "Agenda: read" in html and "Read by Mentor at" in html
    world.agenda.status = Agenda.Status.DRAFT
    world.agenda.save()
    html = _home(client)
    assert "Agenda: draft" in html and "Continue your agenda" in html
    assert f'href="{reverse("agenda", args=[world.meeting.pk])}"' in html


def test_it_shows_the_scholar_only_their_own_open_items(world):
    ActionItemFactory(mentorship=world.mentorship, text="MINE open")
    ActionItemFactory(mentorship=world.mentorship, text="MINE done", done=True)
    ActionItemFactory(
        mentorship=world.mentorship, text="MENTORS open", owner="mentor", due_on=NOW.date()
    )
    other = Meeting.objects.get(mentorship__scholar=world.other_scholar).mentorship
    ActionItemFactory(mentorship=other, text="OTHER open")
    html = _home(world.client_for(world.scholar))
    assert "MINE open" in html and "MENTORS open <small" in html and "(Mentor)" in html
    assert "MINE done" not in html and "OTHER open" not in html
    assert "MINE open" not in _home(world.client_for(world.mentor))


def _pairs(world, n: int) -> None:
    """n more pairs for the world's scholar and for its mentor, each with a submitted agenda
    the mentor has read, open items and a held meeting."""
    for _ in range(n):
        for pair in (
            MentorshipFactory(program=world.program, scholar=world.scholar),
            MentorshipFactory(program=world.program, mentor=world.mentor),
        ):
            agenda = SubmittedAgendaFactory(meeting__mentorship=pair)
            BriefReadFactory(agenda=agenda, reader=pair.mentor)
            MeetingFactory(mentorship=pair, status="held", scheduled_at=NOW)
            ActionItemFactory(mentorship=pair)


@pytest.mark.parametrize(
    "role,queries",
    # each role also gets its "after your meetings" list (recaps to write / to confirm); the
    # scholar also their peer offers, "you were asked" notices and progress lines; the mentor's
    # pairs carry their stuck streaks (stored with the pair: no query of their own)
    [("scholar", 11), ("mentor", 7)],
)
@pytest.mark.parametrize("more", [0, 5])
def test_it_builds_the_home_page_in_the_same_number_of_queries(
    world, django_assert_num_queries, role, queries, more
):
    _pairs(world, more)
    client = world.client_for(getattr(world, role))
    with django_assert_num_queries(queries):
        response = client.get(reverse("home"))
    pairs = response.context["as_scholar" if role == "scholar" else "as_mentor"]
    assert len(pairs) == (1 if role == "scholar" else 2) + more
    assert all(pair.brief_status != "no meeting planned" for pair in pairs)


def test_it_shows_no_one_elses_pairs(world):
    stranger = UserFactory(username="stranger")
    html = _home(world.client_for(world.other_mentor))
    assert "Thirdscholar" in html
    assert "Scholar</strong>" not in html and stranger.name not in html


def test_it_never_counts_negative_days_since_the_last_meeting(world):
    """A meeting on 2 Dec cannot be marked held on 1 Dec; one recorded held ahead of time
    (before that rule) does not count as the last meeting either."""
    client = world.client_for(world.mentor)
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), tick=False):
        tomorrow = MeetingFactory(
            mentorship=world.mentorship, scheduled_at=datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
        )
        client.post(reverse("meeting_held", args=[tomorrow.pk]))
        tomorrow.refresh_from_db()
        assert tomorrow.status == Meeting.Status.PLANNED
        row = _row(_home(client), world.scholar.name)
        assert "never met" in row and "-1" not in row
        Meeting.objects.filter(pk=tomorrow.pk).update(status="held")  # recorded ahead of time
        MeetingFactory(
            mentorship=world.mentorship,
            scheduled_at=datetime(2026, 11, 28, 10, 0, tzinfo=UTC),
            status="held",
        )
        row = _row(_home(client), world.scholar.name)
        assert ">3 days</td>" in row and "-1" not in row


def test_it_flags_a_scholar_stuck_on_the_same_bottleneck_for_the_mentor(world):
    same = "Evaluating the reward model fails on the cluster: jobs run out of memory."
    for days in (21, 14):
        past_agenda(world.mentorship, days, same)
    Agenda.objects.filter(pk=world.agenda.pk).update(bottleneck=same)  # the upcoming brief
    recompute_pair(world.mentorship.pk)  # written behind the domain's back: stored again
    html = _home(world.client_for(world.mentor))
    assert "stuck 3 meetings" in html
    # the upcoming brief names something else: no flag
    Agenda.objects.filter(pk=world.agenda.pk).update(bottleneck="Choosing a workshop venue.")
    recompute_pair(world.mentorship.pk)
    assert "stuck-flag" not in _home(world.client_for(world.mentor))
