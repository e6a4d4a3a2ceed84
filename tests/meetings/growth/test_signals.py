"""The growth signals (meetings/growth/signals.py), each against a hand-worked fixture.

The scholar's pair, weekly meetings (all 09:00 UTC, "today" is Monday 2 March 2026):

| meeting | status    | agenda    | decision     | words | top question      | outcome | energy | asked |
|---------|-----------|-----------|--------------|-------|-------------------|---------|--------|-------|
| 2 Feb   | held      | submitted | yes          | 9     | discussed         | yes     | 2      | 2     |
| 9 Feb   | held      | submitted | no           | 6     | mode: 2nd first   | partly  | 4      | 0     |
| 16 Feb  | cancelled | submitted | (never counts)                                                |
| 23 Feb  | held      | submitted | yes          | 508   | answered          | no      | —      | 2     |
| 4 Mar   | planned   | draft     | (never counts)                                                |
| 5 Mar   | planned   | submitted | yes          | 3     | (no questions)    | —       | 3      | 0     |

Bottlenecks: "Runs diverge" on 2 Feb, 9 Feb and 5 Mar, something else on 23 Feb: the 9 Feb
brief is stuck for 2 meetings, the others are not (23 Feb breaks the run before 5 Mar).
"""

from datetime import UTC, date, datetime

import pytest
import time_machine

from meetings.growth import signals as growth
from meetings.models import (
    Agenda,
    Meeting,
    Question,
)
from tests.factories import (
    AgendaFactory,
    CaptureFactory,
    HelpAskedFactory,
    LiveMeetingFactory,
    MeetingFactory,
    MeetingOutcomeFactory,
    MentorshipFactory,
    PeerOfferFactory,
    QuestionFactory,
    ReadingEntryFactory,
    UserFactory,
)

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
EMPTY = {"tried": "", "progress": "", "reading": "", "asks": ""}


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def _brief(pair, day, status=Meeting.Status.HELD, agenda_status="submitted", **fields):
    meeting = MeetingFactory(mentorship=pair, scheduled_at=_at(day), status=status)
    return AgendaFactory(meeting=meeting, status=agenda_status, **(EMPTY | fields))


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def hand(db, travel):
    pair = MentorshipFactory()
    scholar = pair.scholar
    peer_a, peer_b = UserFactory(), UserFactory()
    other = MentorshipFactory(program=pair.program, mentor=pair.mentor)
    third = MentorshipFactory(program=pair.program)

    a1 = _brief(pair, date(2026, 2, 2), decision="Pick the dataset", bottleneck="Runs diverge")
    a1.wellbeing_energy = 2
    a1.save()
    QuestionFactory(agenda=a1, text="Which optimiser?", rank=1, status="discussed")
    QuestionFactory(agenda=a1, text="More data?", rank=2)
    QuestionFactory(agenda=a1, text="Dropped one here", rank=3, status="dropped")
    MeetingOutcomeFactory(meeting=a1.meeting, answer="yes", comment="SECRET-COMMENT")
    HelpAskedFactory(agenda=a1, kind="peer", peer=peer_a)
    HelpAskedFactory(agenda=a1, kind="forum", name="#help", position=1)

    a2 = _brief(pair, date(2026, 2, 9), bottleneck="Runs diverge", wellbeing_energy=4)
    top = QuestionFactory(agenda=a2, text="A b c", rank=1)
    second = QuestionFactory(agenda=a2, text="d", rank=2, status="discussed")
    live = LiveMeetingFactory(meeting=a2.meeting, seq=2)
    CaptureFactory(live=live, seq=1, author=pair.mentor, kind="answer", text="x", question=second)
    CaptureFactory(live=live, seq=2, author=pair.mentor, kind="answer", text="y", question=top)
    MeetingOutcomeFactory(meeting=a2.meeting, answer="partly")

    cancelled = _brief(
        pair, date(2026, 2, 16), status=Meeting.Status.CANCELLED, decision="Cancelled one"
    )
    HelpAskedFactory(agenda=cancelled, kind="peer", peer=peer_b)

    a4 = _brief(
        pair,
        date(2026, 2, 23),
        decision="Go or stop",
        bottleneck="Completely different matter now",
        asks=" ".join(["word"] * 500),
    )
    QuestionFactory(agenda=a4, text="Top?", rank=1, status="answered")
    MeetingOutcomeFactory(meeting=a4.meeting, answer="no")
    HelpAskedFactory(agenda=a4, kind="peer", peer=peer_a)
    HelpAskedFactory(agenda=a4, kind="peer", peer=peer_b, position=1)

    draft = _brief(
        pair,
        date(2026, 3, 4),
        status=Meeting.Status.PLANNED,
        agenda_status="draft",
        decision="Draft decision",
        wellbeing_energy=1,
    )
    HelpAskedFactory(agenda=draft, kind="peer", peer=peer_b)

    _brief(
        pair,
        date(2026, 3, 5),
        status=Meeting.Status.PLANNED,
        decision="Next",
        bottleneck="Runs diverge",
        wellbeing_energy=3,
    )

    for day, takeaway in [(date(2026, 2, 3), "Changed it"), (date(2026, 2, 4), ""),
                          (date(2026, 2, 18), "Also")]:  # fmt: skip
        ReadingEntryFactory(scholar=scholar, title="R", read_on=day, takeaway=takeaway)
    ReadingEntryFactory(scholar=other.scholar, title="R", read_on=date(2026, 2, 10))

    theirs = _brief(other, date(2026, 2, 10), decision="Theirs", wellbeing_energy=5)
    HelpAskedFactory(agenda=theirs, kind="peer", peer=scholar)
    other_agenda = _brief(third, date(2026, 2, 24))
    theirs_later = _brief(other, date(2026, 2, 17))
    for agenda, day in [(theirs, 10), (other_agenda, 24), (theirs_later, 25)]:
        PeerOfferFactory(
            agenda=agenda, author=scholar, created_at=datetime(2026, 2, day, tzinfo=UTC)
        )
    PeerOfferFactory(agenda=a1, author=other.scholar)  # an offer TO the scholar
    return pair


def _signals(scholar, parts) -> dict:
    return {s.name: s for part in growth.growth(scholar, parts) for s in part.signals}


def _values(signal) -> list:
    return [p.value for p in signal.points]


def test_it_counts_the_leading_signals(hand):
    s = _signals(hand.scholar, {"leading"})
    dates = [p.when for p in s["words"].points]
    assert dates == [date(2026, 2, 2), date(2026, 2, 9), date(2026, 2, 23), date(2026, 3, 5)]
    assert _values(s["words"]) == [9, 6, 508, 3]
    assert s["words"].headline == "Median 7.5 words per brief; the latest 3."
    assert _values(s["one_page"]) == [1, 1, 0, 1]
    assert s["one_page"].headline == "3 of 4 briefs fit on one page."
    assert _values(s["decision_first"]) == [1, 0, 1, 1]
    assert s["decision_first"].headline == "3 of 4 briefs opened with a decision."
    assert [p.when for p in s["top_first"].points] == dates[:3]
    assert _values(s["top_first"]) == [1, 0, 1]
    assert s["top_first"].headline == "2 of 3 held meetings took the top question first."
    assert [p.state for p in s["came_for"].points] == ["yes", "partly", "no"]
    assert s["came_for"].headline == "Of 3 meetings answered: yes 1, partly 1, no 1."


def test_a_second_mentor_sees_only_their_own_meetings_answers(hand):
    """ "Did you get what you came for?" is the pair's (README, "Who sees what"): a scholar with two mentors
    shares their leading part, and each mentor's chart counts their own meetings' answers."""
    second = MentorshipFactory(program=hand.program, scholar=hand.scholar)
    theirs = _brief(second, date(2026, 2, 12))
    MeetingOutcomeFactory(meeting=theirs.meeting, answer="no")

    def came_for(viewer):
        parts = growth.growth(hand.scholar, {"leading"}, viewer=viewer)
        return [p.when for s in parts[0].signals if s.name == "came_for" for p in s.points]

    assert came_for(hand.scholar) == [date(2026, 2, d) for d in (2, 9, 12, 23)]
    assert came_for(hand.mentor) == [date(2026, 2, d) for d in (2, 9, 23)]
    assert came_for(second.mentor) == [date(2026, 2, 12)]
    only = growth.growth(hand.scholar, {"leading"}, viewer=second.mentor)[0].signals
    assert [s.headline for s in only if s.name == "came_for"] == ["Of 1 meeting answered: no 1."]


def test_it_counts_words_as_the_brief_does(hand):
    s = _signals(hand.scholar, {"leading"})
    agendas = Agenda.objects.filter(
        meeting__mentorship=hand, status="submitted", meeting__status__in=["held", "planned"]
    ).order_by("meeting__scheduled_at")
    assert _values(s["words"]) == [a.word_count() for a in agendas]


def test_it_counts_stuck_streaks_and_people_asked(hand):
    s = _signals(hand.scholar, {"unstuck"})
    assert _values(s["stuck"]) == [0, 2, 0, 0]
    assert s["stuck"].headline == (
        "Stuck at 1 of 4 briefs; the longest streak 2 meetings; now not stuck."
    )
    assert _values(s["asked"]) == [2, 0, 2, 0]
    assert s["asked"].headline == "1 person asked per meeting on average (4 over 4 briefs)."


def test_it_counts_readings_and_takeaways_per_week(hand):
    s = _signals(hand.scholar, {"reading"})
    # the last eight weeks at least, as on the history page: from 12 January
    mondays = [date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26), date(2026, 2, 2),
               date(2026, 2, 9), date(2026, 2, 16), date(2026, 2, 23), date(2026, 3, 2)]  # fmt: skip
    assert [p.when for p in s["readings"].points] == mondays
    assert _values(s["readings"]) == [0, 0, 0, 2, 0, 1, 0, 0]
    assert s["readings"].headline == "3 readings in all, 0.4 a week over the last 8 weeks."
    assert _values(s["takeaways"]) == [0, 0, 0, 1, 0, 1, 0, 0]
    assert s["takeaways"].headline == "2 of 3 readings with a takeaway."


def test_it_counts_peers_asked_and_helped_per_week(hand):
    s = _signals(hand.scholar, {"peers"})
    assert [p.when for p in s["peers_asked"].points][0] == date(2026, 2, 2)
    assert _values(s["peers_asked"]) == [1, 0, 0, 2, 0]
    assert s["peers_asked"].headline == "Asked peers 3 times (2 different)."
    assert _values(s["peers_helped"]) == [0, 1, 0, 2, 0]
    assert s["peers_helped"].headline == "Offered help 3 times to 2 peers."


def test_it_follows_the_energy_of_submitted_check_ins(hand):
    s = _signals(hand.scholar, {"energy"})
    assert _values(s["energy"]) == [2, 4, 3]
    assert s["energy"].headline == ("Energy 3 of 5 at the latest check-in; 3 over the last 3.")
    assert s["energy"].plot.top == 5


def test_it_computes_only_the_parts_asked_for(hand, django_assert_num_queries):
    with django_assert_num_queries(1):
        parts = growth.growth(hand.scholar, {"reading"})
    assert [p.name for p in parts] == ["reading"]
    # leading: briefs, their questions, the captures; unstuck one; reading one; peers two;
    # energy reuses the briefs
    with django_assert_num_queries(7):
        parts = growth.growth(hand.scholar, {"leading", "unstuck", "reading", "peers", "energy"})
    assert [p.name for p in parts] == ["leading", "unstuck", "reading", "peers", "energy"]


def test_it_places_bars_within_the_chart(hand):
    words = _signals(hand.scholar, {"leading"})["words"]
    plot, frame = words.plot, words.plot.frame
    assert plot.top == 508
    assert len(plot.bars) == len(words.points)
    tallest = plot.bars[2]
    assert tallest.y == pytest.approx(frame.pad)
    assert tallest.y + tallest.h == pytest.approx(frame.baseline)
    assert all(b.x >= frame.left and b.x + b.w <= frame.width for b in plot.bars)
    # to the tenth of a pixel every coordinate is rounded to
    assert plot.guide.y1 == pytest.approx(
        frame.baseline - (frame.baseline - frame.pad) * 450 / 508, abs=0.05
    )


def test_it_places_marks_in_a_row_by_their_state(hand):
    came_for = _signals(hand.scholar, {"leading"})["came_for"].plot
    # 280 × 22, the plot from 24 to 276: three slots of 84, a dot in the middle of each
    assert [(m.kind, m.x, m.y, m.r) for m in came_for.marks] == [
        ("yes", 66.0, 11.0, 6),
        ("partly", 150.0, 11.0, 6),
        ("no", 234.0, 11.0, 6),
    ]


def test_it_says_nothing_yet_without_data(db, travel):
    scholar = MentorshipFactory().scholar
    s = _signals(scholar, {"leading", "unstuck", "reading", "peers", "energy"})
    assert all(not signal.points for signal in s.values())
    assert s["decision_first"].headline == "Nothing to count yet."
    assert s["readings"].headline == "No readings yet."
    assert s["takeaways"].headline == "No readings yet."
    assert s["words"].headline == "No briefs yet."
    assert s["peers_asked"].headline == "No peer asked yet."
    assert s["peers_helped"].headline == "No offers of help yet."
    assert s["came_for"].headline == "No answers yet."
    assert s["energy"].headline == "No check-ins yet."


def test_it_gives_staff_figures_for_the_programs_pairs(hand, django_assert_num_queries):
    from accounts.models import Mentorship

    with django_assert_num_queries(3):
        figures = growth.staff_figures(hand.scholar.pk, Mentorship.objects.filter(pk=hand.pk))
    assert figures == {
        "briefs": 4,
        "decision_first": 3,
        "one_page": 3,
        "median_words": 7.5,
        "readings": 3,
        "takeaways": 2,
    }
    none = growth.staff_figures(hand.scholar.pk, Mentorship.objects.none())
    assert none["briefs"] == 0 and none["median_words"] is None


def test_it_never_returns_a_text_the_scholar_wrote(hand):
    parts = growth.growth(hand.scholar, {"leading", "unstuck", "reading", "peers", "energy"})
    rendered = repr(parts)
    assert "9 words" in rendered  # the repr does show the figures
    for text in ("Pick the dataset", "Runs diverge", "Which optimiser", "SECRET-COMMENT"):
        assert text not in rendered


def test_it_saves_the_sharing_choices(db):
    scholar = MentorshipFactory().scholar
    sharing = growth.save_sharing(scholar, {"leading": True, "report": True, "energy": True})
    assert sharing.shared_parts == {"leading"} and sharing.report
    again = growth.save_sharing(scholar, {"peers": True})
    assert again.pk == sharing.pk and again.shared_parts == {"peers"} and not again.report


def test_it_ignores_questions_set_aside_when_finding_the_top_one(hand):
    agenda = Agenda.objects.get(meeting__scheduled_at=_at(date(2026, 2, 2)))
    Question.objects.filter(agenda=agenda, rank=1).update(status="dropped")
    s = _signals(hand.scholar, {"leading"})
    # "More data?" is now the top question, still open: not dealt with
    assert _values(s["top_first"]) == [0, 0, 1]


def test_it_shows_weeks_ahead_with_data_and_at_most_half_a_year(db, travel):
    pair = MentorshipFactory()
    peer = UserFactory()
    ahead = _brief(pair, date(2026, 3, 12), status=Meeting.Status.PLANNED)
    HelpAskedFactory(agenda=ahead, kind="peer", peer=peer)
    for day in (date(2025, 1, 6), date(2026, 2, 24)):
        ReadingEntryFactory(scholar=pair.scholar, title="R", read_on=day)
    s = _signals(pair.scholar, {"peers", "reading"})
    assert [p.when for p in s["peers_asked"].points] == [date(2026, 3, 9)]
    assert _values(s["peers_asked"]) == [1]
    weeks = [p.when for p in s["readings"].points]
    assert len(weeks) == growth.WEEKS_SHOWN and weeks[-1] == date(2026, 3, 2)
    assert _values(s["readings"])[-2:] == [1, 0]
    assert s["readings"].headline.startswith("2 readings in all")
