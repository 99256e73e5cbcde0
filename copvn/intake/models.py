"""Reports: every way harmful content reaches the province ends here, before it joins a case."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone


def new_reference() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))
    return f"PA-{body[:5]}-{body[5:]}"


class Channel(models.TextChoices):
    WEB = "web", _("Biểu mẫu công khai")
    HOTLINE_111 = "hotline_111", _("Tổng đài 111")
    PHONE = "phone", _("Điện thoại")
    EMAIL = "email", _("Thư điện tử")
    LETTER = "letter", _("Văn bản, thư")
    AGENCY = "agency", _("Cơ quan chuyển đến")
    MONITORING = "monitoring", _("Tổ theo dõi phát hiện")
    API = "api", _("Đối tác (API)")
    IMPORT = "import", _("Nhập hàng loạt")


class ApiKey(models.Model):
    """A partner organisation's key. Only its SHA-256 is stored; the key is shown once, at creation."""

    class Trust(models.TextChoices):
        LOW = "low", _("Thấp: xem xét như phản ánh của người dân")
        NORMAL = "normal", _("Bình thường")
        HIGH = "high", _("Cao: đối tác tin cậy (trusted flagger)")

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    trust = models.CharField(_("mức tin cậy"), max_length=8, choices=Trust.choices, default=Trust.NORMAL)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Report(models.Model):
    reference = models.CharField(_("mã tra cứu"), max_length=20, unique=True, default=new_reference)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reports")
    channel = models.CharField(_("kênh"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("thời điểm nhận"), default=timezone.now, db_index=True)
    description = models.TextField(_("mô tả"), blank=True)
    harm_words = models.CharField(_("loại nội dung (theo người báo)"), max_length=40, blank=True)
    categories = models.ManyToManyField("taxonomy.Category", blank=True)
    child_in_danger = models.BooleanField(_("trẻ em đang gặp nguy hiểm"), default=False)
    platform_hint = models.CharField(_("nền tảng (theo người báo)"), max_length=40, blank=True)
    reporter_name = models.CharField(_("họ tên người báo"), max_length=200, blank=True)
    reporter_phone = models.CharField(_("điện thoại người báo"), max_length=40, blank=True)
    reporter_email = models.EmailField(_("thư điện tử người báo"), blank=True)
    referring_org = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="referred_reports", verbose_name=_("cơ quan chuyển đến"))
    external_ref = models.CharField(_("số tham chiếu của nơi chuyển"), max_length=100, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    client_key = models.CharField(max_length=100, blank=True)
    source_digest = models.CharField(max_length=64, blank=True, help_text="HMAC of the sender's address")

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["api_key", "client_key"], condition=~Q(client_key=""),
                                    name="report_client_key_once"),
        ]
        # The period figures (reports by channel, and by category through the case) read this index alone.
        indexes = [models.Index(fields=["received_at", "channel", "case"], name="report_period_channel")]

    def __str__(self):
        return self.reference

    @property
    def anonymous(self) -> bool:
        return not (self.reporter_name or self.reporter_phone or self.reporter_email)


class ReportURL(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="urls")
    raw = models.CharField(max_length=4096)
    case_url = models.ForeignKey("cases.CaseURL", on_delete=models.PROTECT, related_name="report_urls")


class Upload(models.Model):
    """A reporter's screenshot, kept in quarantine (outside the web root, named by its hash) — except in a case
    of child sexual abuse material, where only the hashes are kept and the bytes are never written (or are
    purged when the case becomes one): `bytes_kept` says which."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="uploads")
    sha256 = models.CharField(max_length=64, db_index=True)
    md5 = models.CharField(max_length=32)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    original_name = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    pdq = models.CharField(max_length=64, blank=True)  # computed in memory at intake, kept even without bytes
    bytes_kept = models.BooleanField(default=True)

    def __str__(self):
        # By content hash, not the reporter's file name: a name can identify a child, and the audit log,
        # where this text is kept, can never be edited.
        return f"{self.sha256[:12]}…"
