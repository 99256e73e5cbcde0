"""Cases: what an analyst works on. Reports (copvn.intake) about the same content join one open case.

Stages follow the national network's handling: Tiếp nhận → Thu thập → Xác minh & đánh giá → Điều phối xử lý,
then closed. Allowed transitions are declared once, in TRANSITIONS; anything else raises.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copvn.core.states import IllegalTransition, move  # noqa: F401 (IllegalTransition: raised by move_to)


class State(models.TextChoices):
    RECEIVED = "received", _("Tiếp nhận")
    COLLECTING = "collecting", _("Thu thập")
    ASSESSING = "assessing", _("Xác minh và đánh giá")
    COORDINATING = "coordinating", _("Điều phối xử lý")
    CLOSED = "closed", _("Đã đóng")


TRANSITIONS: dict[str, set[str]] = {
    State.RECEIVED: {State.COLLECTING, State.ASSESSING, State.CLOSED},
    State.COLLECTING: {State.ASSESSING, State.CLOSED},
    State.ASSESSING: {State.COORDINATING, State.CLOSED},
    State.COORDINATING: {State.CLOSED},
    State.CLOSED: {State.ASSESSING},
}
OPEN_STATES = [s for s in State.values if s != State.CLOSED]


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(state=State.CLOSED)

    def queue_order(self):
        """Urgent cases first, the nearest deadline first; then the oldest."""
        return self.order_by(models.F("urgent_deadline").asc(nulls_last=True), "received_at")


class Case(models.Model):
    reference = models.CharField(_("số hồ sơ"), max_length=20, unique=True, null=True)
    state = models.CharField(_("giai đoạn"), max_length=16, choices=State.choices, default=State.RECEIVED)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), default=timezone.now, db_index=True)
    urgent = models.BooleanField(_("khẩn cấp"), default=False)
    urgent_deadline = models.DateTimeField(_("hạn can thiệp khẩn cấp"), null=True, blank=True, db_index=True)
    platform = models.CharField(_("nền tảng"), max_length=20, blank=True, db_index=True)
    categories = models.ManyToManyField("taxonomy.Category", blank=True, verbose_name=_("danh mục"))
    summary = models.CharField(_("tóm tắt"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("vụ việc")
        # The period figures count cases opened and urgent from this index alone.
        indexes = [models.Index(fields=["received_at", "urgent"], name="case_period_urgent")]

    def __str__(self):
        return self.reference or f"#{self.pk}"

    def move_to(self, target: str) -> bool:
        """Conditional update: returns False when another actor moved the case first."""
        return move(self, TRANSITIONS, target, updated_at=timezone.now())

    def make_urgent(self, hours: int, since: dt.datetime) -> None:
        """Start (or keep the earlier) emergency clock; urgency never gets later."""
        deadline = since + dt.timedelta(hours=hours)
        Case.objects.filter(pk=self.pk).filter(Q(urgent_deadline__isnull=True) | Q(urgent_deadline__gt=deadline)) \
            .update(urgent=True, urgent_deadline=deadline)
        self.refresh_from_db(fields=["urgent", "urgent_deadline"])

    @property
    def time_left(self) -> dt.timedelta | None:
        if not self.urgent_deadline:
            return None
        return self.urgent_deadline - timezone.now()


class CaseURL(models.Model):
    """One piece of content (by canonical URL) in a case, with its hosting trace."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="urls")
    canonical = models.CharField(_("URL chuẩn hóa"), max_length=4096)
    canonical_digest = models.CharField(max_length=64, db_index=True)
    first_url = models.CharField(_("URL được báo cáo"), max_length=4096)
    platform = models.CharField(_("nền tảng"), max_length=20, blank=True)
    host = models.CharField(_("tên miền"), max_length=255, blank=True)
    addresses = models.JSONField(_("địa chỉ IP"), default=list, blank=True)
    provider = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                 verbose_name=_("nhà cung cấp"))
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "canonical_digest"], name="case_url_once")]

    def __str__(self):
        return self.canonical


class Capture(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        DONE = "done", _("Đã thu thập")
        REFUSED = "refused", _("Bị từ chối (địa chỉ không công khai, quá lớn…)")
        FAILED = "failed", _("Lỗi")

    case_url = models.ForeignKey(CaseURL, on_delete=models.CASCADE, related_name="captures")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_url = models.CharField(max_length=4096)
    final_url = models.CharField(max_length=4096, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    headers = models.JSONField(default=list, blank=True)
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    error = models.TextField(blank=True)  # English, for logs; people read error_message
    error_code = models.CharField(max_length=40, blank=True)  # copvn.detect.errors code, e.g. fetch.dns
    error_params = models.JSONField(default=dict, blank=True)
    address = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    @property
    def error_message(self) -> str:
        """Why the capture failed, in the reader's language."""
        from copvn.core.messages import describe

        if not (self.error_code or self.error):
            return ""
        return describe(self.error_code, self.error_params, fallback=self.error)

    def __str__(self):
        url = self.requested_url if len(self.requested_url) <= 200 else self.requested_url[:200] + "…"
        started = timezone.localtime(self.started_at).strftime("%d/%m/%Y %H:%M")
        return gettext("%(url)s lúc %(time)s") % {"url": url, "time": started}


class Artefact(models.Model):
    """A captured item with its chain of custody. Media found on a page is kept as hashes only."""

    class Kind(models.TextChoices):
        HTML = "html", "HTML"
        TEXT = "text", _("Văn bản trích xuất")
        HEADERS = "headers", _("Tiêu đề HTTP")
        SCREENSHOT = "screenshot", _("Ảnh chụp trang")
        MEDIA = "media", _("Tệp đa phương tiện (chỉ mã băm)")

    capture = models.ForeignKey(Capture, on_delete=models.CASCADE, related_name="artefacts")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    source_url = models.CharField(max_length=4096, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    md5 = models.CharField(max_length=32, blank=True)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=200, blank=True)
    stored_path = models.CharField(max_length=300, blank=True)
    captured_at = models.DateTimeField(default=timezone.now)
    component = models.CharField(max_length=100)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.sha256[:12]}…"
