"""CSRF is enforced, and redirects stay on the site."""

import pytest
from django.test import Client
from django.urls import reverse


def test_it_refuses_a_post_without_csrf_token(sec):
    client = Client(enforce_csrf_checks=True)
    client.force_login(sec.mentor)
    response = client.post(reverse("note_add", args=[sec.meeting.pk]), {"body": "hello"})
    assert response.status_code == 403
    assert not sec.meeting.notes.filter(body="hello").exists()


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_it_does_not_redirect_off_site_after_toggling_an_item(sec, target):
    client = Client()
    client.force_login(sec.scholar)
    response = client.post(
        reverse("action_toggle", args=[sec.action.pk]), {"done": "1", "next": target}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_it_redirects_back_to_a_page_on_the_site_after_toggling(sec):
    client = Client()
    client.force_login(sec.scholar)
    back = reverse("brief", args=[sec.meeting.pk]) + "#actions"
    response = client.post(
        reverse("action_toggle", args=[sec.action.pk]), {"done": "1", "next": back}
    )
    assert response.url == back
