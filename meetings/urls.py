from django.urls import path

from .views import agendas, briefs, cadence, calendar, exports, history, home, revisions, scheduling

home_urls = [
    path("", home.home, name="home"),
]

scheduling_urls = [
    path("meetings/new/", scheduling.meeting_new, name="meeting_new"),
    path("meetings/series/new/", scheduling.meeting_new, {"repeat": "7"}, name="series_new"),
    path("meetings/<int:pk>/", scheduling.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/held/", scheduling.meeting_held, name="meeting_held"),
    path("meetings/<int:pk>/cancel/", scheduling.meeting_cancel, name="meeting_cancel"),
    path(
        "meetings/<int:pk>/reschedule/", scheduling.meeting_reschedule, name="meeting_reschedule"
    ),
]

calendar_urls = [
    path("calendar/<str:token>.ics", calendar.ics_feed, name="ics_feed"),
]

agenda_urls = [
    path("meetings/<int:pk>/agenda/", agendas.agenda_edit, name="agenda"),
    path("meetings/<int:pk>/agenda/autosave/", agendas.agenda_autosave, name="agenda_autosave"),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/done/",
        agendas.agenda_item_done,
        name="agenda_item_done",
    ),
    path("meetings/<int:pk>/questions/", agendas.question_add, name="question_add"),
    path("meetings/<int:pk>/questions/reorder/", agendas.question_reorder, name="question_reorder"),
    path("questions/<int:pk>/edit/", agendas.question_edit, name="question_edit"),
    path("questions/<int:pk>/delete/", agendas.question_delete, name="question_delete"),
    path("questions/<int:pk>/move/", agendas.question_move, name="question_move"),
    path("questions/<int:pk>/state/", agendas.question_state, name="question_state"),
    path("meetings/<int:pk>/revisions/", revisions.agenda_revisions, name="agenda_revisions"),
]

brief_urls = [
    path("meetings/<int:pk>/brief/", briefs.brief, name="brief"),
    path("meetings/<int:pk>/brief.pdf", briefs.brief_pdf, name="brief_pdf"),
    path("meetings/<int:pk>/annotations/", briefs.annotation_add, name="annotation_add"),
    path("annotations/<int:pk>/edit/", briefs.annotation_edit, name="annotation_edit"),
    path("annotations/<int:pk>/delete/", briefs.annotation_delete, name="annotation_delete"),
    path("questions/<int:pk>/answer/", briefs.question_answer, name="question_answer"),
    path("questions/<int:pk>/status/", briefs.question_status, name="question_status"),
    path("meetings/<int:pk>/actions/", briefs.action_add, name="action_add"),
    path("actions/<int:pk>/toggle/", briefs.action_toggle, name="action_toggle"),
    path("meetings/<int:pk>/notes/", briefs.note_add, name="note_add"),
    path(
        "scholars/<int:user_id>/private-note/", briefs.private_note_save, name="private_note_save"
    ),
]

history_urls = [
    path("scholars/<int:user_id>/history/", history.history, name="history"),
    path("me/export/", exports.my_data_export, name="my_data_export"),
]

# Program staff and research managers: figures only.
program_urls = [
    path("programs/<slug:slug>/cadence/", cadence.cadence, name="cadence"),
    path("programs/<slug:slug>/cadence.csv", cadence.cadence_csv, name="cadence_csv"),
    path(
        "programs/<slug:slug>/scholars/<int:user_id>/",
        cadence.scholar_summary,
        name="scholar_summary",
    ),
    path(
        "programs/<slug:slug>/mentors/<int:user_id>/",
        cadence.mentor_summary,
        name="mentor_summary",
    ),
    path("programs/<slug:slug>/my-scholars/", cadence.managed_scholars, name="managed_scholars"),
    path("programs/<slug:slug>/export/", exports.program_export, name="program_export"),
]

urlpatterns = (
    home_urls
    + scheduling_urls
    + calendar_urls
    + agenda_urls
    + brief_urls
    + history_urls
    + program_urls
)
