from django.contrib import admin
from django.urls import include, path

from accounts.urls import program_urlpatterns
from config.health import health

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("accounts.sso_urls")),
    path("programs/", include(program_urlpatterns)),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("", include("meetings.webhooks.urls")),
    path("api/", include("meetings.api.urls")),
    path("", include("meetings.urls")),
]

# Oversized requests get a friendly 413 page instead of a bare 400.
handler400 = "accounts.errors.bad_request"
# A calm 503 while the database restarts; a page of our own for other 500s.
handler500 = "accounts.errors.server_error"
