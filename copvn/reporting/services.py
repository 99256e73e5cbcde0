"""Submissions of the agencies for a period and the province's generated report: every act in one
transaction with its audit entry."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copvn.audit.services import record
from copvn.core.states import IllegalTransition, move

from . import document, figures
from .models import ReportType, Submission
from .periods import Period, PeriodError, parse

FORMS = {"monthly": "2026-11", "six-monthly": "2026-H1 / 2026-H2", "annual": "2026",
         "adhoc": "2026-03-01..2026-03-31"}
TEXT_FIELDS = ("results", "obstacles", "next_tasks", "proposals")
TRANSITIONS = {
    Submission.State.DRAFT: {Submission.State.SUBMITTED},
    Submission.State.SUBMITTED: {Submission.State.RETURNED, Submission.State.ACCEPTED},
    Submission.State.RETURNED: {Submission.State.SUBMITTED},
    Submission.State.ACCEPTED: set(),
}


class ReportRefused(ValueError):
    """The act is refused; the message is for the person who tried."""


def period_of(report_type: ReportType, key: str) -> Period:
    try:
        period = parse(report_type.frequency, key)
    except PeriodError:
        raise ReportRefused(_("Kỳ “%(key)s” không tồn tại: ghi theo dạng %(form)s.")
                            % {"key": key[:40], "form": FORMS[report_type.frequency]}) from None
    if period.start > timezone.localdate():
        raise ReportRefused(_("Kỳ báo cáo %(period)s chưa bắt đầu.") % {"period": period.label_vi})
    return period


def deadline_of(report_type: ReportType, period: Period) -> dt.date:
    return period.end + dt.timedelta(days=report_type.submit_days)


def save_draft(report_type: ReportType, key: str, organisation, user, texts: dict, *, deadline=None,
               request=None) -> Submission:
    """The agency's draft for the period (made, or changed while a draft or returned)."""
    period = period_of(report_type, key)
    if report_type.frequency == "adhoc" and not Submission.objects.filter(
            report_type=report_type, period=period.key, organisation=organisation).exists():
        raise ReportRefused(_("Sở chủ trì chưa yêu cầu báo cáo đột xuất cho kỳ này."))
    with transaction.atomic():
        submission, created = Submission.objects.select_for_update().get_or_create(
            report_type=report_type, period=period.key, organisation=organisation,
            defaults={"created_by": user, "deadline": deadline or deadline_of(report_type, period)})
        if submission.state not in (Submission.State.DRAFT, Submission.State.RETURNED):
            raise ReportRefused(_("Báo cáo đã nộp hoặc đã được tiếp nhận: không sửa được nữa."))
        for name in TEXT_FIELDS:
            if name in texts:
                setattr(submission, name, texts[name].strip())
        submission.save()
        record("submission.save", request=request, actor=user, obj=submission,
               data={"report_type": report_type.code, "period": period.key, "created": created})
    return submission


def _move(submission: Submission, target: str, user, action: str, request=None, **fields) -> Submission:
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        try:
            won = move(submission, TRANSITIONS, target, **fields)
        except IllegalTransition:
            raise ReportRefused(_("Không thể chuyển báo cáo từ “%(a)s” sang “%(b)s”.") % {
                "a": Submission.State(submission.state).label, "b": Submission.State(target).label}) from None
        if not won:
            raise ReportRefused(_("Báo cáo vừa được người khác cập nhật; hãy tải lại trang."))
        record(action, request=request, actor=user, obj=submission, data={"state": target})
    submission.refresh_from_db()
    return submission


def submit(submission: Submission, user, *, request=None) -> Submission:
    if not submission.results.strip():
        raise ReportRefused(_("Cần ghi kết quả thực hiện trước khi nộp."))
    return _move(submission, Submission.State.SUBMITTED, user, "submission.submit", request,
                 submitted_at=timezone.now())


def review(submission: Submission, user, accept: bool, comment: str = "", *, request=None) -> Submission:
    if not accept and not comment.strip():
        raise ReportRefused(_("Trả lại báo cáo cần ghi ý kiến để đơn vị bổ sung."))
    return _move(submission, Submission.State.ACCEPTED if accept else Submission.State.RETURNED, user,
                 "submission.accept" if accept else "submission.return", request, reviewed_at=timezone.now(),
                 review_comment=comment.strip())


def generate(report_type: ReportType, key: str, formats, user=None, *, request=None, organisation=None):
    """The province's report for the period: ({format: bytes}, {format: error}, figures). Audited."""
    period = period_of(report_type, key)
    if period.end >= timezone.localdate():
        raise ReportRefused(_("Kỳ %(period)s chưa kết thúc (số liệu tính đến hết ngày %(end)s).")
                            % {"period": period.label_vi, "end": period.end.strftime("%d/%m/%Y")})
    data = figures.compute(period, organisation)
    accepted = Submission.objects.filter(report_type=report_type, period=period.key,
                                         state=Submission.State.ACCEPTED).select_related("organisation")
    try:
        files, errors = document.build(report_type, period, data, accepted, formats,
                                       signer_name="")
    except document.ReportRefused as exc:
        raise ReportRefused(str(exc)) from None
    with transaction.atomic():
        record("report.generate", request=request, actor=user,
               data={"report_type": report_type.code, "period": period.key, "formats": sorted(files),
                     "errors": errors, "reports": data["reports"]["total"], "notices": data["notices"]["sent"]})
    return files, errors, data


def request_adhoc(start: dt.date, end: dt.date, deadline: dt.date, organisations, user, *, request=None) -> list:
    """An ad-hoc report request with its own deadline: an empty draft for each organisation asked."""
    if end < start:
        raise ReportRefused(_("Ngày kết thúc phải sau ngày bắt đầu."))
    if deadline < timezone.localdate():
        raise ReportRefused(_("Hạn nộp đã qua."))
    if not organisations:
        raise ReportRefused(_("Chọn ít nhất một cơ quan, đơn vị."))
    adhoc = ReportType.objects.get(code="adhoc")
    key = f"{start.isoformat()}..{end.isoformat()}"
    made = []
    with transaction.atomic():
        for organisation in organisations:
            submission, created = Submission.objects.get_or_create(
                report_type=adhoc, period=key, organisation=organisation,
                defaults={"created_by": user, "deadline": deadline})
            if created:
                made.append(submission)
        record("submission.request", request=request, actor=user,
               data={"period": key, "deadline": deadline.isoformat(), "organisations": [o.code for o in organisations]})
    return made
