"""/health/ for load balancers and monitoring: can this instance serve, is mail going out?

Public (a load balancer has no session) and free of private data: it says only whether the
database answers and how many minutes the oldest due task (mail, sent by `manage.py db_worker`)
has waited. 200 when both are fine, 503 otherwise: a load balancer takes an instance whose
database is unreachable out of rotation, and a monitor notices that the workers stopped
(README, "Deployment").
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult, get_date_max


def oldest_due_task_minutes() -> float | None:
    """Minutes the oldest due task has waited for a worker (none when no task is due). A task
    waits from when it was queued, or from its run-after time when that came later (a retry)."""
    no_delay = get_date_max()  # django_tasks_db's "run as soon as possible"
    waiting_since = Case(
        When(run_after=no_delay, then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
    )
    oldest = DBTaskResult.objects.ready().aggregate(since=Min(waiting_since))["since"]
    if oldest is None:
        return None
    return max(0.0, (timezone.now() - oldest).total_seconds() / 60)


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    limit = settings.HEALTH_TASK_MAX_AGE_MINUTES
    try:
        waited = oldest_due_task_minutes()
    except DatabaseError:
        # Not handler500's page: a monitor wants the status and a word, not HTML.
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    stalled = waited is not None and waited > limit
    return JsonResponse(
        {
            "status": "stalled" if stalled else "ok",
            "database": "ok",
            "oldest_due_task_minutes": None if waited is None else round(waited, 1),
            "task_max_age_minutes": limit,
        },
        status=503 if stalled else 200,
    )
