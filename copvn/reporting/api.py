"""Periodic reports through /api/v1: the same figures, files, submissions and reviews as the pages, under the
same capabilities and services; the transparency figures for everyone."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from copvn.audit.services import record
from copvn.documents import MEDIA_TYPES
from copvn.review.api import needs
from copvn.review.api_schemas import Problem

from . import charts, figures, services
from .models import ReportType, Submission

router = Router(tags=["reports"])
public_router = Router(tags=["public"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportQuery(Schema):
    format: str = Field("json", description="json (the figures), docx, pdf or xlsx.")


class FiguresQuery(Schema):
    type: str = Field("monthly", max_length=40)
    period: str = Field(..., max_length=40, description="2026-11, 2026-H1, 2026 or 2026-03-01..2026-03-31.")
    org: str = Field("", max_length=60, description="An organisation's code: its own figures.")


class SubmissionIn(Schema):
    results: str = Field("", max_length=50_000)
    obstacles: str = Field("", max_length=50_000)
    next_tasks: str = Field("", max_length=50_000)
    proposals: str = Field("", max_length=50_000)
    submit: bool = Field(False, description="Submit to the lead department after saving.")


class ReviewIn(Schema):
    accept: bool
    comment: str = Field("", max_length=20_000)


def _submission_out(s: Submission) -> dict:
    return {"id": s.pk, "report_type": s.report_type.code, "period": s.period, "organisation": s.organisation.code,
            "state": s.state, "results": s.results, "obstacles": s.obstacles, "next_tasks": s.next_tasks,
            "proposals": s.proposals, "review_comment": s.review_comment,
            "deadline": s.deadline.isoformat() if s.deadline else None,
            "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None}


def _type(code: str) -> ReportType | None:
    return ReportType.objects.filter(code=code, active=True).first()


@router.get("/reports/{code}/{period}", response={200: dict, 403: Problem, 404: Problem, 409: Problem, 503: Problem},
            summary="The province's report for a past period: its figures, or the DOCX, PDF or XLSX",
            **needs("reports.view"))
def province_report(request, code: str, period: str, query: Query[ReportQuery]):
    report_type = _type(code)
    if report_type is None:
        return Status(404, {"detail": "no such report type"})
    if query.format not in ("json", "docx", "pdf", "xlsx"):
        return Status(409, {"detail": "format: json, docx, pdf or xlsx"})
    formats = [] if query.format == "json" else [query.format]
    try:
        files, errors, data = services.generate(report_type, period, formats, request.user, request=request)
    except services.ReportRefused as refused:
        return Status(409, {"detail": str(refused)})
    if query.format == "json":
        return Status(200, data)
    if query.format not in files:
        return Status(503, {"detail": f"the PDF could not be made ({errors.get('pdf', '')}); ask for format=docx"})
    response = HttpResponse(files[query.format], content_type=XLSX if query.format == "xlsx" else MEDIA_TYPES[query.format])
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{code}-{period.replace("..", "_")}.{query.format}"'
    return response


@router.get("/submissions", response={200: list[dict], 403: Problem}, summary="Every agency's submissions",
            **needs("reports.view"))
def list_submissions(request):
    return [_submission_out(s) for s in Submission.objects.select_related("report_type", "organisation")[:1000]]


@router.get("/submissions/mine", response={200: list[dict], 403: Problem}, summary="The organisation's submissions",
            **needs("reports.submit"))
def my_submissions(request):
    return [_submission_out(s) for s in Submission.objects.filter(organisation_id=request.user.organisation_id)
            .select_related("report_type", "organisation")]


@router.put("/submissions/mine/{code}/{period}", response={200: dict, 403: Problem, 404: Problem, 409: Problem},
            summary="Save (and submit) the organisation's report for a period", **needs("reports.submit"))
def save_submission(request, code: str, period: str, body: SubmissionIn):
    report_type = _type(code)
    if report_type is None:
        return Status(404, {"detail": "no such report type"})
    if request.user.organisation is None:
        return Status(403, {"detail": "the user belongs to no organisation"})
    try:
        submission = services.save_draft(report_type, period, request.user.organisation, request.user,
                                         body.dict(exclude={"submit"}), request=request)
        if body.submit:
            submission = services.submit(submission, request.user, request=request)
    except services.ReportRefused as refused:
        return Status(409, {"detail": str(refused)})
    return Status(200, _submission_out(submission))


@router.post("/submissions/{submission_id}/review", response={200: dict, 403: Problem, 404: Problem, 409: Problem},
             summary="Accept a submission or return it with comments (the lead department)", **needs("reports.manage"))
def review_submission(request, submission_id: int, body: ReviewIn):
    submission = Submission.objects.filter(pk=submission_id).select_related("report_type", "organisation").first()
    if submission is None:
        return Status(404, {"detail": "no such submission"})
    try:
        submission = services.review(submission, request.user, body.accept, body.comment, request=request)
    except services.ReportRefused as refused:
        return Status(409, {"detail": str(refused)})
    return Status(200, _submission_out(submission))


def _figures(query: FiguresQuery):
    from copvn.orgs.models import Organisation

    report_type = _type(query.type)
    if report_type is None:
        return None, None, "no such report type"
    try:
        period = services.period_of(report_type, query.period)
    except services.ReportRefused as refused:
        return None, None, str(refused)
    organisation = Organisation.objects.filter(code=query.org).first() if query.org else None
    return period, organisation, ""


@router.get("/dashboard", response={200: dict, 403: Problem, 409: Problem}, summary="The dashboard's figures",
            **needs("dashboard.view"))
def dashboard(request, query: Query[FiguresQuery]):
    period, organisation, problem = _figures(query)
    if problem:
        return Status(409, {"detail": problem})
    with transaction.atomic():
        record("dashboard.view", request=request, data={"period": period.key, "org": query.org})
    return Status(200, figures.compute(period, organisation))


@public_router.get("/transparency", response={200: list[dict], 409: Problem}, auth=None,
                   summary="Public aggregates, small counts suppressed")
def transparency(request, query: Query[FiguresQuery]):
    period, _organisation, problem = _figures(FiguresQuery(type=query.type, period=query.period))
    if problem:
        return Status(409, {"detail": problem})
    from django.utils import timezone

    if period.end >= timezone.localdate():
        return Status(409, {"detail": "the period has not ended: the public figures are of ended periods only"})
    return Status(200, charts.public_tables(figures.compute(period), settings.TRANSPARENCY_MIN_CELL))
