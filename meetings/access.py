"""Who may see what: every rule of the project's privacy statement (README, "Who sees what"),
written once.

Each rule is a `Q` builder taking the viewer and, where a rule is used through a relation, the
path from the queried model to the object it is about (`prefix`, e.g. "agenda__" to filter
meetings by their agenda). The model querysets (`Meeting.objects.visible_to(user)`, …) and any
join that needs the same condition (a `FilteredRelation`) call these; pages, partials, exports,
search and mail never restate them.

An anonymous or inactive viewer matches nothing.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

NOTHING = Q(pk__in=[])


def _anonymous(user) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


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
    from accounts.models import Program

    staffed = Program.staff.through.objects.filter(
        program_id=OuterRef(f"{prefix}program_id"), user_id=user.pk
    )
    return Q(**{f"{prefix}scholar": user}) | Q(**{f"{prefix}mentor": user}) | Exists(staffed)


# --- Agendas ----------------------------------------------------------------------------------


def agenda(user, prefix: str = "") -> Q:
    """The scholar sees their agendas in every state; their mentor only once submitted."""
    if _anonymous(user):
        return NOTHING
    from meetings.models import Agenda

    return Q(**{f"{prefix}meeting__mentorship__scholar": user}) | Q(
        **{
            f"{prefix}meeting__mentorship__mentor": user,
            f"{prefix}status": Agenda.Status.SUBMITTED,
        }
    )


def agenda_editable(user, prefix: str = "") -> Q:
    """Only the scholar edits, and only while the meeting is planned (a held record is fixed)."""
    if _anonymous(user):
        return NOTHING
    from meetings.models import Meeting

    return Q(
        **{
            f"{prefix}meeting__mentorship__scholar": user,
            f"{prefix}meeting__status": Meeting.Status.PLANNED,
        }
    )


# --- The wellbeing check-in -------------------------------------------------------------------


def shared_with_mentors(visibility: str) -> bool:
    from meetings.models import Agenda

    return visibility in (Agenda.Visibility.MENTORS, Agenda.Visibility.BOTH)


def shared_with_manager(visibility: str) -> bool:
    from meetings.models import Agenda

    return visibility in (Agenda.Visibility.MANAGER, Agenda.Visibility.BOTH)


def may_see_checkin(user, agenda) -> bool:
    """The scholar always; their mentor or research manager only if the scholar shared it
    with them (the agenda must be one the user may see at all: see `agenda`)."""
    if _anonymous(user):
        return False
    mentorship = agenda.meeting.mentorship
    if user.pk == mentorship.scholar_id:
        return True
    if user.pk == mentorship.mentor_id:
        return agenda.is_submitted and shared_with_mentors(agenda.wellbeing_visibility)
    if agenda.is_submitted and shared_with_manager(agenda.wellbeing_visibility):
        from accounts.models import ResearchManagerAssignment

        return ResearchManagerAssignment.objects.filter(
            manager=user, scholar_id=mentorship.scholar_id, program_id=mentorship.program_id
        ).exists()
    return False


def scholar_has_manager(prefix: str = "") -> Exists:
    """For annotating meetings (prefix "" from a Meeting, "meeting__" from an Agenda): the pair's
    scholar has a research manager in the pair's program, who may be offered their check-in."""
    from accounts.models import ResearchManagerAssignment

    return Exists(
        ResearchManagerAssignment.objects.filter(
            scholar_id=OuterRef(f"{prefix}mentorship__scholar_id"),
            program_id=OuterRef(f"{prefix}mentorship__program_id"),
        )
    )


def checkin(user, prefix: str = "") -> Q:
    """Agendas whose check-in the user may read (the Q form of `may_see_checkin`, for search):
    the scholar's own; a submitted one the scholar shared with the mentor of that meeting or
    with their research manager."""
    if _anonymous(user):
        return NOTHING
    from meetings.models import Agenda

    shared_with_mentor = Q(
        **{
            f"{prefix}meeting__mentorship__mentor": user,
            f"{prefix}status": Agenda.Status.SUBMITTED,
            f"{prefix}wellbeing_visibility__in": [
                Agenda.Visibility.MENTORS,
                Agenda.Visibility.BOTH,
            ],
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
    from accounts.models import ResearchManagerAssignment
    from meetings.models import Agenda

    assigned = ResearchManagerAssignment.objects.filter(
        manager_id=user.pk,
        scholar_id=OuterRef(f"{prefix}meeting__mentorship__scholar_id"),
        program_id=OuterRef(f"{prefix}meeting__mentorship__program_id"),
    )
    return Q(
        Exists(assigned),
        **{
            f"{prefix}status": Agenda.Status.SUBMITTED,
            f"{prefix}wellbeing_visibility__in": [
                Agenda.Visibility.MANAGER,
                Agenda.Visibility.BOTH,
            ],
        },
    )


# --- Action items, revisions, private notes ---------------------------------------------------


def action_item(user, prefix: str = "") -> Q:
    """Action items: the pair."""
    return meeting_content(user, prefix)


def revision(user, prefix: str = "") -> Q:
    """An agenda's change history: the scholar all of it; the mentor the changes made after
    submission of an agenda they may see (never a draft's)."""
    if _anonymous(user):
        return NOTHING
    from meetings.models import Agenda

    return Q(**{f"{prefix}agenda__meeting__mentorship__scholar": user}) | Q(
        **{
            f"{prefix}agenda__meeting__mentorship__mentor": user,
            f"{prefix}agenda__status": Agenda.Status.SUBMITTED,
            f"{prefix}after_submit": True,
        }
    )


def private_note(user, prefix: str = "") -> Q:
    """A mentor's private note on a scholar: only the mentor who wrote it."""
    if _anonymous(user):
        return NOTHING
    return Q(**{f"{prefix}mentor": user})


# --- After the meeting: recap, "did you get what you came for?", feedback on leading ----------


def recap(user, prefix: str = "") -> Q:
    """The recap: the pair (the scholar writes it, the mentor confirms or corrects it)."""
    return meeting_content(user, f"{prefix}meeting__")


def meeting_outcome(user, prefix: str = "") -> Q:
    """ "Did you get what you came for?": the scholar; the meeting's mentor sees the answer (their
    own trend, per meeting) but never the comment (see `may_see_outcome_comment`)."""
    return meeting_content(user, f"{prefix}meeting__")


def may_see_outcome_answer(user, scholar_id: int, mentor_id: int) -> bool:
    """`meeting_outcome` for one meeting already read (its pair's scholar and mentor ids): a
    growth chart shown to a mentor counts only the answers of their own meetings."""
    return not _anonymous(user) and user.pk in (scholar_id, mentor_id)


def may_see_outcome_comment(user, outcome) -> bool:
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
    from accounts.models import Mentorship, ResearchManagerAssignment

    mentored = Mentorship.objects.filter(mentor_id=user.pk, scholar_id=OuterRef(f"{prefix}pk"))
    managed = ResearchManagerAssignment.objects.filter(
        manager_id=user.pk, scholar_id=OuterRef(f"{prefix}pk")
    )
    return Q(**{f"{prefix}pk": user.pk}) | Exists(mentored) | Exists(managed)


def is_scholar(user) -> bool:
    """Only scholars keep a research plan, a reading list, a progress log and a growth page."""
    if _anonymous(user):
        return False
    return user.mentorships_as_scholar.exists()


def research_plan(user, prefix: str = "") -> Q:
    """A research plan: see `research_plan_scholars`."""
    return research_plan_scholars(user, f"{prefix}scholar__")


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


def is_scholar_in(user, program) -> bool:
    """The peer board is for the program's scholars only (not mentors, not staff)."""
    if _anonymous(user):
        return False
    return user.mentorships_as_scholar.filter(program=program, active=True).exists()


def _shared_with_program(user, program=None, prefix: str = "") -> Q:
    """Bottlenecks their scholar shared (and still does) on a submitted agenda (a draft is the
    scholar's alone), in `program`, the viewer being an active scholar of that program.
    `program` None: the agenda's own program, whichever it is (a lookup across programs)."""
    from accounts.models import Mentorship
    from meetings.models import Agenda

    if program is None:
        in_program = Q()
        program = OuterRef(f"{prefix}meeting__mentorship__program_id")
    else:
        in_program = Q(**{f"{prefix}meeting__mentorship__program": program})
    viewer_is_scholar = Mentorship.objects.filter(scholar=user, program=program, active=True)
    return (
        Exists(viewer_is_scholar)
        & in_program
        & Q(**{f"{prefix}bottleneck_shared": True, f"{prefix}status": Agenda.Status.SUBMITTED})
        & ~Q(**{f"{prefix}bottleneck": ""})
    )


def shared_bottlenecks_for(user, program, prefix: str = "") -> Q:
    """Agendas whose bottleneck the viewer may see on the program's board: the scholar shared it
    (and still does), the agenda is submitted (a draft is the scholar's alone), it was shared in
    the last six weeks, in this program (None: the agenda's own), and the viewer is a scholar of
    the program. Nothing unshared ever matches."""
    if _anonymous(user):
        return NOTHING
    from datetime import timedelta

    from django.utils import timezone

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
    from meetings.models import Agenda, HelpAsked

    return Q(
        **{
            f"{prefix}peer": user,
            f"{prefix}kind": HelpAsked.Kind.PEER,
            f"{prefix}agenda__status": Agenda.Status.SUBMITTED,
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


def reading(user, prefix: str = "") -> Q:
    """A scholar's reading entries and progress log: the scholar and their mentors."""
    if _anonymous(user):
        return NOTHING
    from accounts.models import Mentorship

    mentored = Mentorship.objects.filter(scholar_id=OuterRef(f"{prefix}scholar_id"), mentor=user)
    return Q(**{f"{prefix}scholar": user}) | Exists(mentored)


def may_see_reading(user, scholar_id: int) -> bool:
    """The reading page and progress log of one scholar: the scholar and their mentors."""
    if _anonymous(user):
        return False
    if user.pk == scholar_id:
        return True
    return user.mentorships_as_mentor.filter(scholar_id=scholar_id).exists()


def scholar_reading(user, scholar_id: int) -> Q:
    """The Q form of `may_see_reading`, for a query about one scholar's reading that has no
    scholar of its own to check (a recommendation to the whole program): every row when the
    user is the scholar or one of their mentors, none otherwise. Asks nothing by itself."""
    if _anonymous(user):
        return NOTHING
    if user.pk == scholar_id:
        return Q()
    from accounts.models import Mentorship

    return Q(Exists(Mentorship.objects.filter(scholar_id=scholar_id, mentor_id=user.pk)))


def recommendations_for_scholar(scholar_id: int, prefix: str = "") -> Q:
    """The readings recommended to this scholar: to them by name, or to every scholar of one of
    their programs. Callers have already checked that the viewer may see this scholar's reading
    (may_see_reading)."""
    from accounts.models import Mentorship

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
    from meetings.models import GrowthSharing

    if _anonymous(user):
        return set()
    if user.pk == scholar_id:
        return {*GrowthSharing.PART_NAMES, *GROWTH_PRIVATE_PARTS}
    if sharing is None or sharing.scholar_id != scholar_id:
        return set()
    if is_mentor is None:
        is_mentor = user.mentorships_as_mentor.filter(scholar_id=scholar_id).exists()
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
        is_program_staff = program.staff.filter(pk=user.pk).exists()
    return is_program_staff


def report_scholars(user, prefix: str = "") -> Q:
    """The scholars (User rows) whose end-of-program report the user may read: themself, and the
    scholars they mentor who chose to share it (staff see its figures on the summaries)."""
    if _anonymous(user):
        return NOTHING
    from accounts.models import Mentorship

    mentored = Mentorship.objects.filter(mentor_id=user.pk, scholar_id=OuterRef(f"{prefix}pk"))
    # Only a scholar has a program to report on: a mentor or staff member's own is a 404.
    own = Mentorship.objects.filter(scholar_id=user.pk)
    return (Q(**{f"{prefix}pk": user.pk}) & Exists(own)) | (
        Exists(mentored) & Q(**{f"{prefix}growth_sharing__report": True})
    )
