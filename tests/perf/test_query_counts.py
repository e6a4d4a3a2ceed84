"""Queries per page do not grow with data: the pages the benchmark measures, at two sizes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from meetings.staff.cadence import cadence_page, cadence_rows, streamed_rows
from tests.factories import (
    ActionItemFactory,
    MeetingFactory,
    MentorshipFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add_meetings(mentorship, n: int) -> None:
    for i in range(n):
        meeting = MeetingFactory(
            mentorship=mentorship,
            scheduled_at=timezone.now() - timedelta(days=7 * (i + 1)),
            status=Meeting.Status.HELD,
        )
        agenda = SubmittedAgendaFactory(meeting=meeting)
        QuestionFactory(agenda=agenda)
        QuestionFactory(agenda=agenda)
        ActionItemFactory(mentorship=mentorship, meeting=meeting)


def test_it_keeps_history_mentor_list_and_brief_queries_constant(world):
    mentor_client = world.client_for(world.mentor)
    scholar_client = world.client_for(world.scholar)
    urls = [
        (scholar_client, reverse("history", args=[world.scholar.pk])),
        (scholar_client, reverse("growth", args=[world.scholar.pk])),
        (mentor_client, reverse("home")),
        (mentor_client, reverse("brief", args=[world.meeting.pk])),
    ]
    _add_meetings(world.mentorship, 2)

    def counts() -> list[int]:
        for c, u in urls:  # the first open of a brief records its read receipt: warm up once
            c.get(u)
        return [_queries(c, u) for c, u in urls]

    small = counts()
    _add_meetings(world.mentorship, 25)
    for _ in range(6):
        _add_meetings(MentorshipFactory(program=world.program, mentor=world.mentor), 2)
    assert counts() == small


def test_it_paginates_history(world):
    _add_meetings(world.mentorship, 25)
    client = world.client_for(world.scholar)
    url = reverse("history", args=[world.scholar.pk])
    first = client.get(url)
    assert len(first.context["entries"]) == 10
    assert "page=2" in first.content.decode()
    last = client.get(url + "?page=3")
    assert len(last.context["entries"]) == 6  # 25 + the world's planned meeting = 26


def _csv_queries(client, url) -> int:
    """Queries of a streamed download, the lines written included."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        assert response.getvalue()
    return len(ctx.captured_queries)


def _add_pairs(world, n: int) -> None:
    for _ in range(n):
        _add_meetings(MentorshipFactory(program=world.program), 2)


# session, user, program, mentors list + cadences, stuck count, totals, page ids, the page's
# figures (the stuck streak is stored with each pair), its week grid, and the menu (one).
CADENCE_PAGE_QUERIES = 11
# session, user, program + cadences, ordered ids, then per chunk: figures (streaks included).
CADENCE_CSV_QUERIES = 6


def test_the_cadence_page_and_its_csv_keep_their_queries_at_two_sizes(world):
    """The first page and the download cost the same queries for 6 pairs as for 41 (more than a
    page): figures are worked out for a page of pairs or a chunk of the download at a time."""
    client = world.client_for(world.staff)
    page = reverse("cadence", args=[world.program.slug])
    download = reverse("cadence_csv", args=[world.program.slug])
    small = (_queries(client, page), _csv_queries(client, download))
    _add_pairs(world, 35)
    big = (_queries(client, page), _csv_queries(client, download))
    assert small == big == (CADENCE_PAGE_QUERIES, CADENCE_CSV_QUERIES)


def test_the_csv_reads_a_chunk_of_pairs_at_a_time_never_a_row(world, monkeypatch):
    """One query per chunk of pairs (their figures, the stored streak among them), none per
    row."""
    monkeypatch.setattr("meetings.staff.cadence.CSV_CHUNK", 4)
    client = world.client_for(world.staff)
    download = reverse("cadence_csv", args=[world.program.slug])
    pairs = world.program.mentorships.active().count()
    _add_pairs(world, 12 - pairs)  # 3 chunks of 4
    assert _csv_queries(client, download) == CADENCE_CSV_QUERIES + 2 * 1
    _add_pairs(world, 1)  # a 4th chunk, of one pair
    response = client.get(download)
    assert isinstance(response, StreamingHttpResponse)
    assert len(response.getvalue().decode().strip().splitlines()) == 1 + 13
    assert _csv_queries(client, download) == CADENCE_CSV_QUERIES + 3 * 1


@pytest.mark.parametrize("sort", ["attention", "-scholar", "held_total", "-on_time", "days"])
def test_the_streamed_rows_are_the_rows_in_the_same_order(world, sort):
    _add_pairs(world, 7)
    mentorships = world.program.mentorships.active()
    expected = [
        (r.mentorship.pk, r.held_total, r.overdue) for r in cadence_rows(mentorships, sort=sort)
    ]
    streamed = [
        (r.mentorship.pk, r.held_total, r.overdue)
        for r in streamed_rows(mentorships, sort=sort, chunk=3)
    ]
    assert streamed == expected
    first = cadence_page(mentorships, sort=sort, per_page=5)
    assert [r.mentorship.pk for r in first.rows] == [pk for pk, _, _ in expected[:5]]
    assert (first.total, first.pages) == (len(expected), -(-len(expected) // 5))
    assert first.overdue == sum(1 for _, _, overdue in expected if overdue)
    last = cadence_page(mentorships, sort=sort, per_page=5, page="999")
    assert last.page == last.pages
    assert [r.mentorship.pk for r in last.rows] == [
        pk for pk, _, _ in expected[5 * (last.pages - 1) :]
    ]
