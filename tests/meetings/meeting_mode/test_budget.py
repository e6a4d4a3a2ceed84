"""The meeting's time budget (meetings/meeting_mode/budget.py): pure arithmetic, no database."""

from meetings.meeting_mode.budget import DEFAULT_MINUTES, Item, plan


def test_it_adds_the_minutes_with_the_default_for_a_question_without_any():
    budget = plan([Item(1, 10), Item(2), Item(3, 3)], available=30)
    assert budget.planned == 10 + DEFAULT_MINUTES + 3
    assert budget.fits and budget.overflow == 0 and budget.left == 30 - 18
    assert budget.suggestion == []


def test_it_fits_exactly_without_a_suggestion():
    budget = plan([Item(1, 20), Item(2, 10)], available=30)
    assert budget.fits and budget.left == 0 and budget.suggestion == []


def test_questions_in_writing_take_no_meeting_time():
    budget = plan([Item(1, 20), Item(2, 15, in_writing=True), Item(3, 10)], available=30)
    assert budget.planned == 30 and budget.in_writing == 1 and budget.fits


def test_it_suggests_the_lowest_ranked_questions_that_cover_the_overflow():
    # 10 + 10 + 5 + 5 + 8 = 38 in 30 minutes: 8 over. The last (8) covers it alone.
    items = [Item(1, 10), Item(2, 10), Item(3, 5), Item(4, 5), Item(5, 8)]
    budget = plan(items, available=30)
    assert budget.overflow == 8
    assert budget.suggestion == [5]
    assert budget.suggested_minutes == 8 and budget.still_over == 0


def test_it_takes_as_many_from_the_bottom_as_the_overflow_needs():
    # 10 + 10 + 10 + 4 + 3 = 37 in 30: 7 over; the last two (3 + 4) cover it.
    items = [Item(1, 10), Item(2, 10), Item(3, 10), Item(4, 4), Item(5, 3)]
    budget = plan(items, available=30)
    assert budget.suggestion == [4, 5]  # top-ranked first, as the agenda lists them
    assert budget.suggested_minutes == 7


def test_it_skips_questions_already_in_writing_when_suggesting():
    items = [Item(1, 20), Item(2, 10), Item(3, 5, in_writing=True), Item(4, 6)]
    budget = plan(items, available=30)
    assert budget.overflow == 6 and budget.suggestion == [4]


def test_it_never_suggests_the_top_question():
    budget = plan([Item(1, 45), Item(2, 5)], available=30)
    assert budget.overflow == 20
    assert budget.suggestion == [2]
    assert budget.still_over == 15
    alone = plan([Item(1, 60)], available=30)
    assert alone.suggestion == [] and alone.still_over == 30


def test_no_questions_fit_any_meeting():
    budget = plan([], available=30)
    assert budget.planned == 0 and budget.fits and budget.suggestion == []
