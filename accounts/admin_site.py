from django.contrib import admin


class OperatorsAdminSite(admin.AdminSite):
    """The admin is for operators (superusers) who run the service. Program staff act on their
    program only through the app's own pages, which apply the rules of who sees what; a staff
    account with admin flags or permissions gets the admin's login page, like anyone else."""

    site_header = "mentorprep administration"

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser
