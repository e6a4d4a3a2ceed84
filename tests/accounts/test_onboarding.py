"""Onboarding a cohort: programs, invitations (expiry, re-send, single use), password reset,
and the CSV import (dry run, errors by line, all or nothing)."""

import re
from datetime import timedelta
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts import importers, invites
from accounts.models import Invite, Mentorship, Program, User

LINK = re.compile(r"https?://[^\s]+/accounts/invite/[^\s]+/")


def _link(message) -> str:
    return "/" + LINK.search(message.body).group(0).split("/", 3)[3]


def _invite(world, email="new@example.org", role="scholar"):
    client = world.client_for(world.staff)
    url = reverse("program_people", args=[world.program.slug])
    response = client.post(url, {"email": email, "role": role})
    assert response.status_code == 302
    return Invite.objects.get(email=email, role=role)


def test_it_lets_staff_create_a_program_and_become_its_staff(world):
    client = world.client_for(world.staff)
    response = client.post(
        reverse("program_new"), {"name": "Spring 2027", "slug": "", "starts_on": "2027-03-01"}
    )
    program = Program.objects.get(name="Spring 2027")
    assert response.url == reverse("program_people", args=[program.slug])
    assert program.slug == "spring-2027"
    assert world.staff in program.staff.all()


@pytest.mark.parametrize("role", ["scholar", "mentor", "outsider"])
def test_it_refuses_program_creation_to_non_staff(world, role):
    response = world.client_for(getattr(world, role)).get(reverse("program_new"))
    assert response.status_code == 404


def test_it_reports_bad_program_dates_on_the_form(world):
    response = world.client_for(world.staff).post(
        reverse("program_new"), {"name": "X", "starts_on": "2027-03-01", "ends_on": "2027-01-01"}
    )
    assert response.status_code == 200
    assert "cannot end before it starts" in response.content.decode()


@pytest.mark.parametrize(
    "role,expected",
    [("staff", 200), ("other_staff", 404), ("mentor", 404), ("scholar", 404), ("manager", 200)],
)
def test_it_scopes_the_people_and_import_pages(world, role, expected):
    client = world.client_for(getattr(world, role))
    assert client.get(reverse("program_people", args=[world.program.slug])).status_code == expected
    assert (
        client.get(reverse("mentorship_import", args=[world.program.slug])).status_code == expected
    )


def test_it_invites_by_mail_and_the_link_sets_a_password_and_logs_in(world, client):
    invite = _invite(world)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
    user = invite.user
    assert not user.has_usable_password()
    page = client.get(_link(mail.outbox[0]))
    assert page.status_code == 200
    assert user.username in page.content.decode()
    response = client.post(
        _link(mail.outbox[0]),
        {
            "display_name": "New Person",
            "time_zone": "UTC",
            "new_password1": "a-long-secret-42",
            "new_password2": "a-long-secret-42",
        },
    )
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == user
    user.refresh_from_db()
    assert user.check_password("a-long-secret-42")
    invite.refresh_from_db()
    assert invite.is_accepted


def test_it_uses_an_invite_link_only_once(world, client):
    _invite(world)
    link = _link(mail.outbox[0])
    client.post(
        link,
        {
            "display_name": "New Person",
            "time_zone": "UTC",
            "new_password1": "a-long-secret-42",
            "new_password2": "a-long-secret-42",
        },
    )
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "already used" in response.content.decode()


def test_it_expires_invite_links(world, client, settings):
    _invite(world)
    link = _link(mail.outbox[0])
    later = invites.timezone.now() + timedelta(days=settings.INVITE_EXPIRY_DAYS, minutes=1)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = client.get(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    just_before = invites.timezone.now() + timedelta(days=settings.INVITE_EXPIRY_DAYS - 1)
    with mock.patch("django.core.signing.time.time", return_value=just_before.timestamp()):
        assert client.get(link).status_code == 200


def test_it_resends_an_invite_and_only_the_newest_link_works(world, client):
    invite = _invite(world)
    old = _link(mail.outbox[0])
    response = world.client_for(world.staff).post(
        reverse("invite_resend", args=[world.program.slug, invite.pk])
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    new = _link(mail.outbox[1])
    assert old != new
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200


def test_it_refuses_resend_to_other_programs_staff_and_on_get(world):
    invite = _invite(world)
    url = reverse("invite_resend", args=[world.program.slug, invite.pk])
    assert world.client_for(world.other_staff).post(url).status_code == 404
    assert world.client_for(world.staff).get(url).status_code == 405


def test_it_rejects_a_forged_invite_token(client):
    assert client.get(reverse("invite_accept", args=["nonsense:abc"])).status_code == 404


def test_it_adds_invited_staff_to_the_program_once_they_accept(world, client):
    invite = _invite(world, "boss@example.org", "staff")
    assert invite.user not in world.program.staff.all()
    client.post(
        _link(mail.outbox[0]),
        {
            "display_name": "New Person",
            "time_zone": "UTC",
            "new_password1": "a-long-secret-42",
            "new_password2": "a-long-secret-42",
        },
    )
    assert invite.user in world.program.staff.all()


def test_it_reuses_an_existing_account_for_an_invite(world):
    invite = _invite(world, world.outsider.email, "mentor")
    assert invite.user == world.outsider
    assert User.objects.filter(email=world.outsider.email).count() == 1


# --- password reset ---------------------------------------------------------------------------


def test_it_resets_a_password_by_mail_without_revealing_accounts(world, client):
    known = client.post(reverse("password_reset"), {"email": world.scholar.email})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/password/reset/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0],
        {
            "display_name": "New Person",
            "time_zone": "UTC",
            "new_password1": "a-long-secret-42",
            "new_password2": "a-long-secret-42",
        },
    )
    assert response.url == reverse("password_reset_complete")
    world.scholar.refresh_from_db()
    assert world.scholar.check_password("a-long-secret-42")


def test_it_links_to_password_reset_from_login(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


# --- CSV import -------------------------------------------------------------------------------

GOOD = """scholar email,mentor email,cadence days
ada@example.org,mentor@example.org,7
grace@example.org,turing@example.org,14
"""


def _import(world, content: str, action: str):
    client = world.client_for(world.staff)
    url = reverse("mentorship_import", args=[world.program.slug])
    upload = SimpleUploadedFile("m.csv", content.encode(), content_type="text/csv")
    return client.post(url, {"file": upload, "action": action})


def test_it_previews_an_import_without_writing(world):
    before = Mentorship.objects.count(), User.objects.count()
    response = _import(world, GOOD, "preview")
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 new mentorships" in body
    assert "ada@example.org, grace@example.org, turing@example.org" in body
    assert (Mentorship.objects.count(), User.objects.count()) == before
    assert mail.outbox == []


def test_it_imports_and_invites_unknown_people(world):
    response = _import(world, GOOD, "import")
    assert response.status_code == 302
    pairs = set(
        Mentorship.objects.filter(program=world.program).values_list(
            "scholar__email", "mentor__email", "cadence_days"
        )
    )
    assert ("ada@example.org", "mentor@example.org", 7) in pairs
    assert ("grace@example.org", "turing@example.org", 14) in pairs
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ada@example.org",
        "grace@example.org",
        "turing@example.org",
    ]
    assert Invite.objects.get(email="turing@example.org").role == "mentor"


def test_it_reports_bad_rows_by_line_and_imports_nothing(world):
    content = (
        "ada@example.org,mentor@example.org,7\n"
        "not-an-email,mentor@example.org,7\n"
        "bob@example.org,mentor@example.org,zero\n"
        "same@example.org,same@example.org,7\n"
        "ada@example.org,mentor@example.org,14\n"
        "too,few\n"
    )
    before = Mentorship.objects.count(), User.objects.count()
    response = _import(world, content, "import")
    assert response.status_code == 200
    errors = dict(response.context["plan"].errors)
    assert set(errors) == {2, 3, 4, 5, 6}
    assert "not a valid e-mail" in errors[2]
    assert "cadence “zero”" in errors[3]
    assert "same person" in errors[4]
    assert "already on line 1" in errors[5]
    assert "expected 3 columns" in errors[6]
    body = response.content.decode()
    assert "Line 3:" in body and "nothing was imported" in body
    assert (Mentorship.objects.count(), User.objects.count()) == before


def test_it_leaves_existing_mentorships_unchanged(world):
    content = (
        f"{world.scholar.email},{world.mentor.email},7\nada@example.org,{world.mentor.email},7\n"
    )
    plan = importers.parse(world.program, content)
    assert plan.ok
    assert [r.exists for r in plan.rows] == [True, False]
    assert [p.email for p in plan.new_people] == ["ada@example.org"]


def test_it_rolls_back_the_whole_import_when_a_write_fails(world, settings):
    # The database task backend, as outside the tests: the invitations are stored tasks.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    plan = importers.parse(world.program, GOOD)
    before = Mentorship.objects.count(), User.objects.count(), Invite.objects.count()
    real_create = Mentorship.objects.create
    calls = {"n": 0}

    def failing_create(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return real_create(**kwargs)

    with (
        mock.patch.object(Mentorship.objects, "create", side_effect=failing_create),
        pytest.raises(RuntimeError),
    ):
        importers.apply(world.program, plan, world.staff)
    assert (Mentorship.objects.count(), User.objects.count(), Invite.objects.count()) == before
    assert not DBTaskResult.objects.exists()  # no invitation mail is left to send
    assert mail.outbox == []


def test_it_asks_for_a_file_or_rows(world):
    client = world.client_for(world.staff)
    response = client.post(
        reverse("mentorship_import", args=[world.program.slug]), {"action": "preview"}
    )
    assert "Choose a CSV file or paste the rows" in response.content.decode()


def test_it_imports_pasted_rows_after_preview(world):
    client = world.client_for(world.staff)
    url = reverse("mentorship_import", args=[world.program.slug])
    preview = client.post(
        url, {"text": "ada@example.org,mentor@example.org,7", "action": "preview"}
    )
    assert 'value="import"' in preview.content.decode()
    client.post(url, {"text": preview.context["content"], "action": "import"})
    assert Mentorship.objects.filter(scholar__email="ada@example.org").exists()


def test_it_does_not_resend_an_accepted_invite(world, client):
    _invite(world)
    client.post(
        _link(mail.outbox[0]),
        {
            "display_name": "New Person",
            "time_zone": "UTC",
            "new_password1": "a-long-secret-42",
            "new_password2": "a-long-secret-42",
        },
    )
    mail.outbox.clear()
    invite = _invite(world)
    assert invite.is_accepted
    assert mail.outbox == []
    url = reverse("invite_resend", args=[world.program.slug, invite.pk])
    assert world.client_for(world.staff).post(url).status_code == 404


def test_it_accepts_an_existing_accounts_invite_only_on_its_owners_click(world):
    invite = _invite(world, world.outsider.email, "staff")
    url = reverse("invite_accept", args=[invites.make_token(invite)])
    owner = world.client_for(world.outsider)
    page = owner.get(url)  # e.g. a mail client prefetching the link
    assert page.status_code == 200 and "Join Winter" in page.content.decode()
    invite.refresh_from_db()
    assert not invite.is_accepted
    assert world.outsider not in world.program.staff.all()
    response = owner.post(url)
    assert response.status_code == 302 and response.url == reverse("home")
    invite.refresh_from_db()
    assert invite.is_accepted
    assert world.outsider in world.program.staff.all()


def test_it_sends_a_signed_out_holder_of_an_existing_accounts_link_to_log_in(world):
    invite = _invite(world, world.outsider.email, "staff")
    url = reverse("invite_accept", args=[invites.make_token(invite)])
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302
        where = urlsplit(response.url)
        assert (where.path, parse_qs(where.query)["next"]) == (reverse("login"), [url])
    invite.refresh_from_db()
    assert not invite.is_accepted
    assert world.outsider not in world.program.staff.all()


def test_it_refuses_an_existing_accounts_invite_to_another_signed_in_account(world):
    invite = _invite(world, world.outsider.email, "staff")
    url = reverse("invite_accept", args=[invites.make_token(invite)])
    response = world.client_for(world.scholar).post(url)
    assert response.status_code == 403
    assert "for another account" in response.content.decode()
    invite.refresh_from_db()
    assert not invite.is_accepted
    assert not world.program.staff.filter(pk__in=[world.outsider.pk, world.scholar.pk]).exists()


def test_it_grants_nothing_to_someone_who_claims_a_staff_address(
    world, django_capture_on_commit_callbacks
):
    """The takeover the rules prevent: take an address staff will invite, be made staff."""
    client = world.client_for(world.outsider)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("settings"),
            {"display_name": "X", "email": "new-coordinator@example.org", "time_zone": "UTC"},
        )
    world.outsider.refresh_from_db()
    assert world.outsider.email != "new-coordinator@example.org"
    invite = _invite(world, "new-coordinator@example.org", "staff")
    assert invite.user != world.outsider
    assert not Program.objects.staffed_by(world.outsider).exists()
    url = reverse("invite_accept", args=[invites.make_token(invite)])
    assert client.get(url).status_code == 200  # a new account's link: it sets a password
    assert not Program.objects.staffed_by(world.outsider).exists()
