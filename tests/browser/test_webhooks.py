"""A mentor adds a webhook in Settings, in a real browser, pointed at a real receiver that checks
signatures with the `standardwebhooks` package: the secret is shown once, the test event arrives
signed with it and appears in the delivery log, and a reload never shows the secret again."""

import pytest
from django.urls import reverse

from meetings.models import WebhookDelivery, WebhookSubscription
from tests.factories import UserFactory
from tests.meetings.webhooks import conftest as webhook_parts

from .conftest import axe_violations

receiver = webhook_parts.receiver  # the tests' HTTP receiver, on a free local port


@pytest.fixture
def mentor(transactional_db, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is http on 127.0.0.1
    settings.WEBHOOKS_TIMEOUT_SECONDS = 2
    return UserFactory(username="mentor1", display_name="Maya Chen")


def test_a_mentor_adds_a_webhook_and_sends_a_test_event(mentor, receiver, page_for, console_errors):
    page = page_for(mentor)
    page.goto(reverse("settings"))
    section = page.locator("#webhooks")
    section.get_by_text("No webhooks yet.").wait_for()
    section.get_by_role("button", name="Add a webhook").click()  # a link styled as one

    page.get_by_label("Endpoint address").fill(receiver.url())
    page.get_by_label("Description (optional)").fill("My task board")
    page.get_by_label("A brief is submitted").check()
    page.get_by_label("An action item is added").check()
    page.get_by_role("button", name="Add the webhook").click()

    secret_box = page.locator("#webhook-secret")
    secret = secret_box.input_value()
    subscription = WebhookSubscription.objects.get(owner=mentor)
    assert secret.startswith("whsec_") and secret == subscription.secret
    assert subscription.events == ["brief.submitted", "action_item.created"]
    assert page.get_by_role("heading", name="Your signing secret").is_visible()
    receiver.secrets["/hook"] = secret  # the mentor copies it into their endpoint

    page.get_by_role("button", name="Send a test event").click()
    page.get_by_text("Test event queued").wait_for()
    [message] = receiver.accepted()  # verified with the secret the page showed
    assert message.payload["type"] == "webhook.test"
    headers = {k.lower(): v for k, v in message.headers.items()}
    row = page.locator("#delivery-log tbody tr").filter(has_text=headers["webhook-id"])
    assert "webhook.test" in row.inner_text()
    assert "Delivered" in row.inner_text()
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED
    assert axe_violations(page) == []

    # The secret was shown once: neither this page after a reload nor Settings shows it again.
    page.reload()
    page.locator("#delivery-log").wait_for()
    assert page.locator("#webhook-secret").count() == 0
    assert secret not in page.content()
    page.goto(reverse("settings"))
    assert page.locator("#webhooks").get_by_role("link", name=receiver.url()).is_visible()
    assert secret not in page.content()
    assert console_errors == []
