"""Meeting mode: one page for the pair during the meeting, captures from both, filing at held."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from meetings.meeting_mode import live
from meetings.models import (
    ActionItem,
    Annotation,
    Capture,
    LiveMeeting,
    Meeting,
    MeetingNote,
    Question,
)
from tests.at_once import at_once
from tests.factories import AgendaFactory, MeetingFactory, QuestionFactory


@pytest.fixture
def pair(world):
    """The world's meeting with three ranked questions; the scholar's and mentor's clients."""
    agenda = world.agenda
    agenda.questions.update(rank=1, estimate_minutes=10)
    QuestionFactory(agenda=agenda, text="Second question?", rank=2)
    QuestionFactory(agenda=agenda, text="Third question?", rank=3, estimate_minutes=3)
    return world, world.client_for(world.scholar), world.client_for(world.mentor)


def _url(name, world, **extra):
    return reverse(name, args=[world.meeting.pk])


def _capture(client, world, kind, text, question=None, htmx=True, **page):
    """`page`: the numbers the page sends with it (since, v), as its poll does."""
    data = {"kind": kind, "text": text, "question": question.pk if question else "", **page}
    return (client.htmx if htmx else client).post(_url("live_capture", world), data)


def _poll(client, world, since=0, version=0):
    url = _url("live_poll", world) + f"?since={since}&v={version}"
    return client.htmx.get(url)


def _seqs(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="capture-(\d+)"', html)]


def _questions(world):
    return list(world.agenda.questions.order_by("rank"))


# --- Access ---------------------------------------------------------------------------------


def test_it_opens_meeting_mode_to_the_pair_only(world):
    url = _url("live", world)
    for user in (world.scholar, world.mentor):
        assert world.client_for(user).get(url).status_code == 200
    for user in (world.other_mentor, world.other_scholar, world.staff, world.manager):
        assert world.client_for(user).get(url).status_code == 404
        assert world.client_for(user).get(_url("live_poll", world)).status_code == 404
        response = _capture(world.client_for(user), world, "decision", "REFUSED")
        assert response.status_code == 404
    assert not Capture.objects.exists()


def test_it_keeps_a_draft_agenda_from_the_mentor_in_meeting_mode(world):
    draft = AgendaFactory(
        meeting=MeetingFactory(mentorship=world.mentorship), bottleneck="DRAFT-ONLY text"
    )
    QuestionFactory(agenda=draft, text="DRAFT-QUESTION?")
    url = reverse("live", args=[draft.meeting.pk])
    page = world.client_for(world.mentor).get(url).content.decode()
    assert "DRAFT-QUESTION" not in page and "DRAFT-ONLY" not in page
    assert "has not submitted an agenda" in page
    scholar_page = world.client_for(world.scholar).get(url).content.decode()
    assert "Submit your agenda first" in scholar_page


def test_it_sends_a_held_meeting_to_its_record(world):
    Meeting.objects.filter(pk=world.meeting.pk).update(status=Meeting.Status.HELD)
    response = world.client_for(world.mentor).get(_url("live", world))
    assert response.status_code == 302 and response.url == reverse("brief", args=[world.meeting.pk])
    refused = _capture(world.client_for(world.mentor), world, "decision", "Too late")
    assert refused.status_code == 422 and not Capture.objects.exists()


def test_it_refuses_a_question_of_another_meeting(pair, world):
    world, scholar, _ = pair
    other = QuestionFactory(text="Elsewhere?")
    response = _capture(scholar, world, "answer", "Text", question=other)
    assert response.status_code == 422
    assert not Capture.objects.exists()


def test_it_refuses_empty_or_overlong_captures_with_a_message(pair):
    world, scholar, _ = pair
    scholar.get(_url("live", world))
    assert _capture(scholar, world, "answer", "   ").content == (
        b"Type something first: nothing was added."
    )
    response = _capture(scholar, world, "action", "x" * 301)
    assert response.status_code == 422 and b"at most 300" in response.content
    response = _capture(scholar, world, "gossip", "text")
    assert response.status_code == 422
    assert not Capture.objects.exists()


def test_it_works_without_javascript(pair):
    world, scholar, mentor = pair
    response = _capture(mentor, world, "decision", "Plain form decision", htmx=False)
    assert response.status_code == 302 and response.url == _url("live", world)
    page = mentor.get(response.url).content.decode()
    assert "Plain form decision" in page and "Decision added." in page
    response = mentor.post(_url("live_move", world), {"action": "start", "version": 1})
    assert response.status_code == 302
    assert LiveMeeting.objects.get().current_question == _questions(world)[0]


# --- Captures from both, at once ------------------------------------------------------------


def test_each_sees_the_others_captures_and_none_is_lost(pair):
    world, scholar, mentor = pair
    first = _questions(world)[0]
    scholar.get(_url("live", world))
    mentor.get(_url("live", world))
    # Both poll from the start, then both capture "at the same moment" (before either polls).
    assert _seqs(_poll(scholar, world).content.decode()) == []
    assert _capture(scholar, world, "answer", "SCHOLAR-NOTE on it", first).status_code == 201
    assert _capture(mentor, world, "decision", "MENTOR-DECISION taken", first).status_code == 201
    assert _capture(mentor, world, "action", "MENTOR-ACTION to do").status_code == 201
    for client in (scholar, mentor):
        html = _poll(client, world, since=0, version=LiveMeeting.objects.get().version).content
        html = html.decode()
        assert _seqs(html) == [1, 2, 3]
        for text in ("SCHOLAR-NOTE", "MENTOR-DECISION", "MENTOR-ACTION"):
            assert text in html
        assert 'id="live-state"' not in html  # the meeting did not move: no panel
    # Asking again from the last number seen brings nothing twice.
    again = _poll(scholar, world, since=3, version=LiveMeeting.objects.get().version)
    assert _seqs(again.content.decode()) == []
    assert 'name="since" value="3"' in again.content.decode()


def test_a_capture_answers_with_what_is_new_since_the_pages_number(pair):
    """With htmx, a capture answers like a poll: the page's own capture and the other's captures
    it had not seen yet, appended out of band, and the number to ask from next; so a page never
    appends a capture twice, and a second tab (its own number) sees it once, in its poll."""
    world, scholar, mentor = pair
    scholar.get(_url("live", world))
    version = LiveMeeting.objects.get().version
    _capture(mentor, world, "decision", "MENTOR-FIRST", since=0, v=version)
    response = _capture(scholar, world, "answer", "SCHOLAR-SECOND", since=0, v=version)
    html = response.content.decode()
    assert response.status_code == 201
    assert _seqs(html) == [1, 2] and "MENTOR-FIRST" in html and "SCHOLAR-SECOND" in html
    assert 'hx-swap-oob="beforeend:#capture-list"' in html
    assert 'name="since" value="2"' in html and 'id="live-state"' not in html
    # The mentor's page (at number 1) learns of the scholar's capture alone.
    assert _seqs(_poll(mentor, world, since=1, version=version).content.decode()) == [2]
    # A second tab of the scholar, still at number 0, gets both once; the first tab nothing.
    assert _seqs(_poll(scholar, world, since=0, version=version).content.decode()) == [1, 2]
    assert _seqs(_poll(scholar, world, since=2, version=version).content.decode()) == []
    assert Capture.objects.count() == 2


def test_the_page_polls_with_htmx_attributes(pair, settings):
    settings.MEETING_POLL_MS = 1500
    world, scholar, _ = pair
    html = scholar.get(_url("live", world)).content.decode()
    poll = re.search(r'<form id="poll"[^>]*>', html).group(0)
    assert f'hx-get="{_url("live_poll", world)}"' in poll
    assert 'hx-trigger="every 1500ms"' in poll
    assert 'name="since" value="0"' in html and 'name="v" value="1"' in html
    for name in ("live_capture", "live_move"):
        assert f'hx-post="{_url(name, world)}"' in html
    # Each form still posts without JavaScript, and no script is inline (CSP: script-src 'self').
    assert f'action="{_url("live_capture", world)}"' in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []


def test_a_move_answers_with_the_panel_out_of_band(pair):
    world, scholar, _ = pair
    q1 = _questions(world)[0]
    scholar.get(_url("live", world))
    data = {"action": "start", "version": 1, "since": 0, "v": 1}
    html = scholar.htmx.post(_url("live_move", world), data).content.decode()
    assert re.search(r'<section id="live-state"[^>]*hx-swap-oob="true"', html)
    assert q1.text in html
    state = LiveMeeting.objects.get()
    assert f'name="since" value="{state.seq}"' in html
    assert f'name="v" value="{state.version}"' in html


@pytest.mark.parametrize("status", [Meeting.Status.HELD, Meeting.Status.CANCELLED])
def test_the_poll_stops_once_the_meeting_is_no_longer_planned(pair, status):
    """286 is htmx's "stop polling"; the page goes to the meeting's record."""
    world, scholar, mentor = pair
    scholar.get(_url("live", world))
    assert _poll(scholar, world).status_code == 200
    Meeting.objects.filter(pk=world.meeting.pk).update(status=status)
    for client in (scholar, mentor):
        response = _poll(client, world)
        assert response.status_code == 286
        assert response["HX-Redirect"] == reverse("brief", args=[world.meeting.pk])
        assert _seqs(response.content.decode()) == []


def test_the_poll_stops_once_the_mentor_marks_the_meeting_held(pair):
    world, scholar, mentor = pair
    Meeting.objects.filter(pk=world.meeting.pk).update(
        scheduled_at=timezone.now() - timedelta(minutes=25)
    )
    scholar.get(_url("live", world))
    _capture(scholar, world, "decision", "Filed at held")
    response = mentor.htmx.post(_url("live_held", world))
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("brief", args=[world.meeting.pk])
    assert MeetingNote.objects.filter(meeting=world.meeting, body="Filed at held").exists()
    assert _poll(scholar, world, since=1, version=1).status_code == 286


def test_a_refused_held_tells_the_page_why(pair):
    world, _, mentor = pair
    response = mentor.htmx.post(_url("live_held", world))  # it has not started yet
    assert response.status_code == 422
    assert "mark it held once it has started" in response.content.decode()
    assert "HX-Redirect" not in response
    world.meeting.refresh_from_db()
    assert world.meeting.is_open


@pytest.mark.django_db(transaction=True)
def test_simultaneous_captures_each_get_their_own_number(world):
    """Threads capturing at once (on PostgreSQL, really at once): every capture is kept, with
    numbers 1..n without gaps or repeats, so a poll from any number misses none."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write at a time: only PostgreSQL shows the race.")
    live_state = live.session(world.meeting)

    def capture(i):
        live.capture(live_state, world.mentor, "decision", f"Decision {i}", None)

    assert at_once(capture, 6) == [None] * 6
    assert sorted(Capture.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert LiveMeeting.objects.get().seq == 6


def test_it_shares_the_current_question_and_refuses_a_stale_move(pair):
    world, scholar, mentor = pair
    q1, q2, q3 = _questions(world)
    scholar.get(_url("live", world))
    response = scholar.htmx.post(_url("live_move", world), {"action": "start", "version": 1})
    assert response.status_code == 200 and q1.text in response.content.decode()
    # Both press "next" from version 2: one moves, the other is shown where the meeting is.
    first = mentor.htmx.post(_url("live_move", world), {"action": "next", "version": 2})
    second = scholar.htmx.post(_url("live_move", world), {"action": "next", "version": 2})
    assert first.status_code == 200 and second.status_code == 409
    assert LiveMeeting.objects.get().current_question == q2
    assert "Second question?" in second.content.decode()
    # The other page learns of the move in its next poll: the panel comes with it.
    html = _poll(scholar, world, since=0, version=2).content.decode()
    assert 'id="live-state"' in html and "Second question?" in html
    mentor.htmx.post(_url("live_move", world), {"action": "next", "version": 3})
    assert LiveMeeting.objects.get().current_question == q3
    mentor.htmx.post(_url("live_move", world), {"action": "next", "version": 4})
    state = LiveMeeting.objects.get()
    assert state.finished and state.current_question is None
    assert live.phase(state) == "end"
    mentor.htmx.post(_url("live_move", world), {"action": "previous", "version": 5})
    assert LiveMeeting.objects.get().current_question == q3


def test_it_reads_in_silence_first_when_asked(pair, settings):
    settings.MEETING_READING_SECONDS = 120
    world, scholar, _ = pair
    world.agenda.decision = "DECISION-FIRST pick a dataset"
    world.agenda.save()
    scholar.get(_url("live", world))
    response = scholar.htmx.post(_url("live_move", world), {"action": "read", "version": 1})
    html = response.content.decode()
    assert "Read the brief in silence" in html and "2:00" in html
    assert html.index("DECISION-FIRST") < html.index("SECRET-BOTTLENECK")
    state = LiveMeeting.objects.get()
    assert live.phase(state) == "reading"
    assert live.phase(state, now=timezone.now() + timedelta(seconds=121)) == "ready"


def test_it_leaves_questions_in_writing_out_of_the_meeting(pair):
    world, scholar, _ = pair
    q1, q2, q3 = _questions(world)
    Question.objects.filter(pk=q2.pk).update(in_writing=True)
    scholar.get(_url("live", world))
    scholar.post(_url("live_move", world), {"action": "start", "version": 1})
    scholar.post(_url("live_move", world), {"action": "next", "version": 2})
    assert LiveMeeting.objects.get().current_question == q3


# --- Filing at held -------------------------------------------------------------------------


def test_marking_held_files_every_capture_into_the_record(pair):
    world, scholar, mentor = pair
    q1, q2, _ = _questions(world)
    mentor.get(_url("live", world))
    _capture(scholar, world, "answer", "Use the smaller model first", q1)
    _capture(mentor, world, "answer", "And log the seeds", q1)
    _capture(mentor, world, "decision", "We drop dataset B")
    _capture(scholar, world, "action", "Rerun with 3 seeds", q2)
    # Not before the meeting has started (the held rule), and then nothing is filed.
    early = mentor.post(_url("live_held", world))
    assert early.url == reverse("live", args=[world.meeting.pk])
    assert not MeetingNote.objects.filter(meeting=world.meeting).exists()
    Meeting.objects.filter(pk=world.meeting.pk).update(
        scheduled_at=timezone.now() - timedelta(minutes=25)
    )
    response = mentor.post(_url("live_held", world))
    assert response.status_code == 302 and response.url == reverse("brief", args=[world.meeting.pk])
    world.meeting.refresh_from_db()
    assert world.meeting.is_held
    notes = Annotation.objects.filter(question=q1).order_by("pk")
    assert [(n.author, n.body) for n in notes] == [
        (world.scholar, "Use the smaller model first"),
        (world.mentor, "And log the seeds"),
    ]
    q1.refresh_from_db()
    assert q1.status == Question.Status.DISCUSSED
    decision = MeetingNote.objects.get(meeting=world.meeting)
    assert (decision.kind, decision.body) == (MeetingNote.Kind.DECISION, "We drop dataset B")
    item = ActionItem.objects.get(meeting=world.meeting)
    assert (item.text, item.mentorship, item.created_by) == (
        "Rerun with 3 seeds",
        world.mentorship,
        world.scholar,
    )
    assert not Capture.objects.filter(filed_at__isnull=True).exists()
    # The record shows it all on the brief; filing again files nothing twice.
    brief = mentor.get(reverse("brief", args=[world.meeting.pk])).content.decode()
    for text in ("Use the smaller model first", "We drop dataset B", "Rerun with 3 seeds"):
        assert text in brief
    assert live.file_captures(world.meeting, world.mentor) == 0
    assert MeetingNote.objects.count() == 1


def test_only_the_mentor_marks_held_from_meeting_mode(pair):
    world, scholar, _ = pair
    _capture(scholar, world, "decision", "Kept for later")
    assert scholar.post(_url("live_held", world)).status_code == 404
    world.meeting.refresh_from_db()
    assert world.meeting.is_open
    assert not MeetingNote.objects.exists()


def test_a_refused_held_files_nothing(pair, monkeypatch):
    """The held rule is scheduling.mark_held's: when it refuses, nothing is filed."""
    world, _, mentor = pair
    _capture(mentor, world, "decision", "Not yet filed")
    from meetings.scheduling import lifecycle as scheduling

    def refuse(meeting, by):
        raise scheduling.NotPlanned("Only from the meeting's start time.")

    monkeypatch.setattr(scheduling, "mark_held", refuse)
    response = mentor.post(_url("live_held", world), follow=True)
    assert "Not marked held: Only from the meeting" in response.content.decode()
    assert not MeetingNote.objects.exists()
    assert Capture.objects.get().filed_at is None


# --- Queries --------------------------------------------------------------------------------


def _grow(world, n):
    live_state = live.session(world.meeting)
    questions = _questions(world)
    for i in range(n):
        QuestionFactory(agenda=world.agenda, rank=10 + i)
        live.capture(live_state, world.mentor, "answer", f"Capture {i}", questions[0])
        live.capture(live_state, world.scholar, "action", f"Item {i}", None)


# session, user, meeting, live state, agenda, questions, captures, and the menu's one
PAGE_QUERIES = 8
POLL_QUERIES = 5  # session, user, live state, captures; the panel: agenda and questions


@pytest.mark.parametrize("size", [1, 15])
def test_meeting_mode_page_queries_do_not_grow(pair, size, django_assert_num_queries):
    world, scholar, mentor = pair
    _grow(world, size)
    live.move(live.session(world.meeting), "start", 1, world.agenda)
    mentor.get(_url("live", world))
    with django_assert_num_queries(PAGE_QUERIES):
        assert mentor.get(_url("live", world)).status_code == 200


@pytest.mark.parametrize("size", [1, 15])
def test_poll_queries_do_not_grow(pair, size, django_assert_num_queries):
    world, scholar, mentor = pair
    _grow(world, size)
    with django_assert_num_queries(POLL_QUERIES + 1):  # everything new, and the panel
        assert _poll(mentor, world, since=0, version=0).status_code == 200
    seq = LiveMeeting.objects.get().seq
    version = LiveMeeting.objects.get().version
    with django_assert_num_queries(3):  # nothing new: the live state alone
        response = _poll(mentor, world, since=seq, version=version)
    assert _seqs(response.content.decode()) == []


@pytest.mark.parametrize("kind", ["answer", "decision", "action"])
def test_a_capture_holding_a_nul_character_is_refused_with_a_message(pair, kind):
    """PostgreSQL cannot store NUL: refused with why (422 for the page's script), nothing
    added."""
    world, scholar, _ = pair
    response = _capture(scholar, world, kind, "Half\x00 a line")
    assert response.status_code == 422
    assert "holds a NUL character, which cannot be saved" in response.content.decode()
    assert not Capture.objects.exists()
    plain = _capture(scholar, world, kind, "Half\x00 a line", htmx=False)
    assert plain.status_code == 302 and not Capture.objects.exists()


def test_it_says_which_questions_of_the_brief_it_skips(pair):
    """Four questions on the brief, one resolved beforehand and one moved to writing: the
    meeting counts two, and says why the other two are not among them."""
    world, _, mentor = pair
    first, second, third = _questions(world)
    second.status = Question.Status.RESOLVED
    second.save()
    third.in_writing = True
    third.save()
    QuestionFactory(agenda=world.agenda, text="Fourth question?", rank=4)
    live.move(live.session(world.meeting), "start", 1, world.agenda)
    html = mentor.get(_url("live", world)).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", "", html).split())
    assert "Question 1 of 2 (1 resolved beforehand and 1 answered in writing: skipped here)" in text
    assert "2 questions (1 resolved beforehand and 1 answered in writing: skipped here)" in text


def test_it_says_nothing_of_skipping_when_it_skips_nothing(pair):
    world, _, mentor = pair
    live.move(live.session(world.meeting), "start", 1, world.agenda)
    html = mentor.get(_url("live", world)).content.decode()
    assert "Question 1 of 3" in html and "skipped here" not in html
