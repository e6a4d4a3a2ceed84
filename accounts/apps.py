from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"


class OperatorsAdminConfig(admin_apps.AdminConfig):
    """Django's admin, open to operators (superusers) only."""

    default = False
    default_site = "accounts.admin_site.OperatorsAdminSite"
