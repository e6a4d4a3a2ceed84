"""Accepting an invitation asks for the person's name and time zone; the home page then greets
them by name and tells them they joined, not that they are in no program."""

import zoneinfo

from django.urls import reverse

from accounts import invites
from accounts.models import Invite
from tests.factories import MentorshipFactory

PASSWORDS = {"new_password1": "a-long-secret-42", "new_password2": "a-long-secret-42"}


def _new_invite(world, role="scholar"):
    return invites.invite_person(world.program, "newcomer@example.org", role, world.staff)


def _url(invite):
    return reverse("invite_accept", args=[invites.make_token(invite)])


def test_the_accept_page_asks_for_name_and_zone(world, client):
    body = client.get(_url(_new_invite(world))).content.decode()
    assert 'name="display_name"' in body
    assert 'data-browser-zone="preselect"' in body
    assert "/static/js/timezone.js" in body
    assert body.count("<option value=") == len(zoneinfo.available_timezones())
    assert '<option value="UTC" selected>' in body


def test_accepting_saves_name_and_zone_and_greets_by_name(world, client):
    invite = _new_invite(world)
    data = {"display_name": "  Ada Lovelace ", "time_zone": "Europe/London", **PASSWORDS}
    response = client.post(_url(invite), data, follow=True)
    body = response.content.decode()
    assert "Welcome to Winter, Ada Lovelace." in body
    assert "Hello, Ada Lovelace" in body
    assert "newcomer" not in body.split("<main")[1].split("</main>")[0]
    assert "Times shown in Europe/London" in body
    user = invite.user
    user.refresh_from_db()
    assert (user.display_name, user.time_zone) == ("Ada Lovelace", "Europe/London")


def test_a_missing_name_or_unknown_zone_accepts_nothing(world, client):
    invite = _new_invite(world)
    data = {"display_name": " ", "time_zone": "Mars/Olympus", **PASSWORDS}
    response = client.post(_url(invite), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"display_name", "time_zone"}
    # Nothing lost: the page keeps the typed zone unselected but the form re-renders fully.
    assert 'name="new_password1"' in response.content.decode()
    invite.refresh_from_db()
    assert not invite.is_accepted
    assert not invite.user.has_usable_password()


def test_the_home_page_of_a_joined_person_without_a_pair_says_they_joined(world, client):
    invite = _new_invite(world, "mentor")
    data = {"display_name": "Grace", "time_zone": "UTC", **PASSWORDS}
    body = client.post(_url(invite), data, follow=True).content.decode()
    assert "You joined Winter as mentor" in body
    assert "pair you with a scholar" in body
    assert "not part of a mentorship or program" not in body


def test_once_paired_the_joined_notice_goes(world, client):
    invite = _new_invite(world)
    client.post(_url(invite), {"display_name": "Ada", "time_zone": "UTC", **PASSWORDS})
    MentorshipFactory(program=world.program, scholar=invite.user, mentor=world.mentor)
    body = client.get(reverse("home")).content.decode()
    assert "You joined Winter" not in body


def test_someone_in_nothing_still_gets_the_plain_message(world):
    body = world.client_for(world.outsider).get(reverse("home")).content.decode()
    assert "not part of a mentorship or program yet" in body
    assert not Invite.objects.filter(user=world.outsider).exists()
