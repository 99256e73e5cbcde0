"""Monitoring through /api/v1 (staff tokens): the same sources, checks, drops and figures as the pages, under
the same capabilities and services."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from copvn.audit.services import record
from copvn.review.api import needs
from copvn.review.api_schemas import Problem

from . import figures, services, watch
from .forms import check_source
from .models import Source

router = Router(tags=["monitoring"])


class SourceOut(Schema):
    id: int
    name: str
    kind: str
    url: str
    selector: str
    interval_minutes: int
    enabled: bool
    owner: str
    status: str
    last_checked_at: dt.datetime | None
    last_changed_at: dt.datetime | None
    next_check_at: dt.datetime
    last_error: str
    failures: int
    checks: int
    not_modified: int
    items_seen: int
    alerts: int


class SourceIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: str = Field(..., description="feed, sitemap, page or drop.")
    url: str = Field("", max_length=2048)
    selector: str = Field("", max_length=300, description="A page's part to watch: simple CSS or XPath.")
    interval_minutes: int = Field(60, ge=1, le=100_000)
    enabled: bool = True


class SourcePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    url: str | None = Field(None, max_length=2048)
    selector: str | None = Field(None, max_length=300)
    interval_minutes: int | None = Field(None, ge=1, le=100_000)
    enabled: bool | None = None


class ItemOut(Schema):
    url: str
    title: str
    seen_at: dt.datetime
    outcome: str
    codes: list[str]
    case: str | None


class AlertsQuery(Schema):
    weeks: int = Field(8, ge=1, le=104)


def _out(s: Source) -> dict:
    return {**{k: getattr(s, k) for k in ("id", "name", "kind", "url", "selector", "interval_minutes", "enabled",
                                          "status", "last_checked_at", "last_changed_at", "next_check_at",
                                          "last_error", "failures", "checks", "not_modified", "items_seen",
                                          "alerts")}, "owner": s.owner.username}


def _problems(kind, url, selector, interval):
    problems = check_source(kind, url, selector, interval)
    if kind not in Source.Kind.values:
        problems["kind"] = "feed, sitemap, page or drop"
    return {k: [v] for k, v in problems.items()}


@router.get("/monitoring/sources", response={200: list[SourceOut], 403: Problem}, summary="Watched sources",
            **needs("monitoring.view"))
def list_sources(request):
    return [_out(s) for s in Source.objects.select_related("owner").order_by("name")]


@router.post("/monitoring/sources", response={201: SourceOut, 403: Problem, 422: Problem},
             summary="Watch a new source", **needs("monitoring.manage"))
def create_source(request, body: SourceIn):
    problems = _problems(body.kind, body.url, body.selector, body.interval_minutes)
    if problems:
        return Status(422, {"detail": problems})
    source = services.create(request.user, body.dict(), request=request)
    return Status(201, _out(source))


@router.get("/monitoring/sources/{source_id}", response={200: dict, 403: Problem, 404: Problem},
            summary="One source with the items it gave (newest 100)", **needs("monitoring.view"))
def get_source(request, source_id: int):
    source = Source.objects.select_related("owner").filter(pk=source_id).first()
    if source is None:
        return Status(404, {"detail": "no such source"})
    with transaction.atomic():
        record("monitoring.source_read", request=request, obj=source)
    # A CSAM item's words and address are never shown here: the restricted queue holds them.
    items = [{"url": "" if "CSAM" in i.codes else i.url, "title": "" if "CSAM" in i.codes else i.title,
              "seen_at": i.seen_at, "outcome": i.outcome, "codes": i.codes,
              "case": i.case.reference if i.case else None} for i in source.items.select_related("case")[:100]]
    return Status(200, {**_out(source), "items": items})


@router.patch("/monitoring/sources/{source_id}", response={200: SourceOut, 403: Problem, 404: Problem, 422: Problem},
              summary="Change a source (its kind stays)", **needs("monitoring.manage"))
def update_source(request, source_id: int, body: SourcePatch):
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return Status(404, {"detail": "no such source"})
    data = body.dict(exclude_none=True)
    problems = _problems(source.kind, data.get("url", source.url), data.get("selector", source.selector),
                         data.get("interval_minutes"))
    if problems:
        return Status(422, {"detail": problems})
    return Status(200, _out(services.update(source, request.user, data, request=request)))


@router.post("/monitoring/sources/{source_id}/check", response={200: dict, 403: Problem, 404: Problem},
             summary="Check a source now", **needs("monitoring.manage"))
def check_now(request, source_id: int):
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return Status(404, {"detail": "no such source"})
    totals = watch.check([source], actor=request.user, request=request)
    source.refresh_from_db()
    return Status(200, {**totals, "status": source.status, "last_error": source.last_error})


@router.post("/monitoring/sources/{source_id}/drops", response={201: dict, 403: Problem, 404: Problem, 422: Problem},
             summary="Drop a file of posts (JSON Lines or CSV) for a drop source", **needs("monitoring.manage"))
def add_drop(request, source_id: int, file: File[UploadedFile]):
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return Status(404, {"detail": "no such source"})
    try:
        kept = services.add_drop(source, request.user, file.name or "", file.read(), request=request)
    except services.DropRejected as exc:
        return Status(422, {"detail": str(exc)})
    return Status(201, kept)


@router.get("/monitoring/alerts", response={200: dict, 403: Problem}, summary="Alerts by category and week",
            **needs("monitoring.view"))
def alerts(request, query: Query[AlertsQuery]):
    data = figures.alerts_by_week(query.weeks)
    return {"weeks": [d.isoformat() for d in data["weeks"]], "counts": data["counts"], "totals": data["totals"]}
