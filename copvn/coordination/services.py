"""Tasks: made, updated and read in one transaction with their audit entry."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copvn.audit.services import record
from copvn.core.states import IllegalTransition, move

from .models import Task, TaskUpdate
from .states import TRANSITIONS


class TaskRefused(Exception):
    """The act is refused; the message is for the person who tried."""


def create(organisation, title: str, *, details: str = "", due: dt.date | None = None,
           origin: str = Task.Origin.ASSIGNED, subject: str = "", by=None, request=None) -> Task:
    """A new task; for an event (`subject` set) at most one task per origin and subject — made again, the
    existing one is returned."""
    if not title.strip():
        raise TaskRefused(_("Cần ghi nhiệm vụ."))
    with transaction.atomic():
        if subject:
            existing = Task.objects.filter(origin=origin, subject=subject).first()
            if existing:
                return existing
        task = Task.objects.create(organisation=organisation, title=title.strip()[:300], details=details.strip(),
                                   due=due, origin=origin, subject=subject, created_by=by)
        TaskUpdate.objects.create(task=task, by=by, state=task.state, comment="")
        record("task.create", request=request, actor=by, obj=task,
               data={"organisation": organisation.code, "origin": origin, "subject": subject})
    return task


def update(task: Task, user, state: str, comment: str = "", *, request=None) -> Task:
    """Move the task to `state` (or keep it, with a comment); a refused move changes nothing."""
    comment = comment.strip()
    if state not in Task.State.values:
        raise TaskRefused(_("Trạng thái không hợp lệ."))
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if state != task.state:
            try:
                moved = move(task, TRANSITIONS, state,
                             closed_at=timezone.now() if state in (Task.State.DONE, Task.State.CANCELLED) else None)
            except IllegalTransition:
                raise TaskRefused(_("Không thể chuyển nhiệm vụ từ “%(a)s” sang “%(b)s”.") % {
                    "a": Task.State(task.state).label, "b": Task.State(state).label}) from None
            if not moved:
                raise TaskRefused(_("Nhiệm vụ vừa được người khác cập nhật; hãy tải lại trang."))
        elif not comment:
            raise TaskRefused(_("Hãy đổi trạng thái hoặc ghi nhận xét."))
        TaskUpdate.objects.create(task=task, by=user, state=state, comment=comment)
        record("task.update", request=request, actor=user, obj=task, data={"state": state})
    return task
