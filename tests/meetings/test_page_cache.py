"""The rendered brief kept in the cache (issue 5, meetings/page_cache.py): never stale, never
shown to anyone else, and each response has its own CSRF token."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import Mentorship
from meetings import services
from meetings.models import (
    ActionItem,
    Agenda,
    Annotation,
    BriefRead,
    Meeting,
    MeetingSeries,
    MentorPrivateNote,
    Question,
)
from tests.factories import (
    ActionItemFactory,
    AnnotationFactory,
    MeetingFactory,
    MeetingNoteFactory,
    QuestionFactory,
)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
HX_TOKEN = re.compile(r'"X-CSRFToken": "[^"]+"')  # base.html, for htmx


def _page(client, meeting) -> str:
    response = client.get(reverse("brief", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _same(html: str) -> str:
    return HX_TOKEN.sub("", TOKEN.sub('name="csrfmiddlewaretoken" value=""', html))


def _question(world) -> Question:
    return world.agenda.questions.get()


def _edit_progress(world):
    world.agenda.save_fields({"progress": "EDITED progress"}, world.agenda.version)


def _add_question(world):
    QuestionFactory(agenda=world.agenda, text="ADDED question?", rank=5)


def _edit_question(world):
    q = _question(world)
    q.text = "EDITED question?"
    q.save()


def _drop_question(world):
    q = _question(world)
    q.status = Question.Status.DROPPED
    q.save()


def _answer(world):
    services.answer_question(_question(world), "WRITTEN answer", "open", world.mentor)


def _triage(world):
    q = _question(world)
    q.status = Question.Status.DISCUSSED
    q.save(update_fields=["status"])


def _comment(world):
    AnnotationFactory(agenda=world.agenda, body="NEW comment")


def _edit_comment(world):
    note = Annotation.objects.get(body="FIRST comment")
    note.body = "EDITED comment"
    note.save()


def _delete_comment(world):
    Annotation.objects.get(body="FIRST comment").delete()


def _add_item(world):
    ActionItemFactory(mentorship=world.mentorship, meeting=world.meeting, text="NEW item")


def _toggle_item(world):
    ActionItem.objects.get(text="OPEN item").set_done(True)


def _item_of_an_earlier_meeting(world):
    earlier = MeetingFactory(
        mentorship=world.mentorship,
        scheduled_at=timezone.now() - timedelta(days=7),
        status=Meeting.Status.HELD,
    )
    ActionItemFactory(mentorship=world.mentorship, meeting=earlier, text="CARRIED item")


def _note(world):
    MeetingNoteFactory(meeting=world.meeting, body="NEW decision")


def _reschedule(world):
    world.meeting.scheduled_at = timezone.now() + timedelta(days=9)
    world.meeting.save()


def _mark_held(world):
    world.meeting.status = Meeting.Status.HELD
    world.meeting.held_at = timezone.now()
    world.meeting.save()


def _touch_agenda(world):
    services.touch_agenda(world.agenda)


def _rename_scholar(world):
    world.scholar.display_name = "RENAMED Scholar"
    world.scholar.save()


def _check_in(world):
    Agenda.objects.filter(pk=world.agenda.pk).update(
        wellbeing_energy=2, wellbeing_visibility=Agenda.Visibility.MENTORS
    )
    world.agenda.refresh_from_db()
    world.agenda.save()  # through the model, as the form does


WRITES = {
    "agenda text": _edit_progress,
    "question added": _add_question,
    "question edited": _edit_question,
    "question dropped": _drop_question,
    "written answer": _answer,
    "question triaged": _triage,
    "comment added": _comment,
    "comment edited": _edit_comment,
    "comment deleted": _delete_comment,
    "action item added": _add_item,
    "action item done": _toggle_item,
    "item from an earlier meeting": _item_of_an_earlier_meeting,
    "note added": _note,
    "meeting moved": _reschedule,
    "meeting held": _mark_held,
    "agenda touched": _touch_agenda,
    "scholar renamed": _rename_scholar,
    "check-in shared": _check_in,
}


@pytest.fixture
def brief_world(world):
    AnnotationFactory(agenda=world.agenda, body="FIRST comment")
    ActionItemFactory(mentorship=world.mentorship, meeting=world.meeting, text="OPEN item")
    return world


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
@pytest.mark.parametrize("role", ["mentor", "scholar"])
def test_it_never_shows_a_kept_brief_after_a_write(brief_world, write, role):
    """Warm the cache, write, then the page (from the cache if it may) is exactly what a page
    built from the database shows, and not what it showed before the write."""
    world = brief_world
    client = world.client_for(getattr(world, role))
    _page(client, world.meeting)
    before = _same(_page(client, world.meeting))  # kept in the cache now
    write(world)
    _page(client, world.meeting)  # the mentor's first read after a change marks what changed
    kept = _same(_page(client, world.meeting))
    cache.clear()
    built = _same(_page(client, world.meeting))
    assert kept == built
    assert built != before


def test_it_shows_a_kept_question_order_change(brief_world):
    world = brief_world
    second = QuestionFactory(agenda=world.agenda, text="SECOND question?", rank=2)
    client = world.client_for(world.mentor)
    _page(client, world.meeting)
    html = _page(client, world.meeting)
    assert html.index("SECRET-QUESTION one?") < html.index("SECOND question?")
    Question.reorder(world.agenda, [second.pk, _question_one(world).pk])
    html = _page(client, world.meeting)
    assert html.index("SECOND question?") < html.index("SECRET-QUESTION one?")


def _question_one(world) -> Question:
    return world.agenda.questions.get(text="SECRET-QUESTION one?")


def test_it_shows_a_changed_private_note_to_its_mentor(brief_world):
    world = brief_world
    client = world.client_for(world.mentor)
    _page(client, world.meeting)
    assert "KEEP-TO-MYSELF" not in _page(client, world.meeting)
    MentorPrivateNote.objects.create(
        mentor=world.mentor, scholar=world.scholar, text="KEEP-TO-MYSELF"
    )
    assert "KEEP-TO-MYSELF" in _page(client, world.meeting)
    assert "KEEP-TO-MYSELF" not in _page(world.client_for(world.scholar), world.meeting)


def test_it_shows_carried_questions_in_a_kept_draft(brief_world):
    world = brief_world
    world.meeting.status = Meeting.Status.HELD
    world.meeting.save()
    following = MeetingFactory(mentorship=world.mentorship)
    agenda = Agenda.objects.create(meeting=following)
    client = world.client_for(world.scholar)
    _page(client, following)
    assert "SECRET-QUESTION one?" not in _page(client, following)
    agenda.carry_forward()
    assert "SECRET-QUESTION one?" in _page(client, following)


def test_it_keeps_one_entry_per_viewer(brief_world):
    """The scholar's own draft view, the mentor's and a second mentor's are never mixed up."""
    world = brief_world
    MentorPrivateNote.objects.create(mentor=world.mentor, scholar=world.scholar, text="PRIVATE-X")
    mentor_page = _page(world.client_for(world.mentor), world.meeting)
    assert "PRIVATE-X" in mentor_page
    scholar_page = _page(world.client_for(world.scholar), world.meeting)
    assert "PRIVATE-X" not in scholar_page
    assert "Edit your agenda" in scholar_page and "Edit your agenda" not in mentor_page
    assert (
        world.client_for(world.other_mentor)
        .get(reverse("brief", args=[world.meeting.pk]))
        .status_code
        == 404
    )


def test_it_shows_each_viewer_times_in_their_own_time_zone(brief_world):
    world = brief_world
    client = world.client_for(world.mentor)
    world.mentor.time_zone = "UTC"
    world.mentor.save()
    utc = _page(client, world.meeting)
    world.mentor.time_zone = "Asia/Kolkata"  # UTC+05:30: every shown time moves
    world.mentor.save()
    kolkata = _page(client, world.meeting)
    shown = world.meeting.scheduled_at.astimezone(timezone.get_fixed_timezone(330))
    assert shown.strftime("%H:%M") in kolkata
    assert utc != kolkata


def test_it_gives_each_response_its_own_working_csrf_token(brief_world):
    from django.test import Client

    world = brief_world
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.mentor)
    _page(browser, world.meeting)
    tokens = [TOKEN.findall(_page(browser, world.meeting)) for _ in range(2)]
    assert tokens[0] and tokens[1]
    assert tokens[0][0] != tokens[1][0]  # masked anew each time, as Django does
    token = tokens[1][0].split('value="')[1].rstrip('"')
    response = browser.post(
        reverse("note_add", args=[world.meeting.pk]),
        {"kind": "note", "body": "Posted from a kept page", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert "Posted from a kept page" in _page(browser, world.meeting)
    # another browser of the same mentor gets a token of its own (not the first one's)
    other = Client(enforce_csrf_checks=True)
    other.force_login(world.mentor)
    other_token = TOKEN.findall(_page(other, world.meeting))[0].split('value="')[1].rstrip('"')
    response = other.post(
        reverse("note_add", args=[world.meeting.pk]),
        {"kind": "note", "body": "From the second browser", "csrfmiddlewaretoken": other_token},
    )
    assert response.status_code == 302


def test_it_records_a_re_read_without_rebuilding_the_brief(brief_world, django_assert_num_queries):
    world = brief_world
    client = world.client_for(world.mentor)
    _page(client, world.meeting)
    read = BriefRead.objects.get(reader=world.mentor)
    version = Mentorship.objects.get(pk=world.mentorship.pk).content_version
    assert read.content_version == version
    # A reload within a minute: the session, the user, the meeting and the navigation.
    with django_assert_num_queries(5):
        _page(client, world.meeting)
    # Later: the receipt's time moves (one UPDATE, and the mentor's pages version: their home
    # page shows it), the brief still comes from the cache.
    BriefRead.objects.filter(pk=read.pk).update(last_read_at=timezone.now() - timedelta(hours=1))
    with django_assert_num_queries(7):
        _page(client, world.meeting)
    read.refresh_from_db()
    assert timezone.now() - read.last_read_at < timedelta(minutes=1)


def test_it_marks_what_changed_for_the_mentor_after_a_kept_read(brief_world):
    world = brief_world
    client = world.client_for(world.mentor)
    _page(client, world.meeting)
    _page(client, world.meeting)
    world.agenda.save_fields({"bottleneck": "A NEW bottleneck"}, world.agenda.version)
    html = _page(client, world.meeting)
    assert "Since you last opened this brief" in html and "A NEW bottleneck" in html
    assert "Since you last opened this brief" not in _page(client, world.meeting)


# --- The scholar's history, kept the same way -------------------------------------------------


def _history(client, scholar, page: int = 1) -> str:
    response = client.get(reverse("history", args=[scholar.pk]) + f"?page={page}")
    assert response.status_code == 200
    return response.content.decode()


def _second_pair(world) -> Mentorship:
    return Mentorship.objects.get(scholar=world.scholar, mentor=world.other_mentor)


def _second_mentor_meets(world):
    MeetingFactory(mentorship=_second_pair(world), scheduled_at=timezone.now() + timedelta(days=4))


def _second_mentor_renamed(world):
    world.other_mentor.display_name = "RENAMED second mentor"
    world.other_mentor.save()


def _pair_removed(world):
    _second_pair(world).delete()


def _private_note(world):
    MentorPrivateNote.objects.create(mentor=world.mentor, scholar=world.scholar, text="NOTE-X")


def _series(world):
    MeetingSeries.objects.create(
        mentorship=world.mentorship,
        starts_at=timezone.now() + timedelta(hours=1),
        interval_days=7,
        count=3,
    ).create_meetings()


HISTORY_WRITES = WRITES | {
    "a weekly series scheduled": _series,
    "a second mentor's meeting": _second_mentor_meets,
    "a second mentor renamed": _second_mentor_renamed,
    "a pair removed": _pair_removed,
}


@pytest.fixture
def two_mentors(brief_world):
    world = brief_world
    second = Mentorship.objects.create(
        program=world.program, scholar=world.scholar, mentor=world.other_mentor
    )
    MeetingFactory(mentorship=second, scheduled_at=timezone.now() - timedelta(days=3))
    return world


HISTORY_CASES = [
    pytest.param(role, write, id=f"{role}-{name}")
    for role in ("scholar", "mentor", "other_mentor")
    for name, write in HISTORY_WRITES.items()
    # once their pair is removed, the second mentor no longer sees this history at all (404)
    if not (role == "other_mentor" and write is _pair_removed)
]


@pytest.mark.parametrize(("role", "write"), HISTORY_CASES)
def test_it_never_shows_a_kept_history_after_a_write(two_mentors, role, write):
    world = two_mentors
    client = world.client_for(getattr(world, role))
    _history(client, world.scholar)
    _history(client, world.scholar)  # kept in the cache now
    write(world)
    kept = _same(_history(client, world.scholar))
    cache.clear()
    assert kept == _same(_history(client, world.scholar))


def test_it_shows_a_changed_private_note_on_the_kept_history(two_mentors):
    world = two_mentors
    client = world.client_for(world.mentor)
    _history(client, world.scholar)
    assert "NOTE-X" not in _history(client, world.scholar)
    _private_note(world)
    assert "NOTE-X" in _history(client, world.scholar)
    assert "NOTE-X" not in _history(world.client_for(world.scholar), world.scholar)
    assert "NOTE-X" not in _history(world.client_for(world.other_mentor), world.scholar)


def test_it_keeps_each_page_of_a_history_apart(two_mentors):
    world = two_mentors
    for i in range(12):
        MeetingFactory(
            mentorship=world.mentorship, scheduled_at=timezone.now() - timedelta(days=10 + i)
        )
    client = world.client_for(world.scholar)
    first, second = _history(client, world.scholar, 1), _history(client, world.scholar, 2)
    assert first != second
    assert "Page 2 of 2" in _history(client, world.scholar, 2)
    assert "Page 1 of 2" in _history(client, world.scholar, 1)


def test_it_keeps_a_history_without_rebuilding_it(two_mentors, django_assert_num_queries):
    world = two_mentors
    client = world.client_for(world.scholar)
    _history(client, world.scholar)
    # the session, the user, the access row (with the history version) and the navigation
    with django_assert_num_queries(5):
        _history(client, world.scholar)


# --- The home page's lists, kept the same way -------------------------------------------------


def _home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _mentor_reads_the_brief(world):
    world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))


def _pair_paused(world):
    world.mentorship.active = False
    world.mentorship.save()


HOME_WRITES = HISTORY_WRITES | {
    "the mentor reads the brief": _mentor_reads_the_brief,
    "a pair paused": _pair_paused,
}


@pytest.mark.parametrize("write", HOME_WRITES.values(), ids=HOME_WRITES.keys())
@pytest.mark.parametrize("role", ["scholar", "mentor", "other_mentor"])
def test_it_never_shows_kept_home_lists_after_a_write(two_mentors, write, role):
    world = two_mentors
    client = world.client_for(getattr(world, role))
    _home(client)
    _home(client)  # kept in the cache now
    write(world)
    kept = _same(_home(client))
    cache.clear()
    assert kept == _same(_home(client))


def test_it_shows_the_read_receipt_on_the_kept_mentor_list(brief_world):
    world = brief_world
    client = world.client_for(world.mentor)
    assert "status-submitted" in _home(client)
    assert "status-submitted" in _home(client)  # kept
    _mentor_reads_the_brief(world)
    assert "status-read" in _home(client)


def test_it_lets_a_kept_next_meeting_go_12_hours_after_it_started(brief_world, monkeypatch):
    world = brief_world
    world.meeting.scheduled_at = timezone.now() - timedelta(hours=11)
    world.meeting.save()
    client = world.client_for(world.mentor)
    assert "none planned" not in _home(client)
    assert "none planned" not in _home(client)  # kept in the cache
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "none planned" in _home(client)


def test_it_counts_days_since_the_last_meeting_on_from_a_kept_list(brief_world, monkeypatch):
    world = brief_world
    MeetingFactory(
        mentorship=world.mentorship,
        scheduled_at=timezone.now() - timedelta(days=3, hours=23, minutes=30),
        status=Meeting.Status.HELD,
    )
    client = world.client_for(world.mentor)
    assert "<td>3 days</td>" in _home(client)
    assert "<td>3 days</td>" in _home(client)  # kept in the cache
    later = timezone.now() + timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "<td>4 days</td>" in _home(client)
