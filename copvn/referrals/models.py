"""Referrals: a case handed to the provincial police cyber unit, hotline 111, the commune's child-protection
officer or a school, as a package (summary, decision, evidence hashes and chain of custody — never the media)
delivered through the outbox; the receiving liaison acknowledges it and records the outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copvn.core.states import IllegalTransition, move  # noqa: F401 (IllegalTransition: raised by move_to)


class State(models.TextChoices):
    SENT = "sent", _("Đã chuyển")
    ACKNOWLEDGED = "acknowledged", _("Đã tiếp nhận")
    CLOSED = "closed", _("Đã có kết quả")
    CANCELLED = "cancelled", _("Đã hủy")


TRANSITIONS: dict[str, set[str]] = {
    State.SENT: {State.ACKNOWLEDGED, State.CLOSED, State.CANCELLED},
    State.ACKNOWLEDGED: {State.CLOSED},
    State.CLOSED: set(),
    State.CANCELLED: set(),
}


class Referral(models.Model):
    class Destination(models.TextChoices):
        POLICE = "police", _("Cơ quan công an (an ninh mạng)")
        HOTLINE = "hotline", _("Tổng đài 111")
        COMMUNE = "commune", _("Cán bộ bảo vệ trẻ em cấp xã")
        SCHOOL = "school", _("Nhà trường")

    class Outcome(models.TextChoices):
        NONE = "", _("Chưa có")
        INVESTIGATING = "investigating", _("Đang xác minh, điều tra")
        CHILD_SUPPORTED = "child_supported", _("Đã hỗ trợ, can thiệp cho trẻ")
        PROSECUTED = "prosecuted", _("Đã khởi tố, xử phạt")
        NO_ACTION = "no_action", _("Không có căn cứ xử lý")
        TRANSFERRED = "transferred", _("Đã chuyển cơ quan khác")

    reference = models.CharField(_("số phiếu chuyển"), max_length=24, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    decision = models.ForeignKey("review.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    destination = models.CharField(_("nơi nhận"), max_length=10, choices=Destination.choices)
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="referrals",
                                     verbose_name=_("cơ quan nhận"))
    state = models.CharField(_("trạng thái"), max_length=14, choices=State.choices, default=State.SENT, db_index=True)
    note = models.TextField(_("ghi chú"), blank=True)
    package_docx = models.CharField(max_length=64)  # SHA-256 in the documents store
    package_sha256 = models.CharField(max_length=64)  # of the package's content (JSON), for the chain of custody
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    outcome = models.CharField(_("kết quả"), max_length=16, choices=Outcome.choices, blank=True, default="")
    outcome_note = models.TextField(_("nội dung kết quả"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self):
        return self.reference

    def move_to(self, target: str, **fields) -> bool:
        return move(self, TRANSITIONS, target, **fields)
