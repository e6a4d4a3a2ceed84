from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "mentorprep administration"

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("meetings.urls")),
]

# issue 6: oversized requests get a friendly 413 page instead of a bare 400.
handler400 = "accounts.errors.bad_request"
# issue 6: a calm 503 while the database restarts; a page of our own for other 500s.
handler500 = "accounts.errors.server_error"
