from django.contrib.auth import views as auth_views
from django.urls import path

from . import invite_views, views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("settings/", views.settings_view, name="settings"),
    # --- issue 5: password reset (no user enumeration), programs, invitations, CSV import ---
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="mail/password_reset.txt",
            subject_template_name="mail/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("me/", views.account, name="account"),
    path("invite/<str:token>/", invite_views.invite_accept, name="invite_accept"),
    path("programs/new/", invite_views.program_new, name="program_new"),
    path("programs/<slug:slug>/people/", invite_views.program_people, name="program_people"),
    path(
        "programs/<slug:slug>/invites/<int:pk>/resend/",
        invite_views.invite_resend,
        name="invite_resend",
    ),
    path(
        "programs/<slug:slug>/import/",
        invite_views.mentorship_import,
        name="mentorship_import",
    ),
]

# Issue 4: the calendar feed's secret link.
urlpatterns += [
    path("settings/calendar-token/", views.ics_token_rotate, name="ics_token_rotate"),
]

# issue 6: deleting a person (program staff and operators)
from . import deletion_views  # noqa: E402

urlpatterns += [
    path("people/<int:user_id>/delete/", deletion_views.user_delete, name="user_delete"),
]
