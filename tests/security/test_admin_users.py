"""The User admin for a staff account that is not a superuser: it sees and edits only
the people of the programs it staffs, never a superuser, and it cannot grant rights, change a
login (username, e-mail, password), add or delete people there."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import Invite, Mentorship, Program, User
from tests.factories import MentorshipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_world(world):
    staff = world.staff
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    client = Client()
    client.force_login(staff)
    elsewhere = MentorshipFactory(
        program=world.other_program,
        scholar=UserFactory(username="farscholar"),
        mentor=UserFactory(username="farmentor"),
    )
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    world.program.staff.add(root)  # even a superuser on the program's staff stays out of reach
    invitee = UserFactory(username="invitee")
    Invite.objects.create(program=world.program, user=invitee, email=invitee.email)
    return world, client, elsewhere, root, invitee


def _change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def test_it_lists_only_the_people_of_the_staffs_programs(admin_world):
    world, client, elsewhere, root, invitee = admin_world
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    for person in (world.scholar, world.mentor, world.other_mentor, world.manager, invitee):
        assert _change_url(person) in page, person.username
    assert _change_url(world.staff) in page  # itself
    for person in (elsewhere.scholar, elsewhere.mentor, world.other_staff, world.outsider, root):
        assert _change_url(person) not in page, person.username
    searched = client.get(reverse("admin:accounts_user_changelist"), {"q": "far"})
    assert "farscholar" not in searched.content.decode()


def test_it_does_not_open_anyone_else_or_a_superuser(admin_world):
    world, client, elsewhere, root, _ = admin_world
    for person in (elsewhere.scholar, world.other_staff, world.outsider, root):
        response = client.get(_change_url(person))
        assert response.status_code == 302, person.username  # "doesn't exist"
        assert client.post(_change_url(person), {"display_name": "Hacked"}).status_code == 302
        person.refresh_from_db()
        assert person.display_name != "Hacked"
    assert client.get(_change_url(world.scholar)).status_code == 200


def _post_change(client, user: User, **extra):
    data = {
        "display_name": "Renamed Scholar",
        "time_zone": "Europe/Paris",
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "username": "takenover",
        "email": "attacker@example.org",
        "user_permissions": [p.pk for p in Permission.objects.all()[:3]],
        "mail_brief_submitted": "on",
        "mail_agenda_reminder": "on",
        "mail_brief_reminder": "on",
        **extra,
    }
    return client.post(_change_url(user), data)


@pytest.mark.parametrize("who", ["scholar", "staff"])
def test_it_edits_a_profile_but_grants_no_rights_and_changes_no_login(admin_world, who):
    world, client, *_ = admin_world
    person = getattr(world, who)
    before = (person.username, person.email, person.password)
    response = _post_change(client, person)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.display_name == "Renamed Scholar"  # the edit itself went through
    assert person.time_zone == "Europe/Paris"
    assert (person.username, person.email, person.password) == before
    assert person.is_superuser is False
    assert person.is_staff == (who == "staff")
    if who == "scholar":
        assert not person.user_permissions.exists()


def test_it_shows_rights_and_logins_read_only_to_staff_accounts(admin_world):
    world, client, *_ = admin_world
    page = client.get(_change_url(world.scholar)).content.decode()
    for field in ("is_superuser", "is_staff", "user_permissions", "username", "email"):
        assert f'name="{field}"' not in page, field
    assert 'name="display_name"' in page
    assert "../password/" not in page  # no link to a password form it may not use


def test_it_refuses_setting_passwords_adding_and_deleting_people(admin_world):
    world, client, *_ = admin_world
    old = world.scholar.password
    password_url = reverse("admin:auth_user_password_change", args=[world.scholar.pk])
    assert client.get(password_url).status_code == 403
    response = client.post(
        password_url, {"password1": "a-long-secret-42", "password2": "a-long-secret-42"}
    )
    assert response.status_code == 403
    world.scholar.refresh_from_db()
    assert world.scholar.password == old
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    delete_url = reverse("admin:accounts_user_delete", args=[world.scholar.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=world.scholar.pk).exists()
    bulk = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [world.scholar.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert User.objects.filter(pk=world.scholar.pk).exists()


def test_it_leaves_operators_every_power(admin_world):
    world, _, elsewhere, _, _ = admin_world
    client = Client()
    client.force_login(UserFactory(username="op", is_staff=True, is_superuser=True))
    assert client.get(_change_url(elsewhere.scholar)).status_code == 200
    password_url = reverse("admin:auth_user_password_change", args=[world.scholar.pk])
    assert client.get(password_url).status_code == 200
    page = client.get(_change_url(world.scholar)).content.decode()
    assert 'name="is_superuser"' in page and 'name="email"' in page
    assert "../password/" in page


def test_it_offers_only_the_staffs_people_and_programs_in_other_admin_forms(admin_world):
    world, client, elsewhere, root, _ = admin_world
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "mentorship", "field_name": "scholar", "term": ""},
    )
    names = {r["text"] for r in json.loads(autocomplete.content)["results"]}
    assert world.scholar.name in names
    assert elsewhere.scholar.name not in names and world.outsider.name not in names
    program_page = client.get(
        reverse("admin:accounts_program_change", args=[world.program.pk])
    ).content.decode()
    assert world.outsider.username not in program_page.replace("/admin/", "")
    assert "Farscholar" not in program_page
    add = client.post(
        reverse("admin:accounts_mentorship_add"),
        {
            "program": world.other_program.pk,
            "scholar": world.outsider.pk,
            "mentor": world.mentor.pk,
            "cadence_days": 7,
            "started_on": "2026-01-01",
            "active": "on",
        },
    )
    assert add.status_code == 200  # the form, with its errors
    assert not Mentorship.objects.filter(scholar=world.outsider).exists()


def test_it_keeps_a_program_staff_list_whole_when_staff_save_it(admin_world):
    world, client, _, root, _ = admin_world
    program_url = reverse("admin:accounts_program_change", args=[world.program.pk])
    response = client.post(
        program_url,
        {
            "name": "Winter renamed",
            "slug": world.program.slug,
            "starts_on": world.program.starts_on.isoformat(),
            "staff": [u.pk for u in world.program.staff.all()],
            "mentorships-TOTAL_FORMS": "0",
            "mentorships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    program = Program.objects.get(pk=world.program.pk)
    assert program.name == "Winter renamed"
    assert root in program.staff.all()


def test_it_scopes_invitations_in_the_admin(admin_world):
    world, client, *_ = admin_world
    mine = Invite.objects.get(program=world.program)
    theirs = Invite.objects.create(
        program=world.other_program, user=world.outsider, email="secret-invitee@example.org"
    )
    page = client.get(reverse("admin:accounts_invite_changelist")).content.decode()
    assert mine.email in page
    assert "secret-invitee@example.org" not in page
    assert client.get(reverse("admin:accounts_invite_change", args=[theirs.pk])).status_code == 302
