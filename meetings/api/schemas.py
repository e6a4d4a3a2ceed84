"""What the API answers and accepts: the same fields the pages show, as each viewer may see them
(the operations fill them from the querysets scoped by meetings/access.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

MAX_ID = 10**18 - 1  # config/ids.py: ids that fit the database's integers


def _storable(text: str) -> str:
    """Text the database can store: no NUL (PostgreSQL refuses it), no lone surrogate."""
    if "\x00" in text:
        raise ValueError("The text holds a NUL character, which cannot be saved.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as bad:
        raise ValueError("The text is not valid Unicode.") from bad
    return text


def Text(max_length: int):  # noqa: N802 (a type)
    # The pattern says it in the schema too: no NUL character.
    return Annotated[
        str, Field(max_length=max_length, pattern=r"^[^\x00]*$"), AfterValidator(_storable)
    ]


class Person(Schema):
    id: int
    name: str


class Me(Schema):
    id: int
    username: str
    name: str
    token_name: str
    token_scope: Literal["read", "write"]
    token_expires_at: datetime | None


class MeetingOut(Schema):
    id: int
    scheduled_at: datetime
    duration_minutes: int
    status: str
    held_at: datetime | None
    program: str = Field(description="The program's slug.")
    scholar: Person
    mentor: Person
    role: Literal["scholar", "mentor"] = Field(description="Your part in this meeting.")


class MeetingPage(Schema):
    items: list[MeetingOut]
    next: str | None = Field(description="The next page's URL; null on the last page.")


class CheckIn(Schema):
    energy: int | None
    note: str
    visibility: str


class AnnotationOut(Schema):
    id: int
    author: Person
    section: str
    question_id: int | None
    body: str
    created_at: datetime
    updated_at: datetime


class QuestionOut(Schema):
    id: int
    text: str
    rank: int
    status: str
    in_writing: bool
    answer: str
    answered_at: datetime | None
    annotations: list[AnnotationOut] = []


class AgendaOut(Schema):
    meeting_id: int
    status: str
    version: int = Field(description="Send it back with a change: a newer one answers 409.")
    submitted_at: datetime | None
    updated_at: datetime
    decision: str
    bottleneck: str
    bottleneck_same_as_last: bool
    bottleneck_shared: bool
    tried: str
    progress: str
    reading: str
    asks: str
    checkin: CheckIn | None = Field(description="Only for those the scholar shares it with.")
    questions: list[QuestionOut]


class AgendaPatch(Schema):
    """The fields to change (the others keep their value) and the version they were read at."""

    version: int = Field(ge=0, le=2**31 - 1)
    decision: Text(300) | None = None
    bottleneck: Text(1000) | None = None
    bottleneck_same_as_last: bool | None = None
    bottleneck_shared: bool | None = None
    tried: Text(3000) | None = None
    progress: Text(4000) | None = None
    reading: Text(3000) | None = None
    asks: Text(2000) | None = None
    wellbeing_energy: int | None = Field(default=None, ge=1, le=5)
    wellbeing_note: Text(300) | None = None
    wellbeing_visibility: Literal["only_me", "mentors", "manager", "both"] | None = None


class SectionOut(Schema):
    name: str
    heading: str
    text: str
    annotations: list[AnnotationOut]


class NoteOut(Schema):
    id: int
    kind: str
    author: Person
    body: str
    created_at: datetime


class ActionItemOut(Schema):
    id: int
    meeting_id: int | None
    text: str
    owner: Literal["scholar", "mentor"]
    due_on: date | None
    done: bool
    done_at: datetime | None
    scholar: Person
    mentor: Person
    can_update: bool = Field(description="Whether you may mark it done or not done.")


class ActionItemPage(Schema):
    items: list[ActionItemOut]
    next: str | None


class ActionItemPatch(Schema):
    done: bool


class BriefAgenda(Schema):
    status: str
    version: int
    submitted_at: datetime | None
    updated_after_submit_at: datetime | None
    decision: str
    bottleneck: str
    sections: list[SectionOut]
    checkin: CheckIn | None


class BriefOut(Schema):
    meeting: MeetingOut
    agenda: BriefAgenda | None = Field(description="null until the mentor may see it.")
    questions: list[QuestionOut]
    written_questions: list[QuestionOut]
    general_annotations: list[AnnotationOut]
    action_items: list[ActionItemOut]
    notes: list[NoteOut]


class HistoryQuestion(Schema):
    id: int
    text: str
    status: str
    answer: str


class HistoryAgenda(Schema):
    status: str
    decision: str
    bottleneck: str
    tried: str
    progress: str
    asks: str
    checkin: CheckIn | None
    questions: list[HistoryQuestion]


class HistoryEntry(Schema):
    meeting_id: int
    scheduled_at: datetime
    status: str
    mentor: Person
    full: bool = Field(description="Whether you may see this meeting's content.")
    agenda: HistoryAgenda | None
    action_items: list[ActionItemOut]
    notes: list[NoteOut]


class HistoryPage(Schema):
    scholar: Person
    items: list[HistoryEntry]
    next: str | None


class ReadingEntryOut(Schema):
    id: int
    title: str
    link: str
    takeaway: str
    read_on: date


class RecommendationOut(Schema):
    id: int
    title: str
    link: str
    note: str
    mentor: Person
    for_whole_program: bool
    created_at: datetime


class ProgressLineOut(Schema):
    id: int
    text: str
    created_at: datetime


class ReadingOut(Schema):
    scholar: Person
    entries: list[ReadingEntryOut]
    recommended: list[RecommendationOut] = Field(description="Recommended and not read yet.")
    progress_lines: list[ProgressLineOut]


class CadenceRowOut(Schema):
    """The figures of one pair, named as the CSV's columns."""

    scholar: str
    scholar_name: str
    scholar_email: str
    mentor: str
    mentor_name: str
    mentor_email: str
    cadence_days: int
    started_on: date
    held_4w: int
    expected_4w: float
    held_8w: int
    expected_8w: float
    held_total: int
    expected_total: float
    days_since_last_held: int | None
    agendas_on_time_share: float | None
    briefs_opened_before_share: float | None
    open_action_items: int
    next_meeting_at: datetime | None
    overdue: bool
    unprepared: bool
    unread: bool
    stuck_meetings: int


class CadenceOut(Schema):
    program: str
    program_name: str
    rows: list[CadenceRowOut]
