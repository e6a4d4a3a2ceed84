from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

import config.ids  # noqa: F401  (registers the <id:…> converter)

from . import sso
from .views import api_tokens, deletion, imports, invitations, people, programs, settings, slack

# Under /accounts/: logging in, passwords, a person's own settings, accepting an invitation.
urlpatterns = [
    path(
        "login/",
        sso.allow_provider_forms(
            auth_views.LoginView.as_view(
                redirect_authenticated_user=True, authentication_form=sso.PasswordLoginForm
            )
        ),
        name="login",
    ),
    # Logging out needs no sign-in: a second tab that already logged out still gets the login page.
    path("logout/", login_not_required(auth_views.LogoutView.as_view()), name="logout"),
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
    # Password reset answers the same for any address: no user enumeration.
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
    path("settings/", settings.settings_view, name="settings"),
    path("settings/calendar-token/", settings.ics_token_rotate, name="ics_token_rotate"),
    path("settings/email/<str:token>/", settings.email_confirm, name="email_confirm"),
    path("settings/api-tokens/", api_tokens.api_token_create, name="api_token_create"),
    path(
        "settings/api-tokens/<id:pk>/revoke/", api_tokens.api_token_revoke, name="api_token_revoke"
    ),
    path("me/", settings.account, name="account"),
    path("invite/<str:token>/", invitations.invite_accept, name="invite_accept"),
]

# Settings → Slack (404 while the site has no Slack bot token).
urlpatterns += [
    path("settings/slack/connect/", slack.connect, name="slack_connect"),
    path("settings/slack/confirm/", slack.confirm, name="slack_confirm"),
    path("settings/slack/choices/", slack.choices, name="slack_choices"),
    path("settings/slack/disconnect/", slack.disconnect, name="slack_disconnect"),
]

# Under /programs/, beside the program's cadence pages (meetings.urls): what staff use to run it.
program_urlpatterns = [
    path("new/", programs.program_new, name="program_new"),
    path("<slug:slug>/people/", people.program_people, name="program_people"),
    path(
        "<slug:slug>/people/<id:user_id>/delete/",
        deletion.user_delete,
        name="user_delete",
    ),
    path(
        "<slug:slug>/invites/<id:pk>/resend/",
        invitations.invite_resend,
        name="invite_resend",
    ),
    path("<slug:slug>/import/", imports.mentorship_import, name="mentorship_import"),
]
