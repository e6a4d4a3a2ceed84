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
    from .models import Agenda

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
    from .models import Meeting

    return Q(
        **{
            f"{prefix}meeting__mentorship__scholar": user,
            f"{prefix}meeting__status": Meeting.Status.PLANNED,
        }
    )


# --- The wellbeing check-in -------------------------------------------------------------------


def shared_with_mentors(visibility: str) -> bool:
    from .models import Agenda

    return visibility in (Agenda.Visibility.MENTORS, Agenda.Visibility.BOTH)


def shared_with_manager(visibility: str) -> bool:
    from .models import Agenda

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


def checkin_shared_with_manager(user, prefix: str = "") -> Q:
    """Submitted agendas whose check-in the scholar shared with this research manager."""
    if _anonymous(user):
        return NOTHING
    from accounts.models import ResearchManagerAssignment

    from .models import Agenda

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
    from .models import Agenda

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
