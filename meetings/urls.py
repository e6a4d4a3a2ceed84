from django.urls import path

import config.ids  # noqa: F401  (registers the <id:…> converter)
from meetings.agendas import views as agendas
from meetings.briefs import views as briefs
from meetings.data import views as data
from meetings.growth import views as growth
from meetings.history import views as history
from meetings.home import views as home
from meetings.meeting_mode import views as meeting_mode
from meetings.plans import views as plans
from meetings.reading import views as reading
from meetings.recaps import views as recaps
from meetings.scheduling import views as scheduling
from meetings.staff import views as staff
from meetings.unstuck import views as unstuck

home_urls = [
    path("", home.home, name="home"),
]

scheduling_urls = [
    path("meetings/new/", scheduling.meeting_new, name="meeting_new"),
    path("meetings/series/new/", scheduling.meeting_new, {"repeat": "7"}, name="series_new"),
    path("meetings/<id:pk>/", scheduling.meeting_detail, name="meeting"),
    path("meetings/<id:pk>/held/", scheduling.meeting_held, name="meeting_held"),
    path("meetings/<id:pk>/cancel/", scheduling.meeting_cancel, name="meeting_cancel"),
    path("meetings/<id:pk>/undo/", scheduling.meeting_undo, name="meeting_undo"),
    path(
        "mentorships/<id:pk>/next-meeting/",
        scheduling.proposal_confirm,
        name="proposal_confirm",
    ),
    path("meetings/<id:pk>/reschedule/", scheduling.meeting_reschedule, name="meeting_reschedule"),
]

calendar_urls = [
    path("calendar/<str:token>.ics", scheduling.ics_feed, name="ics_feed"),
]

agenda_urls = [
    path("meetings/<id:pk>/agenda/", agendas.agenda_edit, name="agenda"),
    path("meetings/<id:pk>/agenda/autosave/", agendas.agenda_autosave, name="agenda_autosave"),
    path(
        "meetings/<id:pk>/agenda/items/<id:item_pk>/done/",
        agendas.agenda_item_done,
        name="agenda_item_done",
    ),
    path("meetings/<id:pk>/questions/", agendas.question_add, name="question_add"),
    path("meetings/<id:pk>/questions/reorder/", agendas.question_reorder, name="question_reorder"),
    path("questions/<id:pk>/edit/", agendas.question_edit, name="question_edit"),
    path("questions/<id:pk>/delete/", agendas.question_delete, name="question_delete"),
    path("questions/<id:pk>/move/", agendas.question_move, name="question_move"),
    path("questions/<id:pk>/state/", agendas.question_state, name="question_state"),
    path("meetings/<id:pk>/revisions/", agendas.agenda_revisions, name="agenda_revisions"),
    path("meetings/<id:pk>/help-asked/", agendas.help_add, name="help_add"),
    path("help-asked/<id:pk>/delete/", agendas.help_delete, name="help_delete"),
    path("help-asked/<id:pk>/edit/", agendas.help_edit, name="help_edit"),
]

brief_urls = [
    path("meetings/<id:pk>/brief/", briefs.brief, name="brief"),
    path("meetings/<id:pk>/brief.pdf", briefs.brief_pdf, name="brief_pdf"),
    path("meetings/<id:pk>/annotations/", briefs.annotation_add, name="annotation_add"),
    path("annotations/<id:pk>/edit/", briefs.annotation_edit, name="annotation_edit"),
    path("annotations/<id:pk>/delete/", briefs.annotation_delete, name="annotation_delete"),
    path("questions/<id:pk>/answer/", briefs.question_answer, name="question_answer"),
    path("questions/<id:pk>/status/", briefs.question_status, name="question_status"),
    path("meetings/<id:pk>/actions/", briefs.action_add, name="action_add"),
    path("actions/<id:pk>/toggle/", briefs.action_toggle, name="action_toggle"),
    path("meetings/<id:pk>/notes/", briefs.note_add, name="note_add"),
    path("scholars/<id:user_id>/private-note/", briefs.private_note_save, name="private_note_save"),
]

# After the meeting: the recap, "did you get what you came for?", feedback on leading.
recap_urls = [
    path("meetings/<id:pk>/recap/", recaps.recap, name="recap"),
    path("meetings/<id:pk>/recap/save/", recaps.recap_save, name="recap_save"),
    path("meetings/<id:pk>/recap/confirm/", recaps.recap_confirm, name="recap_confirm"),
    path("meetings/<id:pk>/outcome/", recaps.outcome_save, name="outcome_save"),
    path("meetings/<id:pk>/lead-feedback/", recaps.feedback_save, name="lead_feedback_save"),
]

# The scholar's research plan, and the milestones an agenda's progress advances.
plan_urls = [
    path("scholars/<id:user_id>/plan/", plans.plan, name="plan"),
    path("me/plan/", plans.plan_save, name="plan_save"),
    path("me/plan/milestones/", plans.milestone_add, name="milestone_add"),
    path("milestones/<id:pk>/edit/", plans.milestone_edit, name="milestone_edit"),
    path("milestones/<id:pk>/delete/", plans.milestone_delete, name="milestone_delete"),
    path("meetings/<id:pk>/agenda/milestones/", plans.agenda_milestones, name="agenda_milestones"),
]

# The time budget of the agenda's questions, and meeting mode.
meeting_mode_urls = [
    path("questions/<id:pk>/estimate/", meeting_mode.question_estimate, name="question_estimate"),
    path(
        "questions/<id:pk>/in-writing/",
        meeting_mode.question_in_writing,
        name="question_in_writing",
    ),
    path(
        "meetings/<id:pk>/questions/in-writing/",
        meeting_mode.questions_in_writing,
        name="questions_in_writing",
    ),
    path("meetings/<id:pk>/live/", meeting_mode.live_page, name="live"),
    path("meetings/<id:pk>/live/poll/", meeting_mode.live_poll, name="live_poll"),
    path("meetings/<id:pk>/live/capture/", meeting_mode.live_capture, name="live_capture"),
    path("meetings/<id:pk>/live/move/", meeting_mode.live_move, name="live_move"),
    path("meetings/<id:pk>/live/held/", meeting_mode.live_held, name="live_held"),
]

history_urls = [
    path("scholars/<id:user_id>/history/", history.history, name="history"),
    path(
        "scholars/<id:user_id>/history/search/",
        history.history_search,
        name="history_search",
    ),
    path("me/export/", data.my_data_export, name="my_data_export"),
    # The end-of-program report: the scholar, and their mentors once the scholar shares it.
    path("scholars/<id:user_id>/report/", growth.report_page, name="report"),
    path("scholars/<id:user_id>/growth.pdf", growth.report_pdf, name="report_pdf"),
]

# Program staff and research managers: figures only.
program_urls = [
    path("programs/<slug:slug>/cadence/", staff.cadence, name="cadence"),
    path("programs/<slug:slug>/staff.csv", staff.cadence_csv, name="cadence_csv"),
    path(
        "programs/<slug:slug>/scholars/<id:user_id>/",
        staff.scholar_summary,
        name="scholar_summary",
    ),
    path(
        "programs/<slug:slug>/mentors/<id:user_id>/",
        staff.mentor_summary,
        name="mentor_summary",
    ),
    path("programs/<slug:slug>/my-scholars/", staff.managed_scholars, name="managed_scholars"),
    path("programs/<slug:slug>/export/", data.program_export, name="program_export"),
]

# Peer help: the program's scholars only; offers between the two scholars concerned.
peer_urls = [
    path("programs/<slug:slug>/peers/", unstuck.peer_board, name="peer_board"),
    path(
        "programs/<slug:slug>/peers/<id:pk>/offer/", unstuck.peer_offer_add, name="peer_offer_add"
    ),
    path("bottlenecks/<id:pk>/resolved/", unstuck.bottleneck_resolve, name="bottleneck_resolve"),
    # Sharing is consent: the scholar gives or withdraws it from the brief, history or board.
    path("bottlenecks/<id:pk>/shared/", unstuck.bottleneck_share, name="bottleneck_share"),
    path("peer-offers/<id:pk>/dismiss/", unstuck.peer_offer_dismiss, name="peer_offer_dismiss"),
    # "You were asked": the peer named in a scholar's "whom I asked" hides the notice.
    path("asked-you/<id:pk>/dismiss/", unstuck.asked_dismiss, name="asked_dismiss"),
]

# The reading list and the progress log: the scholar and their mentors.
reading_urls = [
    path("scholars/<id:user_id>/reading/", reading.reading_page, name="reading"),
    path(
        "scholars/<id:user_id>/reading/recommend/",
        reading.reading_recommend,
        name="reading_recommend",
    ),
    path("reading/add/", reading.reading_add, name="reading_add"),
    path("reading/<id:pk>/edit/", reading.reading_edit, name="reading_edit"),
    path("reading/<id:pk>/delete/", reading.reading_delete, name="reading_delete"),
    path("progress/add/", reading.progress_add, name="progress_add"),
    path("progress/<id:pk>/delete/", reading.progress_delete, name="progress_delete"),
]

# My growth: the scholar, and their mentors for the parts the scholar shares.
growth_urls = [
    path("scholars/<id:user_id>/growth/", growth.growth_page, name="growth"),
    path("me/growth/sharing/", growth.growth_sharing_save, name="growth_sharing_save"),
]

urlpatterns = (
    home_urls
    + scheduling_urls
    + calendar_urls
    + agenda_urls
    + brief_urls
    + recap_urls
    + plan_urls
    + meeting_mode_urls
    + history_urls
    + program_urls
    + peer_urls
    + reading_urls
    + growth_urls
)
