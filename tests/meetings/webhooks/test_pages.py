"""The webhook pages: endpoints are refused on private or local addresses and without https
(SSRF), each subscription is its owner's (a program's, its staff's) and a 404 to anyone else,
the secret is shown once, and "send a test event" sends one."""

import pytest
from django.urls import reverse

from meetings.models import WebhookDelivery, WebhookSubscription
from meetings.webhooks.delivery import UnsafeEndpoint, check_endpoint, send
from tests.factories import WebhookDeliveryFactory, WebhookSubscriptionFactory
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

REFUSED = [
    ("http://93.184.215.14/hook", "https://"),
    ("https://127.0.0.1/hook", "private or local"),
    ("https://localhost:8443/hook", "private or local"),
    ("https://10.1.2.3/hook", "private or local"),
    ("https://169.254.169.254/latest/meta-data/", "private or local"),
    ("https://[::1]/hook", "private or local"),
    ("https://[::ffff:127.0.0.1]/hook", "private or local"),
    ("https://user:pw@93.184.215.14/hook", "password"),
]


@pytest.mark.parametrize("url,reason", REFUSED)
def test_it_refuses_endpoints_that_are_not_https_or_not_public(world, settings, url, reason):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = world.client_for(world.mentor).post(
        reverse("webhook_new"), {"url": url, "events": ["brief.submitted"]}
    )
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_it_accepts_a_public_https_endpoint(world, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = world.client_for(world.mentor).post(
        reverse("webhook_new"),
        {"url": "https://93.184.215.14/hook", "events": ["brief.submitted", "meeting.held"]},
    )
    assert response.status_code == 302
    subscription = WebhookSubscription.objects.get()
    assert subscription.owner == world.mentor and subscription.program is None
    assert subscription.events == ["brief.submitted", "meeting.held"]


def test_it_checks_the_address_again_when_sending(world, settings, receiver):
    """An endpoint stored while private addresses were allowed (or whose name now resolves to
    one) is refused at send time: no connection is made."""
    subscription = WebhookSubscriptionFactory(owner=world.mentor, url=receiver.url())
    delivery = WebhookDeliveryFactory(subscription=subscription)
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    assert send(subscription, delivery) == (None, "Refused: Use an https:// address.")
    subscription.url = receiver.url().replace("http://", "https://")
    code, error = send(subscription, delivery)
    assert code is None and "private or local" in error
    assert receiver.requests == []
    subscription.url = receiver.url()
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    receiver.secrets["/hook"] = subscription.secret
    assert send(subscription, delivery) == (204, "")
    with pytest.raises(UnsafeEndpoint):
        check_endpoint("ftp://93.184.215.14/")


def test_another_persons_subscription_is_not_found(world):
    subscription = WebhookSubscriptionFactory(owner=world.mentor)
    WebhookDeliveryFactory(subscription=subscription)
    for user in (world.scholar, world.other_mentor, world.staff, world.outsider):
        client = world.client_for(user)
        assert client.get(reverse("webhook", args=[subscription.pk])).status_code == 404
        for name in ("webhook_rotate", "webhook_active", "webhook_test", "webhook_delete"):
            assert client.post(reverse(name, args=[subscription.pk])).status_code == 404
        assert subscription.url not in client.get(reverse("settings")).content.decode()
    secret = WebhookSubscription.objects.get(pk=subscription.pk).secret
    assert secret == subscription.secret  # nobody else replaced it
    assert WebhookSubscription.objects.get(pk=subscription.pk).active
    page = world.client_for(world.mentor).get(reverse("webhook", args=[subscription.pk]))
    assert page.status_code == 200 and subscription.url in page.content.decode()


def test_program_staff_manage_the_programs_webhooks_and_nobody_else(world, hooks):
    staff = world.client_for(world.staff)
    url = reverse("program_webhooks", args=[world.program.slug])
    response = staff.post(url, {"url": "http://127.0.0.1:9/p", "events": ["meeting.held"]})
    assert response.status_code == 302
    subscription = WebhookSubscription.objects.get()
    assert subscription.program == world.program and subscription.owner == world.staff
    page = staff.get(response["Location"])
    assert page.context["secret"] == subscription.secret  # shown once, after it was made
    assert "http://127.0.0.1:9/p" in staff.get(url).content.decode()
    # the program's other staff member manages it too (the research manager is on the staff)
    manager = world.client_for(world.manager)
    assert manager.get(reverse("webhook", args=[subscription.pk])).status_code == 200
    for user in (world.other_staff, world.mentor, world.scholar, world.outsider):
        client = world.client_for(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("webhook", args=[subscription.pk])).status_code == 404
    # not in anyone's own settings list
    assert "http://127.0.0.1:9/p" not in staff.get(reverse("settings")).content.decode()


def test_send_test_event_queues_one_message_shown_in_the_log(world, hooks):
    subscription = WebhookSubscriptionFactory(owner=world.mentor, events=["meeting.held"])
    client = world.client_for(world.mentor)
    response = client.post(reverse("webhook_test", args=[subscription.pk]))
    assert response.status_code == 302
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "webhook.test" and delivery.status == "pending"
    assert (
        delivery.message_id
        in client.get(reverse("webhook", args=[subscription.pk])).content.decode()
    )


def test_editing_and_deleting_a_webhook(world, hooks):
    subscription = WebhookSubscriptionFactory(owner=world.mentor, url="http://127.0.0.1:9/a")
    client = world.client_for(world.mentor)
    page = reverse("webhook", args=[subscription.pk])
    response = client.post(page, {"url": "http://127.0.0.1:9/b", "events": ["meeting.moved"]})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.url, subscription.events) == ("http://127.0.0.1:9/b", ["meeting.moved"])
    refused = client.post(page, {"url": "http://127.0.0.1:9/c", "events": []})
    assert refused.status_code == 200 and b"Choose at least one event." in refused.content
    response = client.post(reverse("webhook_delete", args=[subscription.pk]))
    assert response.status_code == 302 and response["Location"].endswith("/settings/#webhooks")
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_a_given_up_message_is_sent_again_under_its_id_and_a_delivered_one_never(
    world, hooks, receiver
):
    subscription = WebhookSubscriptionFactory(owner=world.mentor, url=receiver.url())
    receiver.secrets["/hook"] = subscription.secret
    given_up = WebhookDeliveryFactory(subscription=subscription, status="failed", attempts=10)
    client = world.client_for(world.mentor)
    url = reverse("webhook_resend", args=[subscription.pk, given_up.pk])
    assert b"Send again" in client.get(reverse("webhook", args=[subscription.pk])).content
    assert client.post(url).status_code == 302
    given_up.refresh_from_db()
    assert given_up.status == "pending"
    run_worker()
    [message] = receiver.accepted()
    assert message.headers["webhook-id"] == given_up.message_id
    given_up.refresh_from_db()
    assert (given_up.status, given_up.attempts) == ("delivered", 11)
    # delivered: never again, whoever asks
    assert client.post(url).status_code == 302
    run_worker()
    assert len(receiver.requests) == 1
    other = world.client_for(world.scholar)
    assert other.post(url).status_code == 404
