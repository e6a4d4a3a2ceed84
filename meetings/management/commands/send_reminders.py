"""Send the reminders that are due: safe to run from cron every few minutes (each goes once).

- to the scholar, 48 hours before a meeting whose agenda is not submitted;
- to the mentor, 24 hours before a meeting whose submitted brief they have not opened.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from meetings.notifications import send_due_reminders


class Command(BaseCommand):
    help = "Send due meeting reminders (each reminder goes once; run it from cron)."

    def handle(self, *args, **options) -> None:
        counts = send_due_reminders()
        self.stdout.write(
            "Reminders: {sent} sent, {queued} queued, {skipped} skipped "
            "(turned off or already sent), {failed} failed.".format(**counts)
        )
