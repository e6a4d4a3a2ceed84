"""Who may see what and who may do what: every rule of the project's privacy statement (README,
"Who sees what"), written once.

Each rule is a `Q` builder taking the viewer and, where a rule is used through a relation, the
path from the queried model to the object it is about (`prefix`, e.g. "agenda__" to filter
meetings by their agenda). The model querysets (`Meeting.objects.visible_to(user)`, …) and any
join that needs the same condition (a `FilteredRelation`) call these; pages, partials, exports,
search, mail and the functions that write never restate them.

A yes or no about one object is derived from its rule's `Q` (`allows`: one query). The few that
answer per row for an object already loaded, at no query (`may_see_checkin`, `may_write_recap`,
…), restate their `Q` in Python beside it; tests/security/test_rules_agree.py proves that the two
agree for every role.

Who is program staff of a program and who is a scholar are rules about people, written once in
accounts/models.py; the rules here use them. An anonymous or inactive viewer matches nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import (
    Mentorship,
    ResearchManagerAssignment,
    User,
    program_staff,
)
from meetings.models.choices import (
    GROWTH_PART_NAMES,
    ActionItemOwner,
    AgendaStatus,
    AgendaVisibility,
    HelpAskedKind,
    MeetingStatus,
)

NOTHING = Q(pk__in=[])


def _anonymous(user) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


def allows(queryset: QuerySet, rule: Q, pk) -> bool:
    """A rule's yes or no for one object: whether the row `pk` of `queryset` matches `rule`."""
    return queryset.filter(rule, pk=pk).exists()


def _mentored_by(user, scholar: str) -> Exists:
    """The scholar at `scholar` (the path to their id) is one the user mentors, in any program."""
    return Exists(Mentorship.objects.filter(mentor_id=user.pk, scholar_id=OuterRef(scholar)))


def _managed_by(user, scholar, program=None) -> QuerySet:
    """The assignments making the user research manager of `scholar` (in `program`, when given):
    ids, or OuterRefs to them."""
    assigned = ResearchManagerAssignment.objects.filter(manager_id=user.pk, scholar_id=scholar)
    return assigned if program is None else assigned.filter(program_id=program)


# --- Meetings ---------------------------------------------------------------------------------


def meeting_content(user, prefix: str = "") -> Q:
    """The meeting's content (agenda, brief, comments, action items, notes): the pair only."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}mentorship__scholar": user}) | Q(**{f"{prefix}mentorship__mentor": user})


def live_meeting(user, prefix: str = "") -> Q:
    """Meeting mode (the meeting in progress, its captures): the pair who hold it, never staff."""
    return meeting_content(user, prefix)


def meeting_schedule(user, prefix: str = "") -> Q:
    """The meeting's time and status: the pair and the program's staff (who may also move or
    cancel it)."""
    return mentorship_schedule(user, f"{prefix}mentorship__")


def mentorship_schedule(user, prefix: str = "") -> Q:
    """The mentorships whose meetings the user may schedule, move or cancel: the pair and the
    program's staff."""
    if _anonymous(user):
        return NOTHING
    return (
        Q(**{f"{prefix}scholar": user})
        | Q(**{f"{prefix}mentor": user})
        | program_staff(user, f"{prefix}program_id")
    )


# --- Agendas ----------------------------------------------------------------------------------


def agenda(user, prefix: str = "") -> Q:
    """The scholar sees their agendas in every state; their mentor only once submitted."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}meeting__mentorship__scholar": user}) | Q(
        **{
            f"{prefix}meeting__mentorship__mentor": user,
            f"{prefix}status": AgendaStatus.SUBMITTED,
        }
    )


def agenda_editable(user, prefix: str = "") -> Q:
    """Only the scholar edits, and only while the meeting is planned (a held record is fixed)."""
    if _anonymous(user):
        return NOTHING
    return Q(
        **{
            f"{prefix}meeting__mentorship__scholar": user,
            f"{prefix}meeting__status": MeetingStatus.PLANNED,
        }
    )


def bottleneck_sharing(user, prefix: str = "") -> Q:
    """Only the scholar shares their agenda's bottleneck with peers or takes it back, whatever
    the meeting's state: sharing is their consent, not part of the read-only record."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}meeting__mentorship__scholar": user})


# --- The wellbeing check-in -------------------------------------------------------------------

# Whom the scholar's choice of visibility shares a submitted check-in with.
SHARED_WITH_MENTORS = (AgendaVisibility.MENTORS, AgendaVisibility.BOTH)
SHARED_WITH_MANAGER = (AgendaVisibility.MANAGER, AgendaVisibility.BOTH)


def checkin(user, prefix: str = "") -> Q:
    """Agendas whose check-in the user may read: the scholar's own; a submitted one the scholar
    shared with the mentor of that meeting or with their research manager."""
    if _anonymous(user):
        return NOTHING
    shared_with_mentor = Q(
        **{
            f"{prefix}meeting__mentorship__mentor": user,
            f"{prefix}status": AgendaStatus.SUBMITTED,
            f"{prefix}wellbeing_visibility__in": SHARED_WITH_MENTORS,
        }
    )
    return (
        Q(**{f"{prefix}meeting__mentorship__scholar": user})
        | shared_with_mentor
        | checkin_shared_with_manager(user, prefix)
    )


def checkin_shared_with_manager(user, prefix: str = "") -> Q:
    """Submitted agendas whose check-in the scholar shared with this research manager."""
    if _anonymous(user):
        return NOTHING
    assigned = _managed_by(
        user,
        OuterRef(f"{prefix}meeting__mentorship__scholar_id"),
        OuterRef(f"{prefix}meeting__mentorship__program_id"),
    )
    return Q(
        Exists(assigned),
        **{
            f"{prefix}status": AgendaStatus.SUBMITTED,
            f"{prefix}wellbeing_visibility__in": SHARED_WITH_MANAGER,
        },
    )


def may_see_checkin(user, agenda) -> bool:
    """`checkin` for one agenda loaded with its meeting and mentorship, per row: no query but a
    research manager's assignment. The meeting's own mentor is answered as its mentor only (a
    query per row would be needed to find that they also manage the scholar: `checkin` says
    yes to a check-in shared with the manager alone; this says no)."""
    if _anonymous(user):
        return False
    mentorship = agenda.meeting.mentorship
    if user.pk == mentorship.scholar_id:
        return True
    if not agenda.is_submitted:
        return False
    if user.pk == mentorship.mentor_id:
        return agenda.wellbeing_visibility in SHARED_WITH_MENTORS
    return (
        agenda.wellbeing_visibility in SHARED_WITH_MANAGER
        and _managed_by(user, mentorship.scholar_id, mentorship.program_id).exists()
    )


def scholar_has_manager(prefix: str = "") -> Exists:
    """For annotating meetings (prefix "" from a Meeting, "meeting__" from an Agenda): the pair's
    scholar has a research manager in the pair's program, who may be offered their check-in."""
    return Exists(
        ResearchManagerAssignment.objects.filter(
            scholar_id=OuterRef(f"{prefix}mentorship__scholar_id"),
            program_id=OuterRef(f"{prefix}mentorship__program_id"),
        )
    )


# --- Action items, revisions, private notes ---------------------------------------------------


def action_item(user, prefix: str = "") -> Q:
    """Action items: the pair."""
    return meeting_content(user, prefix)


def action_item_updatable(user, prefix: str = "") -> Q:
    """Action items the user marks done or not done: the mentor every item of the pair; the
    scholar the items they own."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}mentorship__mentor": user}) | Q(
        **{f"{prefix}mentorship__scholar": user, f"{prefix}owner": ActionItemOwner.SCHOLAR}
    )


def may_update_action_item(user, item) -> bool:
    """`action_item_updatable` for one item loaded with its mentorship, per row: no query."""
    if _anonymous(user):
        return False
    mentorship = item.mentorship
    return mentorship.mentor_id == user.pk or (
        mentorship.scholar_id == user.pk and item.owner == ActionItemOwner.SCHOLAR
    )


def revision(user, prefix: str = "") -> Q:
    """An agenda's change history: the scholar all of it; the mentor the changes made after
    submission of an agenda they may see (never a draft's)."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}agenda__meeting__mentorship__scholar": user}) | Q(
        **{
            f"{prefix}agenda__meeting__mentorship__mentor": user,
            f"{prefix}agenda__status": AgendaStatus.SUBMITTED,
            f"{prefix}after_submit": True,
        }
    )


def checkin_history(user, prefix: str = "") -> Q:
    """The check-in's changes in an agenda's history: the scholar alone (a check-in shared with
    a mentor shows them its answer, never how it changed)."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}agenda__meeting__mentorship__scholar": user})


def may_see_checkin_history(user, revision) -> bool:
    """`checkin_history` for one revision loaded with its agenda's meeting: no query."""
    return not _anonymous(user) and revision.agenda.meeting.is_scholar(user)


def private_note(user, prefix: str = "") -> Q:
    """A mentor's private note on a scholar: only the mentor who wrote it."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}mentor": user})


# --- After the meeting: recap, "did you get what you came for?", feedback on leading ----------


def recap(user, prefix: str = "") -> Q:
    """The recap: the pair (the scholar writes it, the mentor confirms or corrects it)."""
    return meeting_content(user, f"{prefix}meeting__")


def recap_writer(user, prefix: str = "") -> Q:
    """The meetings whose recap the user writes and whose "Did you get what you came for?" they
    answer: their scholar's (once held: meetings/recaps/domain.py)."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}mentorship__scholar": user})


def may_write_recap(user, meeting) -> bool:
    """`recap_writer` for one meeting loaded with its mentorship: no query."""
    return not _anonymous(user) and meeting.mentorship.scholar_id == user.pk


def recap_reviewer(user, prefix: str = "") -> Q:
    """The meetings whose recap the user confirms or corrects, and on whose leading they give
    the scholar feedback: their mentor's."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}mentorship__mentor": user})


def may_review_recap(user, meeting) -> bool:
    """`recap_reviewer` for one meeting loaded with its mentorship: no query."""
    return not _anonymous(user) and meeting.mentorship.mentor_id == user.pk


def meeting_outcome(user, prefix: str = "") -> Q:
    """ "Did you get what you came for?": the scholar; the meeting's mentor sees the answer (their
    own trend, per meeting) but never the comment (see `outcome_comment`)."""
    return meeting_content(user, f"{prefix}meeting__")


def may_see_outcome_answer(user, scholar_id: int, mentor_id: int) -> bool:
    """`meeting_outcome` for one meeting already read (its pair's scholar and mentor ids), per
    row: a growth chart shown to a mentor counts only the answers of their own meetings."""
    return not _anonymous(user) and user.pk in (scholar_id, mentor_id)


def outcome_comment(user, prefix: str = "") -> Q:
    """The comment on "Did you get what you came for?": the scholar alone."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}meeting__mentorship__scholar": user})


def may_see_outcome_comment(user, outcome) -> bool:
    """`outcome_comment` for one answer loaded with its meeting's mentorship: no query."""
    return not _anonymous(user) and outcome.meeting.mentorship.scholar_id == user.pk


def lead_feedback(user, prefix: str = "") -> Q:
    """A mentor's feedback on how the scholar led: the scholar, and the mentor who wrote it."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}meeting__mentorship__scholar": user}) | Q(**{f"{prefix}mentor": user})


# --- The research plan ------------------------------------------------------------------------


def research_plan_scholars(user, prefix: str = "") -> Q:
    """The scholars (User rows) whose research plan and milestones the user may read: themself,
    the scholars they mentor and those they are research manager of (staff see milestone counts
    only, computed elsewhere)."""
    if _anonymous(user):
        return NOTHING
    managed = Exists(_managed_by(user, OuterRef(f"{prefix}pk")))
    return Q(**{f"{prefix}pk": user.pk}) | _mentored_by(user, f"{prefix}pk") | managed


def research_plan(user, prefix: str = "") -> Q:
    """A research plan: see `research_plan_scholars`."""
    return research_plan_scholars(user, f"{prefix}scholar__")


def history_scholars(user, prefix: str = "") -> Q:
    """The scholars (User rows) whose history the user may open: themself as a scholar, and the
    scholars they mentor. A research manager reads the plan (above), never the history."""
    if _anonymous(user):
        return NOTHING
    return Q(Exists(Mentorship.objects.of_user(user).filter(scholar_id=OuterRef(f"{prefix}pk"))))


# --- Proposed next meetings -------------------------------------------------------------------


def mentorship_propose(user, prefix: str = "") -> Q:
    """The pairs whose proposed next meeting the user confirms: the mentor's. The mentor keeps
    the pair's rhythm (the proposal follows the meeting they marked held); the scholar and staff
    schedule any meeting they need through the scheduling page instead."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}mentor": user})


# --- Peer help: the program's peer board and offers -------------------------------------------

PEER_BOARD_WEEKS = 6


def _scholar_in(user, program) -> QuerySet:
    """The user's active mentorships as a scholar of `program` (a Program, its id, or an OuterRef
    to it): the peer board is for the program's scholars only (not mentors, not staff)."""
    return Mentorship.objects.of_scholar(user).filter(program=program, active=True)


def is_scholar_in(user, program) -> bool:
    """The peer board is for the program's scholars only (see `_scholar_in`)."""
    return not _anonymous(user) and _scholar_in(user, program).exists()


def _shared_with_program(user, program=None, prefix: str = "") -> Q:
    """Bottlenecks their scholar shared (and still does) on a submitted agenda (a draft is the
    scholar's alone), in `program`, the viewer being an active scholar of that program.
    `program` None: the agenda's own program, whichever it is (a lookup across programs)."""
    if program is None:
        in_program = Q()
        program = OuterRef(f"{prefix}meeting__mentorship__program_id")
    else:
        in_program = Q(**{f"{prefix}meeting__mentorship__program": program})
    return (
        Exists(_scholar_in(user, program))
        & in_program
        & Q(**{f"{prefix}bottleneck_shared": True, f"{prefix}status": AgendaStatus.SUBMITTED})
        & ~Q(**{f"{prefix}bottleneck": ""})
    )


def shared_bottlenecks_for(user, program, prefix: str = "") -> Q:
    """Agendas whose bottleneck the viewer may see on the program's board: the scholar shared it
    (and still does), the agenda is submitted (a draft is the scholar's alone), it was shared in
    the last six weeks, in this program (None: the agenda's own), and the viewer is a scholar of
    the program. Nothing unshared ever matches."""
    if _anonymous(user):
        return NOTHING
    since = timezone.now() - timedelta(weeks=PEER_BOARD_WEEKS)
    return _shared_with_program(user, program, prefix) & Q(
        **{f"{prefix}bottleneck_shared_at__gte": since}
    )


def peer_suggestions_for(user, program, prefix: str = "") -> Q:
    """Agendas that may be suggested to the viewer as "a peer who solved something like it": a
    bottleneck shared with the program (as on the board, but without its six-week window: a
    solved problem stays useful for the whole program) that its scholar marked resolved, not
    the viewer's own, by a scholar still active in the program, the viewer one too."""
    if _anonymous(user):
        return NOTHING
    return (
        _shared_with_program(user, program, prefix)
        & Q(
            **{
                f"{prefix}bottleneck_resolved_at__isnull": False,
                f"{prefix}meeting__mentorship__active": True,
            }
        )
        & ~Q(**{f"{prefix}meeting__mentorship__scholar": user})
    )


def help_asked_as_peer(user, prefix: str = "") -> Q:
    """ "Whom I asked" entries naming the user as the peer asked, once the agenda is submitted
    (a draft is the scholar's alone): the peer may learn that they were asked, and by whom,
    never about what nor what came of it."""
    if _anonymous(user):
        return NOTHING
    return Q(
        **{
            f"{prefix}peer": user,
            f"{prefix}kind": HelpAskedKind.PEER,
            f"{prefix}agenda__status": AgendaStatus.SUBMITTED,
        }
    )


def peer_offer(user, prefix: str = "") -> Q:
    """An offer of help: the scholar it was made to, and the peer who made it; nobody else (not
    the mentor, not staff)."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}agenda__meeting__mentorship__scholar": user}) | Q(
        **{f"{prefix}author": user}
    )


# --- Reading list and progress log ------------------------------------------------------------


def reading_scholars(user, prefix: str = "") -> Q:
    """The scholars (User rows) whose reading entries and progress log the user may read:
    themself and the scholars they mentor."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}pk": user.pk}) | _mentored_by(user, f"{prefix}pk")


def reading(user, prefix: str = "") -> Q:
    """A scholar's reading entries and progress log: see `reading_scholars`."""
    return reading_scholars(user, f"{prefix}scholar__")


def may_see_reading(user, scholar_id: int) -> bool:
    """`reading_scholars` for one scholar: their reading page and progress log (their own is
    answered without a query)."""
    if _anonymous(user):
        return False
    return user.pk == scholar_id or allows(User.objects, reading_scholars(user), scholar_id)


def scholar_reading(user, scholar_id: int) -> Q:
    """`reading_scholars` for one scholar, as a condition on any row, for a query about their
    reading that has no scholar of its own to check (a recommendation to the whole program):
    every row when the user may read this scholar's reading, none otherwise. Asks nothing by
    itself."""
    if _anonymous(user):
        return NOTHING
    return Q(Exists(User.objects.filter(reading_scholars(user), pk=scholar_id)))


def recommendations_for_scholar(scholar_id: int, prefix: str = "") -> Q:
    """The readings recommended to this scholar: to them by name, or to every scholar of one of
    their programs. Callers have already checked that the viewer may see this scholar's reading
    (may_see_reading)."""
    programs = Mentorship.objects.filter(scholar_id=scholar_id).values("program_id")
    return Q(**{f"{prefix}scholar_id": scholar_id}) | Q(
        **{f"{prefix}scholar__isnull": True, f"{prefix}program_id__in": programs}
    )


# --- My growth and the end-of-program report --------------------------------------------------

GROWTH_PRIVATE_PARTS = {"energy"}  # the check-in energy trend: the scholar alone, always


def growth_sharing(user, prefix: str = "") -> Q:
    """A scholar's sharing choices: the scholar, and their mentors (to know what they may see)."""
    return reading(user, prefix)


def growth_parts(user, scholar_id: int, sharing, *, is_mentor: bool | None = None) -> set[str]:
    """The parts of a scholar's growth page the user may see: every part for the scholar
    (energy included); for one of their mentors, the parts the scholar shared (`sharing`: their
    GrowthSharing or None); nothing for anyone else (staff see figures on the summaries).
    `is_mentor`: whether the user mentors this scholar, when the caller already knows (saves
    the query)."""
    if _anonymous(user):
        return set()
    if user.pk == scholar_id:
        return {*GROWTH_PART_NAMES, *GROWTH_PRIVATE_PARTS}
    if sharing is None or sharing.scholar_id != scholar_id:
        return set()
    if is_mentor is None:
        is_mentor = allows(User.objects, _mentored_by(user, "pk"), scholar_id)
    if not is_mentor:
        return set()
    return sharing.shared_parts - GROWTH_PRIVATE_PARTS


def may_see_growth_figures(user, program, *, is_program_staff: bool | None = None) -> bool:
    """A scholar's growth figures (counts and a median, never a text) on their summary page:
    the program's staff only; a research manager who is not on the staff sees none.
    `is_program_staff`: when the caller already knows (saves the query)."""
    if _anonymous(user):
        return False
    if is_program_staff is None:
        is_program_staff = program.is_staffed_by(user)
    return is_program_staff


def report_scholars(user, prefix: str = "") -> Q:
    """The scholars (User rows) whose end-of-program report the user may read: themself, and the
    scholars they mentor who chose to share it (staff see its figures on the summaries)."""
    if _anonymous(user):
        return NOTHING
    # Only a scholar has a program to report on: a mentor or staff member's own is a 404.
    own = Exists(Mentorship.objects.of_scholar(user))
    return (Q(**{f"{prefix}pk": user.pk}) & own) | (
        _mentored_by(user, f"{prefix}pk") & Q(**{f"{prefix}growth_sharing__report": True})
    )


# --- Webhooks ---------------------------------------------------------------------------------


def webhook_subscription(user, prefix: str = "") -> Q:
    """Webhook subscriptions the user manages (sees, edits, whose log and secret they see): their
    own (no program), and those of a program they are staff of."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}program__isnull": True, f"{prefix}owner": user}) | program_staff(
        user, f"{prefix}program_id"
    )


def webhook_pair_events(user, prefix: str = "") -> Q:
    """Meetings whose events a person's own webhook receives, with what the pair may read (a
    brief's bottleneck, an action item's title): their own pair's, as `meeting_content`. A
    scholar's second mentor gets none of the other pair's."""
    return meeting_content(user, prefix)


def webhook_program_events(user, program_id: int, prefix: str = "") -> Q:
    """Meetings whose events a program's webhook receives, created by `user`: the program's,
    while `user` is on its staff; as figures (ids, dates, statuses, counts), never text."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}mentorship__program_id": program_id}) & program_staff(
        user, f"{prefix}mentorship__program_id"
    )
