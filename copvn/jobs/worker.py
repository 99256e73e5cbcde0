"""`copvn worker`: the django-tasks-db worker plus a heartbeat and the recovery of orphaned tasks."""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from . import recovery
from .schedule import Scheduler

log = logging.getLogger(__name__)


class Heartbeat(threading.Thread):
    """Beats every quarter lease and, while at it, returns orphaned tasks to the queue."""

    def __init__(self, worker_id: str):
        super().__init__(name="copvn-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self):
        interval = max(settings.WORKER_LEASE_SECONDS / 4, 0.5)
        while not self.stopped.is_set():
            try:
                recovery.beat(self.worker_id, socket.gethostname(), os.getpid())
                recovery.requeue_orphans()
            except Exception:  # a database hiccup must not kill the heartbeat
                log.exception("heartbeat failed; retrying")
                close_old_connections()
            self.stopped.wait(interval)
        connection.close()


def run(queues: str = "*", interval: float = 1.0, batch: bool = False, max_tasks: int | None = None) -> None:
    worker_id = f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"
    recovery.beat(worker_id, socket.gethostname(), os.getpid())
    recovery.requeue_orphans()
    heart = Heartbeat(worker_id)
    heart.start()
    scheduler = Scheduler()
    scheduler.start()
    worker = Worker(
        queue_names=queues.split(","),
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.configure_signals()
    log.info("worker %s started (queues %s)", worker_id, queues)
    try:
        worker.run()
    finally:
        heart.stopped.set()
        scheduler.stopped.set()
        heart.join(timeout=5)
        scheduler.join(timeout=5)
        recovery.forget(worker_id)
