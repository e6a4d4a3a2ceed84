from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Mentorship
from meetings.models import Meeting
from meetings.staff.cadence import cadence_rows
from meetings.unstuck.streaks import recompute_pair
from tests.factories import (
    BriefReadFactory,
    MeetingFactory,
    MentorshipFactory,
    ProgramFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def _meeting(ms, days_ago, status="held", agenda_hours_ahead=None):
    meeting = MeetingFactory(
        mentorship=ms, scheduled_at=NOW - timedelta(days=days_ago), status=status
    )
    if agenda_hours_ahead is not None:
        SubmittedAgendaFactory(
            meeting=meeting, submitted_at=meeting.scheduled_at - timedelta(hours=agenda_hours_ahead)
        )
    return meeting


def _row(ms):
    (row,) = cadence_rows(Mentorship.objects.filter(pk=ms.pk), now=NOW)
    return row


def test_it_computes_the_figures_for_a_regular_pair():
    ms = MentorshipFactory(cadence_days=7, started_on=(NOW - timedelta(days=60)).date())
    _meeting(ms, 3, agenda_hours_ahead=30)  # on time
    _meeting(ms, 10, agenda_hours_ahead=10)  # late
    _meeting(ms, 20)  # held without an agenda
    _meeting(ms, 40, agenda_hours_ahead=24)  # exactly 24 h: on time
    _meeting(ms, 5, status=Meeting.Status.CANCELLED, agenda_hours_ahead=48)
    _meeting(ms, 15, status=Meeting.Status.PLANNED)  # missed: never marked held
    _meeting(ms, -2, status=Meeting.Status.PLANNED)  # upcoming
    row = _row(ms)
    assert (row.held_4w, row.held_8w, row.held_total) == (3, 4, 4)
    assert (row.expected_4w, row.expected_8w) == (4.0, 8.0)
    assert row.days_since_last == 3
    assert row.on_time_share == 0.5
    assert row.mentorship.next_meeting_at == NOW + timedelta(days=2)
    assert not row.overdue


def test_it_prorates_expectations_for_a_pair_that_started_mid_program():
    ms = MentorshipFactory(cadence_days=7, started_on=(NOW - timedelta(days=10)).date())
    row = _row(ms)
    assert (row.expected_4w, row.expected_8w) == (1.4, 1.4)
    assert row.days_since_last is None and row.on_time_share is None
    assert not row.overdue  # 10 days <= 1.5 x 7


def test_it_flags_a_pair_that_never_met_after_one_and_a_half_cadences():
    ms = MentorshipFactory(cadence_days=7, started_on=(NOW - timedelta(days=11)).date())
    assert _row(ms).overdue


def test_it_flags_a_pair_whose_last_meeting_is_too_long_ago():
    ms = MentorshipFactory(cadence_days=14, started_on=(NOW - timedelta(days=90)).date())
    meeting = _meeting(ms, 21)
    assert not _row(ms).overdue  # 21 days = 1.5 x 14: not yet
    meeting.scheduled_at -= timedelta(days=1)
    meeting.save()
    recompute_pair(ms.pk)  # moved behind the domain's back: the pair's figures stored again
    assert _row(ms).overdue


def test_it_counts_a_rescheduled_meeting_at_its_new_time():
    ms = MentorshipFactory(cadence_days=7, started_on=(NOW - timedelta(days=90)).date())
    meeting = _meeting(ms, 35)
    assert _row(ms).held_4w == 0
    meeting.scheduled_at = NOW - timedelta(days=27)
    meeting.save()
    recompute_pair(ms.pk)  # moved behind the domain's back: the pair's figures stored again
    row = _row(ms)
    assert (row.held_4w, row.days_since_last) == (1, 27)


def _pairs(program, n: int) -> None:
    """n pairs with a held meeting whose brief was opened only afterwards (flagged unread)."""
    for _ in range(n):
        ms = MentorshipFactory(program=program)
        meeting = MeetingFactory(
            mentorship=ms, scheduled_at=timezone.now() - timedelta(days=3), status="held"
        )
        SubmittedAgendaFactory(meeting=meeting)
        BriefReadFactory(
            agenda=meeting.agenda,
            reader=ms.mentor,
            first_read_at=meeting.scheduled_at + timedelta(hours=1),
            last_read_at=meeting.scheduled_at + timedelta(hours=1),
        )


# Session, user, the program, its cadences, the number of matches, the page's ids, the page's
# rows with their figures, their week grid, the overdue count, the mentor filter's options, and
# the navigation's one (base.html), and the number of stuck pairs (their streak is stored with
# each pair, read with the rows).
DASHBOARD_QUERIES = 11


@pytest.mark.parametrize("query", ["", "?sort=-held_total", "?sort=opened&flag=unread&page=2"])
@pytest.mark.parametrize("pairs", [2, 12])
def test_it_renders_the_dashboard_in_the_same_queries_at_any_size(
    world, django_assert_num_queries, pairs, query
):
    _pairs(world.program, pairs)
    client = world.client_for(world.staff)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("cadence", args=[world.program.slug]) + query)
    assert response.status_code == 200
    assert len(response.context["rows"]) >= pairs


def test_it_renders_figures_but_no_text_for_staff(world):
    program = world.program
    _pairs(program, 10)
    response = world.client_for(world.staff).get(reverse("cadence", args=[program.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    for ms in program.mentorships.select_related("scholar"):
        assert ms.scholar.name in body
    assert "SECRET" not in body and "My training runs diverge" not in body


def test_it_paginates_the_dashboard_thirty_pairs_a_page(world):
    _pairs(world.program, 30)
    client = world.client_for(world.staff)
    url = reverse("cadence", args=[world.program.slug])
    first = client.get(url + "?sort=scholar")
    second = client.get(url + "?sort=scholar&page=2")
    assert (first.context["page"].pages, first.context["page"].total) == (2, 33)
    assert (len(first.context["rows"]), len(second.context["rows"])) == (30, 3)
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' in second.content.decode()
    shown = [r.mentorship.pk for r in first.context["rows"] + second.context["rows"]]
    assert len(set(shown)) == 33


def test_it_filters_overdue_pairs(world):
    program = ProgramFactory(staff=[world.staff])
    now = timezone.now()
    late = MentorshipFactory(program=program, started_on=(now - timedelta(days=200)).date())
    fresh = MentorshipFactory(program=program)
    MeetingFactory(mentorship=fresh, status="held", scheduled_at=now - timedelta(days=1))
    response = world.client_for(world.staff).get(
        reverse("cadence", args=[program.slug]) + "?flag=overdue"
    )
    body = response.content.decode()
    assert late.scholar.name in body
    assert fresh.scholar.name not in body


def test_it_links_my_scholars_only_for_a_research_manager_of_the_program(world):
    url = reverse("cadence", args=[world.program.slug])
    managed = reverse("managed_scholars", args=[world.program.slug])
    assert world.manager.managed_scholars.filter(program=world.program).exists()
    assert managed in world.client_for(world.manager).get(url).content.decode()
    assert managed not in world.client_for(world.staff).get(url).content.decode()


def test_it_offers_each_active_mentor_once_escaped_and_marks_the_chosen_one(world):
    odd = UserFactory(display_name="<Zed & co>")
    MentorshipFactory(program=world.program, mentor=odd)
    MentorshipFactory(program=world.program, mentor=odd)
    MentorshipFactory(program=world.program, mentor=UserFactory(display_name="Gone"), active=False)
    client = world.client_for(world.staff)
    url = reverse("cadence", args=[world.program.slug])
    body = client.get(url).content.decode()
    assert body.count(f'<option value="{odd.pk}">&lt;Zed &amp; co&gt;</option>') == 1
    assert ">Gone</option>" not in body
    chosen = client.get(f"{url}?mentor={odd.pk}").content.decode()
    assert f'<option value="{odd.pk}" selected>&lt;Zed &amp; co&gt;</option>' in chosen
