"""Staff reach a pair's planned meetings from the summaries, to move or cancel one."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_it_lists_upcoming_meetings_with_a_move_link_but_no_content(world):
    later = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=timezone.now() + timedelta(days=9)
    )
    client = world.client_for(world.staff)
    for url in (
        reverse("scholar_summary", args=[world.program.slug, world.scholar.pk]),
        reverse("mentor_summary", args=[world.program.slug, world.mentor.pk]),
    ):
        body = client.get(url).content.decode()
        assert reverse("meeting_reschedule", args=[later.pk]) in body
        assert reverse("meeting_reschedule", args=[world.meeting.pk]) in body
        assert "SECRET" not in body
    response = client.get(reverse("meeting_reschedule", args=[later.pk]))
    assert response.status_code == 200
    other = world.client_for(world.other_staff)
    url = reverse("scholar_summary", args=[world.program.slug, world.scholar.pk])
    assert other.get(url).status_code == 404
