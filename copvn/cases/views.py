import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copvn.audit.models import AuditEvent
from copvn.audit.services import record
from copvn.core.access import requires, user_can
from copvn.core.blobs import EVIDENCE, QUARANTINE
from copvn.core.filters import text_param, whole_number
from copvn.core.paging import page_of
from copvn.intake.models import Upload
from copvn.taxonomy.models import Category

from . import shield
from .models import Artefact, Case, State
from .services import never_displayed

MAX_AGE_DAYS = 36_500


def _filtered(request):
    cases = Case.objects.prefetch_related("categories", "urls")
    values = {k: text_param(request, k) for k in ("state", "category", "platform", "urgent", "older", "q")}
    if values["state"] in State.values:
        cases = cases.filter(state=values["state"])
    elif values["state"] != "all":
        cases = cases.open()
    if values["category"]:
        cases = cases.filter(categories__code=values["category"])
    if values["platform"]:
        cases = cases.filter(platform=values["platform"])
    if values["urgent"] in {"yes", "no"}:
        cases = cases.filter(urgent=values["urgent"] == "yes")
    older = whole_number(values["older"], MAX_AGE_DAYS)
    if older is not None:
        cases = cases.filter(received_at__lte=timezone.now() - dt.timedelta(days=older))
    else:
        values["older"] = ""
    if values["q"]:
        q = values["q"]
        cases = cases.filter(Q(reference__iexact=q) | Q(reports__reference__iexact=q) | Q(urls__canonical__icontains=q)
                             | Q(urls__first_url__icontains=q)).distinct()
    return cases.queue_order(), values


@requires("cases.view")
def case_list(request):
    cases, values = _filtered(request)
    page, query = page_of(request, cases)
    platforms = Case.objects.order_by().values_list("platform", flat=True).distinct()
    context = {"page": page, "query": query, "filters": values, "states": State.choices,
               "categories": Category.objects.filter(active=True), "platforms": sorted(p for p in platforms if p)}
    return render(request, "cases/case_list.html", context)


def _case(reference) -> Case:
    return get_object_or_404(Case, reference=reference)


@requires("cases.view")
def case_detail(request, reference):
    return render(request, "cases/case_detail.html", case_context(request, _case(reference)))


def case_context(request, case: Case) -> dict:
    """Everything a case page shows — content, findings with their spans, decisions, the trail; the view is
    audited. Shared by the case page and the review screen."""
    from copvn.review import presentation
    from copvn.review.models import QueueItem

    with transaction.atomic():
        record("case.view", request=request, obj=case)
    reports = list(case.reports.select_related("referring_org", "entered_by", "api_key__organisation")
                   .prefetch_related("urls", "uploads", "categories"))
    urls = list(case.urls.select_related("provider").prefetch_related("captures__artefacts"))
    presentation.mark_texts(case, reports, urls)
    presentation.assessed_media(case, reports)
    report_ids = [str(r.pk) for r in reports]
    trail = AuditEvent.objects.filter(Q(object_type="cases.case", object_id=str(case.pk))
                                      | Q(object_type="intake.report", object_id__in=report_ids)).select_related("actor")[:100]
    return {
        "case": case, "reports": reports, "trail": trail, "urls": urls,
        "findings": case.findings.all(), "decisions": case.decisions.select_related("decided_by", "approval__by"),
        "earlier": presentation.earlier_decisions(case),
        "review_item": QueueItem.objects.filter(case=case).exclude(state=QueueItem.State.DONE).first()
        if user_can(request.user, "review.work") else None,
        "hide_media": never_displayed(case),
        "can_reveal": user_can(request.user, "media.reveal"),
        "reason_required": settings.REVEAL_REASON_REQUIRED,
        **_coordination(request, case),
    }


def _coordination(request, case: Case) -> dict:
    """The takedown notices and referrals that came of the case (coordination stage)."""
    from copvn.referrals.views import destinations
    from copvn.takedowns.models import Notice

    notices = Notice.objects.filter(urls__case=case).distinct().select_related("provider", "legal_basis") \
        if user_can(request.user, "notices.view") else []
    referrals = case.referrals.select_related("organisation") if user_can(request.user, "referrals.view") else []
    can_refer = user_can(request.user, "referrals.create")
    return {"notices": notices, "referrals": referrals, "can_refer": can_refer,
            "referral_destinations": destinations() if can_refer else []}


def _upload(case, upload_id) -> Upload:
    upload = get_object_or_404(Upload, pk=upload_id, report__case=case, bytes_kept=True)
    if never_displayed(case) or not QUARANTINE.exists(upload.sha256):
        raise Http404
    return upload


@requires("media.reveal")
def upload_image(request, reference, upload_id):
    """The shielded derivative (downscaled, greyscale, blurred on the server); never the original."""
    case = _case(reference)
    upload = _upload(case, upload_id)
    with transaction.atomic():
        record("media.view_blurred", request=request, obj=upload, data={"case": case.reference, "sha256": upload.sha256})
    from copvn.review.wellness import count_exposure, settings_for

    mine = settings_for(request.user)
    count_exposure(request.user)
    return _private_file(shield.shielded(QUARANTINE.read(upload.sha256), mine.blur, mine.greyscale), "image/png")


@requires("media.reveal")
@require_POST
def reveal(request, reference, upload_id):
    """The original bytes, after the audit entry for this reveal is committed."""
    case = _case(reference)
    upload = _upload(case, upload_id)
    reason = request.POST.get("reason", "").strip()[:500]
    if settings.REVEAL_REASON_REQUIRED and not reason:
        return HttpResponse(_("Cần ghi lý do trước khi hiện ảnh gốc."), status=400,
                            content_type="text/plain; charset=utf-8")
    with transaction.atomic():
        record("media.reveal", request=request, obj=upload, reason=reason,
               data={"case": case.reference, "sha256": upload.sha256})
    from copvn.review.wellness import count_exposure

    count_exposure(request.user)
    return _private_file(QUARANTINE.read(upload.sha256), upload.content_type)


@requires("cases.view")
def artefact(request, reference, artefact_id):
    """Evidence as an attachment; HTML is sent as plain text so that it can never run in copvn's origin."""
    case = _case(reference)
    item = get_object_or_404(Artefact, pk=artefact_id, capture__case_url__case=case, kind__in=[
        Artefact.Kind.HTML, Artefact.Kind.TEXT, Artefact.Kind.HEADERS, Artefact.Kind.SCREENSHOT])
    if item.kind == Artefact.Kind.SCREENSHOT and never_displayed(case):
        raise Http404
    with transaction.atomic():
        record("evidence.export", request=request, obj=item, data={"case": case.reference, "sha256": item.sha256})
    content_type = "image/png" if item.kind == Artefact.Kind.SCREENSHOT else "text/plain; charset=utf-8"
    response = _private_file(EVIDENCE.read(item.stored_path), content_type)
    extension = {"screenshot": "png", "html": "html.txt", "headers": "json.txt"}.get(item.kind, "txt")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-{item.kind}-{item.sha256[:12]}.{extension}"'
    return response


def _private_file(data: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
