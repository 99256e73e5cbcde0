"""Report types and their deadlines, programme targets, and the agencies' submissions for a period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportType(models.Model):
    """A kind of report, as data: its frequency (the Decree 09 periods), the days after a period's end by which
    agencies submit, and the days by which the lead department consolidates."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên báo cáo"), max_length=200)
    frequency = models.CharField(_("kỳ báo cáo"), max_length=12, choices=[
        ("monthly", _("Hằng tháng")), ("six-monthly", _("6 tháng")), ("annual", _("Hằng năm")),
        ("adhoc", _("Đột xuất"))])
    submit_days = models.PositiveSmallIntegerField(_("hạn nộp của đơn vị (ngày sau kỳ)"), default=3)
    consolidate_days = models.PositiveSmallIntegerField(_("hạn tổng hợp (ngày sau kỳ)"), default=5)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Programme(models.Model):
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("chương trình"), max_length=300)
    decision = models.CharField(_("văn bản phê duyệt"), max_length=200, blank=True)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))

    class Meta:
        ordering = ["start"]

    def __str__(self):
        return self.name


class Target(models.Model):
    """A programme's target for a period, as data; what was achieved is computed from the records
    (copvn.reporting.figures.INDICATORS names how)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="targets",
                                  verbose_name=_("chương trình"))
    indicator = models.CharField(_("chỉ tiêu"), max_length=40)
    name = models.CharField(_("nội dung chỉ tiêu"), max_length=400)
    target_percent = models.DecimalField(_("mục tiêu (%)"), max_digits=5, decimal_places=1)
    denominator = models.PositiveIntegerField(
        _("tổng số cần đạt"), null=True, blank=True,
        help_text=_("Ví dụ số trường học, cơ sở trợ giúp xã hội của tỉnh; để trống: tính từ danh mục cơ quan, hồ sơ."))
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))

    class Meta:
        ordering = ["programme", "indicator"]
        constraints = [models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                              name="reporting_target_period_ordered")]

    def __str__(self):
        return self.name


class Submission(models.Model):
    """An agency's report for a period: drafted, submitted, returned with comments or accepted. Accepted, it can
    no longer change (a correction is a new submission for the same period, superseding it)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        SUBMITTED = "submitted", _("Đã nộp")
        RETURNED = "returned", _("Trả lại để bổ sung")
        ACCEPTED = "accepted", _("Đã tiếp nhận")

    report_type = models.ForeignKey(ReportType, on_delete=models.PROTECT, related_name="submissions")
    period = models.CharField(_("kỳ"), max_length=40)
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="report_submissions")
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.DRAFT)
    results = models.TextField(_("kết quả thực hiện"), blank=True)
    obstacles = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    next_tasks = models.TextField(_("nhiệm vụ kỳ tới"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    review_comment = models.TextField(_("ý kiến của sở chủ trì"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateField(_("hạn nộp"), null=True, blank=True)  # ad hoc requests carry their own

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["report_type", "period", "organisation"],
                                               name="reporting_one_submission_per_period")]
