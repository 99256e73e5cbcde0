import re

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from copvn.audit.services import client_address, record
from copvn.core import ratelimit
from copvn.core.access import public, requires

from .forms import ImportForm, PublicReportForm, StaffReportForm, StatusForm
from .importer import COLUMN_HELP, import_reports
from .models import Report
from .services import Limit, RateLimited, ReportInvalid, content_key, source_digest, submit

HOUR = 3600
STATUS_LOOKUPS_PER_HOUR = 60
PUBLIC_STATUS = {
    "received": gettext_lazy("Đã tiếp nhận, đang chờ xác minh"),
    "collecting": gettext_lazy("Đang thu thập thông tin"),
    "assessing": gettext_lazy("Đang xác minh và đánh giá"),
    "coordinating": gettext_lazy("Đang phối hợp xử lý với cơ quan, đơn vị liên quan"),
    "closed": gettext_lazy("Đã xử lý xong"),
}


def _apply_errors(form, error: ReportInvalid):
    for name, messages in error.errors.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def _too_many(request, form):
    form.add_error(None, _("Bạn đã gửi nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau hoặc gọi Tổng đài 111."))
    response = render(request, "intake/public_form.html", {"form": form}, status=429)
    response["Retry-After"] = str(HOUR)
    return response


@public
@require_http_methods(["GET", "POST"])
def public_report(request):
    form = PublicReportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return render(request, "intake/public_form.html", {"form": form})
    limit = Limit(f"public-report:{source_digest(client_address(request))}", settings.PUBLIC_REPORTS_PER_HOUR, HOUR)
    if ratelimit.exceeded(limit.key, limit.count, limit.window_seconds):
        return _too_many(request, form)
    if request.POST.get("website"):
        form.add_error(None, _("Không gửi được phản ánh."))
        return render(request, "intake/public_form.html", {"form": form}, status=400)
    if form.is_valid():
        data = form.to_input()
        data.client_key = content_key("web", data, client_address(request))
        try:
            report, created = submit(data, request=request, address=client_address(request), limit=limit)
        except ReportInvalid as error:
            _apply_errors(form, error)
        except RateLimited:
            return _too_many(request, form)
        else:
            return render(request, "intake/thanks.html", {"report": report}, status=201 if created else 200)
    return render(request, "intake/public_form.html", {"form": form}, status=400)


def normalise_reference(text: str) -> str:
    body = re.sub(r"[^0-9A-Z]", "", text.upper())
    body = body[2:] if body.startswith("PA") else body
    return f"PA-{body[:5]}-{body[5:10]}" if len(body) == 10 else ""


@public
def status(request):
    form = StatusForm(request.GET or None)
    context = {"form": form}
    if request.GET and form.is_valid():
        key = f"status:{source_digest(client_address(request))}"
        if ratelimit.exceeded(key, STATUS_LOOKUPS_PER_HOUR, HOUR):
            form.add_error(None, _("Quá nhiều lượt tra cứu. Vui lòng thử lại sau."))
            return render(request, "intake/status.html", context, status=429)
        ratelimit.hit(key)
        reference = normalise_reference(form.cleaned_data["reference"])
        report = Report.objects.select_related("case").filter(reference=reference).first() if reference else None
        if report is None:
            form.add_error("reference", _("Không tìm thấy phản ánh với mã này."))
        else:
            context.update(report=report, public_status=PUBLIC_STATUS[report.case.state])
    return render(request, "intake/status.html", context)


@requires("intake.enter")
@require_http_methods(["GET", "POST"])
def staff_new(request):
    form = StaffReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report, _created = submit(form.to_input(), request=request, actor=request.user)
        except ReportInvalid as error:
            _apply_errors(form, error)
        else:
            return redirect("cases:detail", reference=report.case.reference)
    return render(request, "intake/staff_form.html", {"form": form})


@requires("intake.import")
@require_http_methods(["GET", "POST"])
def import_page(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_reports(upload.read(), upload.name, actor=request.user, request=request)
        with transaction.atomic():
            record("report.import", request=request, reason=upload.name[:200],
                   data={"created": len(result.created), "repeated": len(result.repeated), "errors": len(result.errors)})
    return render(request, "intake/import.html", {"form": form, "result": result, "columns": COLUMN_HELP})
