"""Watched sources (feeds, sitemaps, pages, dropped files), what each gave, and the state of each host."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    class Kind(models.TextChoices):
        FEED = "feed", _("Nguồn tin RSS/Atom")
        SITEMAP = "sitemap", _("Sơ đồ trang (sitemap)")
        PAGE = "page", _("Trang web (theo dõi thay đổi)")
        DROP = "drop", _("Tệp bài đăng (JSON Lines, CSV)")

    class Status(models.TextChoices):
        NEW = "new", _("Chưa kiểm tra")
        OK = "ok", _("Có nội dung mới")
        UNCHANGED = "unchanged", _("Không thay đổi")
        DISALLOWED = "disallowed", _("robots.txt không cho phép")
        ERROR = "error", _("Lỗi")

    name = models.CharField(_("tên nguồn"), max_length=200)
    kind = models.CharField(_("loại nguồn"), max_length=8, choices=Kind.choices)
    url = models.CharField(_("địa chỉ"), max_length=2048, blank=True,
                           help_text=_("Địa chỉ của nguồn tin, sơ đồ trang hoặc trang web; để trống với tệp bài đăng."))
    selector = models.CharField(_("phần trang cần theo dõi"), max_length=300, blank=True,
                                help_text=_("Bộ chọn CSS đơn giản (#id, .lớp, thẻ) hoặc XPath; để trống: cả trang."))
    interval_minutes = models.PositiveIntegerField(_("chu kỳ kiểm tra (phút)"), default=60)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("người phụ trách"))
    enabled = models.BooleanField(_("đang theo dõi"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Conditional GET and change detection.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    content_digest = models.CharField(max_length=64, blank=True)
    # State.
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.NEW)
    next_check_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_checked_at = models.DateTimeField(_("kiểm tra lần cuối"), null=True, blank=True)
    last_changed_at = models.DateTimeField(_("thay đổi lần cuối"), null=True, blank=True)
    last_error_code = models.CharField(max_length=40, blank=True)
    last_error_params = models.JSONField(default=dict, blank=True)  # said in the reader's language when shown
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)  # as first said, for logs
    failures = models.PositiveIntegerField(_("số lần lỗi liên tiếp"), default=0)
    checks = models.PositiveIntegerField(default=0)
    not_modified = models.PositiveIntegerField(default=0)  # answers 304 to a conditional GET
    items_seen = models.PositiveIntegerField(_("số mục đã xem"), default=0)
    alerts = models.PositiveIntegerField(_("số cảnh báo"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("nguồn theo dõi")

    def __str__(self):
        return self.name

    @property
    def error_text(self) -> str:
        """The last error in the active language (its code and parameters), else as it was first said."""
        from copvn.core.messages import describe

        if not self.last_error_code:
            return self.last_error
        return describe(self.last_error_code, self.last_error_params, fallback=self.last_error)

    def schedule_next(self, now: dt.datetime) -> None:
        """The next check: the interval, doubled for each failure in a row (at most a day)."""
        minutes = self.interval_minutes
        if self.failures:
            minutes = max(minutes, min(minutes * 2 ** min(self.failures, 6), 24 * 60))
        self.next_check_at = now + dt.timedelta(minutes=minutes)


class SeenItem(models.Model):
    """One item a source gave, once: an alert (a report in the queue), known (already decided), or below the
    thresholds."""

    class Outcome(models.TextChoices):
        ALERT = "alert", _("Cảnh báo, đã vào hàng đợi")
        JOINED = "joined", _("Gần trùng, gộp vào vụ việc đang mở")
        KNOWN = "known", _("Đã xử lý trước đây")
        BELOW = "below", _("Dưới ngưỡng")
        ERROR = "error", _("Lỗi")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=64)  # SHA-256 of the item's key
    url = models.CharField(max_length=2048, blank=True)
    title = models.CharField(max_length=300, blank=True)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    codes = models.JSONField(default=list)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-seen_at"]
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="monitoring_item_once")]


class Host(models.Model):
    """Politeness per host: when it may be visited next, and its robots.txt (kept a day)."""

    name = models.CharField(max_length=300, unique=True)  # host[:port]
    next_visit_at = models.DateTimeField(default=timezone.now)
    robots_status = models.PositiveIntegerField(null=True)
    robots = models.TextField(blank=True)
    robots_fetched_at = models.DateTimeField(null=True)
