"""Tasks through /api/v1 (staff tokens): an organisation's focal point lists, reads and updates its own tasks —
the same capabilities and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from ninja import Field, File, Query, Router, Schema, UploadedFile
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


# ------------------------------------------------------------------- the lead department, records, obstacles

class AssignIn(Schema):
    organisation: str = Field(..., max_length=60, description="The organisation's registry code.")
    title: str = Field(..., min_length=1, max_length=300)
    details: str = Field("", max_length=20_000)
    due: dt.date | None = None


@router.post("/tasks", response={201: TaskOut, 403: Problem, 404: Problem, 409: Problem},
             summary="Give an organisation a task (the lead department)", **needs("tasks.assign"))
def assign_task(request, body: AssignIn):
    from copvn.orgs.models import Organisation

    organisation = Organisation.objects.filter(code=body.organisation).first()
    if organisation is None:
        return Status(404, {"detail": "no organisation with that code"})
    try:
        task = services.assign(organisation, body.title, request.user, details=body.details, due=body.due,
                               request=request)
    except services.TaskRefused as refused:
        return Status(409, {"detail": str(refused)})
    return Status(201, _out(task))


@router.post("/tasks/{task_id}/attachments", response={201: dict, 403: Problem, 404: Problem, 422: Problem},
             summary="Attach an evidence file to a task", **needs("tasks.update"))
def attach_to_task(request, task_id: int, file: File[UploadedFile]):
    task = visible(request.user).filter(pk=task_id).first()
    if task is None:
        return Status(404, {"detail": "no such task for this organisation"})
    try:
        item = services.attach(task, request.user, file.name or "", file.read(), request=request)
    except services.TaskRefused as refused:
        return Status(422, {"detail": str(refused)})
    return Status(201, {"id": item.pk, "sha256": item.sha256, "content_type": item.content_type, "size": item.size})


class ActivityIn(Schema):
    kind: str = Field(..., description="awareness, training, press, school, victim_support or inspection.")
    day: dt.date
    title: str = Field(..., min_length=1, max_length=300)
    details: str = Field("", max_length=20_000)
    people_reached: int = Field(0, ge=0, le=100_000_000)
    schools: int = Field(0, ge=0, le=1_000_000)
    articles: int = Field(0, ge=0, le=1_000_000)
    airtime_minutes: int = Field(0, ge=0, le=10_000_000)
    support_requests: int = Field(0, ge=0, le=1_000_000)
    children_supported: int = Field(0, ge=0, le=1_000_000)
    violations_found: int = Field(0, ge=0, le=1_000_000)
    violations_handled: int = Field(0, ge=0, le=1_000_000)


class ActivityQuery(Schema):
    kind: str = Field("", max_length=16)
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


def _activity_out(a) -> dict:
    from .forms import ACTIVITY_FIELDS

    return {"id": a.pk, "organisation": a.organisation.code, "kind": a.kind, "day": a.day.isoformat(), "title": a.title,
            "details": a.details, **{f: getattr(a, f) for f in ACTIVITY_FIELDS[a.kind]}}


@router.get("/activities", response={200: list[dict], 403: Problem}, summary="Activity records",
            **needs("activities.view"))
def list_activities(request, query: Query[ActivityQuery]):
    from .models import ActivityRecord
    from .scope import mine

    records = mine(ActivityRecord.objects.select_related("organisation"), request.user)
    if query.kind:
        records = records.filter(kind=query.kind)
    return [_activity_out(a) for a in records[query.offset:query.offset + query.limit]]


@router.post("/activities", response={201: dict, 403: Problem, 422: Problem},
             summary="Record an activity of the user's organisation", **needs("activities.record"))
def create_activity(request, body: ActivityIn):
    from .forms import ACTIVITY_FIELDS

    if body.kind not in ACTIVITY_FIELDS:
        return Status(422, {"detail": {"kind": [", ".join(ACTIVITY_FIELDS)]}})
    if request.user.organisation is None:
        return Status(403, {"detail": "the user belongs to no organisation"})
    data = body.dict()
    keep = {"kind", "day", "title", "details", *ACTIVITY_FIELDS[body.kind]}
    data = {k: v for k, v in data.items() if k in keep}
    for part, whole in (("children_supported", "support_requests"), ("violations_handled", "violations_found")):
        if part in data and data[part] > data[whole]:
            return Status(422, {"detail": {part: [f"cannot be more than {whole}"]}})
    try:
        activity = services.record_activity(request.user.organisation, request.user, data, request=request)
    except services.TaskRefused as refused:
        return Status(422, {"detail": {"day": [str(refused)]}})
    return Status(201, _activity_out(activity))


class ObstacleIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    details: str = Field(..., min_length=1, max_length=20_000)


class AnswerIn(Schema):
    answer: str = Field(..., min_length=1, max_length=20_000)


def _obstacle_out(o) -> dict:
    return {"id": o.pk, "organisation": o.organisation.code, "title": o.title, "details": o.details, "state": o.state,
            "raised_at": o.raised_at.isoformat(), "answer": o.answer,
            "answered_at": o.answered_at.isoformat() if o.answered_at else None}


@router.get("/obstacles", response={200: list[dict], 403: Problem}, summary="Obstacles raised with the lead department",
            **needs("obstacles.view"))
def list_obstacles(request):
    from .models import Obstacle
    from .scope import mine

    return [_obstacle_out(o) for o in mine(Obstacle.objects.select_related("organisation"), request.user)[:500]]


@router.post("/obstacles", response={201: dict, 403: Problem, 422: Problem}, summary="Raise an obstacle",
             **needs("obstacles.raise"))
def raise_obstacle(request, body: ObstacleIn):
    if request.user.organisation is None:
        return Status(403, {"detail": "the user belongs to no organisation"})
    try:
        obstacle = services.raise_obstacle(request.user.organisation, request.user, body.title, body.details,
                                           request=request)
    except services.TaskRefused as refused:
        return Status(422, {"detail": str(refused)})
    return Status(201, _obstacle_out(obstacle))


@router.post("/obstacles/{obstacle_id}/answer", response={200: dict, 403: Problem, 404: Problem, 409: Problem},
             summary="Answer an obstacle (the lead department)", **needs("obstacles.answer"))
def answer_obstacle(request, obstacle_id: int, body: AnswerIn):
    from .models import Obstacle

    obstacle = Obstacle.objects.filter(pk=obstacle_id).first()
    if obstacle is None:
        return Status(404, {"detail": "no such obstacle"})
    try:
        obstacle = services.answer_obstacle(obstacle, request.user, body.answer, request=request)
    except services.TaskRefused as refused:
        return Status(409, {"detail": str(refused)})
    return Status(200, _obstacle_out(obstacle))
