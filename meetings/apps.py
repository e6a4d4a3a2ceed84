from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"

    def ready(self) -> None:
        # Issue 4: mail the mentor when a brief is submitted or updated.
        from . import notifications  # noqa: F401
