"""The permission matrix: every URL of the project, every role, GET, POST and their htmx variants.

URLs come from the resolver, so a new view is covered automatically, and a URL name missing from
MATRIX fails with a message saying which line to add. Each row is one line:

    "url_name": Row(ARGS, get=<expected per role>, post=<expected per role>),

ARGS maps the security world to the URL's kwargs (MEETING, QUESTION… below). Expectations per
role are built with everyone(code), only(code, "role", …) (others 404) and public(code); codes
are 200, 302 (a redirect that is NOT to the login page), LOGIN (302 to the login page), 404, 405.
hx_get / hx_post override the expectation for the htmx variant when it differs; hx_query adds
query parameters to the htmx GET (e.g. the partial to render).

Every response, whatever its status, must not contain a sentinel string the role may not see
(tests/security/conftest.py: SENTINELS).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts.models import Invite, Mentorship, User
from meetings.models import Meeting
from tests.factories import (
    GrowthSharingFactory,
    InviteFactory,
    MeetingFactory,
    MentorshipFactory,
    RecapFactory,
    SocialAccountFactory,
    UserFactory,
)

from .conftest import ROLES, SecurityWorld, forbidden_for, with_second_mentor

LOGIN = "login"
Expected = int | str


def everyone(code: Expected, anon: Expected = LOGIN) -> dict[str, Expected]:
    """Every logged-in role gets `code`; anonymous users go to log in."""
    return {role: (anon if role == "anon" else code) for role in ROLES}


def public(code: Expected) -> dict[str, Expected]:
    return dict.fromkeys(ROLES, code)


def only(code: Expected, *roles: str, others: Expected = 404) -> dict[str, Expected]:
    """The listed roles get `code`, other logged-in roles `others` (404), anonymous LOGIN."""
    return {r: LOGIN if r == "anon" else code if r in roles else others for r in ROLES}


NO_ARGS: Callable[[SecurityWorld], dict] = lambda w: {}  # noqa: E731
MEETING = lambda w: {"pk": w.meeting.pk}  # noqa: E731
QUESTION = lambda w: {"pk": w.question.pk}  # noqa: E731
ANNOTATION = lambda w: {"pk": w.annotation.pk}  # noqa: E731
ACTION = lambda w: {"pk": w.action.pk}  # noqa: E731
SCHOLAR = lambda w: {"user_id": w.scholar.pk}  # noqa: E731
PROGRAM = lambda w: {"slug": w.program.slug}  # noqa: E731
MENTOR_IN_PROGRAM = lambda w: {"slug": w.program.slug, "user_id": w.mentor.pk}  # noqa: E731
SCHOLAR_IN_PROGRAM = lambda w: {"slug": w.program.slug, "user_id": w.scholar.pk}  # noqa: E731
ITEM = lambda w: {"pk": w.meeting.pk, "item_pk": w.action.pk}  # noqa: E731
MENTORSHIP = lambda w: {"pk": w.mentorship.pk}  # noqa: E731
HELP = lambda w: {"pk": w.agenda.help_asked.order_by("pk").first().pk}  # noqa: E731


def _ics_token(w) -> dict:
    w.scholar.rotate_ics_token()
    return {"token": w.scholar.ics_token}


def _invite(w) -> dict:
    from accounts.invites import invite_person

    invite = invite_person(w.program, "newcomer@example.org", "scholar", w.staff)
    return {"slug": w.program.slug, "pk": invite.pk}


def _invite_token(w) -> dict:
    from accounts.invites import invite_person, make_token

    return {"token": make_token(invite_person(w.program, "new@example.org", "mentor", w.staff))}


def _email_token(w) -> dict:
    from accounts.emails import make_token

    w.scholar.pending_email = "scholar-new@example.org"
    w.scholar.save(update_fields=["pending_email"])
    return {"token": make_token(w.scholar)}


def _milestone(w) -> dict:
    from meetings.plans.domain import add_milestone

    return {"pk": add_milestone(w.scholar, "SECRET-MILESTONE", None).pk}


def _recap(w) -> dict:
    """The held meeting of the pair, with the scholar's recap for its mentor to confirm."""
    RecapFactory(meeting=w.held_meeting, takeaway="A takeaway", next_steps="Next steps")
    return {"pk": w.held_meeting.pk}


RESET = lambda w: {"uidb64": "MQ", "token": "set-password"}  # noqa: E731
OIDC_PROVIDER = lambda w: {"provider_id": "uni"}  # noqa: E731
SCHOLARS_SIGN_IN = lambda w: {"pk": SocialAccountFactory(user=w.scholar).pk}  # noqa: E731


# Peer help and reading (the security world's held meeting has the shared bottleneck).
def _shared(w) -> dict:
    return {"slug": w.program.slug, "pk": w.held_meeting.agenda.pk}


def _shared_agenda(w) -> dict:
    return {"pk": w.held_meeting.agenda.pk}


def _asked(w) -> dict:
    return {"pk": w.agenda.help_asked.get(kind="peer").pk}


def _peer_offer(w) -> dict:
    from meetings.models import PeerOffer

    return {"pk": PeerOffer.objects.get(agenda__meeting=w.held_meeting).pk}


def _reading_entry(w) -> dict:
    from meetings.models import ReadingEntry

    return {"pk": ReadingEntry.objects.filter(scholar=w.scholar).first().pk}


def _progress_line(w) -> dict:
    from meetings.models import ProgressLine

    return {"pk": ProgressLine.objects.filter(scholar=w.scholar).first().pk}


def _growth_shared(w) -> dict:
    """The scholar's growth page with every part shared: their mentors see it (never the energy),
    nobody else does."""
    from meetings.models import GrowthSharing

    parts = dict.fromkeys(GrowthSharing.PART_NAMES, True)
    GrowthSharing.objects.update_or_create(scholar=w.scholar, defaults=parts)
    return {"user_id": w.scholar.pk}


def _api_token(w) -> int:
    """A token of the scholar's: only they revoke it."""
    from accounts.api_tokens import create_token

    return create_token(w.scholar, "matrix")[0].pk


@dataclass(frozen=True)
class Row:
    kwargs: Callable[[SecurityWorld], dict]
    get: dict[str, Expected]
    post: dict[str, Expected]
    hx_get: dict[str, Expected] | None = None
    hx_post: dict[str, Expected] | None = None
    hx_query: dict[str, str] = field(default_factory=dict)


GET_ONLY = everyone(405)  # POST to a GET-only view (anonymous users are sent to log in first)
POST_ONLY = everyone(405)


def hx401(expected: dict[str, Expected]) -> dict[str, Expected]:
    """An htmx request of a signed-out person gets 401, not the login page: htmx would swap the
    login page in as the answer, while a 401 lets the page keep what was typed."""
    return {**expected, "anon": 401} if expected["anon"] == LOGIN else expected


# fmt: off
MATRIX: dict[str, Row] = {
    # accounts
    "login": Row(NO_ARGS, get=everyone(302, anon=200), post=everyone(302, anon=200)),
    "logout": Row(NO_ARGS, get=public(405), post=public(LOGIN)),
    "health": Row(NO_ARGS, get=public(200), post=public(405)),
    "password_change": Row(NO_ARGS, get=everyone(200), post=everyone(200)),
    "password_change_done": Row(NO_ARGS, get=everyone(200), post=GET_ONLY),
    "settings": Row(NO_ARGS, get=everyone(200), post=everyone(200)),
    # meetings
    "home": Row(NO_ARGS, get=everyone(200), post=GET_ONLY),
    "meeting_new": Row(NO_ARGS, get=everyone(200), post=everyone(200)),
    "meeting": Row(MEETING, get=only(302, "scholar", "mentor"), post=GET_ONLY),
    "agenda": Row(MEETING, get=only(200, "scholar"), post=only(200, "scholar")),
    "question_add": Row(MEETING, get=POST_ONLY, post=only(302, "scholar"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(200, "scholar"))),
    "brief": Row(MEETING, get=only(200, "scholar", "mentor"), post=GET_ONLY, hx_query={"part": "actions"}),
    "annotation_add": Row(MEETING, get=POST_ONLY, post=only(302, "mentor"), hx_post=only(200, "mentor")),
    "action_add": Row(MEETING, get=POST_ONLY, post=only(302, "mentor"), hx_post=only(200, "mentor")),
    "note_add": Row(MEETING, get=POST_ONLY, post=only(302, "mentor"), hx_post=only(200, "mentor")),
    # GET is the confirmation step (inline with htmx); POST makes the change
    "meeting_held": Row(MEETING, get=only(200, "mentor"), post=only(302, "mentor")),
    "meeting_cancel": Row(MEETING, get=only(200, "scholar", "mentor", "staff", "manager"), post=only(302, "scholar", "mentor", "staff", "manager")),
    # whoever may cancel may undo a cancellation (only the mentor undoes "held": test_undo.py)
    "meeting_undo": Row(MEETING, get=POST_ONLY, post=only(302, "scholar", "mentor", "staff", "manager")),
    # the pair's mentor confirms the proposed next meeting; others schedule through meeting_new
    # a post without the proposal's time is refused as unreadable (400)
    "proposal_confirm": Row(MENTORSHIP, get=POST_ONLY, post=only(400, "mentor")),
    "question_edit": Row(QUESTION, get=POST_ONLY, post=only(302, "scholar"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(200, "scholar"))),
    "question_delete": Row(QUESTION, get=POST_ONLY, post=only(302, "scholar"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(200, "scholar"))),
    "question_move": Row(QUESTION, get=POST_ONLY, post=only(302, "scholar"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(200, "scholar"))),
    "question_answer": Row(QUESTION, get=POST_ONLY, post=only(302, "mentor"), hx_post=only(200, "mentor")),
    "annotation_delete": Row(ANNOTATION, get=POST_ONLY, post=only(302, "mentor"), hx_post=only(200, "mentor")),
    "action_toggle": Row(ACTION, get=POST_ONLY, post=only(302, "scholar", "mentor")),
    "history": Row(SCHOLAR, get=only(200, "scholar", "mentor", "second_mentor"), post=GET_ONLY),
    # the end-of-program report: the scholar; their mentors only once shared (not in this world)
    "report": Row(SCHOLAR, get=only(200, "scholar"), post=GET_ONLY),
    "report_pdf": Row(SCHOLAR, get=only(200, "scholar"), post=GET_ONLY),
    # the htmx variant searches every sentinel ("SECRET"): the leak check sees what each role finds
    "history_search": Row(SCHOLAR, get=only(200, "scholar", "mentor", "second_mentor"), post=GET_ONLY, hx_query={"q": "SECRET"}),
    "cadence": Row(PROGRAM, get=only(200, "staff", "manager"), post=GET_ONLY),
    # revisions and exports
    "agenda_revisions": Row(MEETING, get=only(200, "scholar", "mentor"), post=GET_ONLY),
    "my_data_export": Row(NO_ARGS, get=everyone(200), post=GET_ONLY),
    "program_export": Row(PROGRAM, get=only(200, "staff", "manager"), post=GET_ONLY),
    "program_people": Row(PROGRAM, get=only(200, "staff", "manager"), post=only(200, "staff", "manager")),
    "user_delete": Row(SCHOLAR_IN_PROGRAM, get=only(200, "staff", "manager"), post=only(200, "staff", "manager")),
    # drafting
    # An empty autosave (no version) is refused with a message: 422.
    "agenda_autosave": Row(MEETING, get=POST_ONLY, post=only(422, "scholar"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(422, "scholar"))),
    "question_reorder": Row(MEETING, get=POST_ONLY, post=only(302, "scholar"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(200, "scholar"))),
    "question_state": Row(QUESTION, get=POST_ONLY, post=only(400, "scholar"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(400, "scholar"))),
    # whom I asked: an empty entry is refused with a message (302 back, or the list again)
    "help_add": Row(MEETING, get=POST_ONLY, post=only(302, "scholar"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(200, "scholar"))),
    "help_delete": Row(HELP, get=POST_ONLY, post=only(302, "scholar"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(200, "scholar"))),
    "help_edit": Row(HELP, get=POST_ONLY, post=only(302, "scholar"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(200, "scholar"))),
    "agenda_item_done": Row(ITEM, get=POST_ONLY, post=only(302, "scholar"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(200, "scholar"))),
    # the mentor's side and the calendar
    "brief_pdf": Row(MEETING, get=only(200, "scholar", "mentor"), post=GET_ONLY),
    # After the meeting (the matrix meeting is planned: the writes are refused with a message)
    "recap": Row(MEETING, get=only(200, "scholar", "mentor"), post=GET_ONLY),
    "recap_save": Row(MEETING, get=POST_ONLY, post=only(200, "scholar"), hx_post=only(200, "scholar")),
    # on the held meeting with a recap: the meeting's mentor confirms it, nobody else (a post
    # naming no version is a stale confirmation: 409, the recap shown again)
    "recap_confirm": Row(_recap, get=POST_ONLY, post=only(409, "mentor"), hx_post=only(200, "mentor")),
    "outcome_save": Row(MEETING, get=POST_ONLY, post=only(200, "scholar"), hx_post=only(200, "scholar")),
    "plan": Row(SCHOLAR, get=only(200, "scholar", "mentor", "second_mentor", "manager"), post=GET_ONLY),
    # each scholar writes their own plan; nobody else keeps one
    "plan_save": Row(NO_ARGS, get=POST_ONLY, post=only(302, "scholar", "other_scholar"), hx_post=only(200, "scholar", "other_scholar")),
    "milestone_add": Row(NO_ARGS, get=POST_ONLY, post=only(200, "scholar", "other_scholar")),
    "milestone_edit": Row(_milestone, get=POST_ONLY, post=only(302, "scholar"), hx_post=only(200, "scholar")),
    "milestone_delete": Row(_milestone, get=POST_ONLY, post=only(302, "scholar"), hx_post=only(200, "scholar")),
    "agenda_milestones": Row(MEETING, get=POST_ONLY, post=only(302, "scholar"), hx_post=only(200, "scholar")),
    "lead_feedback_save": Row(MEETING, get=POST_ONLY, post=only(200, "mentor"), hx_post=only(200, "mentor")),
    "annotation_edit": Row(ANNOTATION, get=POST_ONLY, post=only(302, "mentor"), hx_post=only(200, "mentor")),
    "question_status": Row(QUESTION, get=POST_ONLY, post=only(302, "mentor"), hx_post=only(200, "mentor")),
    "private_note_save": Row(SCHOLAR, get=POST_ONLY, post=only(302, "mentor", "second_mentor"), hx_post=only(200, "mentor", "second_mentor")),
    "series_new": Row(NO_ARGS, get=everyone(200), post=everyone(200)),
    "meeting_reschedule": Row(MEETING, get=only(200, "scholar", "mentor", "staff", "manager"), post=only(200, "scholar", "mentor", "staff", "manager")),
    "ics_feed": Row(_ics_token, get=public(200), post=public(405)),
    "ics_token_rotate": Row(NO_ARGS, get=POST_ONLY, post=everyone(302)),
    # program staff, research managers, onboarding
    "cadence_csv": Row(PROGRAM, get=only(200, "staff", "manager"), post=GET_ONLY),
    "mentor_summary": Row(MENTOR_IN_PROGRAM, get=only(200, "staff", "manager"), post=GET_ONLY),
    "scholar_summary": Row(SCHOLAR_IN_PROGRAM, get=only(200, "staff", "manager"), post=GET_ONLY),
    "managed_scholars": Row(PROGRAM, get=only(200, "manager"), post=GET_ONLY),
    "program_new": Row(NO_ARGS, get=only(200, "staff", "other_staff", "manager"), post=only(200, "staff", "other_staff", "manager")),
    "mentorship_import": Row(PROGRAM, get=only(200, "staff", "manager"), post=only(200, "staff", "manager")),
    "invite_resend": Row(_invite, get=POST_ONLY, post=only(302, "staff", "manager")),
    "invite_accept": Row(_invite_token, get=public(200), post=public(200)),
    "email_confirm": Row(_email_token, get=only(200, "scholar"), post=only(302, "scholar")),
    "account": Row(NO_ARGS, get=everyone(200), post=GET_ONLY),
    "password_reset": Row(NO_ARGS, get=public(200), post=public(200)),
    "password_reset_done": Row(NO_ARGS, get=public(200), post=public(405)),
    "password_reset_confirm": Row(RESET, get=public(200), post=public(200)),
    "password_reset_complete": Row(NO_ARGS, get=public(200), post=public(405)),
    # peer help: the program's scholars; an offer between the two scholars concerned
    "peer_board": Row(PROGRAM, get=only(200, "scholar", "other_scholar"), post=GET_ONLY),
    # An empty offer is refused with a message (the entry again, or back to the board).
    "peer_offer_add": Row(_shared, get=POST_ONLY, post=only(302, "other_scholar"), hx_post=only(200, "other_scholar")),
    "bottleneck_resolve": Row(_shared_agenda, get=POST_ONLY, post=only(302, "scholar"), hx_post=only(200, "scholar")),
    # sharing is the scholar's consent, given or withdrawn whatever the meeting's state
    "bottleneck_share": Row(_shared_agenda, get=POST_ONLY, post=only(302, "scholar"), hx_post=only(200, "scholar")),
    "peer_offer_dismiss": Row(_peer_offer, get=POST_ONLY, post=only(302, "scholar"), hx_post=only(200, "scholar")),
    # "you were asked": only the peer the scholar named in "whom I asked" hides the notice
    "asked_dismiss": Row(_asked, get=POST_ONLY, post=only(302, "other_scholar"), hx_post=only(200, "other_scholar")),
    # reading and the progress log: the scholar and their mentors; empty forms are shown again
    "reading": Row(SCHOLAR, get=only(200, "scholar", "mentor", "second_mentor"), post=GET_ONLY),
    "reading_recommend": Row(SCHOLAR, get=POST_ONLY, post=only(200, "mentor", "second_mentor")),
    "reading_add": Row(NO_ARGS, get=POST_ONLY, post=only(200, "scholar", "other_scholar")),
    "reading_edit": Row(_reading_entry, get=POST_ONLY, post=only(200, "scholar")),
    "reading_delete": Row(_reading_entry, get=POST_ONLY, post=only(302, "scholar"), hx_post=only(200, "scholar")),
    "progress_add": Row(NO_ARGS, get=POST_ONLY, post=only(302, "scholar", "other_scholar"), hx_post=only(200, "scholar", "other_scholar")),
    "progress_delete": Row(_progress_line, get=POST_ONLY, post=only(302, "scholar"), hx_post=only(200, "scholar")),
    # my growth: the scholar; their mentors the parts shared (all of them here); a scholar saves
    "growth": Row(_growth_shared, get=only(200, "scholar", "mentor", "second_mentor"), post=GET_ONLY),
    "growth_sharing_save": Row(NO_ARGS, get=POST_ONLY, post=only(302, "scholar", "other_scholar"), hx_post=only(200, "scholar", "other_scholar")),
    # the time budget and meeting mode: the agenda's scholar, then the pair (never staff)
    "question_estimate": Row(QUESTION, get=POST_ONLY, post=only(302, "scholar"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(200, "scholar"))),
    "question_in_writing": Row(QUESTION, get=POST_ONLY, post=only(302, "scholar"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(200, "scholar"))),
    "questions_in_writing": Row(MEETING, get=POST_ONLY, post=only(302, "scholar"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(200, "scholar"))),
    "live": Row(MEETING, get=only(200, "scholar", "mentor"), post=GET_ONLY, hx_get=hx401(only(200, "scholar", "mentor")), hx_post=hx401(GET_ONLY)),
    "live_poll": Row(MEETING, get=only(200, "scholar", "mentor"), post=GET_ONLY, hx_get=hx401(only(200, "scholar", "mentor")), hx_post=hx401(GET_ONLY)),
    # An empty capture or move is refused with a message (422 to the page's script).
    "live_capture": Row(MEETING, get=POST_ONLY, post=only(302, "scholar", "mentor"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(422, "scholar", "mentor"))),
    "live_move": Row(MEETING, get=POST_ONLY, post=only(302, "scholar", "mentor"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(422, "scholar", "mentor"))),
    # The meeting has not started: "mark held" is refused (a redirect back; 422 to htmx, with why).
    "live_held": Row(MEETING, get=POST_ONLY, post=only(302, "mentor"), hx_get=hx401(POST_ONLY), hx_post=hx401(only(422, "mentor"))),
    # The JSON API (/api/). A session is not a token: every operation answers 401 here, 405 to a
    # method it does not have, and never a page. What each role's *token* gets from each operation
    # (and that nothing leaks) is tests/api/test_permissions.py's matrix, over the API's schema.
    "api:me": Row(NO_ARGS, get=public(401), post=public(405)),
    "api:meetings": Row(NO_ARGS, get=public(401), post=public(405)),
    "api:meeting": Row(lambda w: {"meeting_id": w.meeting.pk}, get=public(401), post=public(405)),
    "api:agenda": Row(lambda w: {"meeting_id": w.meeting.pk}, get=public(401), post=public(405)),
    "api:agenda_update": Row(lambda w: {"meeting_id": w.meeting.pk}, get=public(401), post=public(405)),
    "api:brief": Row(lambda w: {"meeting_id": w.meeting.pk}, get=public(401), post=public(405)),
    "api:action_items": Row(NO_ARGS, get=public(401), post=public(405)),
    "api:action_item_update": Row(lambda w: {"item_id": w.action.pk}, get=public(405), post=public(405)),
    "api:history": Row(lambda w: {"user_id": w.scholar.pk}, get=public(401), post=public(405)),
    "api:reading": Row(lambda w: {"user_id": w.scholar.pk}, get=public(401), post=public(405)),
    "api:cadence": Row(PROGRAM, get=public(401), post=public(405)),
    # the schema describes the API, nothing of anyone's; its readable docs are for signed-in people
    "api:openapi-json": Row(NO_ARGS, get=public(200), post=public(405)),
    "api:docs": Row(NO_ARGS, get=everyone(200), post=GET_ONLY),
    "api:api-root": Row(NO_ARGS, get=public(404), post=public(404)),
    "api:unknown": Row(lambda w: {"rest": "no-such-thing"}, get=public(404), post=public(404)),
    # Settings → API tokens: an empty name is refused with a message (302 back to Settings)
    "api_token_create": Row(NO_ARGS, get=POST_ONLY, post=everyone(302)),
    "api_token_revoke": Row(lambda w: {"pk": _api_token(w)}, get=POST_ONLY, post=only(302, "scholar")),
}
# fmt: on


def _webhook(w) -> dict:
    """The scholar's own webhook endpoint."""
    from tests.factories import WebhookSubscriptionFactory

    return {"pk": WebhookSubscriptionFactory(owner=w.scholar).pk}


def _given_up(w) -> dict:
    """A message to the scholar's own webhook that was given up."""
    from tests.factories import WebhookDeliveryFactory

    delivery = WebhookDeliveryFactory(subscription__owner=w.scholar, status="failed")
    return {"pk": delivery.subscription_id, "delivery_pk": delivery.pk}


# Webhooks: anyone adds their own; only its owner manages it; a program's, its staff.
# An empty form is shown again with its errors (200).
# fmt: off
MATRIX |= {
    "webhook_new": Row(NO_ARGS, get=everyone(200), post=everyone(200)),
    "webhook": Row(_webhook, get=only(200, "scholar"), post=only(200, "scholar")),
    "webhook_rotate": Row(_webhook, get=POST_ONLY, post=only(302, "scholar")),
    "webhook_active": Row(_webhook, get=POST_ONLY, post=only(302, "scholar")),
    "webhook_test": Row(_webhook, get=POST_ONLY, post=only(302, "scholar")),
    "webhook_delete": Row(_webhook, get=POST_ONLY, post=only(302, "scholar")),
    "webhook_resend": Row(_given_up, get=POST_ONLY, post=only(302, "scholar")),
    "program_webhooks": Row(PROGRAM, get=only(200, "staff", "manager"), post=only(200, "staff", "manager")),
    # Sign-in providers (none configured here: not found); unlinking one's own provider sign-in.
    "google_login": Row(NO_ARGS, get=public(404), post=public(404)),
    "google_callback": Row(NO_ARGS, get=public(404), post=public(404)),
    "openid_connect_login": Row(OIDC_PROVIDER, get=public(404), post=public(404)),
    "openid_connect_callback": Row(OIDC_PROVIDER, get=public(404), post=public(404)),
    "sso_link_remove": Row(SCHOLARS_SIGN_IN, get=POST_ONLY, post=only(302, "scholar")),
    # Settings → Slack: one's own link; 404 while the site has no Slack bot token (tests/slack/)
    "slack_connect": Row(NO_ARGS, get=POST_ONLY, post=everyone(404)),
    "slack_confirm": Row(NO_ARGS, get=POST_ONLY, post=everyone(404)),
    "slack_choices": Row(NO_ARGS, get=POST_ONLY, post=everyone(404)),
    "slack_disconnect": Row(NO_ARGS, get=POST_ONLY, post=everyone(404)),
}
# fmt: on


@pytest.fixture
def sec(sec: SecurityWorld) -> SecurityWorld:
    """Every role of the security world, and a second mentor of the same scholar."""
    return with_second_mentor(sec)


def _project_urls() -> list[tuple[str, str]]:
    """(name, pattern) of every URL pattern, recursively; the admin and static files aside."""
    found: list[tuple[str, str]] = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if p.namespace == "admin" or p.app_name == "admin":
                    continue
                ns = p.namespace if p.namespace else namespace
                if namespace and p.namespace:
                    ns = f"{namespace}:{p.namespace}"
                walk(p.url_patterns, route, ns)
            elif isinstance(p, URLPattern):
                if route.lstrip("^").startswith((settings.STATIC_URL.strip("/"), "media")):
                    continue
                name = f"{namespace}:{p.name}" if namespace and p.name else p.name
                found.append((name or f"<unnamed {route}>", route))

    walk(get_resolver().url_patterns, "/", None)
    return found


PROJECT_URLS = _project_urls()


def test_it_finds_the_projects_urls_from_the_resolver():
    names = {name for name, _ in PROJECT_URLS}
    assert {"home", "brief", "agenda", "login", "cadence"} <= names
    assert not any(route.startswith("/admin") for _, route in PROJECT_URLS)


def _expected_for_htmx(url: str, expected: dict[str, Expected]) -> dict[str, Expected]:
    """What an htmx request gets: as a plain one, except that the sign-in middleware answers a
    signed-out person 401 on every view that needs sign-in (a public view answers for itself)."""
    public = getattr(resolve(url).func, "login_required", True) is False
    return expected if public else hx401(expected)


def _status_problem(response, expected: Expected) -> str | None:
    got = response.status_code
    where = response.headers.get("Location", "")
    to_login = got == 302 and where.startswith(reverse("login"))
    if expected == LOGIN:
        ok = to_login
    elif expected == 302:
        ok = got == 302 and not to_login
    else:
        ok = got == expected
    return None if ok else f"expected {expected}, got {got}{' → ' + where if where else ''}"


def _template_comment(response) -> str:
    """A Django comment the template engine did not remove (`{# … #}` spanning lines is printed
    as text): the part of the page around it, or "" when there is none."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return ""
    text = response.getvalue().decode(errors="replace")
    for mark in ("{#", "#}"):
        if (at := text.find(mark)) >= 0:
            return text[max(0, at - 60) : at + 60]
    return ""


def _leaks(content: bytes, role: str) -> list[str]:
    # search results mark their matches: "<mark>SECRET</mark>-…" is a leak of "SECRET-…" too
    text = content.decode(errors="replace").replace("<mark>", "").replace("</mark>", "")
    return [s for s in forbidden_for(role) if s in text]


def request_as(sec: SecurityWorld, role: str, method: str, url: str, htmx: bool = False):
    """One request as `role`, rolled back afterwards so every request sees the same data."""
    with transaction.atomic():
        client = sec.client_for(sec.user(role))
        response = getattr(client.htmx if htmx else client, method)(url)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("name,route", PROJECT_URLS, ids=[n for n, _ in PROJECT_URLS])
def test_it_answers_every_role_as_the_matrix_says(sec, name, route):
    row = MATRIX.get(name)
    if row is None:
        pytest.fail(
            f"URL {name!r} ({route}) is not in the permission matrix. Add one line to MATRIX in "
            f"tests/security/test_matrix.py, e.g.\n"
            f'    "{name}": Row(MEETING, get=only(200, "scholar", "mentor"), post=GET_ONLY),\n'
            "saying what each role gets (see the module docstring)."
        )
    url = reverse(name, kwargs=row.kwargs(sec))
    hx_get_url = url + ("?" + urlencode(row.hx_query) if row.hx_query else "")
    variants = [
        ("get", False, row.get, url),
        ("post", False, row.post, url),
        ("get", True, _expected_for_htmx(url, row.hx_get or row.get), hx_get_url),
        ("post", True, _expected_for_htmx(url, row.hx_post or row.post), url),
    ]
    failures: list[str] = []
    for role in ROLES:
        for method, htmx, expectations, target in variants:
            response = request_as(sec, role, method, target, htmx)
            label = f"{role:13} {method.upper():4} {'htmx ' if htmx else ''}{target}"
            if problem := _status_problem(response, expectations[role]):
                failures.append(f"{label}: {problem}")
            if leaked := _leaks(response.getvalue(), role):
                failures.append(f"{label}: LEAKS {', '.join(leaked)}")
            if template_comment := _template_comment(response):
                failures.append(f"{label}: shows a template comment: {template_comment}")
    assert not failures, "\n".join(failures)


def test_it_has_no_stale_rows_in_the_matrix():
    names = {name for name, _ in PROJECT_URLS}
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"MATRIX rows for URLs that no longer exist: {stale}"


@pytest.mark.parametrize(
    "role,name,kwargs,sentinels",
    [
        ("scholar", "brief", MEETING, ["SECRET-BOTTLENECK", "SECRET-WB-ONLYME", "SECRET-ACTION"]),
        (
            "mentor",
            "brief",
            MEETING,
            ["SECRET-BOTTLENECK", "SECRET-ANNOTATION", "SECRET-ANSWER", "SECRET-MEETING-NOTE"],
        ),
        ("scholar", "agenda", lambda w: {"pk": w.draft_meeting.pk}, ["SECRET-DRAFT-ONLY"]),
        ("mentor", "history", SCHOLAR, ["SECRET-WB-MENTORS", "SECRET-QUESTION", "SECRET-ACTION"]),
        ("second_mentor", "history", SCHOLAR, ["SECRET-SECOND-PAIR check-in"]),
        (
            "scholar",
            "history",
            SCHOLAR,
            ["SECRET-WB-MANAGER", "SECRET-DRAFT-ONLY", "SECRET-SECOND-PAIR"],
        ),
        ("scholar", "agenda_revisions", MEETING, ["SECRET-DRAFT-HISTORY", "SECRET-WB-REVISION"]),
        ("mentor", "agenda_revisions", MEETING, ["SECRET-REVISED-BOTTLENECK"]),
        ("scholar", "my_data_export", NO_ARGS, ["SECRET-WB-ONLYME", "SECRET-DRAFT-ONLY"]),
        ("mentor", "my_data_export", NO_ARGS, ["SECRET-ANNOTATION", "SECRET-MEETING-NOTE"]),
        ("other_scholar", "peer_board", PROGRAM, ["Older bottleneck", "SECRET-PEER-OFFER"]),
        ("scholar", "peer_board", PROGRAM, ["Older bottleneck", "SECRET-PEER-OFFER"]),
        ("scholar", "home", NO_ARGS, ["SECRET-PEER-OFFER", "SECRET-PROGRESS-LINE"]),
        # the peer named in "whom I asked" is told so: the scholar's name, nothing of the entry
        ("other_scholar", "home", NO_ARGS, ["listed you as someone they asked"]),
        (
            "second_mentor",
            "reading",
            SCHOLAR,
            ["SECRET-READING-TAKEAWAY", "SECRET-RECOMMENDATION", "SECRET-PROGRESS-LINE"],
        ),
        (
            "scholar",
            "report",
            SCHOLAR,
            ["SECRET-BOTTLENECK", "SECRET-SECOND-PAIR", "SECRET-ANSWER"],
        ),
        ("scholar", "live", MEETING, ["SECRET-CAPTURE", "SECRET-QUESTION"]),
        ("mentor", "live_poll", MEETING, ["SECRET-CAPTURE"]),
    ],
)
def test_it_renders_the_sentinels_to_those_allowed(sec, role, name, kwargs, sentinels):
    """The leak checks above mean something only if the sentinels do reach the pages."""
    content = request_as(sec, role, "get", reverse(name, kwargs=kwargs(sec))).content.decode()
    for sentinel in sentinels:
        assert sentinel in content


@pytest.mark.parametrize(
    "role,sentinels",
    [
        (
            "scholar",
            ["SECRET-DRAFT-ONLY", "SECRET-WB-ONLYME", "SECRET-WB-MANAGER", "SECRET-SECOND-PAIR"],
        ),
        ("mentor", ["SECRET-BOTTLENECK", "SECRET-ANNOTATION", "SECRET-WB-MENTORS"]),
        (
            "second_mentor",
            [
                "SECRET-SECOND-PAIR",
                "SECRET-READING-TAKEAWAY",
                "SECRET-RECOMMENDATION",
                "SECRET-PROGRESS-LINE",
            ],
        ),
    ],
)
def test_it_finds_the_sentinels_a_role_may_see_through_history_search(sec, role, sentinels):
    """The matrix's search for "SECRET" must find what each role may see, so that its leak
    check means something."""
    row = MATRIX["history_search"]
    url = reverse("history_search", kwargs=row.kwargs(sec)) + "?" + urlencode(row.hx_query)
    content = request_as(sec, role, "get", url, htmx=True).content
    assert b"<mark>SECRET</mark>" in content
    assert not _leaks(content, role)
    found = content.decode().replace("<mark>", "").replace("</mark>", "")
    for sentinel in sentinels:
        assert sentinel in found


@pytest.mark.parametrize(
    "role,sentinels",
    [
        ("mentor", ["SECRET-BOTTLENECK", "SECRET-ANSWER", "SECRET-READING-TAKEAWAY"]),
        ("second_mentor", ["SECRET-SECOND-PAIR bottleneck", "SECRET-READING-TAKEAWAY"]),
    ],
)
def test_a_shared_report_shows_each_mentor_what_they_may_see_and_no_more(sec, role, sentinels):
    """Once the scholar shares it, each mentor opens the report; nothing they may not see
    elsewhere reaches it (no check-in even where shared, no other pair's text)."""
    GrowthSharingFactory(scholar=sec.scholar, report=True)
    for name in ("report", "report_pdf"):
        for other in ("other_mentor", "other_scholar", "staff", "manager", "outsider"):
            url = reverse(name, kwargs=SCHOLAR(sec))
            assert request_as(sec, other, "get", url).status_code == 404
    response = request_as(sec, role, "get", reverse("report", kwargs=SCHOLAR(sec)))
    assert response.status_code == 200
    assert not _leaks(response.content, role)
    content = response.content.decode()
    for sentinel in sentinels:
        assert sentinel in content
    assert "SECRET-WB-MENTORS" not in content and "SECRET-SECOND-PAIR check-in" not in content


# The mentor's writes with valid data (the matrix posts none): what each must leave unchanged
# when the matrix says the role is refused.
MENTOR_WRITES: dict[str, dict] = {
    "annotation_add": {"body": "REFUSED", "section": "asks"},
    "annotation_edit": {"body": "REFUSED"},
    "question_answer": {"answer": "REFUSED"},
    "question_status": {"status": "resolved"},
    "private_note_save": {"text": "REFUSED"},
    "action_add": {"text": "REFUSED", "owner": "scholar"},
    "note_add": {"kind": "note", "body": "REFUSED"},
    "meeting_held": {},
    "annotation_delete": {},
    "live_held": {},
}


def _written(sec: SecurityWorld) -> list:
    """What the mentor's writes change, as plain values."""
    from meetings.models import ActionItem, Annotation, Meeting, MeetingNote, MentorPrivateNote

    return [
        list(Annotation.objects.values_list("pk", "body").order_by("pk")),
        list(sec.agenda.questions.values_list("status", "answer")),
        list(ActionItem.objects.values_list("text", flat=True).order_by("pk")),
        list(MeetingNote.objects.values_list("body", flat=True).order_by("pk")),
        list(MentorPrivateNote.objects.values_list("text", flat=True)),
        Meeting.objects.get(pk=sec.meeting.pk).status,
    ]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "mentor"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_changes_nothing_when_it_refuses_a_write(sec, role, htmx):
    before = _written(sec)
    refused = 0
    for name, data in MENTOR_WRITES.items():
        row = MATRIX[name]
        url = reverse(name, kwargs=row.kwargs(sec))
        expected = _expected_for_htmx(url, row.hx_post or row.post) if htmx else row.post
        if expected[role] not in (404, LOGIN, 401):
            continue
        client = sec.client_for(sec.user(role))
        client = client.htmx if htmx else client
        response = client.post(url, data)
        assert not _status_problem(response, expected[role]), name
        refused += 1
    assert refused >= len(MENTOR_WRITES) - 1  # a second mentor may keep their own note
    assert _written(sec) == before


@pytest.mark.parametrize("role", ["scholar", "mentor"])
def test_it_answers_an_htmx_request_for_part_of_the_brief_with_that_part(sec, role):
    row = MATRIX["brief"]
    url = reverse("brief", kwargs=row.kwargs(sec)) + "?" + urlencode(row.hx_query)
    response = request_as(sec, role, "get", url, htmx=True)
    assert response.status_code == 200
    assert b'id="actions"' in response.content and b"<html" not in response.content
    assert "HX-Request" in response.get("Vary", "")


# --- The admin: operators only ------------------------------------------------------------
# The admin is for operators (superusers) only. A program-staff account with the admin flag and
# every model permission there is gets the admin's login page for every admin URL, GET or POST,
# and changes nothing: the holes a scoped admin left (making oneself a pair's mentor, moving a
# meeting into another program's pair, redirecting a pending invitation to oneself, renaming
# people) cannot be used.
@pytest.fixture
def staff_admin(world) -> Client:
    staff = world.staff
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(staff)
    return client


def _admin_urls(world, apps: tuple[str, ...] = ()) -> list[str]:
    """Every registered model's list, add, change, delete and history pages (of `apps`
    only, when given)."""
    InviteFactory(program=world.program, user=UserFactory(), email="new@example.org")
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        if apps and meta.app_label not in apps:
            continue
        name = f"admin:{meta.app_label}_{meta.model_name}"
        urls += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        obj = model.objects.first()
        if obj is not None:
            for view in ("change", "delete", "history"):
                with contextlib.suppress(NoReverseMatch):  # a view the model does not have
                    urls.append(reverse(f"{name}_{view}", args=[obj.pk]))
    return urls


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_it_sends_a_staff_account_with_every_permission_to_the_admin_login(world, staff_admin):
    urls = _admin_urls(world)
    assert len(urls) > 30  # every model of both apps is registered
    refused = [
        (method, url)
        for url in urls
        for method in ("get", "post")
        if not _is_login_redirect(getattr(staff_admin, method)(url))
    ]
    assert refused == []


@pytest.mark.django_db
def test_it_lets_a_staff_account_change_nothing_through_the_admin(world, staff_admin):
    other_pair = MentorshipFactory(program=world.other_program)
    invite = InviteFactory(
        program=world.program, user=UserFactory(username="invitee"), email="invitee@example.org"
    )
    attempts = [
        (
            reverse("admin:accounts_mentorship_change", args=[world.mentorship.pk]),
            {
                "program": world.program.pk,
                "scholar": world.scholar.pk,
                "mentor": world.staff.pk,
                "cadence_days": 7,
                "started_on": "2026-01-01",
                "active": "on",
            },
        ),
        (
            reverse("admin:meetings_meeting_change", args=[world.meeting.pk]),
            {
                "mentorship": other_pair.pk,
                "scheduled_at_0": "2026-12-20",
                "scheduled_at_1": "10:00:00",
                "duration_minutes": 30,
                "status": "planned",
            },
        ),
        (
            reverse("admin:accounts_invite_change", args=[invite.pk]),
            {"email": world.staff.email, "program": world.program.pk, "role": "scholar"},
        ),
        (
            reverse("admin:accounts_user_change", args=[world.scholar.pk]),
            {"username": "renamed", "display_name": "Renamed", "time_zone": "UTC"},
        ),
    ]
    for url, data in attempts:
        assert _is_login_redirect(staff_admin.post(url, data)), url
    world.mentorship.refresh_from_db()
    assert world.mentorship.mentor_id == world.mentor.pk
    assert Meeting.objects.get(pk=world.meeting.pk).mentorship_id == world.mentorship.pk
    assert Invite.objects.get(pk=invite.pk).email == "invitee@example.org"
    assert User.objects.get(pk=world.scholar.pk).username == world.scholar.username
    assert Mentorship.objects.filter(mentor=world.staff).count() == 0


@pytest.mark.django_db
def test_it_lets_an_operator_use_the_admin_for_everything(world, client):
    MeetingFactory(mentorship=world.mentorship)
    client.force_login(UserFactory(username="op", is_staff=True, is_superuser=True))
    # the task queue's own admin (django_tasks_db) is read-only: its add page answers 403
    urls = _admin_urls(world, apps=("accounts", "meetings"))
    answers = {url: client.get(url).status_code for url in urls}
    # a Slack link is only made by its person typing the code Slack sent them: no adding here
    read_only = {reverse("admin:accounts_slackconnection_add"): 403}
    assert {url: code for url, code in answers.items() if code != 200} == read_only
