"""Notices through /api/v1: providers answer with their partner key (or a liaison's staff token) and see only
notices addressed to their organisation; copvn's staff drive the workflow with personal staff tokens, under
the same capabilities as the pages (copvn/accounts/roles.py). Handlers call the same services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db import transaction
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import HttpBearer
from pydantic import field_validator

from copvn.accounts import tokens
from copvn.accounts.roles import has_capability
from copvn.audit.services import record
from copvn.intake import keys
from copvn.review.api import needs
from copvn.review.api_schemas import Problem

from . import figures, services
from .models import Notice, NoticeURL
from .presentation import notice_json


class ProviderAuth(HttpBearer):
    """A provider's partner key, or the personal staff token of its platform or ISP liaison."""

    openapi_description = "A provider's partner API key, or a platform/ISP liaison's staff token."

    def authenticate(self, request, token):
        key = keys.authenticate(token)
        if key is not None:
            return key.organisation
        user = tokens.authenticate(token)
        if user is not None and has_capability(user.role, "notices.respond") and user.organisation_id:
            request.user = user
            return user.organisation
        return None


provider_router = Router(auth=ProviderAuth(), tags=["notices (providers)"])
staff_router = Router(tags=["notices (staff)"])


class UrlOut(Schema):
    url: str
    verified: str
    last_checked_at: str | None


class BasisOut(Schema):
    code: str
    citation: str
    hours: int


class NoticeOut(Schema):
    id: int
    reference: str
    state: str
    provider_status: str | None
    provider: str
    issuer: str
    legal_basis: BasisOut
    categories: list[str]
    description: str
    sent_at: str | None
    due_at: str | None
    clock_paused: bool
    acknowledged_at: str | None
    removal_reported_at: str | None
    verified_at: str | None
    urls: list[UrlOut]


class NoticePage(Schema):
    count: int
    items: list[NoticeOut]


class NoticeFilter(Schema):
    state: str | None = Field(None, max_length=24, description="Only notices in this state.")
    since: dt.datetime | None = Field(None, description="Only notices sent at or after this time.")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)

    @field_validator("since")
    @classmethod
    def in_utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        """Any offset the ISO format allows, as UTC (the database refuses offsets past ±14 h)."""
        if value is None:
            return None
        try:
            return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
        except OverflowError:
            raise ValueError("since is out of range") from None


class AnswerIn(Schema):
    note: str = Field("", max_length=4000, description="What was done; for a dispute, the reason (required).")


class DisputeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=4000)


class SettleIn(Schema):
    upheld: bool
    note: str = Field(..., min_length=1, max_length=4000)


class NoteIn(Schema):
    note: str = Field("", max_length=4000)


def _page(notices, filters: NoticeFilter) -> dict:
    if filters.state:
        notices = notices.filter(state=filters.state)
    if filters.since:
        notices = notices.filter(sent_at__gte=filters.since)
    notices = notices.select_related("provider", "issuer", "legal_basis").prefetch_related("urls").order_by("-pk")
    return {"count": notices.count(), "items": [notice_json(n) for n in notices[filters.offset:filters.offset + filters.limit]]}


# — providers ————————————————————————————————————————————————————————————————————————————————————————————


@provider_router.get("/notices", response=NoticePage, summary="Notices addressed to the caller's organisation")
def provider_notices(request, filters: Query[NoticeFilter]):
    return _page(Notice.objects.for_provider(request.auth.pk), filters)


def _provider_notice(request, notice_id: int) -> Notice:
    notice = Notice.objects.for_provider(request.auth.pk).filter(pk=notice_id).first()
    if notice is None:
        raise HttpError(404, "no such notice for this organisation")
    return notice


@provider_router.get("/notices/{notice_id}", response={200: NoticeOut, 404: Problem}, summary="One notice")
def provider_notice(request, notice_id: int):
    notice = _provider_notice(request, notice_id)
    with transaction.atomic():
        record("notice.read", request=request, obj=notice, data={"notice": notice.reference, "via": "api"})
    return notice_json(notice)


def _answer(request, notice_id: int, kind: str, note: str):
    notice = Notice.objects.filter(pk=notice_id).first()
    if notice is None:
        raise HttpError(404, "no such notice for this organisation")
    try:
        notice = services.answer(notice, request.auth, kind, note, actor=getattr(request, "user", None),
                                 request=request)
    except services.NotYours:
        return Status(404, {"detail": "no such notice for this organisation"})
    except services.NoticeRefused as refused:
        return Status(409, {"detail": str(refused)})
    return Status(200, notice_json(notice))


@provider_router.post("/notices/{notice_id}/acknowledge", response={200: NoticeOut, 404: Problem, 409: Problem},
                      summary="Acknowledge receipt")
def acknowledge(request, notice_id: int, body: AnswerIn):
    return _answer(request, notice_id, "acknowledge", body.note)


@provider_router.post("/notices/{notice_id}/removed", response={200: NoticeOut, 404: Problem, 409: Problem},
                      summary="Report the content removed (copvn then verifies it)")
def removed(request, notice_id: int, body: AnswerIn):
    return _answer(request, notice_id, "removed", body.note)


@provider_router.post("/notices/{notice_id}/dispute", response={200: NoticeOut, 404: Problem, 409: Problem,
                                                               422: Problem}, summary="Dispute the notice, with a reason")
def dispute(request, notice_id: int, body: DisputeIn):
    if not body.reason.strip():
        return Status(422, {"detail": "a dispute needs a reason"})
    return _answer(request, notice_id, "dispute", body.reason)


# — staff ————————————————————————————————————————————————————————————————————————————————————————————————


def _staff_notice(reference: str) -> Notice:
    notice = Notice.objects.filter(reference=reference).first()
    if notice is None:
        raise HttpError(404, "no such notice")
    return notice


def _act(act, notice):
    try:
        notice = act(notice)
    except services.NoticeRefused as refused:
        return Status(409, {"detail": str(refused)})
    notice = Notice.objects.get(pk=notice.pk)
    return Status(200, notice_json(notice))


@staff_router.get("/takedowns/notices", response={200: NoticePage, 403: Problem}, summary="All notices",
                  **needs("notices.view"))
def staff_notices(request, filters: Query[NoticeFilter], overdue: bool = False):
    notices = Notice.objects.overdue() if overdue else Notice.objects.all()
    return _page(notices, filters)


@staff_router.get("/takedowns/notices/{reference}", response={200: NoticeOut, 403: Problem, 404: Problem},
                  summary="One notice", **needs("notices.view"))
def staff_notice(request, reference: str):
    return notice_json(_staff_notice(reference))


@staff_router.post("/takedowns/notices/{reference}/approve", response={200: NoticeOut, 403: Problem, 404: Problem,
                                                                       409: Problem},
                   summary="Approve a draft (not one's own) and send it", **needs("notices.approve"))
def staff_approve(request, reference: str):
    return _act(lambda n: services.approve(n, request.user, request=request), _staff_notice(reference))


@staff_router.post("/takedowns/notices/{reference}/send", response={200: NoticeOut, 403: Problem, 404: Problem,
                                                                    409: Problem},
                   summary="Send an approved notice now", **needs("notices.manage"))
def staff_send(request, reference: str):
    return _act(lambda n: services.send(n, request.user, request=request), _staff_notice(reference))


@staff_router.post("/takedowns/notices/{reference}/settle-dispute", response={200: NoticeOut, 403: Problem,
                                                                              404: Problem, 409: Problem},
                   summary="Uphold (close) or reject (second notice) a provider's dispute", **needs("notices.manage"))
def staff_settle(request, reference: str, body: SettleIn):
    return _act(lambda n: services.settle_dispute(n, request.user, body.upheld, body.note, request=request),
                _staff_notice(reference))


@staff_router.post("/takedowns/notices/{reference}/close", response={200: NoticeOut, 403: Problem, 404: Problem,
                                                                     409: Problem},
                   summary="Close a notice", **needs("notices.manage"))
def staff_close(request, reference: str, body: NoteIn):
    return _act(lambda n: services.close(n, request.user, body.note, request=request), _staff_notice(reference))


@staff_router.post("/takedowns/urls/{url_id}/confirm-addressee", response={200: list[NoticeOut], 403: Problem,
                                                                         404: Problem, 409: Problem},
                   summary="Confirm the new provider of a URL whose hosting moved", **needs("notices.manage"))
def staff_confirm(request, url_id: int):
    url = NoticeURL.objects.filter(pk=url_id).first()
    if url is None:
        raise HttpError(404, "no such notice URL")
    try:
        drafted = services.confirm_addressee(url, request.user, request=request)
    except services.NoticeRefused as refused:
        return Status(409, {"detail": str(refused)})
    return Status(200, [notice_json(n) for n in drafted])


class FigureOut(Schema):
    group: str
    sent: int
    acknowledged: int
    removed: int
    disputed: int
    overdue: int
    median_hours: float | None
    p90_hours: float | None


@staff_router.get("/takedowns/figures", response={200: list[FigureOut], 403: Problem},
                  summary="Per provider or category: sent, acknowledged, verified removed, disputed, overdue, "
                          "median and p90 hours to verified removal", **needs("notices.figures"))
def staff_figures(request, by: Literal["provider", "category"] = "provider"):
    return [row.__dict__ for row in figures.table(by)]


