"""Queue again the webhook messages whose worker died while sending them: safe to run from cron
every few minutes, beside `send_reminders` (a message claimed by a live worker is left alone,
and one answered 2xx is never sent again)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from meetings.webhooks.delivery import requeue_abandoned


class Command(BaseCommand):
    help = "Re-queue webhook messages abandoned by a worker that stopped (run it from cron)."

    def handle(self, *args, **options) -> None:
        queued = requeue_abandoned()
        self.stdout.write(f"Webhook messages queued again: {queued}.")
