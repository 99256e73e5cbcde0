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
    if state == Task.State.CANCELLED and task.origin in (Task.Origin.ASSIGNED, Task.Origin.ORDER):
        from copvn.core.access import user_can

        if user is None or not user_can(user, "tasks.assign"):
            raise TaskRefused(_("Chỉ sở chủ trì hủy được nhiệm vụ đã giao."))
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


# ------------------------------------------------------------------------------------ assigned by the lead

def assign(organisation, title: str, user, *, details: str = "", due: dt.date | None = None,
           origin: str = Task.Origin.ASSIGNED, request=None) -> Task:
    """The lead department gives an organisation a task; the organisation must exist on the due date."""
    if due is not None and not organisation.is_valid_on(due):
        raise TaskRefused(_("“%(org)s” không còn tồn tại vào ngày %(due)s.") % {"org": organisation.name,
                                                                            "due": due.strftime("%d/%m/%Y")})
    return create(organisation, title, details=details, due=due, origin=origin, by=user, request=request)


# ----------------------------------------------------------------------------------------- evidence files

def attach(owner, user, name: str, data: bytes, *, request=None):
    """Keep an evidence file (PDF, image, DOCX, XLSX, checked by content) for a task or an activity record."""
    from django.conf import settings

    from copvn.core.blobs import EVIDENCE
    from copvn.core.files import sniff

    from .models import ActivityRecord, Attachment

    if not data:
        raise TaskRefused(_("Tệp rỗng."))
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise TaskRefused(_("Tệp lớn hơn giới hạn %(n)s MB.") % {"n": settings.MAX_UPLOAD_BYTES // (1024 * 1024)})
    kind = sniff(data)
    if not kind:
        raise TaskRefused(_("Tệp minh chứng phải là PDF, ảnh JPEG/PNG, DOCX hoặc XLSX (kiểm tra theo nội dung tệp)."))
    owner_field = "activity" if isinstance(owner, ActivityRecord) else "task"
    with transaction.atomic():
        sha256 = EVIDENCE.store(data)
        attachment = Attachment.objects.create(**{owner_field: owner}, sha256=sha256, name=(name or "tep")[:200],
                                               content_type=kind, size=len(data), added_by=user)
        record("coordination.attach", request=request, actor=user, obj=owner,
               data={"sha256": sha256, "name": attachment.name, "content_type": kind, "size": len(data)})
    return attachment


# ------------------------------------------------------------------------------------- activity records

def record_activity(organisation, user, data: dict, *, request=None):
    from .models import ActivityRecord

    if data["day"] > timezone.localdate():
        raise TaskRefused(_("Ngày thực hiện không thể ở tương lai."))
    with transaction.atomic():
        activity = ActivityRecord.objects.create(organisation=organisation, created_by=user, **data)
        record("activity.create", request=request, actor=user, obj=activity,
               data={"organisation": organisation.code, "kind": activity.kind, "day": activity.day.isoformat()})
    return activity


# -------------------------------------------------------------------------------------------- obstacles

def raise_obstacle(organisation, user, title: str, details: str, *, request=None):
    from .models import Obstacle

    if not title.strip() or not details.strip():
        raise TaskRefused(_("Cần ghi vướng mắc và nội dung."))
    with transaction.atomic():
        obstacle = Obstacle.objects.create(organisation=organisation, raised_by=user, title=title.strip()[:300],
                                           details=details.strip())
        record("obstacle.raise", request=request, actor=user, obj=obstacle, data={"organisation": organisation.code})
    return obstacle


def answer_obstacle(obstacle, user, answer: str, *, request=None):
    from .models import Obstacle

    if not answer.strip():
        raise TaskRefused(_("Cần ghi nội dung trả lời."))
    with transaction.atomic():
        won = Obstacle.objects.filter(pk=obstacle.pk, state=Obstacle.State.OPEN).update(
            state=Obstacle.State.ANSWERED, answer=answer.strip(), answered_by=user, answered_at=timezone.now())
        if not won:
            raise TaskRefused(_("Vướng mắc này đã được trả lời."))
        record("obstacle.answer", request=request, actor=user, obj=obstacle)
    obstacle.refresh_from_db()
    return obstacle
