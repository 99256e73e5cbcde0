"""Periodic reports: the lead department's page (periods, agencies' submissions, the generated report), the
agencies' own submissions, programme targets, the dashboards and the public transparency page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copvn.audit.services import record
from copvn.core.access import public, requires, user_can
from copvn.documents import MEDIA_TYPES

from . import charts, figures, services
from .forms import AdhocForm, ProgrammeForm, ReviewForm, SubmissionForm, TargetForm
from .models import Programme, ReportType, Submission, Target
from .periods import containing, previous

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def grouped(organisations) -> list[tuple[str, list]]:
    """Organisations by kind, for a select with groups."""
    from copvn.orgs.models import Kind

    labels, groups = dict(Kind.choices), {}
    for org in organisations:
        groups.setdefault(str(labels.get(org.kind, org.kind)), []).append(org)
    return list(groups.items())


def recent_periods(report_type: ReportType, count: int = 6) -> list:
    """The last `count` periods that have ended (newest first); none for ad hoc types."""
    if report_type.frequency == "adhoc":
        return []
    period = containing(report_type.frequency, timezone.localdate())
    out = []
    while len(out) < count:
        period = previous(period)
        out.append(period)
    return out


@requires("reports.view")
def index(request):
    types = []
    for report_type in ReportType.objects.filter(active=True):
        periods = recent_periods(report_type, 3 if report_type.frequency != "monthly" else 6)
        keys = [p.key for p in periods]
        by = {}
        for s in Submission.objects.filter(report_type=report_type, period__in=keys).exclude(
                state=Submission.State.DRAFT).select_related("organisation"):
            by.setdefault(s.period, []).append(s)
        types.append({"type": report_type, "periods": [(p, by.get(p.key, []),
                                                         services.deadline_of(report_type, p)) for p in periods]})
    adhoc = Submission.objects.filter(report_type__frequency="adhoc").select_related("organisation")[:200]
    return render(request, "reporting/index.html", {"types": types, "adhoc": adhoc, "adhoc_form": AdhocForm(),
                                                    "can_manage": user_can(request.user, "reports.manage")})


@requires("reports.manage")
@require_POST
def adhoc_request(request):
    form = AdhocForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("reporting:index")
    data = form.cleaned_data
    try:
        made = services.request_adhoc(data["start"], data["end"], data["deadline"], list(data["organisations"]),
                                      request.user, request=request)
    except services.ReportRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Đã yêu cầu %(n)s cơ quan, đơn vị báo cáo đột xuất.") % {"n": len(made)})
    return redirect("reporting:index")


@requires("reports.view")
def download(request, code, period, fmt):
    report_type = get_object_or_404(ReportType, code=code, active=True)
    if fmt not in ("docx", "pdf", "xlsx"):
        raise Http404
    try:
        files, errors, _data = services.generate(report_type, period, [fmt], request.user, request=request)
    except services.ReportRefused as refused:
        messages.error(request, str(refused))
        return redirect("reporting:index")
    if fmt not in files:
        messages.error(request, _("Không tạo được tệp PDF (%(error)s); hãy tải bản DOCX.") % {"error": errors.get(fmt, "")})
        return redirect("reporting:index")
    response = HttpResponse(files[fmt], content_type=XLSX if fmt == "xlsx" else MEDIA_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{code}-{period.replace("..", "_")}.{fmt}"'
    return response


@requires("reports.view")
def submission_detail(request, pk):
    submission = get_object_or_404(Submission.objects.select_related("organisation", "report_type"), pk=pk)
    with transaction.atomic():
        record("submission.read", request=request, obj=submission)
    can_review = user_can(request.user, "reports.manage") and submission.state == Submission.State.SUBMITTED
    return render(request, "reporting/submission.html", {"submission": submission, "can_review": can_review,
                                                         "form": ReviewForm(), "edit": False,
                                                         "period_label": _label(submission)})


def _label(submission) -> str:
    try:
        period = services.period_of(submission.report_type, submission.period)
    except services.ReportRefused:
        return submission.period
    return f"{period.label_vi} ({period.span_vi})"


def _own_activities(own: dict) -> list:
    from copvn.coordination.models import ActivityRecord

    kinds = dict(ActivityRecord.Kind.choices)
    return [(kinds.get(k, k), row) for k, row in sorted(own["activities"].items())]


@requires("reports.manage")
@require_POST
def submission_review(request, pk):
    submission = get_object_or_404(Submission, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn tiếp nhận hoặc trả lại."))
        return redirect("reporting:submission", pk=pk)
    try:
        services.review(submission, request.user, form.cleaned_data["decision"] == "accept",
                        form.cleaned_data["comment"], request=request)
    except services.ReportRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Đã ghi ý kiến."))
    return redirect("reporting:submission", pk=pk)


# ----------------------------------------------------------------------------------- the agency's own

@requires("reports.submit")
def mine(request):
    if request.user.organisation_id is None:
        raise PermissionDenied
    rows = []
    for report_type in ReportType.objects.filter(active=True).exclude(frequency="adhoc"):
        for period in recent_periods(report_type, 2):
            found = Submission.objects.filter(report_type=report_type, period=period.key,
                                              organisation=request.user.organisation).first()
            rows.append((report_type, period, found, services.deadline_of(report_type, period)))
    adhoc = Submission.objects.filter(organisation=request.user.organisation, report_type__frequency="adhoc") \
        .select_related("report_type")
    return render(request, "reporting/mine.html", {"rows": rows, "adhoc": adhoc, "today": timezone.localdate()})


@requires("reports.submit")
def edit(request, code, period):
    report_type = get_object_or_404(ReportType, code=code, active=True)
    organisation = request.user.organisation
    if organisation is None:
        raise PermissionDenied
    submission = Submission.objects.filter(report_type=report_type, period=period, organisation=organisation).first()
    editable = submission is None or submission.state in (Submission.State.DRAFT, Submission.State.RETURNED)
    initial = {f: getattr(submission, f) for f in services.TEXT_FIELDS} if submission else {}
    form = SubmissionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                submission = services.save_draft(report_type, period, organisation, request.user, form.cleaned_data,
                                                 request=request)
                if "submit" in request.POST:
                    services.submit(submission, request.user, request=request)
                    messages.success(request, _("Đã nộp báo cáo."))
                else:
                    messages.success(request, _("Đã lưu bản nháp."))
            except services.ReportRefused as refused:
                messages.error(request, str(refused))
            return redirect("reporting:edit", code=code, period=period)
    try:
        span = services.period_of(report_type, period)
    except services.ReportRefused as refused:
        messages.error(request, str(refused))
        return redirect("reporting:mine")
    own = figures.compute(span, organisation)
    return render(request, "reporting/submission.html", {
        "submission": submission, "form": form, "edit": editable, "report_type": report_type, "period": span,
        "own": own, "own_activities": _own_activities(own), "period_label": f"{span.label_vi} ({span.span_vi})"})


# ---------------------------------------------------------------------------------------------- targets

@requires("reports.view")
def targets(request):
    can_manage = user_can(request.user, "reports.manage")
    programme_form = ProgrammeForm(request.POST if "programme" in request.POST else None, prefix="p")
    target_form = TargetForm(request.POST if "target" in request.POST else None, prefix="t")
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = programme_form if "programme" in request.POST else target_form
        if form.is_valid():
            with transaction.atomic():
                saved = form.save()
                record("reporting.programme_create" if form is programme_form else "reporting.target_create",
                       request=request, obj=saved)
            messages.success(request, _("Đã lưu."))
            return redirect("reporting:targets")
    today = containing("annual", timezone.localdate())
    achieved = {(t["programme"], t["indicator"]): t for t in figures.targets(figures.Window.of(today), None)}
    return render(request, "reporting/targets.html", {
        "programmes": Programme.objects.prefetch_related("targets"), "achieved": achieved, "year": today,
        "can_manage": can_manage, "programme_form": programme_form, "target_form": target_form,
        "all_targets": Target.objects.select_related("programme")})


# --------------------------------------------------------------------------------------------- dashboards

def _period_from(request, ended_only: bool = False):
    """The report type and period asked for; a period that does not fit the type (the type was changed in the
    form) or, with `ended_only`, has not ended, becomes the latest ended one."""
    code = request.GET.get("type", "monthly")
    report_type = ReportType.objects.filter(code=code).exclude(frequency="adhoc").first() or \
        ReportType.objects.filter(code="monthly").first() or ReportType(code="monthly", name="", frequency="monthly")
    periods = recent_periods(report_type, {"monthly": 12, "six-monthly": 6}.get(report_type.frequency, 5))
    latest = periods[0]
    try:
        period = services.period_of(report_type, request.GET.get("period") or latest.key)
    except services.ReportRefused:
        period = latest
    if ended_only and period.end >= timezone.localdate():
        period = latest
    return report_type, period, periods


@requires("dashboard.view")
def dashboard(request):
    from copvn.orgs.models import Organisation

    report_type, period, periods = _period_from(request)
    organisation = None
    if request.GET.get("org"):
        organisation = Organisation.objects.filter(code=request.GET["org"]).first()
    data = figures.compute(period, organisation)
    with transaction.atomic():
        record("dashboard.view", request=request, data={"period": period.key, "org": getattr(organisation, "code", "")})
    return render(request, "reporting/dashboard.html", {
        "data": data, "period": period, "periods": periods, "report_type": report_type,
        "types": ReportType.objects.exclude(frequency="adhoc"), "organisation": organisation,
        "organisations": grouped(Organisation.objects.as_of(period.end).order_by("kind", "name")),
        "charts": charts.dashboard(data)})


@public
def transparency(request):
    """Aggregates only, for everyone: counts below COPVN_TRANSPARENCY_MIN_CELL shown as "< k"."""
    from django.core.cache import cache

    report_type, period, periods = _period_from(request, ended_only=True)
    k = settings.TRANSPARENCY_MIN_CELL
    # Anyone may ask, and an ended period's aggregates change only with late entries: kept ten minutes.
    tables = cache.get_or_set(f"transparency:{report_type.code}:{period.key}:{k}:{request.LANGUAGE_CODE}",
                              lambda: charts.public_tables(figures.compute(period), k), 600)
    return render(request, "reporting/transparency.html", {
        "period": period, "periods": periods, "report_type": report_type,
        "types": ReportType.objects.exclude(frequency="adhoc"), "tables": tables, "k": k})
