"""The organisation registry, with effective dates.

A reorganised body is a new row: the old one gets `valid_until` (the first day it no longer exists)
and a `successor`. `Organisation.objects.as_of(date)` returns the structure as it was on that day.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MINISTRY = "ministry", _("Bộ, cơ quan trung ương")
    PROVINCE = "province", _("Tỉnh, thành phố")
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT_COMMITTEE = "district_committee", _("UBND cấp huyện (đến 30/06/2025)")
    COMMUNE_COMMITTEE = "commune_committee", _("UBND cấp xã")
    POLICE = "police", _("Công an")
    PRESS = "press", _("Cơ quan báo chí")
    PLATFORM = "platform", _("Nền tảng mạng xã hội, dịch vụ trực tuyến")
    ISP = "isp", _("Doanh nghiệp viễn thông, Internet")
    SOCIO_POLITICAL = "socio_political", _("Tổ chức chính trị - xã hội")
    SCHOOL = "school", _("Cơ sở giáo dục")
    OTHER = "other", _("Khác")


class OrganisationQuerySet(models.QuerySet):
    def as_of(self, day: dt.date):
        return self.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))

    def current(self):
        from django.utils import timezone

        return self.as_of(timezone.localdate())

    def visible_to(self, user):
        """Object scoping: roles with scope 'own' see their organisation and the units under it."""
        from copvn.accounts.roles import get_role

        if not user.is_authenticated or not getattr(user, "role", None):
            return self.none()
        if get_role(user.role).scope == "all":
            return self
        if user.organisation_id is None:
            return self.none()
        return self.filter(pk__in=descendant_ids(user.organisation_id))


class Organisation(models.Model):
    code = models.SlugField(_("mã"), max_length=60, unique=True, help_text=_("Mã cố định, không đổi."))
    name = models.CharField(_("tên"), max_length=300)
    short_name = models.CharField(
        _("tên viết tắt"), max_length=40, help_text=_("Dùng trong số hiệu văn bản, ví dụ BC-SKHCN.")
    )
    kind = models.CharField(_("loại"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("trực thuộc")
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_until = models.DateField(
        _("hết hiệu lực từ"), null=True, blank=True, help_text=_("Ngày đầu tiên không còn tồn tại; để trống nếu còn hiệu lực.")
    )
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    domains = models.CharField(
        _("tên miền"), max_length=500, blank=True,
        help_text=_("Tên miền của nền tảng hoặc nhà cung cấp, cách nhau bằng dấu phẩy (dùng để xác định nơi lưu trữ nội dung)."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cơ quan, tổ chức")
        verbose_name_plural = _("cơ quan, tổ chức")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="org_validity_ordered",
            )
        ]

    def __str__(self):
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)

    def clean(self):
        problems = validity_problems(self)
        if problems:
            raise ValidationError(problems)


def overlaps(a_from, a_until, b_from, b_until) -> bool:
    return (b_until is None or a_from < b_until) and (a_until is None or b_from < a_until)


def validity_problems(org: Organisation) -> dict[str, str]:
    """Checks that span rows: dates in order, short name unique over time, parent alive meanwhile."""
    problems: dict[str, str] = {}
    if org.valid_until and org.valid_from and org.valid_until <= org.valid_from:
        problems["valid_until"] = str(_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
    clashes = Organisation.objects.filter(short_name__iexact=org.short_name).exclude(pk=org.pk)
    for other in clashes:
        if org.valid_from and overlaps(org.valid_from, org.valid_until, other.valid_from, other.valid_until):
            problems["short_name"] = str(
                _("Tên viết tắt “%(short)s” đã được “%(other)s” dùng trong cùng thời gian.")
                % {"short": org.short_name, "other": other.name}
            )
            break
    if org.parent_id and org.valid_from and not org.parent.is_valid_on(org.valid_from):
        problems["parent"] = str(_("Đơn vị cấp trên không còn hiệu lực vào ngày bắt đầu hiệu lực."))
    if org.pk and org.parent_id and org.pk in descendant_ids(org.pk) & {org.parent_id}:
        problems["parent"] = str(_("Một đơn vị không thể trực thuộc chính nó hoặc đơn vị cấp dưới của nó."))
    return problems


def domain_owner(host: str, organisations) -> Organisation | None:
    """Of `organisations`, the one whose registered domains hold `host` or a domain above it
    ("m.facebook.com" → the owner of "facebook.com"; "notfacebook.com" is not under "facebook.com")."""
    labels = host.lower().strip(".").split(".")
    suffixes = {".".join(labels[i:]) for i in range(len(labels))}
    return next((org for org in organisations
                 if suffixes & {d.strip().lower() for d in org.domains.split(",") if d.strip()}), None)


def descendant_ids(root_id: int) -> set[int]:
    """The organisation and every unit under it (any depth)."""
    found, frontier = {root_id}, {root_id}
    while frontier:
        frontier = set(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found
