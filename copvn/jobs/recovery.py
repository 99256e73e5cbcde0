"""Retrying work whose worker died: a task is never lost because a process was killed mid-run.

django-tasks-db marks a claimed task RUNNING and records the worker's id. If that worker stops
beating its heart for longer than the lease, the task goes back to READY (a conditional update, so
two reapers cannot both win) and another worker runs it again. Tasks must therefore be idempotent.
After WORKER_MAX_ATTEMPTS claims the task is marked FAILED instead, so one poison task cannot loop.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

log = logging.getLogger(__name__)


def beat(worker_id: str, hostname: str, pid: int) -> None:
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now)
    if not updated:
        WorkerHeartbeat.objects.create(worker_id=worker_id, hostname=hostname, pid=pid, started_at=now, last_seen=now)


def forget(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def live_worker_ids(lease_seconds: int | None = None) -> set[str]:
    lease = lease_seconds or settings.WORKER_LEASE_SECONDS
    cutoff = timezone.now() - dt.timedelta(seconds=lease)
    return set(WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).values_list("worker_id", flat=True))


def requeue_orphans(lease_seconds: int | None = None) -> list[str]:
    """Give back every RUNNING task whose worker is gone. Returns the ids of the tasks touched."""
    lease = lease_seconds or settings.WORKER_LEASE_SECONDS
    alive = live_worker_ids(lease)
    grace = timezone.now() - dt.timedelta(seconds=lease)
    touched = []
    for row in DBTaskResult.objects.running().filter(started_at__lt=grace).only("id", "worker_ids"):
        owner = row.worker_ids[-1] if row.worker_ids else None
        if owner in alive:
            continue
        if _release(row):
            touched.append(str(row.id))
    return touched


def _release(row: DBTaskResult) -> bool:
    running = DBTaskResult.objects.filter(id=row.id, status=TaskResultStatus.RUNNING, worker_ids=row.worker_ids)
    if len(row.worker_ids) >= settings.WORKER_MAX_ATTEMPTS:
        won = running.update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="copvn.jobs.recovery.WorkerLost",
            traceback=f"the worker died {len(row.worker_ids)} times while running this task; not retried again",
        )
        log.error("task %s failed: its worker died %d times", row.id, len(row.worker_ids))
        return bool(won)
    won = running.update(status=TaskResultStatus.READY, started_at=None)
    if won:
        log.warning("task %s requeued: worker %s stopped mid-run", row.id, row.worker_ids[-1:])
    return bool(won)
