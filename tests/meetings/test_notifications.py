"""Mail to the mentor on submit/update, reminders exactly once, preferences."""

from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from meetings.agendas import domain as agendas
from meetings.models import Agenda, BriefRead, Meeting, SentReminder
from meetings.notifications import due_reminders, send_due_reminders
from tests.factories import AgendaFactory, MeetingFactory, QuestionFactory


def _draft_agenda(world):
    Agenda.objects.filter(pk=world.agenda.pk).update(status=Agenda.Status.DRAFT, submitted_at=None)
    world.agenda.refresh_from_db()
    return world.agenda


def test_it_mails_the_mentor_when_a_brief_is_submitted(world, django_capture_on_commit_callbacks):
    agenda = _draft_agenda(world)
    Agenda.objects.filter(pk=agenda.pk).update(
        wellbeing_energy=1, wellbeing_note="WELLBEING-SECRET", wellbeing_visibility="only_me"
    )
    agenda.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        agendas.submit(agenda)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.mentor.email]
    assert world.scholar.name in message.subject
    assert "SECRET-BOTTLENECK" in message.body  # the mentor may read the bottleneck
    assert "WELLBEING-SECRET" not in message.body
    assert "http://" in message.body and f"/meetings/{world.meeting.pk}/brief/" in message.body
    assert "/accounts/settings/" in message.body


def test_it_mails_one_update_per_read(world, django_capture_on_commit_callbacks):
    agenda = world.agenda
    with django_capture_on_commit_callbacks(execute=True):
        agendas.save_fields(agenda, {"progress": "one"}, agenda.version)
        agendas.save_fields(agenda, {"progress": "two"}, agenda.version)
    assert len(mail.outbox) == 1
    assert "changed their brief" in mail.outbox[0].body
    world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    BriefRead.objects.update(last_read_at=timezone.now() - timedelta(seconds=5))
    with django_capture_on_commit_callbacks(execute=True):
        agendas.save_fields(agenda, {"progress": "three"}, agenda.version)
    assert len(mail.outbox) == 2


def test_it_respects_the_mentors_choice_of_no_brief_mail(world, django_capture_on_commit_callbacks):
    world.mentor.mail_brief_submitted = False
    world.mentor.save()
    agenda = _draft_agenda(world)
    with django_capture_on_commit_callbacks(execute=True):
        agendas.submit(agenda)
        agendas.save_fields(agenda, {"progress": "x"}, agenda.version)
    assert mail.outbox == []


def test_it_reminds_the_scholar_48_hours_before_without_a_submitted_agenda(world):
    _draft_agenda(world)
    Meeting.objects.filter(pk=world.meeting.pk).update(
        scheduled_at=timezone.now() + timedelta(hours=40)
    )
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    to_scholar = [m for m in mail.outbox if m.to == [world.scholar.email]]
    assert len(to_scholar) == 1
    assert f"/meetings/{world.meeting.pk}/agenda/" in to_scholar[0].body
    assert SentReminder.objects.filter(kind="agenda_due", recipient=world.scholar).count() == 1


def test_it_does_not_remind_the_scholar_too_early_or_after_submitting(world):
    Meeting.objects.filter(pk=world.meeting.pk).update(
        scheduled_at=timezone.now() + timedelta(hours=40)
    )
    far = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=timezone.now() + timedelta(hours=60)
    )
    assert [(k, m.pk) for k, m, _ in due_reminders() if m.mentorship == world.mentorship] == []
    assert far.pk


def test_it_reminds_the_mentor_24_hours_before_an_unopened_brief_exactly_once(world):
    Meeting.objects.filter(pk=world.meeting.pk).update(
        scheduled_at=timezone.now() + timedelta(hours=20)
    )
    counts = send_due_reminders()
    assert counts["sent"] >= 1
    again = send_due_reminders()
    assert again["sent"] == 0
    to_mentor = [m for m in mail.outbox if m.to == [world.mentor.email]]
    assert len(to_mentor) == 1
    assert "not opened" in to_mentor[0].subject
    assert f"/meetings/{world.meeting.pk}/brief/" in to_mentor[0].body


def test_it_does_not_remind_a_mentor_who_opened_the_brief(world):
    Meeting.objects.filter(pk=world.meeting.pk).update(
        scheduled_at=timezone.now() + timedelta(hours=20)
    )
    world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    send_due_reminders()
    assert [m for m in mail.outbox if m.to == [world.mentor.email]] == []


def test_it_skips_reminders_the_user_turned_off(world):
    _draft_agenda(world)
    Meeting.objects.filter(pk=world.meeting.pk).update(
        scheduled_at=timezone.now() + timedelta(hours=10)
    )
    world.scholar.mail_agenda_reminder = False
    world.scholar.save()
    counts = send_due_reminders()
    assert [m for m in mail.outbox if m.to == [world.scholar.email]] == []
    assert counts["skipped"] >= 1


def test_it_ignores_cancelled_held_and_past_meetings(world):
    for status in (Meeting.Status.CANCELLED, Meeting.Status.HELD):
        m = MeetingFactory(
            mentorship=world.mentorship,
            scheduled_at=timezone.now() + timedelta(hours=5),
            status=status,
        )
        AgendaFactory(meeting=m)
    MeetingFactory(mentorship=world.mentorship, scheduled_at=timezone.now() - timedelta(hours=1))
    Meeting.objects.filter(pk=world.meeting.pk).update(
        scheduled_at=timezone.now() + timedelta(days=10)
    )
    assert [r for r in due_reminders() if r[1].mentorship == world.mentorship] == []


def test_it_never_mails_text_of_another_pair(world):
    # The other scholar of the same mentor has a meeting too: each mail names only its own pair.
    _draft_agenda(world)
    other = Meeting.objects.get(mentorship__scholar=world.other_scholar)
    agenda = AgendaFactory(meeting=other, status="submitted", bottleneck="OTHER-BOTTLENECK")
    QuestionFactory(agenda=agenda)
    Meeting.objects.filter(pk__in=[world.meeting.pk, other.pk]).update(
        scheduled_at=timezone.now() + timedelta(hours=12)
    )
    send_due_reminders()
    for message in mail.outbox:
        assert "OTHER-BOTTLENECK" not in message.body
        assert "SECRET-BOTTLENECK" not in message.body


def test_it_saves_mail_preferences_on_the_settings_page(world):
    client = world.client_for(world.scholar)
    response = client.post(
        reverse("settings"),
        {"form": "mail", "mail_brief_submitted": "on", "mail_brief_reminder": "on"},
    )
    assert response.status_code == 302
    world.scholar.refresh_from_db()
    assert world.scholar.mail_agenda_reminder is False
    assert world.scholar.mail_brief_submitted is True
    # The profile form still saves on its own.
    client.post(
        reverse("settings"),
        {"display_name": "New Name", "email": "s@example.org", "time_zone": "Europe/Berlin"},
    )
    world.scholar.refresh_from_db()
    assert world.scholar.display_name == "New Name"
    assert world.scholar.mail_agenda_reminder is False


def test_it_claims_each_reminder_once_in_the_database(world):
    import pytest
    from django.db import IntegrityError, transaction

    SentReminder.objects.create(kind="agenda_due", meeting=world.meeting, recipient=world.scholar)
    with pytest.raises(IntegrityError), transaction.atomic():
        SentReminder.objects.create(
            kind="agenda_due", meeting=world.meeting, recipient=world.scholar
        )


def test_it_never_mails_someone_outside_the_pair(world):
    from meetings.notifications import send_notice

    result = send_notice.enqueue("brief_unread", world.meeting.pk, world.other_mentor.pk, "")
    assert result.return_value is False
    assert mail.outbox == []


def test_it_retries_a_reminder_whose_mail_failed(world, monkeypatch):
    from meetings import notifications

    _draft_agenda(world)
    Meeting.objects.filter(pk=world.meeting.pk).update(
        scheduled_at=timezone.now() + timedelta(hours=30)
    )

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(notifications, "send_mail", broken)
    counts = send_due_reminders()
    assert counts["failed"] >= 1
    assert not SentReminder.objects.filter(recipient=world.scholar).exists()
    monkeypatch.undo()
    send_due_reminders()
    assert len([m for m in mail.outbox if m.to == [world.scholar.email]]) == 1
