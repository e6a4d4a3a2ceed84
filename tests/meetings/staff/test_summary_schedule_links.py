"""A scholar's summary page lists upcoming meetings, and offers to schedule more, only to a reader
who may schedule that scholar's meetings: program staff, not a research manager (who would land
on "You have no active mentorship to schedule meetings for")."""

from django.urls import reverse


def _summary(world, user) -> str:
    url = reverse("scholar_summary", args=[world.program.slug, world.scholar.pk])
    response = world.client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_program_staff_see_upcoming_meetings_and_the_schedule_link(world):
    page = _summary(world, world.staff)
    assert "Upcoming meetings" in page
    assert reverse("meeting_reschedule", args=[world.meeting.pk]) in page


def test_a_research_manager_is_not_offered_scheduling(world):
    world.program.staff.remove(world.manager)  # now only the scholar's research manager
    page = _summary(world, world.manager)
    assert "Upcoming meetings" not in page
    assert reverse("series_new") not in page
    assert world.scholar.name in page  # the page itself is theirs to read
