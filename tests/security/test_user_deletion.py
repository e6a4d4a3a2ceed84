"""Deleting a person: staff of their program (or an operator), after seeing what goes."""

import pytest
from django.urls import reverse

from accounts.deletion import deletable_by, deletion_summary
from accounts.models import User
from meetings.models import Agenda, AgendaRevision, Meeting, MeetingNote, Question
from tests.factories import MentorshipFactory, UserFactory


def _page(client, user, program="winter"):
    return client.get(reverse("user_delete", args=[program, user.pk]))


def test_it_lists_what_deleting_a_scholar_removes_without_any_text(sec):
    response = _page(sec.client_for(sec.staff), sec.scholar)
    assert response.status_code == 200
    html = response.content.decode()
    summary = dict(deletion_summary(sec.scholar)["removed"])
    assert summary["mentorships"] == 1
    assert summary["meetings"] == Meeting.objects.filter(mentorship__scholar=sec.scholar).count()
    assert summary["agendas"] == 4
    assert summary["meeting notes"] == 1
    assert summary["agenda revisions"] == (
        AgendaRevision.objects.filter(agenda__meeting__mentorship__scholar=sec.scholar).count()
    )
    assert summary["agenda revisions"] >= 2
    assert "<strong>4</strong> agendas" in html
    assert "SECRET" not in html
    assert "cannot be undone" in html


def test_it_does_not_count_as_kept_what_goes_anyway(sec):
    sec.action.created_by = sec.scholar
    sec.action.save()
    summary = deletion_summary(sec.scholar)
    assert dict(summary["removed"])["action items"] == 1
    assert "action items" not in dict(summary["kept"])


def test_it_lists_what_stays_when_a_mentor_goes(sec):
    summary = deletion_summary(sec.mentor)
    assert dict(summary["removed"])["mentorships"] == 2
    sec.question.answered_by = sec.mentor
    sec.question.save()
    other = UserFactory(username="helper")
    q = Question.objects.exclude(pk=sec.question.pk).first()
    q.answered_by = other
    q.save()
    assert dict(deletion_summary(other)["kept"]) == {"questions": 1}


def test_it_deletes_only_after_the_username_is_typed(sec):
    client = sec.client_for(sec.staff)
    url = reverse("user_delete", args=["winter", sec.scholar.pk])
    response = client.post(url, {"confirm": "scholarx"})
    assert response.status_code == 200
    assert "That is not “scholar”. Nothing was deleted." in response.content.decode()
    assert User.objects.filter(pk=sec.scholar.pk).exists()

    response = client.post(url, {"confirm": "scholar"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("program_people", args=["winter"])
    assert "was deleted, with" in response.content.decode()
    assert not User.objects.filter(pk=sec.scholar.pk).exists()
    assert not Agenda.objects.filter(meeting__mentorship__scholar_id=sec.scholar.pk).exists()
    assert not MeetingNote.objects.filter(body__startswith="SECRET-MEETING-NOTE").exists()
    # Other people's records stay.
    assert User.objects.filter(pk=sec.mentor.pk).exists()
    assert Agenda.objects.filter(bottleneck__startswith="SECRET-OTHER-SCHOLAR").exists()


def test_it_refuses_staff_a_person_who_is_also_in_another_program(sec):
    MentorshipFactory(program=sec.other_program, scholar=UserFactory(), mentor=sec.mentor)
    assert _page(sec.client_for(sec.staff), sec.mentor).status_code == 404
    assert _page(sec.client_for(sec.other_staff), sec.mentor).status_code == 404
    assert sec.mentor not in deletable_by(sec.staff)


def test_it_refuses_staff_other_staff_and_superusers(sec):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    MentorshipFactory(program=sec.program, scholar=root, mentor=sec.other_mentor)
    for target in (sec.manager, root, sec.staff, sec.other_staff, sec.outsider):
        assert _page(sec.client_for(sec.staff), target).status_code == 404, target


def test_it_lets_an_operator_delete_anyone_of_a_program_but_themselves(sec):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    MentorshipFactory(program=sec.program, scholar=root, mentor=sec.other_mentor)
    MentorshipFactory(program=sec.other_program, scholar=UserFactory(), mentor=sec.mentor)
    client = sec.client_for(root)
    assert _page(client, sec.mentor).status_code == 200  # also in Summer: beyond staff's reach
    assert _page(client, root).status_code == 404
    assert _page(client, sec.outsider).status_code == 404  # in no program: the admin's job
    client.post(reverse("user_delete", args=["winter", sec.mentor.pk]), {"confirm": "mentor"})
    assert not User.objects.filter(username="mentor").exists()


def test_it_deletes_only_from_a_program_the_person_is_in(sec):
    MentorshipFactory(program=sec.other_program, scholar=UserFactory(username="summer"))
    summer_only = User.objects.get(username="summer")
    sec.other_program.staff.add(sec.staff)
    assert _page(sec.client_for(sec.staff), summer_only, program="summer").status_code == 200
    assert _page(sec.client_for(sec.staff), summer_only, program="winter").status_code == 404
    assert _page(sec.client_for(sec.staff), sec.scholar, program="summer").status_code == 404
    assert _page(sec.client_for(sec.other_staff), sec.scholar).status_code == 404


@pytest.mark.parametrize("role", ["scholar", "mentor", "other_staff", "outsider"])
def test_it_lets_nobody_else_delete_people(sec, role):
    client = sec.client_for(getattr(sec, role))
    client.post(
        reverse("user_delete", args=["winter", sec.other_scholar.pk]), {"confirm": "otherscholar"}
    )
    assert User.objects.filter(pk=sec.other_scholar.pk).exists()


def test_it_lists_the_programs_people_with_who_may_be_deleted(sec):
    MentorshipFactory(program=sec.other_program, scholar=UserFactory(), mentor=sec.other_mentor)
    html = sec.client_for(sec.staff).get(reverse("program_people", args=["winter"])).content
    html = html.decode()
    assert reverse("user_delete", args=["winter", sec.scholar.pk]) in html
    assert (
        reverse("user_delete", args=["winter", sec.other_mentor.pk]) not in html
    )  # also in Summer
    assert "Othermentor" in html
