"""Periodic work, run by every `copvn worker` (a thread beside the task loop) or once by `copvn tick`.

Each job is claimed in the database before it runs (PeriodicRun, a conditional update), so however many
workers run, a job runs once per interval; a worker killed mid-job leaves a claim that expires.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone

from .models import PeriodicRun

log = logging.getLogger(__name__)
CLAIM = dt.timedelta(minutes=10)

# name → (every N seconds, "module:function")
JOBS: dict[str, tuple[int, str]] = {
    "outbox.sweep": (60, "copvn.core.outbox:sweep"),
    "notices.verify": (30, "copvn.takedowns.verification:run_due"),
    "notices.clocks": (60, "copvn.takedowns.clocks:tick"),
    "notices.release": (60, "copvn.takedowns.services:release_held"),
    "monitoring.check": (30, "copvn.monitoring.watch:check_due"),
}


def _claim(name: str, every: int, now: dt.datetime) -> bool:
    PeriodicRun.objects.get_or_create(name=name)
    return bool(PeriodicRun.objects.filter(name=name).filter(
        Q(last_started__isnull=True) | Q(last_started__lte=now - dt.timedelta(seconds=every))).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)).update(last_started=now, claimed_until=now + CLAIM))


def run_due(now: dt.datetime | None = None, *, force: bool = False) -> dict[str, object]:
    """Run every job whose interval has passed (all of them with `force`); returns what each returned."""
    results: dict[str, object] = {}
    for name, (every, target) in JOBS.items():
        now = timezone.now()
        if not _claim(name, 0 if force else every, now):
            continue
        module, _sep, function = target.partition(":")
        try:
            result = getattr(importlib.import_module(module), function)()
        except Exception as exc:  # one failing job must not stop the others
            log.exception("periodic job %s failed", name)
            PeriodicRun.objects.filter(name=name).update(claimed_until=None, last_error=f"{type(exc).__name__}: {exc}"[:2000])
            results[name] = {"error": str(exc)}
            continue
        results[name] = result
        PeriodicRun.objects.filter(name=name).update(claimed_until=None, last_finished=timezone.now(), last_error="",
                                                     last_result=result if isinstance(result, dict) else {"n": result})
    return results


class Scheduler(threading.Thread):
    def __init__(self):
        super().__init__(name="copvn-scheduler", daemon=True)
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(settings.SCHEDULER_SECONDS):
            try:
                run_due()
            except Exception:  # a database hiccup must not kill the scheduler
                log.exception("scheduler round failed; retrying")
                close_old_connections()
        connection.close()
