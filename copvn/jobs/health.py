"""Is background work being done? The health endpoint's answer, for a load balancer or systemd to act on.

Two ages say it: the newest worker heartbeat (is any worker alive?) and the oldest task waiting to run (is
the queue moving?). Either past its limit (COPVN_HEALTH_WORKER_SECONDS, COPVN_HEALTH_QUEUE_SECONDS) makes
the service unhealthy, even though the web pages still answer.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat


def snapshot() -> dict:
    now = timezone.now()
    newest = WorkerHeartbeat.objects.aggregate(newest=Max("last_seen"))["newest"]
    oldest = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))["oldest"]
    worker_age = round((now - newest).total_seconds(), 1) if newest else None
    queue_age = round(max((now - oldest).total_seconds(), 0.0), 1) if oldest else None
    problems = []
    if worker_age is None or worker_age > settings.HEALTH_WORKER_SECONDS:
        problems.append("worker")
    if queue_age is not None and queue_age > settings.HEALTH_QUEUE_SECONDS:
        problems.append("queue")
    return {
        "status": "unhealthy" if problems else "ok",
        "problems": problems,
        "worker_heartbeat_age_seconds": worker_age,
        "oldest_queued_task_age_seconds": queue_age,
        "limits": {"worker_heartbeat_seconds": settings.HEALTH_WORKER_SECONDS,
                   "queued_task_seconds": settings.HEALTH_QUEUE_SECONDS},
    }
