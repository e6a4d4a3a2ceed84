"""A person's own data ("Download all my data" on the settings page), as plain JSON.

Everything a person wrote or that is about them, as far as they may see it (README, "Who sees what"):

- as a scholar: each meeting with its agenda (check-in, questions and answers, whom I asked, the
  comments, the change history, the milestones it advanced), action items, notes, what was typed
  in meeting mode, the recap with the mentor's confirmation or correction, "did you get what you
  came for?" with their own comment, and the mentors' feedback on how they led it; the research
  plan and its milestones; reading, recommendations received, the progress log; peer-help offers
  made and received; how often a peer named them as someone they asked (only that: README, "Who sees what");
  what they share of their growth page;
- as a mentor: what they wrote (comments, notes, answers, feedback on leading, recap
  confirmations and corrections, recommendations, their own private notes) and what was typed
  in meeting mode in their meetings;
- and, for everyone, how they are connected: their Slack link (the workspace's id for them, when
  they confirmed it, which notices they take there), their API tokens, the provider sign-ins
  linked to the account and their webhook endpoints. Never a secret or its hash: the Slack code's
  hash, a token's hash and an endpoint's signing secret stay out.

The number of queries does not depend on how much there is (tests/security/test_exports.py).
"""

from __future__ import annotations

from collections import defaultdict

from allauth.socialaccount.models import SocialAccount
from django.db.models import F, Prefetch
from django.utils import timezone

from accounts import sso
from accounts.api_tokens import ApiToken
from accounts.models import Mentorship, SlackConnection, User
from meetings import access
from meetings.models import (
    ActionItem,
    Agenda,
    Annotation,
    Capture,
    GrowthSharing,
    HelpAsked,
    LeadFeedback,
    Meeting,
    MeetingNote,
    MentorPrivateNote,
    Milestone,
    PeerOffer,
    ProgressLine,
    Question,
    ReadingEntry,
    ReadingRecommendation,
    Recap,
    ResearchPlan,
    WebhookSubscription,
)


def _when(value):
    return value.isoformat() if value else None


def personal_data(user: User) -> dict:
    """Everything the person may download about themselves, as plain JSON."""
    meetings = (
        Meeting.objects.filter(mentorship__scholar=user)
        .select_related(
            "mentorship__mentor", "mentorship__program", "recap__confirmed_by", "outcome"
        )
        .order_by("scheduled_at", "pk")
    )
    agendas = {
        a.meeting_id: a
        for a in Agenda.objects.filter(meeting__in=meetings).prefetch_related(
            "questions__answered_by",
            "annotations__author",
            "annotations__question",
            "revisions__author",
            "help_asked__peer",
            "milestones",
        )
    }
    items = defaultdict(list)
    for item in ActionItem.objects.filter(mentorship__scholar=user).order_by("created_at", "pk"):
        items[item.meeting_id].append(item)
    notes = defaultdict(list)
    for note in MeetingNote.objects.filter(meeting__in=meetings).select_related("author"):
        notes[note.meeting_id].append(note)
    captures = defaultdict(list)
    for capture in _captures(user).filter(live__meeting__mentorship__scholar=user):
        captures[capture.at_meeting].append(capture)
    feedback = defaultdict(list)
    for given in (
        LeadFeedback.objects.visible_to(user)
        .filter(meeting__mentorship__scholar=user)
        .select_related("mentor")
        .order_by("updated_at", "pk")
    ):
        feedback[given.meeting_id].append(given)

    def agenda_data(agenda: Agenda | None) -> dict | None:
        if agenda is None:
            return None
        return {
            "status": agenda.status,
            "submitted_at": _when(agenda.submitted_at),
            "updated_at": _when(agenda.updated_at),
            **{name: getattr(agenda, name) for name in Agenda.SECTION_NAMES},
            "check_in": {
                "energy": agenda.wellbeing_energy,
                "note": agenda.wellbeing_note,
                "shared_with": agenda.get_wellbeing_visibility_display(),
            },
            "questions": [
                {
                    "rank": q.rank,
                    "text": q.text,
                    "status": q.status,
                    "answer": q.answer,
                    "answered_by": q.answered_by.name if q.answered_by else None,
                    "answered_at": _when(q.answered_at),
                    "carried_over": q.carried_from_id is not None,
                }
                for q in agenda.questions.all()
            ],
            "whom_i_asked": [
                {"kind": e.get_kind_display(), "who": e.who, "outcome": e.outcome}
                for e in agenda.help_asked.all()
            ],
            "comments": [
                {
                    "author": a.author.name,
                    "section": a.get_section_display(),
                    "question": a.question.text if a.question else None,
                    "text": a.body,
                    "created_at": _when(a.created_at),
                }
                for a in agenda.annotations.all()
            ],
            "revisions": [
                {
                    "kind": r.kind,
                    "author": r.author.name if r.author else None,
                    "from": _when(r.created_at),
                    "to": _when(r.updated_at),
                    "version": r.version,
                    "changes": r.changes,
                }
                for r in agenda.revisions.all()
            ],
            "milestones_advanced": [m.title for m in agenda.milestones.all()],
        }

    written_comments = Annotation.objects.filter(author=user).select_related(
        "agenda__meeting__mentorship__scholar"
    )
    written_notes = MeetingNote.objects.filter(author=user).select_related(
        "meeting__mentorship__scholar"
    )
    written = _written_as_mentor(user)
    return {
        "format": "mentorprep-personal-data",
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "username": user.username,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "time_zone": user.time_zone,
            "date_joined": _when(user.date_joined),
        },
        "mentorships_as_scholar": [
            {
                "program": m.program.name,
                "mentor": m.mentor.name,
                "cadence_days": m.cadence_days,
                "started_on": _when(m.started_on),
                "active": m.active,
            }
            for m in Mentorship.objects.filter(scholar=user).select_related("program", "mentor")
        ],
        "meetings": [
            {
                "with": m.mentorship.mentor.name,
                "program": m.mentorship.program.name,
                "scheduled_at": _when(m.scheduled_at),
                "duration_minutes": m.duration_minutes,
                "status": m.status,
                "held_at": _when(m.held_at),
                "agenda": agenda_data(agendas.get(m.pk)),
                "action_items": [_item(i) for i in items.get(m.pk, [])],
                "notes": [
                    {
                        "kind": n.kind,
                        "author": n.author.name,
                        "text": n.body,
                        "created_at": _when(n.created_at),
                    }
                    for n in notes.get(m.pk, [])
                ],
                "typed_in_meeting_mode": [_capture(c) for c in captures.get(m.pk, [])],
                "recap": _recap(getattr(m, "recap", None)),
                "got_what_i_came_for": _outcome(getattr(m, "outcome", None)),
                "feedback_on_leading": [
                    {"from": f.mentor.name, **_feedback(f)} for f in feedback.get(m.pk, [])
                ],
            }
            for m in meetings
        ],
        "action_items_without_meeting": [_item(i) for i in items.get(None, [])],
        "reading": [
            {
                "title": r.title,
                "link": r.link,
                "takeaway": r.takeaway,
                "read_on": _when(r.read_on),
                "recommended_by": r.recommendation.mentor.name if r.recommendation else None,
            }
            for r in ReadingEntry.objects.filter(scholar=user).select_related(
                "recommendation__mentor"
            )
        ],
        "recommendations_received": [
            {**_recommendation(r), "from": r.mentor.name}
            for r in ReadingRecommendation.objects.for_scholar(user.pk).select_related("mentor")
        ],
        "progress_log": [
            {"text": line.text, "created_at": _when(line.created_at)}
            for line in ProgressLine.objects.filter(scholar=user)
        ],
        "research_plan": _plan(user),
        # A peer who named this person as someone they asked: only that they did (README, "Who sees what").
        # As the home page's notice: once the asker submitted (a draft is theirs alone).
        "times_named_by_a_peer_as_someone_asked": HelpAsked.objects.filter(
            access.help_asked_as_peer(user)
        ).count(),
        "growth_sharing": _sharing(GrowthSharing.objects.filter(scholar=user).first()),
        # Offers of help: those made to this person and those they made (README, "Who sees what").
        "peer_offers": [
            {
                "from": o.author.name,
                "to": o.agenda.meeting.mentorship.scholar.name,
                "kind": o.kind,
                "message": o.message,
                "created_at": _when(o.created_at),
            }
            for o in PeerOffer.objects.visible_to(user).select_related(
                "author", "agenda__meeting__mentorship__scholar"
            )
        ],
        "written_as_mentor": {
            "comments": [
                {
                    "scholar": a.agenda.meeting.mentorship.scholar.name,
                    "meeting": _when(a.agenda.meeting.scheduled_at),
                    "section": a.get_section_display(),
                    "text": a.body,
                    "created_at": _when(a.created_at),
                }
                for a in written_comments
            ],
            "notes": [
                {
                    "scholar": n.meeting.mentorship.scholar.name,
                    "meeting": _when(n.meeting.scheduled_at),
                    "kind": n.kind,
                    "text": n.body,
                    "created_at": _when(n.created_at),
                }
                for n in written_notes
            ],
            **written,
        },
        **_connections(user),
    }


def _connections(user: User) -> dict:
    """The person's Slack link, API tokens, provider sign-ins and webhook endpoints: what they
    set up, never a secret (code hash, token hash, signing secret)."""
    slack = SlackConnection.objects.filter(user=user).first()
    return {
        "slack": None
        if slack is None
        else {
            "slack_user_id": slack.slack_user_id,
            "confirmed_at": _when(slack.confirmed_at),
            "notices_in_slack": {
                field.name.removeprefix("slack_"): getattr(slack, field.name)
                for field in SlackConnection._meta.fields
                if field.name.startswith("slack_") and field.name != "slack_user_id"
            },
        },
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "scope": t.scope,
                "created_at": _when(t.created_at),
                "expires_at": _when(t.expires_at),
                "last_used_at": _when(t.last_used_at),
                "revoked_at": _when(t.revoked_at),
            }
            for t in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "provider_sign_ins": [
            {
                "provider": sso.provider_name(None, a.provider),
                "email": sso.account_email(a),
                "linked_at": _when(a.date_joined),
            }
            for a in SocialAccount.objects.filter(user=user).order_by("date_joined", "pk")
        ],
        "webhook_endpoints": [
            {
                "url": w.url,
                "description": w.description,
                "program": w.program.name if w.program else None,
                "events": list(w.events),
                "state": _webhook_state(w),
                "failing_since": _when(w.failing_since),
                "last_success_at": _when(w.last_success_at),
                "created_at": _when(w.created_at),
            }
            for w in WebhookSubscription.objects.filter(owner=user).select_related("program")
        ],
    }


def _webhook_state(subscription: WebhookSubscription) -> str:
    """As the webhook pages say it."""
    if subscription.active:
        return "on"
    if subscription.disabled_at:
        return "turned off after failing for three days"
    return "off"


def _capture_rows():
    return Capture.objects.select_related("author").annotate(at_meeting=F("live__meeting_id"))


def _captures(user: User):
    """What was typed in meeting mode in the meetings the user may see it of (the pair)."""
    return _capture_rows().filter(access.live_meeting(user, "live__meeting__")).order_by("seq")


def _capture(capture: Capture) -> dict:
    return {
        "author": capture.author.name,
        "kind": capture.kind,
        "text": capture.text,
        "created_at": _when(capture.created_at),
        "filed_at": _when(capture.filed_at),
    }


def _recap(recap: Recap | None) -> dict | None:
    if recap is None:
        return None
    return {
        "takeaway": recap.takeaway,
        "next_steps": recap.next_steps,
        "still_need": recap.still_need,
        "written_at": _when(recap.written_at),
        "updated_at": _when(recap.updated_at),
        "confirmed_by": recap.confirmed_by.name if recap.confirmed_by else None,
        "confirmed_at": _when(recap.confirmed_at),
        "correction": recap.correction,
    }


def _outcome(outcome) -> dict | None:
    """The scholar's own answer and comment (this is only called for their own meetings)."""
    if outcome is None:
        return None
    return {
        "answer": outcome.answer,
        "comment": outcome.comment,
        "answered_at": _when(outcome.answered_at),
    }


def _feedback(feedback: LeadFeedback) -> dict:
    return {
        "clarity": feedback.get_clarity_display(),
        "important_first": feedback.get_important_first_display(),
        "note": feedback.note,
        "updated_at": _when(feedback.updated_at),
    }


def _recommendation(rec: ReadingRecommendation) -> dict:
    return {
        "title": rec.title,
        "link": rec.link,
        "note": rec.note,
        "to_the_whole_program": rec.scholar_id is None,
        "created_at": _when(rec.created_at),
    }


def _plan(user: User) -> dict | None:
    """The scholar's research plan, each milestone with the meetings whose agenda advanced it."""
    tagged = Agenda.objects.select_related("meeting").order_by("meeting__scheduled_at")
    plan = (
        ResearchPlan.objects.filter(scholar=user)
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.prefetch_related(Prefetch("agendas", queryset=tagged)),
            )
        )
        .first()
    )
    if plan is None:
        return None
    return {
        "goal": plan.goal,
        "theory_of_change": plan.theory_of_change,
        "updated_at": _when(plan.updated_at),
        "milestones": [
            {
                "title": m.title,
                "target_on": _when(m.target_on),
                "done_on": _when(m.done_on),
                "meetings": [_when(a.meeting.scheduled_at) for a in m.agendas.all()],
            }
            for m in plan.milestones.all()
        ],
    }


def _sharing(sharing: GrowthSharing | None) -> dict:
    """What the scholar shares with their mentors (nothing until they tick it)."""
    shared = sharing.shared_parts if sharing else set()
    return {
        **{name: name in shared for name in GrowthSharing.PART_NAMES},
        "report": bool(sharing and sharing.report),
        "updated_at": _when(sharing.updated_at) if sharing else None,
    }


def _written_as_mentor(user: User) -> dict:
    """What the person wrote as a mentor beyond comments and notes, and what was typed in
    meeting mode in their meetings as a mentor."""
    answers = (
        Question.objects.for_mentor()
        .filter(answered_by=user)
        .select_related("agenda__meeting__mentorship__scholar")
    )
    feedback = LeadFeedback.objects.filter(mentor=user).select_related(
        "meeting__mentorship__scholar"
    )
    confirmed = Recap.objects.visible_to(user).filter(confirmed_by=user)
    captures = _captures(user).filter(live__meeting__mentorship__mentor=user)
    return {
        "answers": [
            {
                "scholar": q.agenda.meeting.mentorship.scholar.name,
                "meeting": _when(q.agenda.meeting.scheduled_at),
                "question": q.text,
                "answer": q.answer,
                "answered_at": _when(q.answered_at),
            }
            for q in answers
        ],
        "feedback_on_leading": [
            {
                "scholar": f.meeting.mentorship.scholar.name,
                "meeting": _when(f.meeting.scheduled_at),
                **_feedback(f),
            }
            for f in feedback
        ],
        "recaps_confirmed": [
            {
                "scholar": r.meeting.mentorship.scholar.name,
                "meeting": _when(r.meeting.scheduled_at),
                "confirmed_at": _when(r.confirmed_at),
                "correction": r.correction,
            }
            for r in confirmed.select_related("meeting__mentorship__scholar")
        ],
        "typed_in_meeting_mode": [
            {
                "scholar": c.live.meeting.mentorship.scholar.name,
                "meeting": _when(c.live.meeting.scheduled_at),
                **_capture(c),
            }
            for c in captures.select_related("live__meeting__mentorship__scholar")
        ],
        "recommendations_made": [
            {**_recommendation(r), "to": r.scholar.name if r.scholar else r.program.name}
            for r in ReadingRecommendation.objects.filter(mentor=user).select_related(
                "scholar", "program"
            )
        ],
        # Only the mentor who wrote it ever sees it, and so only they download it.
        "private_notes": [
            {"scholar": n.scholar.name, "text": n.text, "updated_at": _when(n.updated_at)}
            for n in MentorPrivateNote.objects.filter(access.private_note(user)).select_related(
                "scholar"
            )
        ],
    }


def _item(item: ActionItem) -> dict:
    return {
        "text": item.text,
        "owner": item.owner,
        "due_on": _when(item.due_on),
        "done": item.done,
        "done_at": _when(item.done_at),
        "created_at": _when(item.created_at),
    }
