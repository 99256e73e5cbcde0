"""The partner API (OpenAPI at /api/v1/openapi.json; documented in docs/api.md)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.responses import Status
from ninja.security import HttpBearer

from copvn.audit.services import client_address

from . import keys
from .models import Channel, Report
from .services import Limit, RateLimited, ReportInput, ReportInvalid, submit
from .views import PUBLIC_STATUS

MINUTE = 60


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request, token):
        return keys.authenticate(token)


api = NinjaAPI(title="copvn partner API", version="1", urls_namespace="api", docs_url=None, auth=ApiKeyAuth(),
               description="Submit reports of content harmful to children and read back their status.")

MAX_BATCH = 500


class ReportIn(Schema):
    urls: list[str] = Field(default_factory=list, max_length=20, description="Links to the content (http/https).")
    description: str = Field("", max_length=20_000)
    categories: list[str] = Field(default_factory=list, max_length=16, description="Taxonomy codes, e.g. GROOM.")
    child_in_danger: bool = Field(False, description="A child is in danger now: starts the 12-hour clock.")
    platform: str = Field("", max_length=40)
    external_ref: str = Field("", max_length=100, description="Your own reference for this report.")
    client_key: str = Field("", max_length=100, description="Idempotency key: the same key twice creates one report.")
    reporter_name: str = Field("", max_length=200)
    reporter_phone: str = Field("", max_length=40)
    reporter_email: str = Field("", max_length=254)


class ReportOut(Schema):
    reference: str
    status: str
    status_text: str
    received_at: dt.datetime
    created: bool


class BatchIn(Schema):
    reports: list[ReportIn] = Field(..., min_length=1, max_length=MAX_BATCH)


class BatchItem(Schema):
    index: int
    report: ReportOut | None = None
    errors: dict[str, list[str]] | None = None


class BatchOut(Schema):
    results: list[BatchItem]


class Problem(Schema):
    detail: dict[str, list[str]] | str


def _out(report: Report, created: bool) -> dict:
    return {"reference": report.reference, "status": report.case.state, "status_text": str(PUBLIC_STATUS[report.case.state]),
            "received_at": report.received_at, "created": created}


def _submit(request, body: ReportIn) -> tuple[Report, bool]:
    data = ReportInput(channel=Channel.API, urls=body.urls, description=body.description,
                       category_codes=[c.upper() for c in body.categories], child_in_danger=body.child_in_danger,
                       platform_hint=body.platform, external_ref=body.external_ref, client_key=body.client_key,
                       reporter_name=body.reporter_name, reporter_phone=body.reporter_phone,
                       reporter_email=body.reporter_email, referring_org_id=request.auth.organisation_id)
    return submit(data, request=request, api_key=request.auth, address=client_address(request),
                  limit=_limit(request.auth))


def _limit(key) -> Limit:
    """Reports per minute by the key's trust level (COPVN_API_REPORTS_PER_MINUTE)."""
    return Limit(f"api-key:{key.pk}", settings.API_REPORTS_PER_MINUTE[key.trust], MINUTE)


def _too_many(key) -> str:
    return _("Khóa này đã gửi %(n)s phản ánh trong một phút (mức tin cậy “%(trust)s”); thử lại sau.") % {
        "n": settings.API_REPORTS_PER_MINUTE[key.trust], "trust": key.trust}


@api.post("/reports", response={201: ReportOut, 200: ReportOut, 422: Problem, 429: Problem},
          summary="Submit one report")
def create_report(request, body: ReportIn, response: HttpResponse):
    """Persisted before the answer: 201 when created, 200 when `client_key` was seen before (same report).
    429 with `Retry-After` past the key's limit of reports per minute."""
    try:
        report, created = _submit(request, body)
    except ReportInvalid as error:
        return Status(422, {"detail": error.errors})
    except RateLimited:
        response["Retry-After"] = str(MINUTE)
        return Status(429, {"detail": _too_many(request.auth)})
    return Status(201 if created else 200, _out(report, created))


@api.post("/reports/batch", response={200: BatchOut, 429: Problem}, summary="Submit up to 500 reports")
def create_batch(request, body: BatchIn, response: HttpResponse):
    """Each report is taken or refused on its own; one bad item does not stop the others. Past the key's
    limit the remaining items are refused with the `rate` error (429 when none was taken)."""
    results = []
    for index, item in enumerate(body.reports):
        try:
            report, created = _submit(request, item)
        except ReportInvalid as error:
            results.append({"index": index, "errors": error.errors})
        except RateLimited:
            response["Retry-After"] = str(MINUTE)
            refused = {"rate": [_too_many(request.auth)]}
            results += [{"index": i, "errors": refused} for i in range(index, len(body.reports))]
            if index == 0:
                return Status(429, {"detail": _too_many(request.auth)})
            break
        else:
            results.append({"index": index, "report": _out(report, created)})
    return {"results": results}


@api.get("/reports/{reference}", response={200: ReportOut, 404: Problem}, summary="Status of a report")
def get_report(request, reference: str):
    """Only reports sent by the key's own organisation are visible."""
    report = Report.objects.select_related("case").filter(
        reference=reference, api_key__organisation_id=request.auth.organisation_id).first()
    if report is None:
        return Status(404, {"detail": "no such report for this organisation"})
    return Status(200, _out(report, False))


# The staff API (personal staff tokens, never partner keys): copvn/review/api.py.
from copvn.review.api import router as staff_router  # noqa: E402

api.add_router("", staff_router)
from copvn.review.text_api import router as text_router  # noqa: E402

api.add_router("", text_router)
from copvn.lists.api import router as lists_router  # noqa: E402

api.add_router("", lists_router)
from copvn.takedowns.api import provider_router, staff_router as notices_staff_router  # noqa: E402, I001

api.add_router("", provider_router)
api.add_router("", notices_staff_router)
from copvn.referrals.api import router as referrals_router  # noqa: E402

api.add_router("", referrals_router)
from copvn.consent.api import router as press_router  # noqa: E402

api.add_router("", press_router)
from copvn.coordination.api import router as tasks_router  # noqa: E402

api.add_router("", tasks_router)
from copvn.monitoring.api import router as monitoring_router  # noqa: E402

api.add_router("", monitoring_router)
from copvn.reporting.api import public_router as transparency_router  # noqa: E402
from copvn.reporting.api import router as reports_router  # noqa: E402

api.add_router("", reports_router)
api.add_router("", transparency_router)
