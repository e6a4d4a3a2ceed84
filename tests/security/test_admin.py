"""The admin is for operators (superusers) only. A program-staff account with the admin flag and
every model permission there is gets the admin's login page for every admin URL, GET or POST,
and changes nothing: the holes a scoped admin left (making oneself a pair's mentor, moving a
meeting into another program's pair, redirecting a pending invitation to oneself, renaming
people) cannot be used."""

import contextlib

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.models import Invite, Mentorship, User
from meetings.models import Meeting
from tests.factories import MeetingFactory, MentorshipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(world) -> Client:
    staff = world.staff
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(staff)
    return client


def _admin_urls(world, apps: tuple[str, ...] = ()) -> list[str]:
    """Every registered model's list, add, change, delete and history pages (of `apps`
    only, when given)."""
    Invite.objects.create(program=world.program, user=UserFactory(), email="new@example.org")
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        if apps and meta.app_label not in apps:
            continue
        name = f"admin:{meta.app_label}_{meta.model_name}"
        urls += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        obj = model.objects.first()
        if obj is not None:
            for view in ("change", "delete", "history"):
                with contextlib.suppress(NoReverseMatch):  # a view the model does not have
                    urls.append(reverse(f"{name}_{view}", args=[obj.pk]))
    return urls


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_it_sends_a_staff_account_with_every_permission_to_the_admin_login(world, staff_admin):
    urls = _admin_urls(world)
    assert len(urls) > 30  # every model of both apps is registered
    refused = [
        (method, url)
        for url in urls
        for method in ("get", "post")
        if not _is_login_redirect(getattr(staff_admin, method)(url))
    ]
    assert refused == []


def test_it_lets_a_staff_account_change_nothing_through_the_admin(world, staff_admin):
    other_pair = MentorshipFactory(program=world.other_program)
    invite = Invite.objects.create(
        program=world.program, user=UserFactory(username="invitee"), email="invitee@example.org"
    )
    attempts = [
        (
            reverse("admin:accounts_mentorship_change", args=[world.mentorship.pk]),
            {
                "program": world.program.pk,
                "scholar": world.scholar.pk,
                "mentor": world.staff.pk,
                "cadence_days": 7,
                "started_on": "2026-01-01",
                "active": "on",
            },
        ),
        (
            reverse("admin:meetings_meeting_change", args=[world.meeting.pk]),
            {
                "mentorship": other_pair.pk,
                "scheduled_at_0": "2026-12-20",
                "scheduled_at_1": "10:00:00",
                "duration_minutes": 30,
                "status": "planned",
            },
        ),
        (
            reverse("admin:accounts_invite_change", args=[invite.pk]),
            {"email": world.staff.email, "program": world.program.pk, "role": "scholar"},
        ),
        (
            reverse("admin:accounts_user_change", args=[world.scholar.pk]),
            {"username": "renamed", "display_name": "Renamed", "time_zone": "UTC"},
        ),
    ]
    for url, data in attempts:
        assert _is_login_redirect(staff_admin.post(url, data)), url
    world.mentorship.refresh_from_db()
    assert world.mentorship.mentor_id == world.mentor.pk
    assert Meeting.objects.get(pk=world.meeting.pk).mentorship_id == world.mentorship.pk
    assert Invite.objects.get(pk=invite.pk).email == "invitee@example.org"
    assert User.objects.get(pk=world.scholar.pk).username == world.scholar.username
    assert Mentorship.objects.filter(mentor=world.staff).count() == 0


def test_it_lets_an_operator_use_the_admin_for_everything(world, client):
    MeetingFactory(mentorship=world.mentorship)
    client.force_login(UserFactory(username="op", is_staff=True, is_superuser=True))
    # the task queue's own admin (django_tasks_db) is read-only: its add page answers 403
    urls = _admin_urls(world, apps=("accounts", "meetings"))
    answers = {url: client.get(url).status_code for url in urls}
    assert {url: code for url, code in answers.items() if code != 200} == {}
