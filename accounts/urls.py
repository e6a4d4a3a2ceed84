from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

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
]

# issue 6: deleting a person (program staff and operators)
from . import deletion_views  # noqa: E402

urlpatterns += [
    path("people/<int:user_id>/delete/", deletion_views.user_delete, name="user_delete"),
    path("programs/<slug:slug>/people/", deletion_views.program_people, name="program_people"),
]
