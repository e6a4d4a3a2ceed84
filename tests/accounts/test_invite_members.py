"""Inviting someone who already holds that role in the program sends nothing and says so."""

from django.core import mail
from django.urls import reverse

from accounts.models import Invite


def _post(world, email, role):
    client = world.client_for(world.staff)
    url = reverse("program_people", args=[world.program.slug])
    return client.post(url, {"email": email, "role": role}, follow=True)


def test_inviting_a_paired_scholar_again_sends_nothing(world):
    response = _post(world, world.scholar.email.upper(), "scholar")
    body = response.content.decode()
    assert "Scholar (scholar@example.org) is already a member of Winter as scholar" in body
    assert "No invitation was sent" in body
    assert mail.outbox == []
    assert not Invite.objects.filter(user=world.scholar).exists()


def test_inviting_a_mentor_as_mentor_names_the_role(world):
    body = _post(world, world.mentor.email, "mentor").content.decode()
    assert "already a member of Winter as mentor" in body
    assert mail.outbox == []


def test_inviting_staff_again_sends_nothing(world):
    body = _post(world, world.manager.email, "staff").content.decode()
    assert "as program staff" in body
    assert mail.outbox == []


def test_an_accepted_invitation_counts_as_membership(world):
    _post(world, "new@example.org", "mentor")
    invite = Invite.objects.get(email="new@example.org")
    invite.accepted_at = invite.created_at
    invite.save()
    mail.outbox.clear()
    body = _post(world, "new@example.org", "mentor").content.decode()
    assert "already a member of Winter as mentor" in body
    assert mail.outbox == []


def test_a_member_invited_to_a_new_role_is_invited_and_told(world):
    body = _post(world, world.mentor.email, "staff").content.decode()
    assert "already mentor in Winter, to join as program staff too" in body
    assert [m.to for m in mail.outbox] == [[world.mentor.email]]


def test_someone_from_another_program_is_invited(world):
    _post(world, world.other_staff.email, "scholar")
    assert [m.to for m in mail.outbox] == [[world.other_staff.email]]
