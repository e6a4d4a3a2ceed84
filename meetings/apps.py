from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"

    def ready(self) -> None:
        # Issue 4: mail the mentor when a brief is submitted or updated.
        from . import notifications  # noqa: F401
        from .page_cache import connect

        connect()  # issue 5: pairs' content versions follow every write to their briefs
