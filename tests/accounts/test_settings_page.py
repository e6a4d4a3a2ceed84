"""The settings page shows each person only the mail options of their roles, and the calendar
link whole, with a Copy button wired by static JS."""

import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from accounts.forms import MailPreferencesForm, TimeZoneSelect
from accounts.models import TIME_ZONE_CHOICES
from tests.factories import InviteFactory, MentorshipFactory, UserFactory

SCHOLAR_OPTION = 'name="mail_agenda_reminder"'
MENTOR_OPTIONS = ('name="mail_brief_submitted"', 'name="mail_brief_reminder"')


def _page(world, user):
    return world.client_for(user).get(reverse("settings")).content.decode()


def test_a_scholar_sees_only_the_scholar_option(world):
    body = _page(world, world.scholar)
    assert SCHOLAR_OPTION in body
    assert not any(o in body for o in MENTOR_OPTIONS)
    assert "As a mentor" not in body


def test_a_mentor_sees_only_the_mentor_options(world):
    body = _page(world, world.mentor)
    assert all(o in body for o in MENTOR_OPTIONS)
    assert SCHOLAR_OPTION not in body


def test_someone_with_both_roles_sees_all_three(world):
    MentorshipFactory(program=world.program, scholar=world.mentor, mentor=world.other_mentor)
    body = _page(world, world.mentor)
    assert SCHOLAR_OPTION in body and all(o in body for o in MENTOR_OPTIONS)


def test_staff_without_a_pair_see_no_mail_options(world):
    body = _page(world, world.staff)
    assert SCHOLAR_OPTION not in body and not any(o in body for o in MENTOR_OPTIONS)
    assert 'id="no-mail-options"' in body


def test_a_joined_mentor_without_a_pair_sees_the_mentor_options(world):
    newcomer = UserFactory(username="newcomer")
    InviteFactory(
        program=world.program,
        user=newcomer,
        email=newcomer.email,
        role="mentor",
        accepted_at=world.meeting.scheduled_at,
    )
    body = _page(world, newcomer)
    assert all(o in body for o in MENTOR_OPTIONS) and SCHOLAR_OPTION not in body


def test_a_scholar_cannot_switch_off_mentor_mail_by_posting_it(world):
    client = world.client_for(world.scholar)
    world.scholar.mail_brief_reminder = True
    world.scholar.save()
    response = client.post(reverse("settings"), {"form": "mail", "mail_agenda_reminder": "on"})
    assert response.status_code == 302
    world.scholar.refresh_from_db()
    assert world.scholar.mail_agenda_reminder is True
    assert world.scholar.mail_brief_reminder is True  # not on their form: left as it was


def test_the_calendar_link_is_shown_whole_with_a_copy_button(world):
    token = world.scholar.rotate_ics_token()
    body = _page(world, world.scholar)
    assert '<textarea id="ics-url"' in body and "readonly" in body
    assert f"{token}</textarea>" in body or f"{token}.ics</textarea>" in body
    assert 'data-copy-target="ics-url"' in body
    assert 'id="ics-url-status"' in body and 'role="status"' in body
    assert "/static/js/copy.js" in body


@pytest.mark.parametrize(
    "value", ["Europe/Paris", "UTC", "Africa/Abidjan", "Zulu", "", None, "Mars/Base"]
)
@pytest.mark.parametrize(
    "attrs", [{"id": "id_time_zone", "required": True}, {"data-browser-zone": "preselect"}]
)
def test_the_zone_list_is_the_markup_of_djangos_select(value, attrs):
    """The zone list joins its ~600 options escaped once, for speed: the markup is
    Django's select's to the byte, with the chosen zone (if any valid one) selected."""
    ours = TimeZoneSelect(choices=TIME_ZONE_CHOICES, attrs=attrs).render("time_zone", value)
    djangos = forms.Select(choices=TIME_ZONE_CHOICES, attrs=attrs).render("time_zone", value)
    assert ours == djangos
    assert ours.count(" selected") == (
        1 if value in {"Europe/Paris", "UTC", "Africa/Abidjan", "Zulu"} else 0
    )


def test_the_settings_page_shows_the_chosen_zone_selected(world):
    world.scholar.time_zone = "America/New_York"
    world.scholar.save()
    body = _page(world, world.scholar)
    assert '<option value="America/New_York" selected>America/New York</option>' in body
    zone_select = re.search(r'<select name="time_zone".*?</select>', body, re.S).group(0)
    assert zone_select.count("<option ") == len(TIME_ZONE_CHOICES)


@pytest.mark.parametrize("more", [0, 4])
def test_the_settings_page_costs_the_same_queries_with_more_pairs_and_invitations(
    world, django_assert_num_queries, more
):
    """session, user, mail roles (one query for both), the person's webhooks, API tokens and
    provider sign-ins, their pairs for the Slack notices, and the menu's pairs and programs."""
    for _ in range(more):
        MentorshipFactory(program=world.program, scholar=world.mentor)
        InviteFactory(user=world.mentor, accepted_at=timezone.now())  # another program each
    client = world.client_for(world.mentor)
    with django_assert_num_queries(7):
        assert client.get(reverse("settings")).status_code == 200


def test_the_mail_boxes_are_the_widgets_markup_ticked_as_saved(world):
    """The template writes each mail checkbox itself (for speed): the markup is the widget's,
    ticked where the preference is on."""
    world.mentor.mail_brief_reminder = False
    world.mentor.save()
    body = _page(world, world.mentor)
    form = MailPreferencesForm(instance=world.mentor, roles={"mentor"})
    assert len(form.fields) >= 3
    for field in form:
        assert f"{field} {field.label}</label>" in body
    assert '<input type="checkbox" name="mail_brief_reminder" id="id_mail_brief_reminder">' in body
    assert 'name="mail_brief_submitted" id="id_mail_brief_submitted" checked>' in body
