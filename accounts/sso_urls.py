"""Under /accounts/: the sign-in providers' start and return addresses, and unlinking one.

Only these of django-allauth are mounted: its sign-up, password and e-mail pages are not, so
they cannot be reached (a password is set through an invitation, and reset as before)."""

from allauth.socialaccount.providers.google import views as google
from allauth.socialaccount.providers.openid_connect.urls import urlpatterns as oidc_urlpatterns
from django.urls import include, path

import config.ids  # noqa: F401  (registers the <id:…> converter)

from .views import sso

urlpatterns = [
    path("google/login/", sso.configured("google", google.oauth2_login), name="google_login"),
    path(
        "google/login/callback/",
        sso.configured("google", google.oauth2_callback),
        name="google_callback",
    ),
    # /accounts/oidc/<provider id>/login/ and …/login/callback/
    path("", include(oidc_urlpatterns)),
    path("settings/sign-ins/<id:pk>/remove/", sso.link_remove, name="sso_link_remove"),
]
