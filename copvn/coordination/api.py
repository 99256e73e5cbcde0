"""Tasks through /api/v1 (staff tokens): an organisation's focal point lists, reads and updates its own tasks —
the same capabilities and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from copvn.audit.services import record
from copvn.review.api import needs
from copvn.review.api_schemas import Problem

from . import services
from .models import Task
from .views import visible

router = Router(tags=["tasks"])


class TaskOut(Schema):
    id: int
    organisation: str
    title: str
    details: str
    due: dt.date | None
    state: str
    origin: str
    subject: str
    overdue: bool
    created_at: dt.datetime


class TaskQuery(Schema):
    state: str = Field("", max_length=12, description="open, in_progress, done or cancelled.")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class UpdateIn(Schema):
    state: str = Field(..., max_length=12, description="open, in_progress, done or cancelled.")
    comment: str = Field("", max_length=4000)


def _out(t: Task) -> dict:
    return {"id": t.pk, "organisation": t.organisation.code, "title": t.title, "details": t.details, "due": t.due,
            "state": t.state, "origin": t.origin, "subject": t.subject, "overdue": t.overdue,
            "created_at": t.created_at}


@router.get("/tasks", response={200: list[TaskOut], 403: Problem}, summary="The organisation's tasks",
            **needs("tasks.view"))
def list_tasks(request, query: Query[TaskQuery]):
    tasks = visible(request.user)
    if query.state:
        tasks = tasks.filter(state=query.state)
    return [_out(t) for t in tasks[query.offset:query.offset + query.limit]]


@router.get("/tasks/{task_id}", response={200: TaskOut, 403: Problem, 404: Problem}, summary="One task",
            **needs("tasks.view"))
def get_task(request, task_id: int):
    task = visible(request.user).filter(pk=task_id).first()
    if task is None:
        return Status(404, {"detail": "no such task for this organisation"})
    with transaction.atomic():
        record("task.read", request=request, obj=task)
    return Status(200, _out(task))


@router.post("/tasks/{task_id}/updates", response={200: TaskOut, 403: Problem, 404: Problem, 409: Problem},
             summary="Change a task's state or add a comment", **needs("tasks.update"))
def update_task(request, task_id: int, body: UpdateIn):
    task = visible(request.user).filter(pk=task_id).first()
    if task is None:
        return Status(404, {"detail": "no such task for this organisation"})
    try:
        task = services.update(task, request.user, body.state, body.comment, request=request)
    except services.TaskRefused as refused:
        return Status(409, {"detail": str(refused)})
    return Status(200, _out(task))
