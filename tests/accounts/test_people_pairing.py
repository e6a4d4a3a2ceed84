"""The People page lists people who joined but have no pair, and staff propose a pair there: an
invitation each person accepts (README, "Who sees what": pairing an existing person is an invitation too)."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import invites
from accounts.models import Invite, Mentorship, PendingMentorship
from tests.factories import InviteFactory, UserFactory

LINK = re.compile(r"https?://[^\s]+/accounts/invite/[^\s]+/")


def _joined(world, username, role):
    user = UserFactory(username=username, display_name=f"{username.title()} Joined")
    InviteFactory(
        program=world.program,
        user=user,
        email=user.email,
        role=role,
        accepted_at=timezone.now(),
    )
    return user


def _people(world, user=None, **params):
    client = world.client_for(user or world.staff)
    return client.get(reverse("program_people", args=[world.program.slug]), params)


def _propose(world, scholar, mentor, cadence=14, user=None):
    client = world.client_for(user or world.staff)
    return client.post(
        reverse("program_people", args=[world.program.slug]),
        {"form": "pair", "scholar": scholar.pk, "mentor": mentor.pk, "cadence_days": cadence},
    )


def test_people_who_joined_without_a_pair_are_listed(world):
    ada = _joined(world, "ada", "scholar")
    _joined(world, "grace", "mentor")
    body = _people(world).content.decode()
    section = body.split('id="unpaired"')[1].split('id="pair"')[0]
    assert "Ada Joined" in section and "Grace Joined" in section
    assert f"?scholar={ada.pk}#pair" in section
    # Paired people are not in that list.
    assert "Scholar" not in section.split("<tbody>")[1]


def test_the_propose_link_preselects_the_person(world):
    ada = _joined(world, "ada", "scholar")
    response = _people(world, scholar=str(ada.pk))
    assert response.context["pair_form"]["scholar"].value() == ada.pk
    assert f'<option value="{ada.pk}" selected>' in response.content.decode()


def test_proposing_a_pair_invites_both_and_pairs_only_when_both_accept(world):
    ada, grace = _joined(world, "ada", "scholar"), _joined(world, "grace", "mentor")
    response = _propose(world, ada, grace, cadence=10)
    assert response.status_code == 302
    pending = PendingMentorship.objects.get(program=world.program, scholar=ada, mentor=grace)
    assert pending.cadence_days == 10
    assert sorted(m.to[0] for m in mail.outbox) == [ada.email, grace.email]
    ada_mail = next(m for m in mail.outbox if m.to == [ada.email])
    assert "Grace Joined mentor you in Winter" in ada_mail.body
    assert not Mentorship.objects.filter(scholar=ada).exists()

    body = _people(world).content.decode()
    assert "Ada Joined with Grace Joined, every 10 days" in body
    assert "waiting for Ada Joined and Grace Joined" in body

    links = {m.to[0]: LINK.search(m.body).group(0) for m in mail.outbox}
    ada_client = world.client_for(ada)
    page = ada_client.get(links[ada.email]).content.decode()
    assert "Grace Joined mentor you" in page and "Accept this pairing" in page
    ada_client.post(links[ada.email])
    assert not Mentorship.objects.filter(scholar=ada, mentor=grace).exists()
    world.client_for(grace).post(links[grace.email])
    pair = Mentorship.objects.get(program=world.program, scholar=ada, mentor=grace)
    assert pair.cadence_days == 10 and pair.active
    assert not PendingMentorship.objects.filter(pk=pending.pk).exists()


def test_holding_the_link_is_not_accepting(world):
    ada, grace = _joined(world, "ada", "scholar"), _joined(world, "grace", "mentor")
    _propose(world, ada, grace)
    link = LINK.search(next(m for m in mail.outbox if m.to == [ada.email]).body).group(0)
    response = world.client_for(grace).post(link)
    assert response.status_code == 403
    assert not Invite.objects.filter(user=ada, pairing=True, accepted_at__isnull=False).exists()


def test_an_existing_scholar_can_get_a_second_mentor_by_proposal(world):
    grace = _joined(world, "grace", "mentor")
    assert _propose(world, world.scholar, grace).status_code == 302
    assert PendingMentorship.objects.filter(scholar=world.scholar, mentor=grace).exists()


@pytest.mark.parametrize("case", ["same", "existing", "again", "outsider"])
def test_refused_proposals_say_why_and_send_nothing(world, case):
    ada, grace = _joined(world, "ada", "scholar"), _joined(world, "grace", "mentor")
    if case == "again":
        _propose(world, ada, grace)
        mail.outbox.clear()
    scholar, mentor, reason = {
        "same": (grace, grace, "Select a valid choice"),
        "existing": (world.scholar, world.mentor, "are already a pair"),
        "again": (ada, grace, "already invited to pair"),
        "outsider": (world.outsider, grace, "Select a valid choice"),
    }[case]
    response = _propose(world, scholar, mentor)
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert mail.outbox == []


def test_only_this_programs_staff_may_propose(world):
    ada, grace = _joined(world, "ada", "scholar"), _joined(world, "grace", "mentor")
    for user in (world.other_staff, world.mentor, world.scholar):
        assert _propose(world, ada, grace, user=user).status_code == 404
    assert not PendingMentorship.objects.exists()


def test_the_pairing_invitation_is_listed_with_the_partner(world):
    ada, grace = _joined(world, "ada", "scholar"), _joined(world, "grace", "mentor")
    _propose(world, ada, grace)
    body = _people(world).content.decode()
    assert "pair with Grace Joined" in body and "pair with Ada Joined" in body


def test_a_pairing_invitation_does_not_block_inviting_to_the_program(world):
    grace = _joined(world, "grace", "mentor")
    _propose(world, world.scholar, grace)
    invite = invites.invite_person(world.program, "new@example.org", "mentor", world.staff)
    assert not invite.pairing


# Session, user, program, forms' choices, the lists and their prefetches: the same at any size.
PEOPLE_PAGE_QUERIES = 18


def _grow(world, n):
    for i in range(n):
        scholar = _joined(world, f"s{n}x{i}", "scholar")
        mentor = _joined(world, f"m{n}x{i}", "mentor")
        if i % 2:
            _propose(world, scholar, mentor)


@pytest.mark.parametrize("size", [2, 8])
def test_the_people_page_costs_the_same_queries_at_two_sizes(
    world, django_assert_num_queries, size
):
    _grow(world, size)
    client = world.client_for(world.staff)
    url = reverse("program_people", args=[world.program.slug])
    with django_assert_num_queries(PEOPLE_PAGE_QUERIES):
        assert client.get(url).status_code == 200


def test_a_proposal_racing_another_is_refused_not_a_500(world, monkeypatch):
    from django.db import IntegrityError

    ada, grace = _joined(world, "ada", "scholar"), _joined(world, "grace", "mentor")

    def raced(**kwargs):
        raise IntegrityError("one_pending_pair_in_program")

    monkeypatch.setattr(PendingMentorship.objects, "create", raced)
    response = _propose(world, ada, grace)
    assert response.status_code == 200
    assert "already invited to pair" in response.content.decode()
    assert mail.outbox == [] and not Invite.objects.filter(pairing=True).exists()
