"""Store every agenda's stuck streak and bottleneck stems, and every pair's figures
(`Mentorship.stuck_for`, `last_held_meeting_at`), again, from scratch.

Pages read the figures the stuck detector stored when an agenda changed (meetings/unstuck/streaks.py);
run this once after the migration that added them, and after any change to the detector's
definition (the similarity measure, its synonyms or threshold, LOOK_BACK). Idempotent.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Mentorship
from meetings.unstuck.streaks import recompute_pairs

PAIRS_AT_ONCE = 200


class Command(BaseCommand):
    help = "Store every agenda's stuck streak again (after the migration or a detector change)."

    def handle(self, *args, **options) -> None:
        ids = list(Mentorship.objects.order_by("pk").values_list("pk", flat=True))
        agendas = pairs = 0
        for start in range(0, len(ids), PAIRS_AT_ONCE):
            with transaction.atomic():
                changed = recompute_pairs(ids[start : start + PAIRS_AT_ONCE])
            agendas, pairs = agendas + len(changed.agendas), pairs + len(changed.pairs)
        self.stdout.write(
            f"Stuck streaks stored for {len(ids)} pairs; {agendas} agendas changed, "
            f"{pairs} pairs' figures changed."
        )
