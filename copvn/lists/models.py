"""Hash and URL lists kept in the database: the lists a province matches media and links against.

A list's `version` grows by one with every change (settings, entries added or removed), in the same
transaction as the change, and each entry remembers the version that added it. Matching processes compare
the version to know when their cached index is stale, and a PDQ index built at version B covers exactly the
entries added at or before B (see matching.py).
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copvn.detect.index import DEFAULT_THRESHOLD
from copvn.detect.lists import KINDS

KIND_LABELS = {
    "pdq": _("PDQ (ảnh gần giống)"),
    "md5": _("MD5 (tệp trùng khớp)"),
    "sha256": _("SHA-256 (tệp trùng khớp)"),
    "url": _("Đường dẫn (URL)"),
}
KIND_CHOICES = [(kind, KIND_LABELS[kind]) for kind in KINDS]
MAX_THRESHOLD = 63  # beyond this, unrelated PDQ hashes start to match (random pairs sit near 128)


def new_revision() -> str:
    return uuid.uuid4().hex


def entry_key(value: str) -> str:
    """The unique key of a normalised value: its SHA-256 (a long URL does not fit a PostgreSQL unique index)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class HashList(models.Model):
    name = models.CharField(_("tên danh sách"), max_length=200)
    slug = models.SlugField(_("mã danh sách"), max_length=80, unique=True,
                            help_text=_("Chữ không dấu, số và dấu gạch ngang; không đổi được sau khi tạo."))
    kind = models.CharField(_("loại giá trị"), max_length=8, choices=KIND_CHOICES)
    negative = models.BooleanField(
        _("danh sách nhận nhầm"), default=False,
        help_text=_("Giá trị đã xác nhận là không có hại: khớp danh sách này thì không gắn cờ, dù khớp danh sách khác."))
    threshold = models.PositiveSmallIntegerField(
        _("ngưỡng khoảng cách PDQ"), default=DEFAULT_THRESHOLD, validators=[MaxValueValidator(MAX_THRESHOLD)],
        help_text=_("Số bit khác nhau tối đa để coi là khớp (0–63; khuyến nghị 31). Chỉ dùng cho danh sách PDQ."))
    enabled = models.BooleanField(_("đang dùng để đối chiếu"), default=True)
    category_code = models.CharField(
        _("danh mục khi khớp"), max_length=16, blank=True,
        help_text=_("Mã danh mục nội dung có hại gắn cho nội dung khớp danh sách (ví dụ CSAM)."))
    source = models.CharField(_("nguồn"), max_length=200, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    # A new random token with every change: a cached index is good exactly while the token is the same (a
    # version number alone could come back after a rolled-back transaction with other contents).
    revision = models.CharField(max_length=32, default=new_revision, editable=False)
    entry_count = models.PositiveBigIntegerField(_("số giá trị"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)

    class Meta:
        ordering = ["negative", "kind", "name"]
        verbose_name = _("danh sách đối chiếu")

    def __str__(self):
        return f"{self.name} ({self.slug})"

    def clean(self):
        from copvn.taxonomy.models import Category

        if self.category_code and not Category.objects.filter(code=self.category_code).exists():
            raise ValidationError({"category_code": _("Không có danh mục mã “%(code)s”.") % {"code": self.category_code}})


class ListEntry(models.Model):
    hash_list = models.ForeignKey(HashList, on_delete=models.CASCADE, related_name="entries",
                                  verbose_name=_("danh sách"))
    value = models.TextField(_("giá trị"))
    key = models.CharField(max_length=64, editable=False)
    metadata = models.JSONField(_("thông tin kèm theo"), default=dict, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    added_at = models.DateTimeField(_("thêm lúc"), default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("người thêm"))
    added_in_version = models.PositiveIntegerField(editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("giá trị trong danh sách")
        constraints = [models.UniqueConstraint(fields=["hash_list", "key"], name="lists_entry_once_per_list")]
        indexes = [models.Index(fields=["hash_list", "added_in_version"], name="lists_entry_by_version")]

    def __str__(self):
        return self.value[:80]


class IndexBuild(models.Model):
    """A PDQ index written to the data directory (matching.py). Its files are used only while this row
    exists: an index built inside a transaction that rolled back, or by a database since restored from a
    backup, has no row and is ignored."""

    hash_list = models.ForeignKey(HashList, on_delete=models.CASCADE, related_name="builds")
    version = models.PositiveIntegerField()
    token = models.CharField(max_length=32, default=new_revision)
    size = models.PositiveBigIntegerField(default=0)
    built_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version", "-id"]
