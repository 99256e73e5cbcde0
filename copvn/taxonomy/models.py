"""The harm taxonomy (BRIEF §4) as data. Codes are storage keys and never change once created."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    CONTENT = "content", _("Nội dung (content)")
    CONTACT = "contact", _("Tiếp xúc (contact)")
    CONDUCT = "conduct", _("Hành vi (conduct)")
    CONTRACT = "contract", _("Thương mại (contract)")


class Category(models.Model):
    code = models.CharField(
        _("mã"), max_length=16, unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9_]{1,15}$", _("Mã gồm chữ in hoa, số và dấu gạch dưới."))],
    )
    name_vi = models.CharField(_("tên tiếng Việt"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300)
    dimension = models.CharField(_("nhóm rủi ro 4C"), max_length=16, choices=Dimension.choices)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    default_handling = models.TextField(_("xử lý mặc định"), blank=True)
    urgent = models.BooleanField(_("khẩn cấp (đồng hồ 12 giờ)"), default=False)
    never_display = models.BooleanField(_("không bao giờ hiển thị nội dung"), default=False)
    active = models.BooleanField(_("đang dùng"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("danh mục nội dung có hại")

    def __str__(self):
        return f"{self.code} — {self.name_vi}"

    def save(self, *args, **kwargs):
        if self.pk:
            stored = Category.objects.filter(pk=self.pk).values_list("code", flat=True).first()
            if stored is not None and stored != self.code:
                raise ValidationError(_("Mã danh mục không được thay đổi."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Danh mục không bị xóa; hãy ngừng sử dụng (bỏ chọn “đang dùng”)."))
