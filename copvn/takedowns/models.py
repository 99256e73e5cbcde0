"""Notice-and-takedown: requests to providers under legal clocks, their URLs, sends, checks and history.

A notice goes to one provider (a platform, or the hosting ISP from the hosting trace) and covers one or more
URLs, possibly from several cases. Its legal basis sets its clock. Each send (the first notice, a reminder,
the second notice, the escalation) is a Dispatch with its own outbox messages. Each check of a URL through
the fetcher is a VerificationCheck with the SHA-256 of what came back. Every state change is a NoticeEvent
and an audit entry.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copvn.core.states import move

from .states import TRANSITIONS, State


class LegalBasis(models.Model):
    """A legal basis for a request, with its clock. Data, never logic: edited on the settings page.

    The first active basis (by precedence) whose period covers the day the case was received and whose
    trigger fits the case is proposed; the legal officer may choose another."""

    class Trigger(models.TextChoices):
        ANY = "any", _("Mọi yêu cầu")
        AUTHORITY = "authority", _("Yêu cầu của cơ quan có thẩm quyền")
        COMPLAINT = "complaint", _("Khiếu nại có căn cứ của người dùng")
        CHILD_IN_DANGER = "child_in_danger", _("Trẻ em có nguy cơ bị tổn hại nghiêm trọng")

    code = models.SlugField(max_length=40, unique=True)  # storage key
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=200, blank=True)
    citation = models.TextField(_("căn cứ ghi trong văn bản"))
    citation_en = models.TextField(_("căn cứ (tiếng Anh)"), blank=True)
    hours = models.PositiveIntegerField(_("thời hạn (giờ)"))
    trigger = models.CharField(_("áp dụng khi"), max_length=20, choices=Trigger.choices, default=Trigger.AUTHORITY)
    cases_from = models.DateField(_("vụ việc tiếp nhận từ ngày"), null=True, blank=True)
    cases_until = models.DateField(_("vụ việc tiếp nhận trước ngày"), null=True, blank=True)
    precedence = models.PositiveSmallIntegerField(_("thứ tự ưu tiên"), default=100)
    active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        ordering = ["precedence", "code"]

    def __str__(self):
        return f"{self.name} ({self.hours} giờ)"

    def covers(self, day: dt.date) -> bool:
        return (self.cases_from is None or self.cases_from <= day) and (self.cases_until is None or day < self.cases_until)


class EscalationStep(models.Model):
    """The ladder after a deadline passes: each step fires once, `after_hours` after the deadline."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Nhắc nhở")
        SECOND_NOTICE = "second_notice", _("Yêu cầu lần hai")
        ESCALATION = "escalation", _("Báo cáo cơ quan quản lý cấp trên")

    sequence = models.PositiveSmallIntegerField(_("thứ tự"), unique=True)
    kind = models.CharField(_("bước"), max_length=16, choices=Kind.choices)
    after_hours = models.PositiveIntegerField(_("sau hạn (giờ)"))
    recipient_code = models.CharField(_("mã cơ quan nhận (bước báo cáo cấp trên)"), max_length=60, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sequence"]

    def __str__(self):
        return f"{self.sequence}. {self.get_kind_display()} (+{self.after_hours} giờ)"


class ProviderContact(models.Model):
    """How a provider receives notices: email, a signed webhook, the portal; and the networks it hosts."""

    class Language(models.TextChoices):
        VI = "vi", _("Tiếng Việt")
        EN = "en", _("Tiếng Anh")

    organisation = models.OneToOneField("orgs.Organisation", on_delete=models.CASCADE, related_name="notice_contact")
    email = models.EmailField(_("thư điện tử nhận yêu cầu"), blank=True)
    webhook_url = models.URLField(_("webhook"), max_length=500, blank=True)
    webhook_secret = models.CharField(max_length=80, blank=True)
    language = models.CharField(_("ngôn ngữ văn bản"), max_length=2, choices=Language.choices, default=Language.VI)
    networks = models.TextField(_("dải địa chỉ IP lưu trữ (CIDR, mỗi dòng một dải)"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    def __str__(self):
        return str(self.organisation)

    def has_channel(self) -> bool:
        return bool(self.email or self.webhook_url)


class NoticeQuerySet(models.QuerySet):
    def for_provider(self, organisation_id):
        return self.filter(provider_id=organisation_id).exclude(state__in=[State.DRAFT, State.APPROVED, State.CANCELLED])

    def overdue(self, now=None):
        from .states import CLOCK_RUNNING

        now = now or timezone.now()
        return self.filter(state__in=CLOCK_RUNNING, paused_at__isnull=True, due_at__lt=now)


class Notice(models.Model):
    class ProviderStatus(models.TextChoices):
        NONE = "", _("Chưa phản hồi")
        ACKNOWLEDGED = "acknowledged", _("Đã tiếp nhận")
        REMOVED = "removed", _("Báo đã gỡ")
        DISPUTED = "disputed", _("Phản đối")

    reference = models.CharField(_("số yêu cầu"), max_length=24, unique=True)
    provider = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="notices",
                                 verbose_name=_("nhà cung cấp"))
    issuer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="issued_notices",
                               verbose_name=_("cơ quan yêu cầu"))
    legal_basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, verbose_name=_("căn cứ pháp lý"))
    state = models.CharField(_("trạng thái"), max_length=24, choices=State.choices, default=State.DRAFT, db_index=True)
    provider_status = models.CharField(_("phản hồi của nhà cung cấp"), max_length=16, choices=ProviderStatus.choices,
                                       blank=True, default="")
    provider_note = models.TextField(_("ý kiến của nhà cung cấp"), blank=True)
    description = models.TextField(_("mô tả nội dung"), blank=True)
    categories = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=2, default="vi")
    created_at = models.DateTimeField(default=timezone.now)
    group_until = models.DateTimeField(null=True, blank=True)  # URLs to this provider join until then
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    hold_until = models.DateTimeField(_("giữ đến (phối hợp với công an)"), null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(null=True, blank=True)  # the provider changed: waiting for an analyst
    paused_seconds = models.PositiveIntegerField(default=0)
    reminders_sent = models.JSONField(default=list, blank=True)  # reminder points already sent, e.g. [0.5]
    ladder_done = models.PositiveSmallIntegerField(default=0)  # escalation steps already taken
    breached_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    removal_reported_at = models.DateTimeField(null=True, blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)  # the first of the misses that proved removal
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["provider", "state"]), models.Index(fields=["state", "due_at"]),
                   # The period figures (takedowns.figures) read only these columns of the notices sent in a period.
                   models.Index(fields=["sent_at", "provider", "state", "removed_at", "acknowledged_at", "breached_at",
                                        "disputed_at"], name="notice_period_figures")]

    def __str__(self):
        return self.reference

    def move_to(self, target: str, **fields) -> bool:
        """Conditional update: False when another actor moved the notice first."""
        return move(self, TRANSITIONS, target, **fields)

    @property
    def time_left(self) -> dt.timedelta | None:
        if not self.due_at:
            return None
        now = self.paused_at or timezone.now()
        return self.due_at - now

    @property
    def time_to_removal(self) -> dt.timedelta | None:
        if self.sent_at and self.removed_at:
            return self.removed_at - self.sent_at
        return None


class NoticeURL(models.Model):
    class Verified(models.TextChoices):
        UNCHECKED = "unchecked", _("Chưa kiểm tra")
        LIVE = "live", _("Vẫn còn")
        PENDING_REMOVED = "pending_removed", _("Không thấy (đang xác nhận)")
        REMOVED = "removed", _("Đã gỡ")
        UNAVAILABLE = "unavailable", _("Không truy cập được (chặn vùng, đăng nhập)")
        UNREACHABLE = "unreachable", _("Không kết nối được")
        MOVED = "moved", _("Đã chuyển nơi lưu trữ")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="urls")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="notice_urls")
    case_url = models.ForeignKey("cases.CaseURL", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    url = models.CharField(max_length=4096)  # as reported: what is fetched and written in the letter
    canonical = models.CharField(max_length=4096, blank=True)  # what identifies the content (de-duplication)
    host = models.CharField(max_length=255, blank=True, db_index=True)
    addresses = models.JSONField(default=list, blank=True)  # the hosting trace when the notice was sent
    verified = models.CharField(max_length=16, choices=Verified.choices, default=Verified.UNCHECKED, db_index=True)
    misses = models.PositiveSmallIntegerField(default=0)
    first_miss_at = models.DateTimeField(null=True, blank=True)
    checks_done = models.PositiveSmallIntegerField(default=0)  # scheduled checks taken (T+1 h, 6 h, …)
    next_check_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    moved_to = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")  # the new provider, waiting for an analyst
    dropped = models.BooleanField(default=False)  # taken out before sending (its provider changed)

    class Meta:
        indexes = [models.Index(fields=["next_check_at"], condition=Q(next_check_at__isnull=False),
                                name="notice_urls_due")]

    def __str__(self):
        return self.url


class Dispatch(models.Model):
    """One send of a notice to its addressee: the first notice, a reminder, the second notice, an escalation."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Yêu cầu")
        REMINDER = "reminder", _("Nhắc nhở")
        SECOND_NOTICE = "second_notice", _("Yêu cầu lần hai")
        ESCALATION = "escalation", _("Báo cáo cơ quan quản lý cấp trên")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="dispatches")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    recipient = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    letter_docx = models.CharField(max_length=64, blank=True)  # SHA-256 in the documents store
    channels = models.JSONField(default=list)  # ["email", "webhook", "portal"]
    messages = models.ManyToManyField("core.OutboxMessage", blank=True, related_name="+")

    class Meta:
        ordering = ["at"]


class VerificationCheck(models.Model):
    notice_url = models.ForeignKey(NoticeURL, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField()
    result = models.CharField(max_length=16)  # live, removed, unavailable, unreachable, moved
    reason = models.CharField(max_length=80, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.CharField(max_length=4096, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    settled = models.CharField(max_length=16)  # what the URL's verified status became
    scheduled = models.BooleanField(default=True)  # False: a confirmation re-check a few minutes after a miss

    class Meta:
        ordering = ["-checked_at"]


class NoticeEvent(models.Model):
    """The notice's history, in order: every transition and every answer, with who and why."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class Reupload(models.Model):
    """Content a notice was about, seen again: the same address live again, or the same image or text in a new
    case. The notice is reopened or the new case is linked to it."""

    class Kind(models.TextChoices):
        URL = "url", _("Cùng địa chỉ còn trên mạng trở lại")
        IMAGE = "image", _("Cùng ảnh (mã băm) trong vụ việc mới")
        TEXT = "text", _("Văn bản gần trùng trong vụ việc mới")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reuploads")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reupload_links")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "case", "kind"], name="reupload_once")]


class HostSlot(models.Model):
    """When a host may next be checked: shared by every worker, so politeness holds across processes."""

    host = models.CharField(max_length=255, primary_key=True)
    next_free_at = models.DateTimeField()
