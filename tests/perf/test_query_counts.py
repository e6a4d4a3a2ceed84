"""Queries per page do not grow with data: the pages the benchmark measures, at two sizes."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
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
