"""The staff API: cases and the review workbench for programs (docs/api.md, "Staff API").

Mounted on the partner API (`/api/v1/`) but authenticated only by personal staff tokens
(`copvn.accounts.tokens`), never by partner keys or sessions. Each operation names its capability once; the
token's user must hold it in `accounts/roles.py` (403 otherwise), the same check as the page. An operation
that names none is refused to everyone. Handlers call the same functions as the pages.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import HttpBearer

from copvn.accounts import tokens
from copvn.accounts.roles import CAPABILITIES, has_capability
from copvn.audit.services import record
from copvn.cases.models import Case

from . import presentation, queue, services
from .api_schemas import (
    ApprovalIn,
    AssignIn,
    CaseDetail,
    CaseFilter,
    CasePage,
    ClaimIn,
    DecisionIn,
    DecisionOut,
    HoldIn,
    ItemOut,
    Problem,
)
from .forms import DecisionForm
from .models import Decision, QueueItem

log = logging.getLogger(__name__)


class StaffTokenAuth(HttpBearer):
    """A personal staff token; the operation's capability must belong to the token user's role."""

    openapi_description = "A personal staff token (`copvn token create`), never a partner key."

    def __init__(self, capability: str | None = None):
        if capability is not None and capability not in CAPABILITIES:
            raise KeyError(f"unknown capability {capability!r}")
        self.capability = capability
        super().__init__()

    def authenticate(self, request, token):
        user = tokens.authenticate(token)
        if user is None:
            return None
        request.user = user  # the audit entries name the token's user
        if self.capability is None:
            log.error("staff API operation %s declares no capability; refused", request.path)
        if self.capability is None or not has_capability(user.role, self.capability):
            raise HttpError(403, _("Vai trò của bạn không được làm việc này."))
        return user


def needs(capability: str) -> dict:
    """The operation's access rule: a staff token whose user's role holds `capability`."""
    return {"auth": StaffTokenAuth(capability), "openapi_extra": {"x-capability": capability}}


router = Router(auth=StaffTokenAuth(), tags=["staff"])  # deny by default: every operation names its capability

def _item_brief(case: Case) -> dict | None:
    items = sorted(case.queue_items.all(), key=lambda i: (i.state != QueueItem.State.DONE, -i.pk))
    if not items:
        return None
    return {"id": items[0].pk, "queue": items[0].queue.code, "priority": items[0].priority, "state": items[0].state}


def _summary(case: Case) -> dict:
    return {"reference": case.reference, "state": case.state, "state_text": str(case.get_state_display()),
            "received_at": case.received_at, "urgent": case.urgent, "urgent_deadline": case.urgent_deadline,
            "categories": [c.code for c in case.categories.all()], "platform": case.platform,
            "queue_item": _item_brief(case)}


def _cases():
    return Case.objects.prefetch_related("categories", Prefetch(
        "queue_items", queryset=QueueItem.objects.select_related("queue")))


def _case(reference: str) -> Case:
    case = _cases().filter(reference=reference).first()
    if case is None:
        raise HttpError(404, _("Không có vụ việc này."))
    return case


@router.get("/cases", response={200: CasePage, 403: Problem}, summary="List cases, newest first", **needs("cases.view"))
def list_cases(request, filters: Query[CaseFilter]):
    cases = _cases().order_by("-received_at", "-pk")
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.queue:
        cases = cases.filter(queue_items__queue__code=filters.queue,
                             queue_items__state__in=[QueueItem.State.OPEN, QueueItem.State.HELD]).distinct()
    page = cases[filters.offset:filters.offset + filters.limit]
    return {"count": cases.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [_summary(c) for c in page]}


def _report(report, spans) -> dict:
    named = {"name": report.reporter_name, "phone": report.reporter_phone, "email": report.reporter_email}
    return {"reference": report.reference, "channel": report.channel, "received_at": report.received_at,
            "description": report.description, "spans": spans.get(f"report:{report.pk}:description", []),
            "child_in_danger": report.child_in_danger, "reporter": None if report.anonymous else named,
            "referring_org": report.referring_org.name if report.referring_org else None,
            "external_ref": report.external_ref,
            "via_api": report.api_key.organisation.name if report.api_key else None,
            "entered_by": report.entered_by.username if report.entered_by else None,
            "uploads": [{"sha256": u.sha256, "width": u.width, "height": u.height, "bytes_kept": u.bytes_kept}
                        for u in report.uploads.all()]}


def _url(case_url) -> dict:
    return {"url": case_url.first_url, "canonical": case_url.canonical, "platform": case_url.platform,
            "host": case_url.host, "provider": case_url.provider.name if case_url.provider else None,
            "captures": [{"status": c.status, "started_at": c.started_at, "finished_at": c.finished_at,
                          "http_status": c.http_status, "final_url": c.final_url, "title": c.title,
                          "error": c.error_message} for c in case_url.captures.all()]}


def _decision(decision: Decision) -> dict:
    approval = getattr(decision, "approval", None)
    return {"id": decision.pk, "case": decision.case.reference, "number": decision.number,
            "supersedes": decision.supersedes.number if decision.supersedes_id else None,
            "categories": decision.categories, "harmful": decision.harmful, "action": decision.action,
            "severity": decision.severity, "legal_basis": decision.legal_basis, "csam_class": decision.csam_class,
            "age_band": decision.age_band, "reason": decision.reason, "decided_by": decision.decided_by.username,
            "decided_at": decision.decided_at, "needs_approval": decision.needs_approval,
            "approval": {"verdict": approval.verdict, "comment": approval.comment, "by": approval.by.username,
                         "at": approval.at} if approval else None}


@router.get("/cases/{reference}", response={200: CaseDetail, 403: Problem, 404: Problem},
            summary="A case: its reports, URLs, findings, decisions and trail (audited)", **needs("cases.view"))
def get_case(request, reference: str):
    """The content of the case page, from the same function; opening it is recorded as `case.view`."""
    from copvn.cases.views import case_context

    case = _case(reference)
    context = case_context(request, case)
    spans = presentation.spans_by_source(case)
    return {**_summary(case), "summary": case.summary, "reports": [_report(r, spans) for r in context["reports"]],
            "urls": [_url(u) for u in context["urls"]], "findings": list(context["findings"]),
            "decisions": [_decision(d) for d in context["decisions"].select_related("case", "supersedes")],
            "earlier_decisions": [_decision(d) for d in context["earlier"]],
            "trail": [{"seq": e.seq, "at": e.at, "actor": e.actor_label, "action": e.action, "reason": e.reason}
                      for e in context["trail"]]}


def _item_out(item: QueueItem) -> dict:
    return {"id": item.pk, "case": item.case.reference, "queue": item.queue.code, "priority": item.priority,
            "priority_reasons": [{"points": p, "code": c, "params": params} for p, c, params in item.priority_reasons],
            "state": item.state, "lease_until": item.lease_until}


@router.post("/queue/claim", response={200: ItemOut, 204: None, 403: Problem, 404: Problem},
             summary="Claim your next review item (a lease)", **needs("review.work"))
def claim_item(request, body: ClaimIn | None = None):
    """Your own live lease first, else the highest-priority open item of the queues you are cleared for,
    leased to you alone (`COPVN_REVIEW_LEASE_SECONDS`). 204 when nothing waits."""
    target = None
    if body is not None and body.queue:
        target = queue.visible_queues(request.user).filter(code=body.queue).first()
        if target is None:
            raise HttpError(404, _("Không có hàng đợi này, hoặc bạn chưa được cấp quyền xem hàng đợi này."))
    item = queue.claim(request.user, target)
    if item is None:
        return Status(204, None)
    with transaction.atomic():
        record("review.claim", request=request, obj=item.case, data={"item": item.pk, "queue": item.queue.code})
    return Status(200, _item_out(QueueItem.objects.select_related("case", "queue").get(pk=item.pk)))


def _held_item(request, item_id: int) -> QueueItem:
    item = QueueItem.objects.select_related("case", "queue").filter(pk=item_id).first()
    if item is None or not queue.visible_queues(request.user).filter(pk=item.queue_id).exists():
        raise HttpError(404, _("Không có mục này trong các hàng đợi của bạn."))
    return item


def _not_holding():
    return HttpError(409, _("Bạn không giữ mục này (đã hết hạn hoặc người khác đang xem xét)."))


@router.post("/queue/items/{item_id}/renew", response={200: ItemOut, 403: Problem, 404: Problem, 409: Problem},
             summary="Extend your lease on an item", **needs("review.work"))
def renew_item(request, item_id: int):
    """Only the holder of a live lease can renew it."""
    item = _held_item(request, item_id)
    if not queue.renew(request.user, item):
        raise _not_holding()
    item.refresh_from_db()
    return _item_out(item)


@router.post("/queue/items/{item_id}/release", response={204: None, 403: Problem, 404: Problem, 409: Problem},
             summary="Give an item back to its queue", **needs("review.work"))
def release_item(request, item_id: int):
    """Only the holder can release it; recorded as `review.skip`, as on the page."""
    item = _held_item(request, item_id)
    if not queue.release(request.user, item):
        raise _not_holding()
    with transaction.atomic():
        record("review.skip", request=request, obj=item.case, data={"item": item.pk})
    return Status(204, None)


@router.post("/queue/items/{item_id}/hold", response={204: None, 403: Problem, 404: Problem, 409: Problem},
             summary="Hold an item you have, with a reason", **needs("review.work"))
def hold_item(request, item_id: int, body: HoldIn):
    """As "Tạm giữ" on the page: the holder only, a reason always."""
    item = _held_item(request, item_id)
    try:
        services.hold(item, request.user, body.reason.strip(), request=request)
    except services.ReviewRefused as refused:
        return Status(409, {"detail": str(refused)})
    return Status(204, None)


@router.post("/queue/items/{item_id}/assign", response={204: None, 403: Problem, 404: Problem},
             summary="Assign an item to a named analyst (empty: unassign)", **needs("review.assign"))
def assign_item(request, item_id: int, body: AssignIn):
    from copvn.accounts.models import User

    item = QueueItem.objects.filter(pk=item_id).exclude(state=QueueItem.State.DONE).first()
    person = User.objects.filter(username=body.username, is_active=True).first() if body.username else None
    if item is None or (body.username and person is None):
        return Status(404, {"detail": _("Không có mục này trong các hàng đợi của bạn.")})
    services.assign(item, person, actor=request.user, request=request)
    return Status(204, None)


def _form_input(body: DecisionIn) -> services.DecisionInput:
    """The page's form checks the input: the same rules for people and programs (422 with its errors)."""
    form = DecisionForm({**body.dict(), "categories": [c.upper() for c in body.categories],
                         "harmful": "yes" if body.harmful else "no"})
    if not form.is_valid():
        raise _Invalid({field: [str(e) for e in errors] for field, errors in form.errors.items()})
    data = form.to_input()
    try:
        services.check(data)
    except services.ReviewRefused as refused:
        raise _Invalid({"decision": [str(refused)]}) from None
    return data


class _Invalid(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@router.post("/cases/{reference}/decisions",
             response={201: DecisionOut, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
             summary="Record a decision on a case", **needs("review.work"))
def create_decision(request, reference: str, body: DecisionIn):
    """409 when the decision is refused now: a newer decision exists (`seen_number` is stale), or someone else
    holds the case. A decision in a four-eyes category or with a four-eyes action waits for approval."""
    case = _case(reference)
    try:
        data = _form_input(body)
        decision = services.decide(case, request.user, data, request=request)
    except _Invalid as invalid:
        return Status(422, {"detail": invalid.errors})
    except services.ReviewRefused as refused:
        return Status(409, {"detail": str(refused)})
    return Status(201, _decision(Decision.objects.select_related("case", "decided_by", "supersedes")
                                 .get(pk=decision.pk)))


@router.get("/approvals", response={200: list[DecisionOut], 403: Problem},
            summary="Decisions waiting for approval", **needs("review.approve"))
def list_approvals(request):
    """Oldest first, as on the approvals page."""
    return [_decision(d) for d in services.pending_approvals().select_related("supersedes")]


@router.post("/decisions/{decision_id}/approval",
             response={201: DecisionOut, 403: Problem, 404: Problem, 409: Problem},
             summary="Approve a decision, or return it with a comment", **needs("review.approve"))
def approve_decision(request, decision_id: int, body: ApprovalIn):
    """409 when refused: your own decision, already reviewed, superseded, or returned without a comment."""
    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None:
        raise HttpError(404, _("Không có quyết định này."))
    try:
        services.approve(decision, request.user, body.approve, body.comment, request=request)
    except services.ReviewRefused as refused:
        return Status(409, {"detail": str(refused)})
    return Status(201, _decision(Decision.objects.select_related("case", "decided_by", "supersedes",
                                                                "approval__by").get(pk=decision.pk)))
