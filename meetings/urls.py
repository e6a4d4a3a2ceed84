from django.urls import path

from . import staff_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/agenda/", views.agenda_edit, name="agenda"),
    path("meetings/<int:pk>/questions/", views.question_add, name="question_add"),
    path("meetings/<int:pk>/brief/", views.brief, name="brief"),
    path("meetings/<int:pk>/annotations/", views.annotation_add, name="annotation_add"),
    path("meetings/<int:pk>/actions/", views.action_add, name="action_add"),
    path("meetings/<int:pk>/notes/", views.note_add, name="note_add"),
    path("meetings/<int:pk>/held/", views.meeting_held, name="meeting_held"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
    path("questions/<int:pk>/move/", views.question_move, name="question_move"),
    path("questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("annotations/<int:pk>/delete/", views.annotation_delete, name="annotation_delete"),
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
