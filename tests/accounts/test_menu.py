"""The header's menu: history and growth for someone who is a scholar, a cadence link per
program they are staff of, and nothing else; one query whatever the user has."""

import datetime
import re

import pytest
from django.urls import reverse

from accounts.templatetags.menu import Menu, menu
from tests.factories import MentorshipFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def menu_links(client, user) -> list[str]:
    client.force_login(user)
    body = client.get(reverse("settings")).content.decode()
    nav = re.search(r'<header class="site-header">.*?</header>', body, re.S).group(0)
    return re.findall(r'<a href="([^"]+)"', nav)


def test_a_scholar_has_their_history_and_growth(client, world):
    links = menu_links(client, world.scholar)
    history = reverse("history", args=[world.scholar.pk])
    growth = reverse("growth", args=[world.scholar.pk])
    assert history in links and growth in links
    assert not any("/programs/" in link for link in links)


def test_a_scholar_whose_pair_ended_still_has_their_history(client):
    pair = MentorshipFactory(active=False)
    assert reverse("history", args=[pair.scholar.pk]) in menu_links(client, pair.scholar)


def test_a_mentor_has_no_history_of_their_own(client, world):
    links = menu_links(client, world.mentor)
    assert reverse("history", args=[world.mentor.pk]) not in links
    assert not any("/history" in link or "/growth" in link for link in links)


def test_staff_have_each_of_their_programs_cadence_newest_first(client, world):
    newer = ProgramFactory(name="Spring", slug="spring", staff=[world.staff])
    newer.starts_on = world.program.starts_on + datetime.timedelta(days=30)
    newer.save()
    links = menu_links(client, world.staff)
    cadence = [link for link in links if "/programs/" in link]
    assert cadence == [reverse("cadence", args=["spring"]), reverse("cadence", args=["winter"])]
    assert reverse("cadence", args=["summer"]) not in links  # another program's staff's
    assert not any("/history" in link for link in links)


def test_staff_who_are_also_scholars_have_both(client, world):
    MentorshipFactory(program=world.other_program, scholar=world.staff)
    links = menu_links(client, world.staff)
    assert reverse("history", args=[world.staff.pk]) in links
    assert reverse("cadence", args=["winter"]) in links


def test_the_menu_is_one_query_whatever_the_user_has(world, django_assert_num_queries):
    for name in "ABC":
        ProgramFactory(name=name, slug=name.lower(), staff=[world.scholar])
    with django_assert_num_queries(1):
        result = menu(world.scholar)
    assert result.is_scholar
    assert len(result.programs) == 3
    nobody = UserFactory()
    with django_assert_num_queries(1):
        assert menu(nobody) == Menu(is_scholar=False, programs=())
