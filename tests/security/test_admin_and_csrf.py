"""The admin is not a way around PRIVACY.md, CSRF is enforced, and redirects stay on the site."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

CONTENT_MODELS = ["agenda", "annotation", "actionitem", "meetingnote"]


@pytest.fixture
def staff_admin(sec):
    """A program-staff account with admin access and every model permission there is."""
    user = sec.staff
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", CONTENT_MODELS)
def test_it_refuses_meeting_content_in_the_admin_to_staff_accounts(sec, staff_admin, model):
    objects = {
        "agenda": sec.agenda,
        "annotation": sec.annotation,
        "actionitem": sec.action,
        "meetingnote": sec.note,
    }
    changelist = staff_admin.get(reverse(f"admin:meetings_{model}_changelist"))
    change = staff_admin.get(reverse(f"admin:meetings_{model}_change", args=[objects[model].pk]))
    assert changelist.status_code == 403
    assert change.status_code in (403, 302)
    assert b"SECRET" not in changelist.content + change.content
    index = staff_admin.get(reverse("admin:index"))
    assert index.status_code == 200
    assert f"/admin/meetings/{model}/".encode() not in index.content


@pytest.mark.parametrize("model", CONTENT_MODELS)
def test_it_shows_meeting_content_in_the_admin_to_operators(sec, model):
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(reverse(f"admin:meetings_{model}_changelist")).status_code == 200


def test_it_keeps_meeting_content_out_of_the_meeting_admin(sec, staff_admin):
    response = staff_admin.get(reverse("admin:meetings_meeting_change", args=[sec.meeting.pk]))
    assert response.status_code == 200
    assert b"SECRET" not in response.content


def test_it_refuses_a_post_without_csrf_token(sec):
    client = Client(enforce_csrf_checks=True)
    client.force_login(sec.mentor)
    response = client.post(reverse("note_add", args=[sec.meeting.pk]), {"body": "hello"})
    assert response.status_code == 403
    assert not sec.meeting.notes.filter(body="hello").exists()


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_it_does_not_redirect_off_site_after_toggling_an_item(sec, target):
    client = Client()
    client.force_login(sec.scholar)
    response = client.post(
        reverse("action_toggle", args=[sec.action.pk]), {"done": "1", "next": target}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_it_redirects_back_to_a_page_on_the_site_after_toggling(sec):
    client = Client()
    client.force_login(sec.scholar)
    back = reverse("brief", args=[sec.meeting.pk]) + "#actions"
    response = client.post(
        reverse("action_toggle", args=[sec.action.pk]), {"done": "1", "next": back}
    )
    assert response.url == back


@pytest.mark.parametrize(
    "model,own,foreign",
    [
        ("meetings_meeting", lambda w: w.meeting, lambda w, o: o["meeting"]),
        ("accounts_mentorship", lambda w: w.mentorship, lambda w, o: o["mentorship"]),
        ("accounts_program", lambda w: w.program, lambda w, o: w.other_program),
    ],
)
def test_it_shows_staff_in_the_admin_only_their_own_programs_rows(
    sec, staff_admin, model, own, foreign
):
    from tests.factories import MeetingFactory, MentorshipFactory

    mentorship = MentorshipFactory(program=sec.other_program)
    others = {"mentorship": mentorship, "meeting": MeetingFactory(mentorship=mentorship)}
    theirs, mine = foreign(sec, others), own(sec)
    changelist = staff_admin.get(reverse(f"admin:{model}_changelist"))
    assert changelist.status_code == 200
    assert reverse(f"admin:{model}_change", args=[mine.pk]) in changelist.content.decode()
    assert reverse(f"admin:{model}_change", args=[theirs.pk]) not in changelist.content.decode()
    change = staff_admin.get(reverse(f"admin:{model}_change", args=[theirs.pk]))
    assert change.status_code == 302  # "doesn't exist. Perhaps it was deleted?"
