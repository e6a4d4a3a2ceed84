"""Offers of help on the peer board: the scholar is told in the app and by mail; only the
scholar and the peer who offered ever see an offer."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings.models import PeerOffer, SentReminder
from tests.factories import MentorshipFactory, PeerOfferFactory


@pytest.fixture
def shared(world):
    world.agenda.bottleneck_shared = True
    world.agenda.bottleneck_shared_at = timezone.now() - timedelta(days=1)
    world.agenda.save()
    return world.agenda


def _offer(world, user, data, htmx=True):
    url = reverse("peer_offer_add", args=[world.program.slug, world.agenda.pk])
    client = world.htmx_client_for(user) if htmx else world.client_for(user)
    return client.post(url, data)


def test_a_peer_offers_help_and_the_scholar_is_told_in_the_app_and_by_mail(
    world, shared, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _offer(
            world, world.other_scholar, {"kind": "solved", "message": "OFFER-MSG clip grads"}
        )
    assert response.status_code == 200
    assert "You offered" in response.content.decode()
    offer = PeerOffer.objects.get()
    assert (offer.author, offer.kind) == (world.other_scholar, "solved")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.scholar.email]
    assert world.other_scholar.name in message.subject
    assert "OFFER-MSG clip grads" in message.body and "SECRET-BOTTLENECK" in message.body
    assert "/accounts/settings/" in message.body
    home = world.client_for(world.scholar).get(reverse("home")).content.decode()
    assert "OFFER-MSG clip grads" in home and "Dismiss" in home


def test_offering_again_replaces_the_offer_and_mails_only_once(
    world, shared, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _offer(world, world.other_scholar, {"kind": "talk", "message": "first"})
        _offer(world, world.other_scholar, {"kind": "solved", "message": "second"})
    assert PeerOffer.objects.get().message == "second"
    assert len(mail.outbox) == 1
    assert SentReminder.objects.filter(kind="peer_offer").count() == 1


def test_it_respects_the_scholars_choice_of_no_offer_mail(
    world, shared, django_capture_on_commit_callbacks
):
    world.scholar.mail_peer_offers = False
    world.scholar.save()
    with django_capture_on_commit_callbacks(execute=True):
        _offer(world, world.other_scholar, {"kind": "talk"})
    assert PeerOffer.objects.count() == 1 and mail.outbox == []


def test_an_offer_without_a_kind_is_refused_with_a_message(world, shared):
    response = _offer(world, world.other_scholar, {"message": "kept?"})
    assert response.status_code == 200
    assert "Choose what you offer" in response.content.decode()
    assert not PeerOffer.objects.exists()
    plain = _offer(world, world.other_scholar, {"message": "x"}, htmx=False)
    assert plain.status_code == 302 and "#b" in plain["Location"]


def test_nobody_offers_on_an_unshared_bottleneck_or_their_own(world):
    assert _offer(world, world.other_scholar, {"kind": "talk"}).status_code == 404
    world.agenda.bottleneck_shared = True
    world.agenda.bottleneck_shared_at = timezone.now()
    world.agenda.save()
    assert _offer(world, world.scholar, {"kind": "talk"}).status_code == 404
    elsewhere = MentorshipFactory(program=world.other_program).scholar
    assert _offer(world, elsewhere, {"kind": "talk"}).status_code == 404
    assert not PeerOffer.objects.exists()


@pytest.mark.parametrize("role", ["mentor", "staff", "manager", "other_mentor", "outsider"])
def test_only_the_two_scholars_see_an_offer(world, shared, role):
    PeerOfferFactory(agenda=shared, author=world.other_scholar, message="OFFER-SENTINEL")
    client = world.client_for(getattr(world, role))
    for url in [
        reverse("home"),
        reverse("history", args=[world.scholar.pk]),
        reverse("brief", args=[world.meeting.pk]),
        reverse("reading", args=[world.scholar.pk]),
        reverse("my_data_export"),
    ]:
        assert b"OFFER-SENTINEL" not in client.get(url).content, url
    assert not PeerOffer.objects.visible_to(getattr(world, role)).exists()


def test_the_offering_peer_sees_their_own_offer_and_a_third_scholar_does_not(world, shared):
    PeerOfferFactory(agenda=shared, author=world.other_scholar, message="OFFER-SENTINEL")
    board = reverse("peer_board", args=[world.program.slug])
    assert b"OFFER-SENTINEL" in world.client_for(world.other_scholar).get(board).content
    third = MentorshipFactory(program=world.program).scholar
    html = world.client_for(third).get(board).content
    assert b"SECRET-BOTTLENECK" in html and b"OFFER-SENTINEL" not in html


def test_the_scholar_dismisses_an_offer(world, shared):
    offer = PeerOfferFactory(agenda=shared, author=world.other_scholar, message="M")
    url = reverse("peer_offer_dismiss", args=[offer.pk])
    assert world.client_for(world.other_scholar).post(url).status_code == 404
    response = world.htmx_client_for(world.scholar).post(url)
    assert response.status_code == 200 and b"peer-offers" in response.content
    offer.refresh_from_db()
    assert offer.dismissed_at is not None
    home = world.client_for(world.scholar).get(reverse("home")).content.decode()
    assert "Peers offer help" not in home


def test_the_scholar_dismisses_an_offer_without_js(world, shared):
    offer = PeerOffer.objects.create(agenda=shared, author=world.other_scholar, message="M")
    url = reverse("peer_offer_dismiss", args=[offer.pk])
    response = world.client_for(world.scholar).post(url, follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    html = response.content.decode()
    assert "Offer dismissed." in html and "Peers offer help" not in html
    offer.refresh_from_db()
    assert offer.dismissed_at is not None
