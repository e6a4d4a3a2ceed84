"""After a held meeting: the scholar's recap, which the mentor confirms or corrects and which
opens the next agenda."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, Recap
from tests.at_once import at_once
from tests.factories import MeetingFactory, MentorshipFactory

RECAP = {
    "takeaway": "RECAP-TAKEAWAY use a smaller probe",
    "next_steps": "RECAP-NEXT rerun on layer 12",
    "still_need": "RECAP-NEED compute budget",
}


def _held(meeting: Meeting) -> Meeting:
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.HELD,
        scheduled_at=timezone.now() - timedelta(days=1),
        held_at=timezone.now() - timedelta(days=1),
    )
    meeting.refresh_from_db()
    return meeting


def test_it_lets_the_scholar_write_the_recap_of_a_held_meeting(world):
    meeting = _held(world.meeting)
    client = world.client_for(world.scholar)
    response = client.post(reverse("recap_save", args=[meeting.pk]), RECAP)
    assert response.status_code == 302
    recap = Recap.objects.get(meeting=meeting)
    assert recap.takeaway == RECAP["takeaway"] and recap.version == 1
    page = client.get(reverse("recap", args=[meeting.pk])).content.decode()
    assert "RECAP-TAKEAWAY" in page and "Waiting for the mentor to confirm" in page


def test_it_refuses_a_recap_before_the_meeting_is_held(world):
    client = world.client_for(world.scholar)
    response = client.post(reverse("recap_save", args=[world.meeting.pk]), RECAP, follow=True)
    assert "open once the meeting is marked held" in response.content.decode()
    assert not Recap.objects.exists()


def test_it_asks_for_the_two_required_lines(world):
    meeting = _held(world.meeting)
    client = world.client_for(world.scholar)
    response = client.htmx.post(reverse("recap_save", args=[meeting.pk]), {"takeaway": " "})
    html = response.content.decode()
    assert "Say what you take away from the meeting." in html
    assert "Say what you will do next." in html
    assert not Recap.objects.exists()


def test_it_refuses_a_stale_recap_edit_and_shows_the_newer_version(world):
    meeting = _held(world.meeting)
    client = world.client_for(world.scholar)
    client.post(reverse("recap_save", args=[meeting.pk]), RECAP)
    client.post(
        reverse("recap_save", args=[meeting.pk]),
        {**RECAP, "takeaway": "NEWER takeaway", "version": 1},
    )
    response = client.post(
        reverse("recap_save", args=[meeting.pk]),
        {**RECAP, "takeaway": "STALE takeaway", "version": 1},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "NEWER takeaway" in html and "STALE takeaway" in html
    assert Recap.objects.get().takeaway == "NEWER takeaway"


def test_the_mentor_confirms_with_a_correction_and_the_recap_is_then_fixed(world):
    meeting = _held(world.meeting)
    world.client_for(world.scholar).post(reverse("recap_save", args=[meeting.pk]), RECAP)
    mentor = world.client_for(world.mentor)
    response = mentor.htmx.post(
        reverse("recap_confirm", args=[meeting.pk]),
        {"correction": "RECAP-CORRECTION also try layer 8", "version": 1},
    )
    assert response.status_code == 200
    assert "RECAP-CORRECTION" in response.content.decode()
    recap = Recap.objects.get()
    assert recap.confirmed_by == world.mentor and recap.is_confirmed
    response = world.client_for(world.scholar).post(
        reverse("recap_save", args=[meeting.pk]),
        {**RECAP, "takeaway": "changed", "version": recap.version},
        follow=True,
    )
    assert "can no longer change" in response.content.decode()
    assert Recap.objects.get().takeaway == RECAP["takeaway"]


def _mentor_opens_then_scholar_edits(world):
    """The mentor opens the recap (version 1); the scholar then saves a newer text."""
    meeting = _held(world.meeting)
    scholar = world.client_for(world.scholar)
    scholar.post(reverse("recap_save", args=[meeting.pk]), RECAP)
    mentor = world.client_for(world.mentor)
    page = mentor.get(reverse("recap", args=[meeting.pk])).content.decode()
    assert 'name="version" value="1"' in page
    scholar.post(
        reverse("recap_save", args=[meeting.pk]),
        {**RECAP, "takeaway": "NEWER takeaway the mentor never read", "version": 1},
    )
    return meeting, mentor


@pytest.mark.parametrize("version", [{"version": 1}, {}], ids=["stale", "none"])
def test_a_confirmation_of_a_version_the_mentor_did_not_read_is_refused(world, version):
    """A confirmation is of the text the mentor read: from a page showing an older version, or
    naming none, nothing is confirmed; the newer text is shown with the correction kept."""
    meeting, mentor = _mentor_opens_then_scholar_edits(world)
    response = mentor.post(
        reverse("recap_confirm", args=[meeting.pk]), {"correction": "KEPT correction", **version}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "The recap changed since you opened it: nothing was confirmed" in html
    assert "NEWER takeaway the mentor never read" in html and "KEPT correction" in html
    assert 'name="version" value="2"' in html
    recap = Recap.objects.get()
    assert not recap.is_confirmed and recap.correction == ""
    response = mentor.post(
        reverse("recap_confirm", args=[meeting.pk]), {"correction": "KEPT correction", "version": 2}
    )
    assert response.status_code == 302
    assert Recap.objects.get().is_confirmed


def test_a_stale_confirmation_with_htmx_shows_the_newer_text_in_place(world):
    meeting, mentor = _mentor_opens_then_scholar_edits(world)
    response = mentor.htmx.post(reverse("recap_confirm", args=[meeting.pk]), {"version": 1})
    html = response.content.decode()
    assert "NEWER takeaway the mentor never read" in html and "<html" not in html
    assert not Recap.objects.get().is_confirmed


def test_a_confirmation_after_held_was_undone_is_refused(world):
    from meetings.scheduling import lifecycle as scheduling

    world.meeting.scheduled_at = timezone.now() - timedelta(minutes=30)
    world.meeting.save()
    scheduling.mark_held(world.meeting, by=world.mentor)
    world.client_for(world.scholar).post(reverse("recap_save", args=[world.meeting.pk]), RECAP)
    scheduling.undo(world.meeting, by=world.mentor)
    response = world.client_for(world.mentor).post(
        reverse("recap_confirm", args=[world.meeting.pk]), {"version": 1}, follow=True
    )
    assert "open once the meeting is marked held" in response.content.decode()
    assert not Recap.objects.get().is_confirmed


def test_a_first_recap_saved_from_a_page_that_had_none_does_not_overwrite_one_saved_since(world):
    """Two windows opened before there was a recap: the second save names no version and is
    refused, with the first one's text shown."""
    meeting = _held(world.meeting)
    client = world.client_for(world.scholar)
    client.post(reverse("recap_save", args=[meeting.pk]), RECAP)
    response = client.post(
        reverse("recap_save", args=[meeting.pk]), {**RECAP, "takeaway": "SECOND window"}
    )
    assert response.status_code == 409
    assert Recap.objects.get().takeaway == RECAP["takeaway"]


def test_the_recap_opens_the_next_agenda_and_brief(world):
    held = _held(MeetingFactory(mentorship=world.mentorship))
    world.client_for(world.scholar).post(reverse("recap_save", args=[held.pk]), RECAP)
    agenda_page = world.client_for(world.scholar).get(reverse("agenda", args=[world.meeting.pk]))
    assert "RECAP-NEXT rerun on layer 12" in agenda_page.content.decode()
    brief_page = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    assert "RECAP-NEXT rerun on layer 12" in brief_page.content.decode()


def test_a_second_mentors_pair_never_shows_the_recap(world):
    second = MentorshipFactory(program=world.program, scholar=world.scholar)
    held = _held(MeetingFactory(mentorship=world.mentorship))
    world.client_for(world.scholar).post(reverse("recap_save", args=[held.pk]), RECAP)
    assert world.client_for(second.mentor).get(reverse("recap", args=[held.pk])).status_code == 404
    later = MeetingFactory(mentorship=second)
    page = world.client_for(world.scholar).get(reverse("agenda", args=[later.pk])).content
    assert b"RECAP-NEXT" not in page


@pytest.mark.parametrize("role", ["other_mentor", "other_scholar", "staff", "manager", "outsider"])
def test_nobody_outside_the_pair_sees_or_writes_the_recap(world, role):
    meeting = _held(world.meeting)
    world.client_for(world.scholar).post(reverse("recap_save", args=[meeting.pk]), RECAP)
    client = world.client_for(getattr(world, role))
    assert client.get(reverse("recap", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("recap_confirm", args=[meeting.pk]), {}).status_code == 404
    for url in [reverse("home"), reverse("history", args=[world.scholar.pk])]:
        assert b"RECAP-TAKEAWAY" not in client.get(url).content


def test_the_mentor_cannot_write_the_scholars_recap(world):
    meeting = _held(world.meeting)
    response = world.client_for(world.mentor).post(reverse("recap_save", args=[meeting.pk]), RECAP)
    assert response.status_code == 404
    assert not Recap.objects.exists()


def test_home_asks_only_for_the_recap_of_each_pairs_latest_held_meeting(world):
    older = _held(MeetingFactory(mentorship=world.mentorship))
    Meeting.objects.filter(pk=older.pk).update(scheduled_at=timezone.now() - timedelta(days=8))
    latest = _held(MeetingFactory(mentorship=world.mentorship))
    html = world.client_for(world.scholar).get(reverse("home")).content.decode()
    assert reverse("recap", args=[latest.pk]) in html
    assert reverse("recap", args=[older.pk]) not in html
    world.client_for(world.scholar).post(reverse("recap_save", args=[latest.pk]), RECAP)
    html = world.client_for(world.scholar).get(reverse("home")).content.decode()
    assert "Write your recap" not in html


def test_the_write_itself_refuses_anyone_but_the_scholar(world):
    """Who may write is checked by the write, not only by the page that calls it."""
    from meetings.recaps import domain as recaps
    from meetings.recaps.forms import RecapForm

    meeting = _held(world.meeting)
    for person in (world.mentor, world.other_scholar, world.staff):
        with pytest.raises(recaps.NotYours):
            recaps.write_recap(meeting, person, RecapForm(RECAP))
    assert not Recap.objects.exists()


def test_a_refusal_to_htmx_reloads_the_page_with_its_message(world):
    client = world.client_for(world.scholar)
    response = client.htmx.post(reverse("recap_save", args=[world.meeting.pk]), RECAP)
    assert response.status_code == 409 and response["HX-Refresh"] == "true"
    flashed = [str(m) for m in get_messages(response.wsgi_request)]
    assert flashed == ["The recap and feedback open once the meeting is marked held."]
    assert not Recap.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_recaps_make_one_recap(world):
    """Two windows save the first recap at the same moment (on PostgreSQL, really at once): one
    recap, and the other save refused as stale instead of an IntegrityError."""
    from django.db import connection

    from meetings.recaps import domain as recaps
    from meetings.recaps.forms import RecapForm

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write at a time: only PostgreSQL shows the race.")
    meeting = _held(world.meeting)

    def save(i):
        try:
            recaps.write_recap(meeting, world.scholar, RecapForm({**RECAP, "takeaway": f"T{i}"}))
        except recaps.Stale:
            return "stale"
        return "saved"

    assert sorted(map(str, at_once(save, 4))) == ["saved", "stale", "stale", "stale"]
    assert Recap.objects.filter(meeting=meeting).count() == 1
