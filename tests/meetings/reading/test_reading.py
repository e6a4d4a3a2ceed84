"""The reading list: entries with a takeaway (from the reading page and the agenda), mentors'
recommendations, the brief's "read since the last meeting" and the history's weekly counts."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, ReadingEntry, ReadingRecommendation
from meetings.reading.domain import recent_entries, weekly_counts
from tests.factories import (
    MeetingFactory,
    MentorshipFactory,
    PeerOfferFactory,
    ProgressLineFactory,
    ReadingEntryFactory,
    ReadingRecommendationFactory,
    SubmittedAgendaFactory,
)


def _add(client, data, htmx=False):
    return (client.htmx if htmx else client).post(reverse("reading_add"), data)


def _days_ago(days: int) -> date:
    """A day in the scholar's program (it began 120 days ago), whenever the tests run."""
    return timezone.localdate() - timedelta(days=days)


def test_the_scholar_adds_a_reading_with_a_takeaway(world):
    client = world.client_for(world.scholar)
    response = _add(
        client,
        {
            "title": "Attention is all you need",
            "link": "https://arxiv.org/abs/1706.03762",
            "takeaway": "Position  matters less than I thought",
            "read_on": _days_ago(10).isoformat(),
        },
        htmx=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="https://arxiv.org/abs/1706.03762" rel="noopener nofollow"' in html
    assert html.lstrip().startswith('<section id="reading-entries"') and "<html" not in html
    entry = ReadingEntry.objects.get()
    assert entry.scholar == world.scholar and entry.read_on == _days_ago(10)
    assert entry.takeaway == "Position matters less than I thought"


@pytest.mark.parametrize(
    "link,message",
    [("javascript:alert(1)", "full web address"), ("ftp://example.org/x", "https://")],
)
def test_it_refuses_a_link_that_is_not_a_web_address_and_keeps_the_text(world, link, message):
    client = world.client_for(world.scholar)
    response = _add(
        client, {"title": "KEPT-TITLE", "link": link, "read_on": _days_ago(10).isoformat()}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "KEPT-TITLE" in html
    assert not ReadingEntry.objects.exists()


def test_it_adds_removes_and_edits_from_the_agenda_without_js(world):
    client = world.client_for(world.scholar)
    response = _add(client, {"title": "From agenda", "meeting": world.meeting.pk})
    assert response.status_code == 302 and response["Location"].endswith("#reading-entries")
    entry = ReadingEntry.objects.get()
    assert entry.agenda == world.agenda
    page = client.get(reverse("agenda", args=[world.meeting.pk])).content.decode()
    assert "From agenda" in page and 'name="reading"' in page  # the free text stays too
    edit = reverse("reading_edit", args=[entry.pk])
    client.post(edit, {"title": "Renamed", "takeaway": "T", "read_on": _days_ago(30).isoformat()})
    entry.refresh_from_db()
    assert (entry.title, entry.takeaway) == ("Renamed", "T")
    client.post(reverse("reading_delete", args=[entry.pk]), {"meeting": world.meeting.pk})
    assert not ReadingEntry.objects.exists()


def test_nobody_else_edits_or_attaches_to_someone_elses_agenda(world):
    entry = ReadingEntryFactory(scholar=world.scholar, title="Mine")
    other = world.client_for(world.other_scholar)
    assert other.post(reverse("reading_delete", args=[entry.pk])).status_code == 404
    assert other.post(reverse("reading_edit", args=[entry.pk]), {"title": "X"}).status_code == 404
    assert _add(other, {"title": "Sneak", "meeting": world.meeting.pk}).status_code == 404
    assert (
        world.client_for(world.mentor).post(reverse("reading_add"), {"title": "M"}).status_code
        == 404
    )
    assert ReadingEntry.objects.get().title == "Mine"


def test_a_mentor_recommends_and_the_scholar_marks_it_read_with_a_takeaway(world):
    mentor = world.client_for(world.mentor)
    url = reverse("reading_recommend", args=[world.scholar.pk])
    response = mentor.post(url, {"title": "REC-ONE", "link": "https://example.org/p"})
    assert response.status_code == 302
    rec = ReadingRecommendation.objects.get()
    assert rec.scholar == world.scholar and rec.program == world.program
    scholar = world.client_for(world.scholar)
    page = scholar.get(reverse("reading", args=[world.scholar.pk])).content.decode()
    assert "REC-ONE" in page and "Mark read" in page
    # another scholar of the mentor does not get a personal recommendation
    assert (
        b"REC-ONE"
        not in world.client_for(world.other_scholar)
        .get(reverse("reading", args=[world.other_scholar.pk]))
        .content
    )
    _add(
        scholar,
        {
            "title": "REC-ONE",
            "recommendation": rec.pk,
            "takeaway": "TAKEAWAY-REC",
            "read_on": timezone.localdate().isoformat(),
        },
    )
    entry = ReadingEntry.objects.get()
    assert entry.recommendation == rec
    page = mentor.get(reverse("reading", args=[world.scholar.pk])).content.decode()
    assert "TAKEAWAY-REC" in page and "Mark read" not in page


def test_a_recommendation_to_the_whole_program_reaches_every_scholar_of_it(world):
    mentor = world.client_for(world.mentor)
    mentor.post(
        reverse("reading_recommend", args=[world.scholar.pk]),
        {"title": "REC-ALL", "whole_program": "on"},
    )
    third = MentorshipFactory(program=world.program).scholar
    elsewhere = MentorshipFactory(program=world.other_program).scholar
    for user, seen in [(world.other_scholar, True), (third, True), (elsewhere, False)]:
        page = world.client_for(user).get(reverse("reading", args=[user.pk])).content
        assert (b"REC-ALL" in page) is seen


@pytest.mark.parametrize("role", ["other_scholar", "other_mentor", "staff", "manager", "outsider"])
def test_the_reading_page_is_the_scholars_and_their_mentors_only(world, role):
    ReadingEntryFactory(scholar=world.scholar, title="T", takeaway="READ-SENTINEL")
    user = getattr(world, role)
    client = world.client_for(user)
    assert client.get(reverse("reading", args=[world.scholar.pk])).status_code == 404
    assert (
        client.post(
            reverse("reading_recommend", args=[world.scholar.pk]), {"title": "x"}
        ).status_code
        == 404
    )
    for url in [reverse("home"), reverse("my_data_export")]:
        assert b"READ-SENTINEL" not in client.get(url).content
    assert (
        world.client_for(world.mentor).get(reverse("reading", args=[world.scholar.pk])).status_code
        == 200
    )


def test_the_brief_shows_what_was_read_since_the_last_meeting(world):
    held = MeetingFactory(
        mentorship=world.mentorship,
        scheduled_at=timezone.now() - timedelta(days=7),
        status=Meeting.Status.HELD,
    )
    SubmittedAgendaFactory(meeting=held)
    today = timezone.localdate()
    ReadingEntryFactory(scholar=world.scholar, title="OLD-READ", read_on=today - timedelta(30))
    ReadingEntryFactory(
        scholar=world.scholar, title="NEW-READ", takeaway="NEW-TAKE", read_on=today - timedelta(2)
    )
    html = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    html = html.content.decode()
    assert "Read since the last meeting" in html
    assert "NEW-READ" in html and "NEW-TAKE" in html and "OLD-READ" not in html


def test_the_history_counts_readings_per_week(world):
    today = date(2026, 12, 2)  # a Wednesday
    for days in (0, 1, 8):
        ReadingEntryFactory(
            scholar=world.scholar, title=f"R{days}", read_on=today - timedelta(days)
        )
    ReadingEntryFactory(scholar=world.other_scholar, title="Not theirs", read_on=today)
    weeks = weekly_counts(recent_entries(world.mentor, world.scholar.pk, today), today=today)
    assert (weeks[-1]["week"], weeks[-1]["count"]) == (date(2026, 11, 30), 2)
    assert [e.title for e in weeks[-1]["entries"]] == ["R0", "R1"]
    assert (weeks[-2]["week"], weeks[-2]["count"]) == (date(2026, 11, 23), 1)
    assert sum(w["count"] for w in weeks) == 3 and len(weeks) == 8
    html = world.client_for(world.mentor).get(reverse("history", args=[world.scholar.pk]))
    assert "Readings per week" in html.content.decode()


def _fill(world, n: int) -> None:
    for i in range(n):
        rec = ReadingRecommendationFactory(
            program=world.program, mentor=world.mentor, scholar=world.scholar, title=f"Rec {i}"
        )
        ReadingEntryFactory(scholar=world.scholar, title=f"E {i}", recommendation=rec)
        ReadingRecommendationFactory(program=world.program, mentor=world.mentor, title=f"Open {i}")
        ReadingEntryFactory(scholar=world.scholar, title=f"F {i}", link="https://e.org")


@pytest.mark.parametrize("size", [1, 12])
@pytest.mark.parametrize("role,queries", [("scholar", 7), ("mentor", 8)])
def test_it_builds_the_reading_page_in_the_same_number_of_queries(
    world, django_assert_num_queries, size, role, queries
):
    _fill(world, size)
    client = world.client_for(getattr(world, role))
    with django_assert_num_queries(queries):
        response = client.get(reverse("reading", args=[world.scholar.pk]))
    assert len(response.context["entries"]) == 2 * size
    assert len(response.context["recommended"]) == size


def test_the_scholars_data_download_holds_their_reading_log_and_offers(world):
    import json

    ReadingEntryFactory(scholar=world.scholar, title="R1", takeaway="TAKE-1")
    ProgressLineFactory(scholar=world.scholar, text="LINE-1")
    PeerOfferFactory(agenda=world.agenda, author=world.other_scholar, message="OFF-1")
    data = json.loads(world.client_for(world.scholar).get(reverse("my_data_export")).content)
    assert data["reading"][0]["takeaway"] == "TAKE-1"
    assert data["progress_log"][0]["text"] == "LINE-1"
    assert data["peer_offers"][0]["message"] == "OFF-1"
    theirs = json.loads(
        world.client_for(world.other_scholar).get(reverse("my_data_export")).content
    )
    assert theirs["reading"] == [] and theirs["progress_log"] == []
    assert [o["message"] for o in theirs["peer_offers"]] == ["OFF-1"]  # the offer they made
    mentor = world.client_for(world.mentor).get(reverse("my_data_export")).content
    assert b"OFF-1" not in mentor and b"TAKE-1" not in mentor and b"LINE-1" not in mentor


@pytest.mark.parametrize(
    ("read_on", "message"),
    [
        ("9999-12-31", "A reading is logged once read: pick a date up to today"),
        ("0001-01-01", "when your first program or mentorship began"),
        ("TOMORROW", "A reading is logged once read: pick a date up to today"),
        ("BEFORE-PROGRAM", "when your first program or mentorship began"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_refuses_a_date_no_one_means_beside_the_field_keeping_the_input(
    world, read_on, message, htmx
):
    """Not in the future, in the scholar's time zone, nor before their first program or
    mentorship began: such a date would stretch the reading chart over centuries."""
    today = timezone.localdate()
    first = world.mentorship.program.starts_on
    read_on = {
        "TOMORROW": (today + timedelta(days=1)).isoformat(),
        "BEFORE-PROGRAM": (first - timedelta(days=1)).isoformat(),
    }.get(read_on, read_on)
    response = _add(
        world.client_for(world.scholar), {"title": "KEPT-TITLE", "read_on": read_on}, htmx=htmx
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "KEPT-TITLE" in html and read_on in html
    assert not ReadingEntry.objects.exists()


def test_the_future_is_the_scholars_own_day(world):
    """Just after midnight in Auckland it is already tomorrow there, not yet in UTC."""
    import time_machine

    world.scholar.time_zone = "Pacific/Auckland"
    world.scholar.save()
    now = timezone.now().replace(hour=12, minute=30)  # 00:30 or 01:30 the next day there
    with time_machine.travel(now, tick=False):
        auckland_today = timezone.localtime(now, world.scholar.zone).date()
        response = _add(
            world.client_for(world.scholar),
            {"title": "Read in Auckland", "read_on": auckland_today.isoformat()},
        )
    assert response.status_code == 302
    assert ReadingEntry.objects.get().read_on == auckland_today
