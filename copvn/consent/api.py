"""The newsroom API (partner key of a press agency): the pre-publication check and the agency's own consent
records. Another organisation's record answers 404; a key of an organisation that is not a press agency 403."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from copvn.detect import pii
from copvn.review.api_schemas import Problem

from . import check, services
from .models import ConsentRecord

router = Router(tags=["press"])
MAX_TEXT = 1_000_000


def _press(request):
    agency = request.auth.organisation
    if agency.kind != "press":
        raise HttpError(403, "only a press agency's key may do this")
    return agency


class CheckIn(Schema):
    title: str = Field("", max_length=500)
    text: str = Field("", max_length=MAX_TEXT, description="The article as plain text…")
    html: str = Field("", max_length=MAX_TEXT, description="…or as HTML (its article text is read).")
    publication_date: dt.date
    medium: str = Field("online", max_length=10, description="print, online, tv, radio or social.")
    keep: bool = Field(False, description="Keep this check as the record that the article was checked.")


@router.post("/prepublication-checks", response={200: dict, 403: Problem, 422: Problem},
             summary="Check an article for children's private information against the agency's consents")
def prepublication_check(request, body: CheckIn):
    agency = _press(request)
    text = body.text or (pii.article_text(body.html) if body.html else "")
    if not text.strip():
        return Status(422, {"detail": "give the article's text or html"})
    kept, result = check.run_and_record(agency, text, publication_date=body.publication_date, title=body.title,
                                        medium=body.medium, keep=body.keep, api_key=request.auth, request=request)
    return {"check": kept.pk, **result}


class SignerIn(Schema):
    role: str = Field(..., description="parent, caregiver, guardian, representative or child.")
    full_name: str = Field(..., min_length=1, max_length=200)
    signed_on: dt.date
    relation: str = Field("", max_length=100)
    document: str = Field("", max_length=10)


class ConsentIn(Schema):
    child_name: str = Field(..., min_length=1, max_length=200)
    date_of_birth: dt.date | None = None
    age_years: int | None = Field(None, ge=0, le=18)
    school: str = Field("", max_length=200)
    categories: list[str] = Field(..., max_length=9)
    media: list[str] = Field(..., max_length=5)
    article: str = Field("", max_length=300)
    valid_from: dt.date
    valid_until: dt.date | None = None
    signers: list[SignerIn] = Field(..., max_length=6)


class WithdrawIn(Schema):
    by: str = Field(..., description="parent, caregiver, child or protection_body.")
    reason: str = Field("", max_length=4000)
    published_url: str = Field("", max_length=2000, description="The article, when it is already online.")


def _out(consent: ConsentRecord) -> dict:
    return {"id": consent.pk, "chain_intact": services.chain_intact(consent), **services.content(consent)}


def _signer(s: SignerIn) -> services.SignerInput:
    return services.SignerInput(role=s.role, full_name=s.full_name, signed_on=s.signed_on, relation=s.relation,
                                document=s.document)


@router.post("/consents", response={201: dict, 403: Problem, 422: Problem}, summary="Register a consent")
def create_consent(request, body: ConsentIn):
    agency = _press(request)
    data = services.ConsentInput(
        child_name=body.child_name, valid_from=body.valid_from, valid_until=body.valid_until,
        categories=body.categories, media=body.media, signers=[_signer(s) for s in body.signers],
        date_of_birth=body.date_of_birth, age_years=body.age_years, school=body.school, article=body.article)
    try:
        consent = services.register(agency, _actor(request), data, request=request)
    except services.ConsentRefused as refused:
        return Status(422, {"detail": str(refused)})
    return Status(201, _out(consent))


def _actor(request):
    """Acts through a key are recorded as the user who issued it (the audit entry names the key too)."""
    return request.auth.created_by


def _mine(request, consent_id: int) -> ConsentRecord:
    consent = ConsentRecord.objects.filter(pk=consent_id, agency=_press(request)).first()
    if consent is None:
        raise HttpError(404, "no such consent for this agency")
    return consent


@router.get("/consents/{consent_id}", response={200: dict, 403: Problem, 404: Problem}, summary="One consent")
def get_consent(request, consent_id: int):
    return _out(_mine(request, consent_id))


@router.post("/consents/{consent_id}/signers", response={200: dict, 403: Problem, 404: Problem, 422: Problem},
             summary="Add a signature (e.g. the child's own, aged 7+)")
def add_signer(request, consent_id: int, body: SignerIn):
    consent = _mine(request, consent_id)
    try:
        services.add_signer(consent, _actor(request), _signer(body), request=request)
    except services.ConsentRefused as refused:
        return Status(422, {"detail": str(refused)})
    return Status(200, _out(ConsentRecord.objects.get(pk=consent.pk)))


@router.post("/consents/{consent_id}/withdraw", response={200: dict, 403: Problem, 404: Problem, 422: Problem},
             summary="Withdraw a consent")
def withdraw_consent(request, consent_id: int, body: WithdrawIn):
    consent = _mine(request, consent_id)
    try:
        consent = services.withdraw(consent, _actor(request), body.by, body.reason,
                                    published_url=body.published_url, request=request)
    except services.ConsentRefused as refused:
        return Status(422, {"detail": str(refused)})
    return Status(200, _out(consent))

