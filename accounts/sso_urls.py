"""Under /accounts/: the sign-in providers' start and return addresses, and unlinking one.

Only these of django-allauth are mounted: its sign-up, password and e-mail pages are not, so
they cannot be reached (a password is set through an invitation, and reset as before)."""

from allauth.socialaccount.providers.google import views as google
from allauth.socialaccount.providers.openid_connect import views as oidc
from django.urls import path

import config.ids  # noqa: F401  (registers the <id:…> converter)

from .sso import remember_time_zone
from .views import sso

urlpatterns = [
    path(
        "google/login/",
        sso.configured("google", remember_time_zone(google.oauth2_login)),
        name="google_login",
    ),
    path(
        "google/login/callback/",
        sso.configured("google", google.oauth2_callback),
        name="google_callback",
    ),
    # allauth's OpenID Connect pair (its own urls.py, with the start view keeping the zone)
    path(
        "oidc/<str:provider_id>/login/",
        remember_time_zone(oidc.login),
        name="openid_connect_login",
    ),
    path(
        "oidc/<str:provider_id>/login/callback/",
        oidc.callback,
        name="openid_connect_callback",
    ),
    path("settings/sign-ins/<id:pk>/remove/", sso.link_remove, name="sso_link_remove"),
]
