from django.urls import path

from . import agenda_views, calendar_views, mentor_views, staff_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/agenda/", views.agenda_edit, name="agenda"),
    path("meetings/<int:pk>/questions/", views.question_add, name="question_add"),
    path("meetings/<int:pk>/brief/", mentor_views.brief, name="brief"),
    path("meetings/<int:pk>/annotations/", mentor_views.annotation_add, name="annotation_add"),
    path("meetings/<int:pk>/actions/", mentor_views.action_add, name="action_add"),
    path("meetings/<int:pk>/notes/", mentor_views.note_add, name="note_add"),
    path("meetings/<int:pk>/held/", views.meeting_held, name="meeting_held"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
    path("questions/<int:pk>/move/", views.question_move, name="question_move"),
    path("questions/<int:pk>/answer/", mentor_views.question_answer, name="question_answer"),
    path("annotations/<int:pk>/delete/", mentor_views.annotation_delete, name="annotation_delete"),
    path("actions/<int:pk>/toggle/", views.action_toggle, name="action_toggle"),
    path("scholars/<int:user_id>/history/", views.history, name="history"),
    # --- issue 5: program staff and research managers (figures only) ---
    path("programs/<slug:slug>/cadence/", staff_views.cadence, name="cadence"),
    path("programs/<slug:slug>/cadence.csv", staff_views.cadence_csv, name="cadence_csv"),
    path(
        "programs/<slug:slug>/scholars/<int:user_id>/",
        staff_views.scholar_summary,
        name="scholar_summary",
    ),
    path(
        "programs/<slug:slug>/mentors/<int:user_id>/",
        staff_views.mentor_summary,
        name="mentor_summary",
    ),
    path(
        "programs/<slug:slug>/my-scholars/",
        staff_views.managed_scholars,
        name="managed_scholars",
    ),
]

# Issue 4: the mentor's side (brief, annotation, triage, private note, PDF) and the calendar.
urlpatterns += [
    path("meetings/<int:pk>/brief.pdf", mentor_views.brief_pdf, name="brief_pdf"),
    path("annotations/<int:pk>/edit/", mentor_views.annotation_edit, name="annotation_edit"),
    path("questions/<int:pk>/status/", mentor_views.question_status, name="question_status"),
    path(
        "scholars/<int:user_id>/private-note/",
        mentor_views.private_note_save,
        name="private_note_save",
    ),
    path("meetings/series/new/", calendar_views.series_new, name="series_new"),
    path(
        "meetings/<int:pk>/reschedule/",
        calendar_views.meeting_reschedule,
        name="meeting_reschedule",
    ),
    path("calendar/<str:token>.ics", calendar_views.ics_feed, name="ics_feed"),
]

urlpatterns += [
    # Issue 3: the scholar's drafting experience (autosave, ranking, carry-forward).
    path(
        "meetings/<int:pk>/agenda/autosave/",
        agenda_views.agenda_autosave,
        name="agenda_autosave",
    ),
    path(
        "meetings/<int:pk>/questions/reorder/",
        agenda_views.question_reorder,
        name="question_reorder",
    ),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/done/",
        agenda_views.agenda_item_done,
        name="agenda_item_done",
    ),
    path("questions/<int:pk>/state/", agenda_views.question_state, name="question_state"),
]

# issue 6: agenda revision history
from . import revision_views  # noqa: E402

urlpatterns += [
    path(
        "meetings/<int:pk>/revisions/",
        revision_views.agenda_revisions,
        name="agenda_revisions",
    ),
]

# issue 6: data downloads
from . import export_views  # noqa: E402

urlpatterns += [
    path("me/export/", export_views.my_data_export, name="my_data_export"),
    path("programs/<slug:slug>/export/", export_views.program_export, name="program_export"),
]
