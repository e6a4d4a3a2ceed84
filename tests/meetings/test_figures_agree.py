"""A figure shown on more than one page is the same number on every page: one hand-worked
fixture, every page that shows the figure rendered, the number read off each.

Today is Wednesday 2 December 2026, 12:00 UTC. The scholar's one pair (program "winter"):

| meeting | status    | brief | words (sections + questions) | whom asked |
|---------|-----------|-------|------------------------------|------------|
| 11 Nov  | held      | yes   | 12 + 2 = 14                  | 0          |
| 18 Nov  | held      | yes   | 10 + 2 = 12                  | 2          |
| 25 Nov  | held      | yes   | 11 + 2 = 13                  | 1          |
| 28 Nov  | cancelled | yes   | (never counts)               | 3          |
| 4 Dec   | planned   | yes   | 19 + 2 = 21 (the world's)    | 0          |

Briefs: 14, 12, 13, 21: the median is 13.5 words. People asked per brief: 3 over 4 = 0.75,
written "0.8". Meetings held: 3. Action items: 2 done, 1 open.

Readings (the reading list), by the day they were read: Tue 1 Dec and Sun 29 Nov (this week and
the week of 23 Nov), Mon 16 Nov logged today (the week of 16 Nov, not this week), 2 Sep (13
weeks back: outside the history's last eight weeks). 4 in all, 2 with a takeaway. Every brief
also mentions a reading in "What I read": that is the brief's text, not the reading list.
"""

import json
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from meetings import pdf
from meetings.models import Meeting
from tests.factories import (
    ActionItemFactory,
    GrowthSharingFactory,
    HelpAskedFactory,
    MeetingFactory,
    QuestionFactory,
    ReadingEntryFactory,
    SubmittedAgendaFactory,
)

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)
EMPTY = {"decision": "", "tried": "", "progress": "", "asks": ""}


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


def _brief(world, day: date, status: str, bottleneck_words: int, asked: int):
    meeting = MeetingFactory(
        mentorship=world.mentorship,
        scheduled_at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
        status=status,
    )
    agenda = SubmittedAgendaFactory(
        meeting=meeting,
        bottleneck=" ".join(["w"] * (bottleneck_words - 2)),
        reading="Paper two",  # the brief's text: 2 of its words, never a reading
        **EMPTY,
    )
    QuestionFactory(agenda=agenda, text="Two words?", rank=1)
    for i in range(asked):
        HelpAskedFactory(agenda=agenda, kind="outside", name=f"Person {i}", position=i)
    return agenda


@pytest.fixture
def hand(travel, world):
    _brief(world, date(2026, 11, 11), Meeting.Status.HELD, 12, 0)
    _brief(world, date(2026, 11, 18), Meeting.Status.HELD, 10, 2)
    _brief(world, date(2026, 11, 25), Meeting.Status.HELD, 11, 1)
    _brief(world, date(2026, 11, 28), Meeting.Status.CANCELLED, 30, 3)
    for done in (True, True, False):
        ActionItemFactory(mentorship=world.mentorship, done=done)
    for day, takeaway in (
        (date(2026, 12, 1), "x"),
        (date(2026, 11, 29), ""),
        (date(2026, 11, 16), "y"),
        (date(2026, 9, 2), ""),
    ):
        ReadingEntryFactory(scholar=world.scholar, read_on=day, takeaway=takeaway)
    GrowthSharingFactory(
        scholar=world.scholar, leading=True, unstuck=True, reading=True, report=True
    )
    return world


def _get(world, user, name, *args) -> str:
    response = world.client_for(user).get(reverse(name, args=args))
    assert response.status_code == 200, name
    return response.content.decode()


def _growth(world) -> str:
    return _get(world, world.scholar, "growth", world.scholar.pk)


def _summary(world) -> str:
    return _get(world, world.staff, "scholar_summary", "winter", world.scholar.pk)


def _report(world) -> str:
    return _get(world, world.scholar, "report", world.scholar.pk)


def _report_pdf(world, monkeypatch) -> str:
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: html.encode())
    return _get(world, world.scholar, "report_pdf", world.scholar.pk)


def _one(pattern: str, html: str) -> str:
    found = set(re.findall(pattern, html))
    assert len(found) == 1, (pattern, found)
    return found.pop()


def test_the_median_words_per_brief(hand):
    assert _one(r"Median ([\d.]+) words per brief", _growth(hand)) == "13.5"
    assert _one(r"median ([\d.]+) words", _summary(hand)) == "13.5"


def test_people_asked_per_meeting(hand):
    assert _one(r"([\d.]+) people asked per meeting on average", _growth(hand)) == "0.8"
    summary = _summary(hand)
    assert _one(r"People asked per meeting</span><strong>([\d.]+)<", summary) == "0.8"


def test_readings_in_all(hand, monkeypatch):
    assert _one(r"(\d+) readings? in all", _growth(hand)) == "4"
    assert _one(r"Readings logged</span><strong>(\d+) ", _summary(hand)) == "4"
    assert _one(r"Readings</span><strong>(\d+)<", _report(hand)) == "4"
    pdf_html = _report_pdf(hand, monkeypatch)
    assert _one(r"Readings</span><strong>(\d+)<", pdf_html) == "4"
    assert _one(r"(\d+) readings? in all", pdf_html) == "4"
    export = json.loads(_get(hand, hand.scholar, "my_data_export"))
    assert len(export["reading"]) == 4


def test_readings_per_week_on_the_history_and_the_growth_page(hand):
    """The same weeks, the same count in each: the week of the day the reading was read."""
    history = _get(hand, hand.mentor, "history", hand.scholar.pk)
    weeks = re.findall(r"Week of (\d+ \w+)</span> <strong>(\d+)</strong>", history)
    assert weeks == [
        ("12 Oct", "0"), ("19 Oct", "0"), ("26 Oct", "0"), ("2 Nov", "0"),
        ("9 Nov", "0"), ("16 Nov", "1"), ("23 Nov", "1"), ("30 Nov", "1"),
    ]  # fmt: skip
    growth = _growth(hand)
    table = growth[growth.index('id="signal-readings"') : growth.index('id="signal-takeaways"')]
    rows = re.findall(r"<th scope=\"row\">(\d+ \w+) 2026</th><td>(\d+) readings?</td>", table)
    assert rows[-8:] == weeks
    assert "0.3 a week over the last 14 weeks" in growth  # 4 readings from 31 Aug to 30 Nov
    # the brief's own "What I read" stays with its meeting, never counted as a reading
    side = history[history.index('class="side-card reading-weeks"') :]
    assert "Paper two" not in side[: side.index("</article>")]


def test_meetings_held(hand):
    assert _one(r"Meetings held</span><strong>(\d+)<", _report(hand)) == "3"
    summary = _summary(hand)
    assert _one(r"Held, whole program</span><strong>(\d+) ", summary) == "3"
    cadence = _get(hand, hand.staff, "cadence", "winter")
    row = cadence[cadence.index(f">{hand.scholar.name}</a></td>") :]
    assert _one(r'data-label="Held in program">(\d+) ', row[: row.index("</tr>")]) == "3"
    export = json.loads(_get(hand, hand.staff, "program_export", "winter"))
    pair = next(p for p in export["mentorships"] if p["scholar"] == hand.scholar.name)
    assert pair["held_total"] == 3


def test_action_items_done_and_open(hand):
    report = _report(hand)
    assert _one(r'Action items done</span><strong>(\d+ <small class="muted">of \d+)', report) == (
        '2 <small class="muted">of 3'
    )
    summary = _summary(hand)
    assert _one(r"Action items done</span><strong>(\d+) ", summary) == "2"
    assert _one(r"Open action items</span><strong>(\d+)<", summary) == "1"
    export = json.loads(_get(hand, hand.staff, "program_export", "winter"))
    pair = next(p for p in export["mentorships"] if p["scholar"] == hand.scholar.name)
    assert pair["action_items"] == {"open": 1, "done": 2}
    home = _get(hand, hand.mentor, "home")
    row = home[home.index(f"<strong>{hand.scholar.name}</strong>") :]
    assert _one(r'data-label="Open items">(\d+)<', row[: row.index("</tr>")]) == "1"
