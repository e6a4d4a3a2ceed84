from django.urls import path

from . import views

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
    path("programs/<slug:slug>/cadence/", views.cadence, name="cadence"),
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
