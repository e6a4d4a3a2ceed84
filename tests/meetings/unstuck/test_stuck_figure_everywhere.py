"""One streak definition, one number: a hand-worked pair rendered on every page that shows the
stuck figure, each page saying the same.

The pair's meetings, oldest first (run position worked out by hand):

    42 days ago  a paper venue                        1  (a new problem)
    35 days ago  reward-model evaluation, wording 1   1  (not the venue: a new run)
    28 days ago  reward-model evaluation, wording 2   2
    21 days ago  cancelled (its agenda does not count, and does not break the run)
    14 days ago  reward-model evaluation, wording 3   3
     7 days ago  reward-model evaluation, wording 1   4  (like each of the run's last three)
    in 2 days    reward-model evaluation, wording 2   5  (the world's submitted agenda)

So: stuck for 5 meetings, a stretch of exactly those five, and the venue outside it.
"""

import re

import pytest
from django.urls import reverse

from meetings.growth import signals as growth
from meetings.models import Agenda, Meeting
from meetings.unstuck.streaks import SHOWN_EARLIER, recompute_pair
from tests.factories import past_agenda

VENUE = "SENTINEL-VENUE I need to decide which paper venue to submit to."
EVAL_1 = "Evaluating the reward model fails on the cluster: jobs run out of memory."
EVAL_2 = "The reward model evaluation keeps running out of memory on the cluster."
EVAL_3 = "Still can't evaluate the reward model, cluster jobs die out of memory."
STUCK_FOR = 5


@pytest.fixture
def hand_worked(world):
    pair = world.mentorship
    past_agenda(pair, 42, VENUE)
    past_agenda(pair, 35, EVAL_1)
    past_agenda(pair, 28, EVAL_2)
    past_agenda(pair, 21, EVAL_3, status=Meeting.Status.CANCELLED)
    past_agenda(pair, 14, EVAL_3)
    past_agenda(pair, 7, EVAL_1)
    Agenda.objects.filter(pk=world.agenda.pk).update(bottleneck=EVAL_2)
    recompute_pair(pair.pk)  # the bottleneck was set behind the domain's back
    growth.save_sharing(world.scholar, {"leading": True, "unstuck": True, "report": True})
    return world


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _after(html: str, marker: str) -> str:
    return html[html.index(marker) :]


def _badges(html: str, pattern: str) -> list[int]:
    return [int(n) for n in re.findall(pattern, html)]


def test_every_page_shows_the_same_stuck_figure(hand_worked):
    w = hand_worked
    scholar, mentor = w.client_for(w.scholar), w.client_for(w.mentor)
    slug = w.program.slug

    # The agenda page's prompt counts the run's earlier meetings (one fewer than the figure) and
    # names the latest few.
    agenda = _after(_html(scholar, reverse("agenda", args=[w.meeting.pk])), 'id="stuck-prompt"')
    prompt = agenda[: agenda.index("</ul>")]
    assert f"each of your last {STUCK_FOR - 1} meetings" in prompt
    assert prompt.count("<li>") == SHOWN_EARLIER < STUCK_FOR - 1

    for client in (scholar, mentor):
        brief = _html(client, reverse("brief", args=[w.meeting.pk]))
        assert _badges(brief, r"Stuck for (\d+) meetings") == [STUCK_FOR]
        stuck_block = _after(brief, 'id="stuck-streak"')
        # the latest earlier ones and this meeting side by side, the others counted
        listed = stuck_block.count('class="stuck-date"')
        counted = _badges(stuck_block, r"(\d+) earlier meetings? since")
        assert listed == SHOWN_EARLIER + 1 and counted == [STUCK_FOR - listed]

    history = _html(mentor, reverse("history", args=[w.scholar.pk]))
    timeline = _after(history, 'id="bottleneck-timeline"')
    assert _badges(timeline, r"Stuck for (\d+) meetings") == [STUCK_FOR]
    # the stretch the history brackets is exactly the run the badge counts
    assert timeline.count("in-stuck") == STUCK_FOR
    assert timeline.count("(same stuck stretch)") == STUCK_FOR - 1
    venue_line = timeline[: timeline.index("SENTINEL-VENUE")].rsplit("<li", 1)[1]
    assert "in-stuck" not in venue_line
    # each meeting of the history's list says how long it had been stuck by then
    assert max(_badges(history, r"stuck for (\d+) meetings")) == STUCK_FOR

    for client in (scholar, mentor):
        report = _html(client, reverse("report", args=[w.scholar.pk]))
        assert _badges(report, r"Stuck for (\d+) meetings") == [STUCK_FOR]
        assert report.count('class="in-stuck"') == STUCK_FOR

    home = _html(mentor, reverse("home"))
    assert _badges(home, r"stuck (\d+) meetings") == [STUCK_FOR]

    cadence = _html(w.client_for(w.staff), reverse("cadence", args=[slug]))
    assert _badges(cadence, r"stuck (\d+) meetings") == [STUCK_FOR]
    managed = _html(w.client_for(w.manager), reverse("managed_scholars", args=[slug]))
    assert _badges(managed, r"stuck (\d+) meetings") == [STUCK_FOR]
    for html in (cadence, managed):
        assert "SENTINEL" not in html and "reward model" not in html
