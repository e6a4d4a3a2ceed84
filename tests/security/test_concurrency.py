"""Parallel requests against the served app: several tabs at once get answers, never a 500.

The requests go through the live server (a thread per request, each with its own database
connection), so on SQLite they contend for the one write lock as they would in production.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import Agenda, Meeting, Question
from tests.factories import AgendaFactory, MeetingFactory, MentorshipFactory, QuestionFactory

live = pytest.mark.django_db(transaction=True)
CSRF = "c" * 32  # any 32-character secret: the cookie and the header only have to agree


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF}"


def _at_once(count: int, send) -> list[int]:
    """Run `send()` in `count` threads released together; the status codes they got."""
    start = threading.Barrier(count)
    codes: list[int] = []

    def run() -> None:
        start.wait()
        try:
            with send() as response:
                codes.append(response.status)
        except urllib.error.HTTPError as error:
            codes.append(error.code)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return codes


def _pair():
    mentorship = MentorshipFactory()
    return mentorship, mentorship.scholar


@live
def test_it_answers_eight_parallel_autosaves_with_200_or_409(live_server):
    mentorship, scholar = _pair()
    agenda = AgendaFactory(meeting=MeetingFactory(mentorship=mentorship))
    url = live_server.url + reverse("agenda_autosave", args=[agenda.meeting_id])
    cookie = _session_cookie(scholar)

    def send():
        body = urllib.parse.urlencode(
            {"version": agenda.version, "bottleneck": f"Typed in {threading.get_ident()}"}
        )
        request = urllib.request.Request(
            url,
            data=body.encode(),
            headers={"Cookie": cookie, "X-CSRFToken": CSRF, "HX-Request": "true"},
        )
        return urllib.request.urlopen(request, timeout=60)

    codes = _at_once(8, send)
    assert len(codes) == 8
    assert set(codes) <= {200, 409}, codes
    # One save wins the version; every other one is told so and wrote nothing.
    assert codes.count(200) == 1, codes
    assert Agenda.objects.get(pk=agenda.pk).version == agenda.version + 1


@live
def test_it_opens_a_new_agenda_in_six_tabs_at_once(live_server):
    mentorship, scholar = _pair()
    last = MeetingFactory(
        mentorship=mentorship,
        scheduled_at=timezone.now() - timedelta(days=7),
        status=Meeting.Status.HELD,
    )
    last_agenda = AgendaFactory(meeting=last)
    left_open = [QuestionFactory(agenda=last_agenda, rank=i) for i in (1, 2)]
    QuestionFactory(agenda=last_agenda, rank=3, status=Question.Status.RESOLVED)
    meeting = MeetingFactory(mentorship=mentorship, scheduled_at=timezone.now() + timedelta(days=7))
    url = live_server.url + reverse("agenda", args=[meeting.pk])
    cookie = _session_cookie(scholar)

    def send():
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        return urllib.request.urlopen(request, timeout=60)

    codes = _at_once(6, send)
    assert codes == [200] * 6
    agenda = Agenda.objects.get(meeting=meeting)
    # Last time's two open questions, carried in once however many tabs opened the page.
    carried = sorted(agenda.questions.values_list("carried_from_id", flat=True))
    assert carried == sorted(q.pk for q in left_open)


WRITES = ("INSERT", "UPDATE", "DELETE", "SAVEPOINT", "BEGIN")


@pytest.mark.django_db
def test_it_reopens_an_agenda_without_writing_or_locking(world):
    """Only the first visit writes (the agenda, last time's questions); later ones just read,
    so opening the page never waits behind another tab's save."""
    last = world.meeting
    Meeting.objects.filter(pk=last.pk).update(status=Meeting.Status.HELD)
    meeting = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=timezone.now() + timedelta(days=7)
    )
    client = world.client_for(world.scholar)
    url = reverse("agenda", args=[meeting.pk])
    assert client.get(url).status_code == 200
    assert Agenda.objects.get(meeting=meeting).questions.count() == 1
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert sql and not [s for s in sql if s.lstrip().upper().startswith(WRITES)], sql
    assert not [s for s in sql if "FOR UPDATE" in s.upper()], sql
