"""Referrals through /api/v1 (staff tokens): staff refer and list; liaisons list theirs, acknowledge and
record outcomes — the same capabilities and services as the pages."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from copvn.cases.models import Case
from copvn.orgs.models import Organisation
from copvn.review.api import needs
from copvn.review.api_schemas import Problem
from copvn.takedowns.services import NoticeRefused

from . import services
from .models import Referral

router = Router(tags=["referrals"])


class ReferralOut(Schema):
    reference: str
    case: str
    destination: str
    organisation: str
    state: str
    sent_at: str
    acknowledged_at: str | None
    outcome: str
    outcome_note: str
    package_sha256: str


class PageIn(Schema):
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class ReferIn(Schema):
    case: str = Field(..., description="The case's reference.")
    organisation: str = Field(..., description="The receiving organisation's code.")
    destination: str = Field(..., description="police, hotline, commune or school.")
    note: str = Field("", max_length=4000)


class OutcomeIn(Schema):
    outcome: str = Field(..., description="investigating, child_supported, prosecuted, no_action or transferred.")
    note: str = Field(..., min_length=1, max_length=4000)


def _out(r: Referral) -> dict:
    return {"reference": r.reference, "case": r.case.reference, "destination": r.destination,
            "organisation": r.organisation.code, "state": r.state, "sent_at": r.sent_at.isoformat(),
            "acknowledged_at": r.acknowledged_at.isoformat() if r.acknowledged_at else None, "outcome": r.outcome,
            "outcome_note": r.outcome_note, "package_sha256": r.package_sha256}


@router.get("/referrals", response={200: list[ReferralOut], 403: Problem}, summary="Referrals, newest first",
            **needs("referrals.view"))
def list_referrals(request, page: Query[PageIn]):
    return [_out(r) for r in services.visible_to(request.user)[page.offset:page.offset + page.limit]]


@router.post("/referrals", response={201: ReferralOut, 403: Problem, 404: Problem, 409: Problem},
             summary="Refer a case", **needs("referrals.create"))
def create_referral(request, body: ReferIn):
    case = Case.objects.filter(reference=body.case).first()
    organisation = Organisation.objects.current().filter(code=body.organisation).first()
    if case is None or organisation is None:
        raise HttpError(404, "no such case or organisation")
    try:
        referral = services.refer(case, organisation, body.destination, request.user, note=body.note, request=request)
    except (services.ReferralRefused, NoticeRefused) as refused:
        return Status(409, {"detail": str(refused)})
    return Status(201, _out(referral))


@router.get("/referrals/inbox", response={200: list[ReferralOut], 403: Problem},
            summary="Referrals to the caller's organisation", **needs("referrals.respond"))
def referral_inbox(request, page: Query[PageIn]):
    return [_out(r) for r in services.visible_to(request.user)[page.offset:page.offset + page.limit]]


def _mine(request, reference: str) -> Referral:
    referral = services.visible_to(request.user).filter(reference=reference).first()
    if referral is None:
        raise HttpError(404, "no such referral for this organisation")
    return referral


@router.post("/referrals/inbox/{reference}/acknowledge", response={200: ReferralOut, 403: Problem, 404: Problem,
                                                                    409: Problem},
             summary="Acknowledge a referral", **needs("referrals.respond"))
def acknowledge_referral(request, reference: str):
    try:
        return Status(200, _out(services.acknowledge(_mine(request, reference), request.user, request=request)))
    except services.ReferralRefused as refused:
        return Status(409, {"detail": str(refused)})


@router.post("/referrals/inbox/{reference}/outcome", response={200: ReferralOut, 403: Problem, 404: Problem,
                                                                409: Problem},
             summary="Record the outcome", **needs("referrals.respond"))
def referral_outcome(request, reference: str, body: OutcomeIn):
    try:
        referral = services.record_outcome(_mine(request, reference), request.user, body.outcome, body.note,
                                           request=request)
    except services.ReferralRefused as refused:
        return Status(409, {"detail": str(refused)})
    return Status(200, _out(referral))
