"""The CSV import never attaches an existing account from outside the program: its owner gets an
invitation, and the pair starts when they accept."""

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import invites
from accounts.models import Invite, Mentorship, PendingMentorship
from tests.factories import MentorshipFactory, UserFactory


def _import(world, content: str, action: str, django_capture_on_commit_callbacks):
    client = world.client_for(world.staff)
    url = reverse("mentorship_import", args=[world.program.slug])
    upload = SimpleUploadedFile("m.csv", content.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, {"file": upload, "action": action})


def _accept_as(world, user, invite):
    url = reverse("invite_accept", args=[invites.make_token(invite)])
    return world.client_for(user).post(url)


def test_it_shows_new_invited_and_member_people_by_name_and_address(
    world, django_capture_on_commit_callbacks
):
    elsewhere = MentorshipFactory(program=world.other_program).scholar
    content = f"ada@example.org,{world.mentor.email},7\n{elsewhere.email.upper()},{world.mentor.email},7\n"
    response = _import(world, content, "preview", django_capture_on_commit_callbacks)
    people = response.context["plan"].people
    assert {e: p.status for e, p in people.items()} == {
        "ada@example.org": "new",
        world.mentor.email: "member",
        elsewhere.email: "invited",
    }
    table = response.content.decode().split('id="import-people"')[1].split("</table>")[0]
    assert elsewhere.name in table and elsewhere.email in table and "must accept" in table
    assert world.mentor.name in table and "already in the program" in table
    assert "ada@example.org" in table and "new account" in table
    assert "1 new mentorship" in response.content.decode()
    assert mail.outbox == []


def test_it_invites_an_existing_account_and_pairs_it_only_when_it_accepts(
    world, django_capture_on_commit_callbacks
):
    elsewhere = MentorshipFactory(program=world.other_program).scholar
    content = f"{elsewhere.email},{world.mentor.email},14\n"
    response = _import(world, content, "import", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert not Mentorship.objects.filter(program=world.program, scholar=elsewhere).exists()
    assert [m.to for m in mail.outbox] == [[elsewhere.email]]
    invite = Invite.objects.get(program=world.program, user=elsewhere, role="scholar")
    assert not invite.is_accepted

    assert _accept_as(world, world.outsider, invite).status_code == 403
    assert not Mentorship.objects.filter(program=world.program, scholar=elsewhere).exists()

    assert _accept_as(world, elsewhere, invite).status_code == 302
    pair = Mentorship.objects.get(program=world.program, scholar=elsewhere)
    assert (pair.mentor, pair.cadence_days) == (world.mentor, 14)
    assert not PendingMentorship.objects.exists()


def test_it_does_not_let_the_importing_staff_member_attach_themselves(
    world, django_capture_on_commit_callbacks
):
    content = f"{world.scholar.email},{world.staff.email},7\n"
    _import(world, content, "import", django_capture_on_commit_callbacks)
    assert not Mentorship.objects.filter(program=world.program, mentor=world.staff).exists()
    invite = Invite.objects.get(program=world.program, user=world.staff, role="mentor")
    assert [m.to for m in mail.outbox] == [[world.staff.email]]
    _accept_as(world, world.staff, invite)
    assert Mentorship.objects.filter(
        program=world.program, scholar=world.scholar, mentor=world.staff
    ).exists()


def test_it_waits_for_every_invited_person_in_a_pair(world, django_capture_on_commit_callbacks):
    scholar = UserFactory(username="faraway-scholar")
    mentor = UserFactory(username="faraway-mentor")
    _import(
        world, f"{scholar.email},{mentor.email},7\n", "import", django_capture_on_commit_callbacks
    )
    scholar_invite = Invite.objects.get(user=scholar, role="scholar")
    mentor_invite = Invite.objects.get(user=mentor, role="mentor")
    _accept_as(world, scholar, scholar_invite)
    assert not Mentorship.objects.filter(scholar=scholar).exists()
    _accept_as(world, mentor, mentor_invite)
    assert Mentorship.objects.filter(program=world.program, scholar=scholar, mentor=mentor).exists()


def test_it_pairs_people_already_in_the_program_at_once(world, django_capture_on_commit_callbacks):
    content = f"{world.other_scholar.email},{world.other_mentor.email},7\n"
    _import(world, content, "import", django_capture_on_commit_callbacks)
    assert Mentorship.objects.filter(
        program=world.program, scholar=world.other_scholar, mentor=world.other_mentor
    ).exists()
    assert mail.outbox == []
