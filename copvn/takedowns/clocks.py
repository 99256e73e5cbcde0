"""Legal clocks: which basis applies, when a notice is due, reminders, pauses, breaches and the ladder.

The deadline runs from the moment the request is sent, for the hours of its legal basis. It pauses while the
content's provider has changed (hosting moved) and resumes, extended by the pause, when an analyst confirms
the new addressee. `tick()` runs in the worker's scheduler: reminders at COPVN_NOTICE_REMINDER_POINTS of the
clock, a breach recorded once the deadline passes, then the escalation ladder (EscalationStep rows).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import EscalationStep, LegalBasis, Notice
from .states import CLOCK_RUNNING


def propose_basis(received_on: dt.date, *, child_in_danger: bool = False, complaint: bool = False) -> LegalBasis | None:
    """The first active basis by precedence that covers the day the case was received and fits its trigger."""
    wanted = LegalBasis.Trigger.CHILD_IN_DANGER if child_in_danger else (
        LegalBasis.Trigger.COMPLAINT if complaint else LegalBasis.Trigger.AUTHORITY)
    for basis in LegalBasis.objects.filter(active=True).order_by("precedence", "code"):
        if basis.covers(received_on) and basis.trigger in (LegalBasis.Trigger.ANY, wanted):
            return basis
    return None


def deadline(sent_at: dt.datetime, basis: LegalBasis) -> dt.datetime:
    return sent_at + dt.timedelta(hours=basis.hours)


def pause(notice: Notice, at: dt.datetime) -> bool:
    return bool(Notice.objects.filter(pk=notice.pk, paused_at__isnull=True).update(paused_at=at))


def resume(notice: Notice, at: dt.datetime) -> None:
    """The deadline moves on by the length of the pause."""
    notice.refresh_from_db(fields=["paused_at", "due_at", "paused_seconds"])
    if notice.paused_at is None:
        return
    paused = max(at - notice.paused_at, dt.timedelta(0))
    Notice.objects.filter(pk=notice.pk).update(
        paused_at=None, due_at=notice.due_at + paused if notice.due_at else None,
        paused_seconds=notice.paused_seconds + int(paused.total_seconds()))


def tick(now: dt.datetime | None = None) -> dict[str, int]:
    """Reminders, breaches and ladder steps that are due; each is taken once (conditional updates)."""
    now = now or timezone.now()
    counts = {"reminders": 0, "breaches": 0, "steps": 0}
    running = Notice.objects.filter(state__in=CLOCK_RUNNING, paused_at__isnull=True, due_at__isnull=False,
                                    sent_at__isnull=False)
    for notice in running.filter(due_at__gt=now).iterator():
        counts["reminders"] += _remind(notice, now)
    for notice in running.filter(due_at__lte=now).iterator():
        counts["breaches"] += _breach(notice, now)
        counts["steps"] += _ladder(notice, now)
    return counts


def _remind(notice: Notice, now: dt.datetime) -> int:
    from .services import send_dispatch

    span = (notice.due_at - notice.sent_at).total_seconds()
    elapsed = (now - notice.sent_at).total_seconds() - notice.paused_seconds
    due = [p for p in settings.NOTICE_REMINDER_POINTS if span and elapsed / span >= p and p not in notice.reminders_sent]
    if not due:
        return 0
    with transaction.atomic():
        won = Notice.objects.filter(pk=notice.pk, reminders_sent=notice.reminders_sent).update(
            reminders_sent=sorted(notice.reminders_sent + due))
        if won:
            send_dispatch(notice, "reminder", note=f"{int(max(due) * 100)} %")
    return int(bool(won))


def _breach(notice: Notice, now: dt.datetime) -> int:
    from .services import log_event

    with transaction.atomic():
        won = Notice.objects.filter(pk=notice.pk, breached_at__isnull=True).update(breached_at=notice.due_at)
        if won:
            log_event(notice, "notice.breach", note=f"due {notice.due_at.isoformat()}")
    return won


def _ladder(notice: Notice, now: dt.datetime) -> int:
    from .services import take_step

    steps = list(EscalationStep.objects.filter(active=True).order_by("sequence"))
    taken = 0
    for index, step in enumerate(steps[notice.ladder_done:], start=notice.ladder_done):
        base = notice.breached_at or notice.due_at
        if now < base + dt.timedelta(hours=step.after_hours):
            break
        with transaction.atomic():
            if not Notice.objects.filter(pk=notice.pk, ladder_done=index).update(ladder_done=index + 1):
                break
            notice.refresh_from_db()
            take_step(notice, step, now)
        taken += 1
    return taken
