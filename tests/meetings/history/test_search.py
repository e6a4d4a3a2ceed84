"""Searching a scholar's history: every source, highlighting, who finds what, odd input, cost.

Runs on SQLite (FTS5) and on PostgreSQL (full-text search) alike: set DATABASE_URL for the latter.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.history import search
from meetings.models import (
    Agenda,
    Meeting,
    Question,
)
from tests.factories import (
    ActionItemFactory,
    AgendaFactory,
    AnnotationFactory,
    MeetingFactory,
    MeetingNoteFactory,
    MentorPrivateNoteFactory,
    MentorshipFactory,
    ProgressLineFactory,
    QuestionFactory,
    ReadingEntryFactory,
    ReadingRecommendationFactory,
    SubmittedAgendaFactory,
    UserFactory,
)


def _search(client, scholar, q: str, htmx: bool = False):
    url = reverse("history_search", args=[scholar.pk])
    return (client.htmx if htmx else client).get(url, {"q": q})


def _found(client, scholar, q: str) -> str:
    response = _search(client, scholar, q)
    assert response.status_code == 200
    return response.content.decode()


def _held(mentorship, days_ago: int, **agenda) -> Meeting:
    meeting = MeetingFactory(
        mentorship=mentorship,
        scheduled_at=timezone.now() - timedelta(days=days_ago),
        status=Meeting.Status.HELD,
    )
    SubmittedAgendaFactory(meeting=meeting, **agenda)
    return meeting


# --- Every source ------------------------------------------------------------------------------


@pytest.fixture
def everything(world):
    """A held meeting whose every searchable field holds a word of its own."""
    meeting = _held(
        world.mentorship,
        7,
        progress="Progress: the aardvarkprogress works",
        bottleneck="Bottleneck: the aardvarkbottleneck",
        tried="Tried the aardvarktried trick",
        reading="Read the aardvarkreading paper",
        asks="Ask about aardvarkasks",
        wellbeing_energy=3,
        wellbeing_note="Feeling aardvarkcheckin",
        wellbeing_visibility=Agenda.Visibility.MENTORS,
    )
    question = QuestionFactory(
        agenda=meeting.agenda, text="Why aardvarkquestion?", answer="Because aardvarkanswer."
    )
    comment = AnnotationFactory(agenda=meeting.agenda, body="Comment on aardvarkcomment")
    MeetingNoteFactory(meeting=meeting, body="We decided aardvarknote", kind="decision")
    ActionItemFactory(mentorship=world.mentorship, meeting=meeting, text="Do aardvarkitem")
    return meeting, question, comment


@pytest.mark.parametrize("role", ["scholar", "mentor"])
@pytest.mark.parametrize(
    "word,label,anchor",
    [
        ("aardvarkprogress", "Progress since last time", "progress"),
        ("aardvarkbottleneck", "Main bottleneck", "bottleneck"),
        ("aardvarktried", "What I tried", "tried"),
        ("aardvarkreading", "What I read", "reading"),
        ("aardvarkasks", "What I want from this meeting", "asks"),
        ("aardvarkcheckin", "Check-in", "wellbeing"),
        ("aardvarkquestion", "Question", "q{question}"),
        ("aardvarkanswer", "Answer", "q{question}"),
        ("aardvarkcomment", "Comment", "annotation-{comment}"),
        ("aardvarknote", "Note or decision", "notes"),
        ("aardvarkitem", "Action item", "actions"),
    ],
)
def test_it_finds_text_in_every_source_and_links_to_its_part_of_the_brief(
    world, everything, role, word, label, anchor
):
    meeting, question, comment = everything
    html = _found(world.client_for(getattr(world, role)), world.scholar, word)
    anchor = anchor.format(question=question.pk, comment=comment.pk)
    assert f'href="{reverse("brief", args=[meeting.pk])}#{anchor}"' in html
    assert f'<span class="label">{label}</span>' in html
    assert f"<mark>{word}</mark>" in html
    assert "1 match for" in html


def test_it_matches_other_forms_of_a_word_and_marks_each_match(world, everything):
    meeting, _, _ = everything
    AnnotationFactory(agenda=meeting.agenda, body="The runs kept diverging after warmup")
    html = _found(world.client_for(world.scholar), world.scholar, "diverge run")
    assert "<mark>runs</mark>" in html and "<mark>diverging</mark>" in html
    assert "warmup" in html


def test_it_groups_results_by_meeting_newest_first(world):
    old = _held(world.mentorship, 30, bottleneck="zebrastripe old")
    new = _held(world.mentorship, 2, bottleneck="zebrastripe new")
    QuestionFactory(agenda=new.agenda, text="Another zebrastripe?")
    results = search.search(world.scholar, world.scholar.pk, "zebrastripe")
    assert [g.meeting.pk for g in results.meetings] == [new.pk, old.pk]
    assert sorted(h.label for h in results.meetings[0].hits) == ["Main bottleneck", "Question"]
    assert results.count == 3


def test_it_escapes_the_users_text_and_marks_only_the_matches(world, everything):
    meeting, _, _ = everything
    AnnotationFactory(
        agenda=meeting.agenda, body='<script>alert("x")</script> <b>bold</b> aardvarkscript'
    )
    html = _found(world.client_for(world.mentor), world.scholar, "aardvarkscript")
    assert "<script>alert" not in html and "<b>bold" not in html
    assert "<mark>aardvarkscript</mark>" in html


def test_it_ignores_marker_characters_in_the_text(world, everything):
    """The private-use characters that delimit matches, typed into a comment, make no mark."""
    meeting, _, _ = everything
    AnnotationFactory(agenda=meeting.agenda, body=f"{search.START}fake{search.STOP} aardvarkpua")
    html = _found(world.client_for(world.scholar), world.scholar, "aardvarkpua")
    assert "<mark>fake</mark>" not in html and "<mark>aardvarkpua</mark>" in html
    assert search.START not in html and search.STOP not in html


def test_it_answers_an_htmx_search_with_the_results_alone(world, everything):
    response = _search(world.client_for(world.scholar), world.scholar, "aardvarknote", htmx=True)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.strip().startswith('<div id="search-results"')
    assert "<mark>aardvarknote</mark>" in html
    assert "HX-Request" in response["Vary"]


def test_it_says_when_nothing_matches(world, everything):
    html = _found(world.client_for(world.scholar), world.scholar, "nonexistentword")
    assert "Nothing matches “nonexistentword”" in html


def test_it_puts_a_search_box_on_the_history_page(world):
    html = world.client_for(world.mentor).get(reverse("history", args=[world.scholar.pk]))
    url = reverse("history_search", args=[world.scholar.pk])
    assert f'action="{url}"' in html.content.decode()
    assert 'role="search"' in html.content.decode()


# --- Who finds what --------------------------------------------------------------------------


@pytest.fixture
def two_pairs(world):
    """The scholar with a second mentor. Every text holds the word "needle" and a tag naming it:
    each test searches "needle" and checks which tags the searcher gets."""
    second = MentorshipFactory(
        program=world.program,
        scholar=world.scholar,
        mentor=UserFactory(username="second", display_name="Second Mentor"),
    )
    first_meeting = _held(
        world.mentorship,
        7,
        bottleneck="tagfirstpair needle",
        wellbeing_energy=4,
        wellbeing_note="tagsharedcheckin needle",
        wellbeing_visibility=Agenda.Visibility.MENTORS,
    )
    QuestionFactory(agenda=first_meeting.agenda, text="tagfirstquestion needle?")
    AnnotationFactory(agenda=first_meeting.agenda, body="tagfirstcomment needle")
    ActionItemFactory(
        mentorship=world.mentorship, meeting=first_meeting, text="tagfirstitem needle"
    )
    MeetingNoteFactory(meeting=first_meeting, body="tagfirstnote needle")
    _held(
        world.mentorship,
        14,
        wellbeing_energy=2,
        wellbeing_note="tagmanagercheckin needle",
        wellbeing_visibility=Agenda.Visibility.MANAGER,
    )
    second_meeting = _held(
        second,
        3,
        bottleneck="tagsecondpair needle",
        wellbeing_energy=2,
        wellbeing_note="tagprivatecheckin needle",
        wellbeing_visibility=Agenda.Visibility.ONLY_ME,
    )
    QuestionFactory(agenda=second_meeting.agenda, text="tagsecondquestion needle?")
    MeetingNoteFactory(meeting=second_meeting, body="tagsecondnote needle")
    draft = MeetingFactory(mentorship=world.mentorship, scheduled_at=timezone.now() + timedelta(9))
    draft_agenda = AgendaFactory(meeting=draft, bottleneck="tagdraft needle")
    QuestionFactory(agenda=draft_agenda, text="tagdraftquestion needle?")
    MentorPrivateNoteFactory(
        mentor=world.mentor, scholar=world.scholar, text="tagprivatenote needle"
    )
    # another scholar of the same mentor
    other = MeetingFactory(
        mentorship=MentorshipFactory(
            program=world.program, scholar=UserFactory(), mentor=world.mentor
        )
    )
    SubmittedAgendaFactory(meeting=other, bottleneck="tagotherscholar needle")
    return second


FIRST_PAIR = ["tagfirstpair", "tagfirstquestion", "tagfirstcomment", "tagfirstitem", "tagfirstnote"]
SECOND_PAIR = ["tagsecondpair", "tagsecondquestion", "tagsecondnote"]
NEVER = ["tagprivatenote", "tagotherscholar"]


def test_the_scholar_finds_everything_of_theirs_drafts_and_check_ins_included(world, two_pairs):
    html = _found(world.client_for(world.scholar), world.scholar, "needle")
    for tag in [*FIRST_PAIR, *SECOND_PAIR, "tagsharedcheckin", "tagmanagercheckin"]:
        assert tag in html
    for tag in ["tagdraft", "tagdraftquestion", "tagprivatecheckin"]:
        assert tag in html
    for tag in NEVER:
        assert tag not in html


def test_a_mentor_finds_their_own_pair_and_shared_check_ins_only(world, two_pairs):
    html = _found(world.client_for(world.mentor), world.scholar, "needle")
    for tag in [*FIRST_PAIR, "tagsharedcheckin"]:
        assert tag in html
    for tag in [*SECOND_PAIR, *NEVER, "tagdraft", "tagmanagercheckin", "tagprivatecheckin"]:
        assert tag not in html


def test_the_second_mentor_finds_their_pair_but_no_unshared_check_in(world, two_pairs):
    html = _found(world.client_for(two_pairs.mentor), world.scholar, "needle")
    for tag in SECOND_PAIR:
        assert tag in html
    for tag in [*FIRST_PAIR, *NEVER, "tagdraft", "tagprivatecheckin", "tagsharedcheckin"]:
        assert tag not in html


@pytest.mark.parametrize("role", ["other_scholar", "other_mentor", "staff", "manager", "outsider"])
@pytest.mark.parametrize("htmx", [False, True])
def test_it_answers_404_to_anyone_else(world, two_pairs, role, htmx):
    response = _search(world.client_for(getattr(world, role)), world.scholar, "needle", htmx)
    assert response.status_code == 404
    for tag in [*FIRST_PAIR, *SECOND_PAIR, *NEVER, "tagsharedcheckin", "tagdraft"]:
        assert tag.encode() not in response.content


def test_it_sends_anonymous_visitors_to_log_in(world):
    response = _search(world.client_for(None), world.scholar, "needle")
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_another_scholars_history_is_not_searchable_by_a_scholar(world, two_pairs):
    response = _search(world.client_for(world.other_scholar), world.scholar, "needle")
    assert response.status_code == 404


# --- The scholar's reading and progress log ------------------------------------------------------


@pytest.fixture
def log(world):
    """The scholar's reading entry, progress line and recommendations, a word of their own in
    each field; and the same words in what neither the scholar nor their mentors may see."""
    second = MentorshipFactory(program=world.program, scholar=world.scholar)
    entry = ReadingEntryFactory(
        scholar=world.scholar, title="The okapititle paper", takeaway="Learnt okapitakeaway"
    )
    line = ProgressLineFactory(scholar=world.scholar, text="Fixed okapiprogress bug")
    ReadingRecommendationFactory(
        program=world.program,
        mentor=world.mentor,
        scholar=world.scholar,
        title="The okapirecommended book",
        note="Because okapiwhy",
    )
    ReadingRecommendationFactory(
        program=world.program, mentor=second.mentor, title="okapiprogramwide for all"
    )
    # what nobody searching the scholar may find
    ReadingEntryFactory(
        scholar=world.other_scholar,
        title="okapiother tagotherpaper",
        takeaway="okapiother tagothertakeaway",
    )
    ProgressLineFactory(scholar=world.other_scholar, text="okapiother tagotherline")
    ReadingRecommendationFactory(
        program=world.program,
        mentor=world.mentor,
        scholar=world.other_scholar,
        title="okapiother tagotherrecommended",
    )
    ReadingRecommendationFactory(
        program=world.other_program, mentor=world.other_mentor, title="okapiother tagotherprogram"
    )
    return second, entry, line


@pytest.mark.parametrize("role", ["scholar", "mentor", "second_mentor"])
@pytest.mark.parametrize(
    "word,label,anchor",
    [
        ("okapititle", "Reading", "r{entry}"),
        ("okapitakeaway", "Takeaway", "r{entry}"),
        ("okapiprogress", "Progress log", "progress-{line}"),
        ("okapirecommended", "Recommended", "recommended"),
        ("okapiwhy", "Why recommended", "recommended"),
        ("okapiprogramwide", "Recommended", "recommended"),
    ],
)
def test_it_finds_the_reading_and_progress_log_and_links_to_the_reading_page(
    world, log, role, word, label, anchor
):
    second, entry, line = log
    searcher = second.mentor if role == "second_mentor" else getattr(world, role)
    html = _found(world.client_for(searcher), world.scholar, word)
    anchor = anchor.format(entry=entry.pk, line=line.pk)
    assert f'href="{reverse("reading", args=[world.scholar.pk])}#{anchor}"' in html
    assert f'<span class="label">{label}</span>' in html
    assert f"<mark>{word}</mark>" in html
    assert "1 match for" in html
    assert "Reading and progress log" in html


def test_the_anchors_it_links_to_are_on_the_reading_page(world, log):
    _, entry, line = log
    html = world.client_for(world.mentor).get(reverse("reading", args=[world.scholar.pk]))
    html = html.content.decode()
    for anchor in (f'id="r{entry.pk}"', f'id="progress-{line.pk}"', 'id="recommended"'):
        assert anchor in html


def test_it_lists_the_log_under_a_heading_of_its_own_not_under_a_meeting(world, log):
    _held(world.mentorship, 3, bottleneck="okapititle in a meeting")
    results = search.search(world.mentor, world.scholar.pk, "okapititle")
    assert [h.label for g in results.meetings for h in g.hits] == ["Main bottleneck"]
    assert [h.label for h in results.log] == ["Reading"]
    assert results.count == 2


def test_it_orders_the_log_newest_first(world):
    old = ProgressLineFactory(
        scholar=world.scholar, text="okapi old", created_at=timezone.now() - timedelta(days=9)
    )
    new = ProgressLineFactory(scholar=world.scholar, text="okapi new")
    results = search.search(world.scholar, world.scholar.pk, "okapi")
    assert [h.url.rsplit("-", 1)[1] for h in results.log] == [str(new.pk), str(old.pk)]


@pytest.mark.parametrize("role", ["scholar", "mentor", "second_mentor"])
def test_nobody_finds_another_scholars_reading_or_another_programs_recommendation(world, log, role):
    second = log[0]
    searcher = second.mentor if role == "second_mentor" else getattr(world, role)
    html = _found(world.client_for(searcher), world.scholar, "okapiother")
    assert "Nothing matches" in html and "<mark>" not in html
    for tag in ("tagotherpaper", "tagothertakeaway", "tagotherline", "tagotherrecommended"):
        assert tag not in html
    assert "tagotherprogram" not in html


@pytest.mark.parametrize("role", ["other_scholar", "other_mentor", "staff", "manager", "outsider"])
def test_the_log_sources_find_nothing_for_anyone_else_even_asked_directly(world, log, role):
    """The view answers 404 first; the sources are scoped too, should another caller forget."""
    for word in ("okapititle", "okapitakeaway", "okapiprogress", "okapiwhy", "okapiprogramwide"):
        results = search.search(getattr(world, role), world.scholar.pk, word)
        assert results.count == 0 and results.log == []


def test_it_escapes_the_reading_text_and_marks_only_the_matches(world):
    ReadingEntryFactory(
        scholar=world.scholar,
        title="<b>bold</b> okapiscript paper",
        takeaway='<script>alert("x")</script> okapiscript',
    )
    ProgressLineFactory(scholar=world.scholar, text=f"{search.START}fake{search.STOP} okapi")
    html = _found(world.client_for(world.mentor), world.scholar, "okapiscript OR okapi")
    assert "<script>alert" not in html and "<b>bold" not in html
    assert "<mark>okapiscript</mark>" in html and "<mark>okapi</mark>" in html
    assert "<mark>fake</mark>" not in html


# --- Odd input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        '"',
        '""',
        '"unclosed phrase',
        "*",
        "needle*",
        "NEAR",
        "NEAR(needle tag)",
        "needle NEAR tag",
        "AND",
        "OR",
        "needle OR",
        "OR needle",
        "NOT needle",
        "-",
        "-needle",
        "--",
        "needle -tagfirstpair",
        "(",
        ")",
        "needle:tag",
        "^needle",
        "a:b OR c*",
        "'",
        "it's",
        "\x00needle",
        "€ ∑ 日本",
        "x" * 1000,
        "<script>alert(1)</script>",
        "%",
        "_",
        "\\",
        "{} [] ;",
    ],
)
def test_it_answers_any_input_without_an_error(world, two_pairs, q):
    for htmx in (False, True):
        response = _search(world.client_for(world.scholar), world.scholar, q, htmx)
        assert response.status_code == 200
        assert b"<script>alert" not in response.content


def _snippets(user, scholar, q: str) -> str:
    results = search.search(user, scholar.pk, q)
    return " | ".join(h.snippet for g in results.meetings for h in g.hits)


def test_it_searches_phrases_alternatives_and_exclusions(world, two_pairs):
    found = _snippets(world.scholar, world.scholar, '"tagfirstpair needle"')
    assert "tagfirstpair" in found and "tagsecondpair" not in found
    found = _snippets(world.scholar, world.scholar, '"needle tagfirstpair"')
    assert found == ""
    found = _snippets(world.scholar, world.scholar, "tagfirstpair OR tagsecondpair")
    assert "tagfirstpair" in found and "tagsecondpair" in found
    found = _snippets(world.scholar, world.scholar, "needle -tagfirstpair")
    assert "tagfirstpair" not in found and "tagsecondpair" in found


def test_it_treats_search_operators_as_words(world, everything):
    meeting, _, _ = everything
    AnnotationFactory(agenda=meeting.agenda, body="use the NEAR operator wisely")
    html = _found(world.client_for(world.scholar), world.scholar, "NEAR")
    assert "<mark>NEAR</mark>" in html


@pytest.mark.parametrize(
    "text,expected",
    [
        ("needle", '(("needle"))'),
        ("a b", '(("a" AND "b"))'),
        ('"a b" c', '(("a b" AND "c"))'),
        ("a OR b", '(("a")) OR (("b"))'),
        ("a -b", '(("a") NOT "b")'),
        ("-b", ""),
        ("NEAR*", '(("NEAR*"))'),
        ('a"b', '(("a b"))'),
        ("* ( )", ""),
        ("", ""),
    ],
)
def test_it_quotes_every_term_of_the_fts5_query(text, expected):
    assert search.fts5_query(text) == expected


def test_it_keeps_the_search_text_plain_and_short():
    assert search.clean_query(" a\x00b \n c ") == "ab c"
    assert search.clean_query(f"x{search.START}y{search.STOP}") == "xy"
    assert len(search.clean_query("x" * 1000)) == search.MAX_QUERY
    assert search.clean_query(None) == ""


def test_it_says_when_there_are_more_matches_than_it_shows(world, monkeypatch):
    monkeypatch.setattr(search, "MAX_HITS", 2)
    for days in (3, 5, 9):
        _held(world.mentorship, days, bottleneck="walrus here")
    results = search.search(world.scholar, world.scholar.pk, "walrus")
    assert results.more and results.count == 2
    assert len(results.meetings) == 2  # the two newest


# --- Cost --------------------------------------------------------------------------------------


def _add_meetings(mentorship, n: int) -> None:
    for i in range(n):
        meeting = _held(mentorship, 7 * (i + 1), bottleneck=f"needle number {i}")
        question = QuestionFactory(agenda=meeting.agenda, text="needle question?")
        AnnotationFactory(agenda=meeting.agenda, question=question, body="needle comment")
        ActionItemFactory(mentorship=mentorship, meeting=meeting, text="needle item")
        MeetingNoteFactory(meeting=meeting, body="needle note")


# Session, user, the pair; the search (PostgreSQL: one UNION; SQLite: create the TEMP FTS5
# table, fill it with one INSERT … SELECT, match, drop it); the matched meetings; the site
# navigation (one).
SEARCH_QUERIES = {"postgresql": 6, "sqlite": 9}


@pytest.mark.parametrize("role", ["scholar", "mentor"])
def test_it_searches_in_the_same_number_of_queries_at_any_size(
    world, role, django_assert_num_queries
):
    client = world.client_for(getattr(world, role))
    _add_meetings(world.mentorship, 2)
    expected = SEARCH_QUERIES[connection.vendor]
    with django_assert_num_queries(expected):
        assert _search(client, world.scholar, "needle").status_code == 200
    _add_meetings(world.mentorship, 20)
    _add_meetings(MentorshipFactory(program=world.program, scholar=world.scholar), 5)
    with django_assert_num_queries(expected):
        html = _found(client, world.scholar, "needle")
    # five matches a meeting: the newest MAX_HITS (100) of them, from the 20 newest meetings
    assert html.count('class="search-meeting"') == 20
    assert "the 100 newest are shown" in html


def test_the_htmx_results_cost_the_same_at_any_size(world):
    """The results alone: the page's queries less the one of its navigation."""
    client = world.client_for(world.scholar)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert _search(client, world.scholar, "needle", htmx=True).status_code == 200
        return len(ctx.captured_queries)

    _add_meetings(world.mentorship, 2)
    small = count()
    _add_meetings(world.mentorship, 12)
    assert count() == small == SEARCH_QUERIES[connection.vendor] - 1


def _add_log(scholar, mentorship, n: int) -> None:
    for i in range(n):
        ReadingEntryFactory(scholar=scholar, title=f"needle {i}", takeaway="a needle")
        ProgressLineFactory(scholar=scholar, text=f"needle line {i}")
        ReadingRecommendationFactory(
            program=mentorship.program, mentor=mentorship.mentor, scholar=scholar, title="needle"
        )


@pytest.mark.parametrize("role", ["scholar", "mentor"])
def test_the_reading_and_progress_log_cost_no_query_more(world, role, django_assert_num_queries):
    client = world.client_for(getattr(world, role))
    _add_meetings(world.mentorship, 1)
    _add_log(world.scholar, world.mentorship, 1)
    expected = SEARCH_QUERIES[connection.vendor]
    with django_assert_num_queries(expected):
        html = _found(client, world.scholar, "needle")
    assert "Reading and progress log" in html
    _add_meetings(world.mentorship, 3)
    _add_log(world.scholar, world.mentorship, 15)
    with django_assert_num_queries(expected):
        html = _found(client, world.scholar, "needle")
    assert html.count('href="/') > 40


def test_dropped_questions_are_not_found_as_no_page_shows_them(world):
    meeting = _held(world.mentorship, 4)
    QuestionFactory(agenda=meeting.agenda, text="old platypus?", status=Question.Status.DROPPED)
    QuestionFactory(agenda=meeting.agenda, text="kept platypus?")
    results = search.search(world.scholar, world.scholar.pk, "platypus")
    assert [h.label for g in results.meetings for h in g.hits] == ["Question"]
    assert "old platypus" not in str([vars(h) for g in results.meetings for h in g.hits])
