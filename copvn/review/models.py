"""Review: what the detectors found on a case, the queue analysts work from, and their decisions.

Findings are facts about content (one row per detector version, content and label; running a detector again
adds nothing, a new version adds its own rows). Queue items are leased to one analyst at a time. Decisions
are append-only: a changed decision is a new row that supersedes the old one, and an approval is a row of its
own, so nothing an analyst decided is ever rewritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Finding(models.Model):
    class Status(models.TextChoices):
        OK = "ok", _("Kết quả")
        ERROR = "error", _("Lỗi bộ phát hiện")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="findings")
    detector = models.CharField(max_length=40)  # storage key: abuse, lexicon, pii, hashlist, urllist
    version = models.CharField(max_length=40)
    source = models.CharField(max_length=60)  # what was examined: "report:12:description", "capture:5:text", "upload:3"
    category_code = models.CharField(max_length=16, blank=True, db_index=True)
    score = models.FloatField(default=0.0)
    evidence = models.JSONField(default=dict, blank=True)  # spans into the text as written, or list/entry/distance
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OK)
    error = models.TextField(blank=True)
    key = models.CharField(max_length=64, unique=True)  # hash of detector, version, source, content and label
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "detector"]
        indexes = [models.Index(fields=["case", "detector"])]

    def __str__(self):
        return f"{self.detector} {self.category_code or '—'} {self.score:.2f}"


class Queue(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    needs_clearance = models.BooleanField(_("chỉ người được cấp quyền"), default=False)
    cleared_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="cleared_queues")
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class RoutingRule(models.Model):
    """Ordered, first match wins. Conditions (all must hold): category codes (any of), channel, urgent.
    Editing a rule makes a new version; the item records which rule and version routed it."""

    sequence = models.PositiveIntegerField(_("thứ tự"))
    name = models.CharField(_("tên"), max_length=200)
    version = models.PositiveIntegerField(default=1)
    categories = models.JSONField(_("danh mục"), default=list, blank=True)
    channels = models.JSONField(_("kênh"), default=list, blank=True)
    urgent_only = models.BooleanField(_("chỉ vụ việc khẩn cấp"), default=False)
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="rules")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sequence"]

    def __str__(self):
        return f"{self.sequence}. {self.name} (v{self.version})"


class QueueItem(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Chờ xử lý")
        HELD = "held", _("Tạm giữ")
        DONE = "done", _("Đã xử lý")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="queue_items")
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="items")
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN, db_index=True)
    priority = models.IntegerField(default=0)
    priority_reasons = models.JSONField(default=list, blank=True)  # [[points, code, params], …]
    routed_by = models.CharField(max_length=220, blank=True)  # "rule name (v3)" or "default"
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    lease_until = models.DateTimeField(null=True, blank=True, db_index=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="assigned_items")
    hold_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    first_claimed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case"], condition=~models.Q(state="done"),
                                               name="one_live_item_per_case")]
        indexes = [
            models.Index(fields=["queue", "state", "-priority", "created_at"]),
            # Live items by priority: done items keep their last priority, and with years of them at the top a
            # plain priority index made the planner skip a million done rows per page (3 s; 0.4 ms with this).
            models.Index(fields=["-priority", "created_at"], condition=~models.Q(state="done"),
                         name="live_items_by_priority"),
        ]

    def __str__(self):
        return f"{self.queue.code}: {self.case}"


class Decision(models.Model):
    class Action(models.TextChoices):
        NONE = "none", _("Không xử lý")
        MONITOR = "monitor", _("Theo dõi")
        TAKEDOWN = "takedown", _("Yêu cầu gỡ bỏ")
        REFERRAL = "referral", _("Chuyển cơ quan chức năng")
        BOTH = "both", _("Yêu cầu gỡ bỏ và chuyển cơ quan chức năng")

    class CsamClass(models.TextChoices):
        BASELINE = "baseline", _("Baseline (tiêu chí INTERPOL)")
        NATIONAL = "national", _("Bất hợp pháp theo pháp luật Việt Nam")
        NOT_ILLEGAL = "not_illegal", _("Không bất hợp pháp")

    class AgeBand(models.TextChoices):
        UNDER_13 = "under_13", _("Dưới 13 tuổi")
        FROM_13 = "13_15", _("13–15 tuổi")
        FROM_16 = "16_17", _("16–17 tuổi")

    class Severity(models.IntegerChoices):
        LOW = 1, _("Thấp")
        MEDIUM = 2, _("Trung bình")
        HIGH = 3, _("Cao")
        CRITICAL = 4, _("Nghiêm trọng")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveIntegerField()  # 1, 2, … per case: a decision names the one it supersedes
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")
    categories = models.JSONField(default=list)  # taxonomy codes
    harmful = models.BooleanField()
    csam_class = models.CharField(max_length=12, choices=CsamClass.choices, blank=True)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.MEDIUM)
    legal_basis = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    needs_approval = models.BooleanField(default=False)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="decision_number_once")]

    def __str__(self):
        return f"{self.case} #{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("decisions are append-only: record a new decision that supersedes this one")
        super().save(*args, **kwargs)


class Approval(models.Model):
    """The second pair of eyes on a decision that needs one: approved, or returned with a comment."""

    class Verdict(models.TextChoices):
        APPROVED = "approved", _("Phê duyệt")
        RETURNED = "returned", _("Trả lại")

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="approval")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    comment = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)


class Wellness(models.Model):
    """A reviewer's own protection settings (defaults from COPVN_WELLNESS_*)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellness")
    blur = models.BooleanField(_("làm mờ ảnh"), default=True)
    greyscale = models.BooleanField(_("ảnh xám"), default=True)
    autoplay = models.BooleanField(_("tự phát video"), default=False)
    daily_limit = models.PositiveIntegerField(_("giới hạn mềm số nội dung mỗi ngày"), default=40)


class OrganisationWellness(models.Model):
    """An organisation's defaults for its reviewers who have not chosen their own (set by a senior analyst)."""

    organisation = models.OneToOneField("orgs.Organisation", on_delete=models.CASCADE, related_name="wellness")
    blur = models.BooleanField(default=True)
    greyscale = models.BooleanField(default=True)
    autoplay = models.BooleanField(default=False)
    daily_limit = models.PositiveIntegerField(default=40)


class Exposure(models.Model):
    """How many pieces of media a reviewer was shown on a day (blurred views and reveals)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="exposure_once_a_day")]
