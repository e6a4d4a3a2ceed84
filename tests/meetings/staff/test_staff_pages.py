"""Staff and research-manager pages: who may open them, what they show, and never the content."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import Agenda, Meeting
from meetings.unstuck.streaks import recompute_pair
from tests.factories import (
    ActionItemFactory,
    BriefReadFactory,
    MeetingFactory,
    MentorshipFactory,
    QuestionFactory,
    ResearchManagerAssignmentFactory,
    SubmittedAgendaFactory,
    UserFactory,
)
from tests.security.conftest import SENTINELS, forbidden_for, sentinel_world

ROLES = [
    "anon",
    "scholar",
    "mentor",
    "other_scholar",
    "other_mentor",
    "staff",
    "other_staff",
    "outsider",
    "manager",
]
# The check-in on the world's agenda: the tests below set whom the scholar shares it with.
CHECKIN = "SECRET-WB-ONLYME"


def _never_on_staff_pages(role) -> list[str]:
    """Staff pages show figures, never content: no sentinel reaches them, but for the check-ins
    a scholar shared with their research manager, which that manager alone sees."""
    return forbidden_for("manager") if role == "manager" else list(SENTINELS)


def _user(world, role):
    return None if role == "anon" else getattr(world, role)


def _hold(world):
    """The world's meeting held two days ago, its brief submitted in time for it."""
    world.meeting.scheduled_at = timezone.now() - timedelta(days=2)
    world.meeting.status = Meeting.Status.HELD
    world.meeting.save()
    world.agenda.submitted_at = world.meeting.scheduled_at - timedelta(days=1)
    world.agenda.save()
    recompute_pair(world.mentorship.pk)  # held behind the domain's back: figures stored again
    return world


@pytest.fixture
def secret_world(world):
    """The sentinel world (tests/security/conftest.py), its meeting held: private text of every
    kind on a meeting that the staff figures count."""
    return _hold(sentinel_world(world))


@pytest.fixture
def held_world(world):
    """The world's meeting held, with one open action item: what the figures' tests count."""
    ActionItemFactory(mentorship=world.mentorship, meeting=world.meeting)
    return _hold(world)


def _urls(world):
    slug = world.program.slug
    return {
        "cadence": reverse("cadence", args=[slug]),
        "cadence_csv": reverse("cadence_csv", args=[slug]),
        "scholar_summary": reverse("scholar_summary", args=[slug, world.scholar.pk]),
        "mentor_summary": reverse("mentor_summary", args=[slug, world.mentor.pk]),
        "managed_scholars": reverse("managed_scholars", args=[slug]),
    }


ALLOWED = {
    "cadence": {"staff", "manager"},
    "cadence_csv": {"staff", "manager"},
    "scholar_summary": {"staff", "manager"},
    "mentor_summary": {"staff", "manager"},
    "managed_scholars": {"manager"},
}


@pytest.mark.parametrize("page", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_it_scopes_every_staff_page(secret_world, page, role):
    response = secret_world.client_for(_user(secret_world, role)).get(_urls(secret_world)[page])
    if role == "anon":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    elif role in ALLOWED[page]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
    body = response.getvalue().decode()
    for secret in _never_on_staff_pages(role):
        assert secret not in body


def test_it_refuses_post_on_staff_pages(world):
    response = world.client_for(world.staff).post(_urls(world)["cadence"])
    assert response.status_code == 405


def test_it_keeps_other_programs_staff_out_of_summaries_of_this_program(world):
    url = reverse("scholar_summary", args=[world.other_program.slug, world.scholar.pk])
    assert world.client_for(world.other_staff).get(url).status_code == 404


def test_it_answers_404_for_a_person_outside_the_program(world):
    url = reverse("scholar_summary", args=[world.program.slug, world.outsider.pk])
    assert world.client_for(world.staff).get(url).status_code == 404


@pytest.mark.parametrize(
    "visibility,manager_sees",
    [
        (Agenda.Visibility.ONLY_ME, False),
        (Agenda.Visibility.MENTORS, False),
        (Agenda.Visibility.MANAGER, True),
        (Agenda.Visibility.BOTH, True),
    ],
)
def test_it_shows_check_ins_only_to_the_manager_they_were_shared_with(
    secret_world, visibility, manager_sees
):
    w = secret_world
    w.agenda.wellbeing_visibility = visibility
    w.agenda.save()
    urls = _urls(w)
    for name in ("managed_scholars", "scholar_summary"):
        body = w.client_for(w.manager).get(urls[name]).getvalue().decode()
        assert (CHECKIN in body) is manager_sees
        for secret in _never_on_staff_pages("manager"):
            if secret != CHECKIN:
                assert secret not in body
    # Plain program staff and every other page never show it.
    for role in ("staff", "manager"):
        for name in ("cadence", "cadence_csv", "mentor_summary"):
            response = w.client_for(_user(w, role)).get(urls[name])
            assert CHECKIN.encode() not in response.getvalue()


def test_it_hides_a_check_in_from_a_manager_of_another_scholar(secret_world):
    w = secret_world
    w.agenda.wellbeing_visibility = Agenda.Visibility.BOTH
    w.agenda.save()
    other_manager = UserFactory(username="othermanager")
    w.program.staff.add(other_manager)
    ResearchManagerAssignmentFactory(
        program=w.program, manager=other_manager, scholar=w.other_scholar
    )
    body = w.client_for(other_manager).get(_urls(w)["managed_scholars"]).content.decode()
    url = reverse("scholar_summary", args=[w.program.slug, w.scholar.pk])
    summary = w.client_for(other_manager).get(url).content.decode()
    for secret in SENTINELS:  # the check-ins shared with the scholar's own manager too
        assert secret not in body
        assert secret not in summary


def test_it_never_shows_a_draft_check_in_to_the_manager(secret_world):
    w = secret_world
    w.agenda.status = Agenda.Status.DRAFT
    w.agenda.wellbeing_visibility = Agenda.Visibility.MANAGER
    w.agenda.save()
    assert CHECKIN.encode() not in (
        w.client_for(w.manager).get(_urls(w)["managed_scholars"]).content
    )


@pytest.mark.parametrize(
    "visibility,mentor_sees",
    [
        (Agenda.Visibility.ONLY_ME, False),
        (Agenda.Visibility.MENTORS, True),
        (Agenda.Visibility.MANAGER, False),
        (Agenda.Visibility.BOTH, True),
    ],
)
def test_it_follows_the_tier_on_brief_and_history(secret_world, visibility, mentor_sees):
    w = secret_world
    w.agenda.wellbeing_visibility = visibility
    w.agenda.save()
    pages = [reverse("brief", args=[w.meeting.pk]), reverse("history", args=[w.scholar.pk])]
    for url in pages:
        assert CHECKIN.encode() in w.client_for(w.scholar).get(url).content
        assert (CHECKIN.encode() in w.client_for(w.mentor).get(url).content) is mentor_sees
        for role in ("manager", "staff", "other_mentor", "other_scholar", "outsider"):
            assert CHECKIN.encode() not in w.client_for(_user(w, role)).get(url).content
        assert w.agenda.wellbeing_visible_to(w.mentor) is mentor_sees


def test_it_shows_figures_and_a_sparkline_on_the_scholar_summary(held_world):
    w = held_world
    body = w.client_for(w.staff).get(_urls(w)["scholar_summary"]).content.decode()
    assert "<svg" in body and "<polyline" in body
    assert "style=" not in body
    assert "Held meetings per week" in body


def test_it_sorts_the_dashboard_by_links(world):
    client = world.client_for(world.staff)
    url = _urls(world)["cadence"]
    body = client.get(url + "?sort=held_total").content.decode()
    assert 'aria-sort="ascending"' in body
    assert "?sort=-held_total" in body
    assert client.get(url + "?sort=nonsense&page=99").status_code == 200


def test_it_filters_by_mentor(world):
    client = world.client_for(world.staff)
    body = client.get(_urls(world)["cadence"] + f"?mentor={world.other_mentor.pk}").content.decode()
    assert "Thirdscholar" in body
    assert ">Scholar</a></td>" not in body
    assert "Otherscholar" not in body


def test_it_exports_figures_with_the_filters_applied(held_world):
    w = held_world
    client = w.client_for(w.staff)
    response = client.get(_urls(w)["cadence_csv"] + f"?mentor={w.mentor.pk}")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert {r["scholar"] for r in rows} == {"scholar", "otherscholar"}
    mine = next(r for r in rows if r["scholar"] == "scholar")
    assert mine["held_total"] == "1"
    assert mine["open_action_items"] == "1"
    # The held meeting's brief was never opened by the mentor: 0% opened before, flagged unread.
    assert mine["briefs_opened_before_share"] == "0.0"
    assert mine["unread"] == "1"
    overdue = client.get(_urls(w)["cadence_csv"] + "?flag=overdue").getvalue().decode()
    assert "thirdscholar" in overdue and "\nscholar," not in overdue
    BriefReadFactory(
        agenda=w.agenda,
        reader=w.mentor,
        first_read_at=w.meeting.scheduled_at - timedelta(hours=1),
        last_read_at=w.meeting.scheduled_at + timedelta(hours=1),
    )
    response = client.get(_urls(w)["cadence_csv"] + f"?mentor={w.mentor.pk}")
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    mine = next(r for r in rows if r["scholar"] == "scholar")
    assert (mine["briefs_opened_before_share"], mine["unread"]) == ("1.0", "0")
    unread = client.get(_urls(w)["cadence_csv"] + "?flag=unread").getvalue().decode()
    assert "\nscholar," not in unread


def test_it_shows_the_briefs_opened_share_on_the_dashboard_and_summaries(held_world):
    w = held_world
    BriefReadFactory(
        agenda=w.agenda,
        reader=w.mentor,
        first_read_at=w.meeting.scheduled_at - timedelta(hours=3),
        last_read_at=w.meeting.scheduled_at - timedelta(hours=3),
    )
    client = w.client_for(w.staff)
    urls = _urls(w)
    body = client.get(urls["cadence"]).content.decode()
    assert "Briefs opened before" in body and "flag=unread" in body
    assert "read receipts yet" not in body
    for page in ("scholar_summary", "mentor_summary"):
        body = client.get(urls[page]).content.decode()
        assert "Briefs opened before the meeting" in body
        assert "100%" in body
    unread = client.get(urls["cadence"] + "?flag=unread").content.decode()
    assert ">Scholar</a></td>" not in unread


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(world, n: int):
    for i in range(n):
        m = MentorshipFactory(program=world.program, mentor=world.other_mentor)
        for days in (3, 10, 17):
            meeting = MeetingFactory(
                mentorship=m,
                scheduled_at=timezone.now() - timedelta(days=days),
                status=Meeting.Status.HELD,
            )
            agenda = SubmittedAgendaFactory(meeting=meeting)
            QuestionFactory(agenda=agenda)
            if days != 17:  # read receipts: one before the meeting, one after, one never
                read_at = meeting.scheduled_at + timedelta(hours=-5 if days == 3 else 5)
                BriefReadFactory(
                    agenda=agenda, reader=m.mentor, first_read_at=read_at, last_read_at=read_at
                )
        ActionItemFactory(mentorship=m)
        if i % 2:
            ResearchManagerAssignmentFactory(
                program=world.program, manager=world.manager, scholar=m.scholar
            )


@pytest.mark.parametrize("page", list(ALLOWED))
def test_it_keeps_query_counts_constant_as_data_grows(world, page):
    user = world.manager
    client = world.client_for(user)
    url = _urls(world)[page]
    small = _count_queries(client, url)
    _grow(world, 12)
    assert _count_queries(client, url) == small


def test_it_links_research_managers_to_their_scholars_from_home(world):
    url = reverse("managed_scholars", args=[world.program.slug])
    assert url in world.client_for(world.manager).get(reverse("home")).content.decode()
    assert url not in world.client_for(world.staff).get(reverse("home")).content.decode()
