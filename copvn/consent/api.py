"""The newsroom API (partner key of a press agency): the pre-publication check and the agency's own consent
records. Another organisation's record answers 404; a key of an organisation that is not a press agency 403."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja.errors import HttpError
from ninja.responses import Status

from copvn.audit.services import record
from copvn.detect import pii
from copvn.review.api_schemas import Problem

from . import check, downloads, services
from .files import read_url
from .models import ConsentRecord, PrepublicationCheck

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
    html: str = Field("", max_length=MAX_TEXT, description="…or as HTML (its article text is read)…")
    url: str = Field("", max_length=2000, description="…or the URL of a draft (a preview link), fetched.")
    publication_date: dt.date
    medium: str = Field("online", max_length=10, description="print, online, tv, radio or social.")
    keep: bool = Field(False, description="Keep this check as the record that the article was checked.")


@router.post("/prepublication-checks", response={200: dict, 403: Problem, 422: Problem},
             summary="Check an article for children's private information against the agency's consents")
def prepublication_check(request, body: CheckIn):
    agency = _press(request)
    text = body.text or (pii.article_text(body.html) if body.html else "")
    if not text.strip() and body.url:
        try:
            text = read_url(body.url)
        except ValueError as exc:
            return Status(422, {"detail": str(exc)})
    if not text.strip():
        return Status(422, {"detail": "give the article's text, html or url"})
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


class PageIn(Schema):
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class FormatIn(Schema):
    format: str = Field("docx", pattern="^(docx|pdf)$", description="docx or pdf.")


@router.get("/consents", response={200: list[dict], 403: Problem}, summary="The agency's consents, newest first")
def list_consents(request, page: Query[PageIn]):
    agency = _press(request)
    consents = ConsentRecord.objects.filter(agency=agency).order_by("-created_at")[page.offset:page.offset + page.limit]
    with transaction.atomic():
        record("consent.read", request=request, actor=_actor(request), object_type="consent.consentrecord",
               data={"list": True, "count": len(consents)})
    return [_out(c) for c in consents]


@router.get("/consents/{consent_id}", response={200: dict, 403: Problem, 404: Problem}, summary="One consent")
def get_consent(request, consent_id: int):
    consent = _mine(request, consent_id)
    with transaction.atomic():
        record("consent.read", request=request, actor=_actor(request), obj=consent)
    return _out(consent)


@router.post("/consents/{consent_id}/evidence", response={201: dict, 403: Problem, 404: Problem, 422: Problem},
             summary="Keep the scanned signed form (PDF, JPEG or PNG) in quarantine")
def add_evidence(request, consent_id: int, file: File[UploadedFile]):
    consent = _mine(request, consent_id)
    try:
        evidence = services.add_evidence(consent, _actor(request), file.read(), file.name or "", request=request)
    except services.ConsentRefused as refused:
        return Status(422, {"detail": str(refused)})
    return Status(201, {"id": evidence.pk, "sha256": evidence.sha256, "content_type": evidence.content_type,
                        "size": evidence.size})


@router.get("/consents/{consent_id}/evidence/{evidence_id}", response={200: None, 403: Problem, 404: Problem},
            summary="Download a scanned signed form (audited)")
def open_evidence(request, consent_id: int, evidence_id: int):
    consent = _mine(request, consent_id)
    scan = consent.evidence.filter(pk=evidence_id).first()
    if scan is None:
        raise HttpError(404, "no such scanned form for this consent")
    return downloads.evidence(request, consent, scan, actor=_actor(request))


def _form(request, consent, fmt: str):
    response = downloads.form(request, _press(request), consent, fmt, actor=_actor(request))
    if isinstance(response, str):
        raise HttpError(503, f"the PDF could not be made ({response}); ask for format=docx")
    return response


@router.get("/consent-form", response={200: None, 403: Problem, 503: Problem},
            summary="The blank consent form to print (DOCX or PDF), with the page for the child")
def blank_form(request, query: Query[FormatIn]):
    return _form(request, None, query.format)


@router.get("/consents/{consent_id}/form", response={200: None, 403: Problem, 404: Problem, 503: Problem},
            summary="The consent form filled from a record, for signature (DOCX or PDF)")
def filled_form(request, consent_id: int, query: Query[FormatIn]):
    return _form(request, _mine(request, consent_id), query.format)


def _check_out(kept: PrepublicationCheck) -> dict:
    return {"check": kept.pk, "at": kept.at.isoformat(), "kept": kept.kept, "text_sha256": kept.text_sha256,
            **kept.result}


@router.get("/prepublication-checks", response={200: list[dict], 403: Problem},
            summary="The checks the agency kept as the record that an article was checked")
def list_checks(request, page: Query[PageIn]):
    agency = _press(request)
    checks = PrepublicationCheck.objects.filter(agency=agency, kept=True).order_by("-at")[
        page.offset:page.offset + page.limit]
    with transaction.atomic():
        record("consent.check_read", request=request, actor=_actor(request),
               object_type="consent.prepublicationcheck", data={"list": True, "count": len(checks)})
    return [_check_out(k) for k in checks]


@router.get("/prepublication-checks/{check_id}", response={200: dict, 403: Problem, 404: Problem},
            summary="One check (kept, or run through this key)")
def get_check(request, check_id: int):
    agency = _press(request)
    kept = PrepublicationCheck.objects.filter(pk=check_id, agency=agency).first()
    if kept is None or not (kept.kept or kept.api_key_id == request.auth.pk):
        raise HttpError(404, "no such check for this agency")
    with transaction.atomic():
        record("consent.check_read", request=request, actor=_actor(request), obj=kept)
    return _check_out(kept)


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

