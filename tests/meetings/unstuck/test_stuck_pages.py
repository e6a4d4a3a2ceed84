"""Where a stuck streak shows: the brief (mentor and scholar), the history's bottleneck timeline,
and as a figure and flag only for program staff and research managers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import HelpAsked, Meeting
from meetings.unstuck.streaks import recompute_pair
from tests.factories import (
    HelpAskedFactory,
    MeetingFactory,
    MentorshipFactory,
    SubmittedAgendaFactory,
)

FIRST = "SENTINEL-A evaluating the reward model runs out of GPU memory on the cluster"
SECOND = "SENTINEL-B the reward model evaluation keeps running out of GPU memory on the cluster"
NOW_TEXT = "SENTINEL-C reward model evaluation still runs out of GPU memory on the cluster"


def _held(mentorship, days_ago: int, bottleneck: str):
    meeting = MeetingFactory(
        mentorship=mentorship,
        scheduled_at=timezone.now() - timedelta(days=days_ago),
        status=Meeting.Status.HELD,
    )
    return SubmittedAgendaFactory(meeting=meeting, bottleneck=bottleneck)


@pytest.fixture
def stuck_world(world):
    """The world's submitted agenda is the third in a row with a similar bottleneck."""
    _held(world.mentorship, 14, FIRST)
    _held(world.mentorship, 7, SECOND)
    world.agenda.bottleneck = NOW_TEXT
    world.agenda.save()
    recompute_pair(world.mentorship.pk)
    return world


def test_the_mentor_sees_stuck_for_three_meetings_and_asked_nobody(stuck_world):
    w = stuck_world
    html = w.client_for(w.mentor).get(reverse("brief", args=[w.meeting.pk])).content.decode()
    assert "Stuck for 3 meetings" in html
    assert "asked nobody for 3 meetings" in html
    assert html.index("SENTINEL-A") < html.index("SENTINEL-B") < html.index("(this meeting)")


def test_the_scholar_sees_it_too_and_asking_someone_clears_asked_nobody(stuck_world):
    w = stuck_world
    HelpAskedFactory(agenda=w.agenda, kind="forum", name="#rl-help", outcome="Try fp16")
    html = w.client_for(w.scholar).get(reverse("brief", args=[w.meeting.pk])).content.decode()
    assert "Stuck for 3 meetings" in html
    assert "asked nobody" not in html
    assert "Whom I asked" in html and "#rl-help" in html and "Try fp16" in html


def test_a_brief_with_a_new_bottleneck_shows_no_streak(world):
    _held(world.mentorship, 7, FIRST)
    html = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    assert "Stuck for" not in html.content.decode()


def test_the_history_marks_the_stuck_stretch_and_the_help_line(stuck_world):
    w = stuck_world
    first = HelpAsked.objects.filter(agenda__bottleneck=FIRST)
    assert not first.exists()
    HelpAskedFactory(
        agenda=w.agenda, kind="peer", peer=w.other_scholar, outcome="pointed me to a paper"
    )
    HelpAskedFactory(agenda=w.agenda, kind="forum", name="forum")
    html = w.client_for(w.mentor).get(reverse("history", args=[w.scholar.pk])).content.decode()
    timeline = html[html.index('id="bottleneck-timeline"') :]
    assert timeline.count("in-stuck") == 3
    assert timeline.count("Stuck for 3 meetings") == 1
    assert f"asked 2 people: {w.other_scholar.name} (peer), forum (forum)" in timeline
    assert timeline.count("asked nobody") == 2
    assert timeline.count("(same stuck stretch)") == 2


def test_a_different_bottleneck_breaks_the_stretch_on_the_timeline(world):
    _held(world.mentorship, 21, FIRST)
    _held(world.mentorship, 14, "SENTINEL-X I need to choose a venue for the paper")
    _held(world.mentorship, 7, SECOND)
    world.agenda.bottleneck = NOW_TEXT
    world.agenda.save()
    recompute_pair(world.mentorship.pk)
    html = world.client_for(world.scholar).get(reverse("history", args=[world.scholar.pk]))
    timeline = html.content.decode()[html.content.decode().index('id="bottleneck-timeline"') :]
    assert "Stuck for 2 meetings" in timeline and "Stuck for 3" not in timeline
    assert timeline.count("in-stuck") == 2


def test_staff_and_managers_see_the_flag_and_figure_never_the_text(stuck_world):
    w = stuck_world
    HelpAskedFactory(agenda=w.agenda, kind="outside", name="SENTINEL-PERSON")
    pages = {
        w.staff: [
            reverse("cadence", args=[w.program.slug]),
            reverse("cadence", args=[w.program.slug]) + "?flag=stuck",
            reverse("scholar_summary", args=[w.program.slug, w.scholar.pk]),
            reverse("mentor_summary", args=[w.program.slug, w.mentor.pk]),
            reverse("cadence_csv", args=[w.program.slug]) + "?flag=stuck",
            reverse("program_export", args=[w.program.slug]),
        ],
        w.manager: [reverse("managed_scholars", args=[w.program.slug])],
    }
    for user, urls in pages.items():
        client = w.client_for(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.getvalue().decode()
            assert "SENTINEL" not in body, url
            assert "SECRET-BOTTLENECK" not in body, url
            if not url.endswith((".csv?flag=stuck", "/export/")):
                assert "stuck 3 meetings" in body or "1 stuck" in body or "<strong>1 " in body, url


def test_the_stuck_filter_lists_only_stuck_pairs(stuck_world):
    w = stuck_world
    calm = MentorshipFactory(program=w.program)
    _held(calm, 7, "Choosing a venue")
    client = w.client_for(w.staff)
    stuck_only = client.get(reverse("cadence", args=[w.program.slug]) + "?flag=stuck")
    assert [r.mentorship.pk for r in stuck_only.context["rows"]] == [w.mentorship.pk]
    assert stuck_only.context["page"].stuck == 1
    assert "1 stuck for 2 meetings or more" in stuck_only.content.decode()
    csv_text = client.get(reverse("cadence_csv", args=[w.program.slug])).getvalue().decode()
    header, *rows = csv_text.strip().splitlines()
    assert header.endswith(",stuck_meetings")
    assert sorted(r.rsplit(",", 1)[1] for r in rows) == ["0", "0", "0", "3"]


def test_the_manager_page_counts_stuck_scholars(stuck_world):
    w = stuck_world
    response = w.client_for(w.manager).get(reverse("managed_scholars", args=[w.program.slug]))
    assert response.context["stuck_count"] == 1
    assert "1 stuck for 2 meetings or more" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 6])
def test_staff_pages_cost_the_same_queries_with_more_stuck_pairs(
    stuck_world, extra, django_assert_num_queries
):
    w = stuck_world
    for _ in range(extra):
        pair = MentorshipFactory(program=w.program)
        _held(pair, 14, FIRST)
        _held(pair, 7, SECOND)
    client = w.client_for(w.manager)
    url = reverse("managed_scholars", args=[w.program.slug])
    client.get(url)
    with django_assert_num_queries(MANAGER_PAGE_QUERIES):
        client.get(url)
    summary = reverse("scholar_summary", args=[w.program.slug, w.scholar.pk])
    with django_assert_num_queries(SUMMARY_QUERIES):
        client.get(summary)


# The stuck flag is stored with each pair and read with its other figures (no query of its own);
# the scholar summary has one more for people asked per meeting, one for the research plan's
# milestone counts, three for the growth figures (briefs, their questions, readings: the manager here is
# program staff too), for program staff, one for the end-of-program report's figures, and one
# for whether the reader may schedule the person's meetings; none grows with the number of pairs.
MANAGER_PAGE_QUERIES = 8
SUMMARY_QUERIES = 19
