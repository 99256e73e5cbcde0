"""The press consent registry: before the press publishes a child's private information, the parent or
caregiver and the child aged 7 or more must consent (Law on Children Art. 6(11); Decree 56/2017 Arts. 33, 36).

A record belongs to one press agency. Its revisions form a hash chain (each revision's hash covers its content
and the previous hash), so a changed or removed revision is detectable. A withdrawn record stays, marked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Decree 56/2017 Art. 33: the kinds of a child's private information a consent can cover (storage keys).
CATEGORIES = {
    "identity": _("Họ tên, tuổi, đặc điểm nhận dạng"),
    "health": _("Sức khỏe, bệnh án"),
    "image": _("Hình ảnh cá nhân"),
    "family": _("Thành viên gia đình, người chăm sóc"),
    "property": _("Tài sản cá nhân"),
    "contact": _("Số điện thoại, địa chỉ thư tín, tài khoản mạng"),
    "residence": _("Nơi ở, quê quán"),
    "school": _("Trường, lớp, kết quả học tập, quan hệ bạn bè"),
    "services": _("Dịch vụ cá nhân đã sử dụng"),
}
MEDIA = {"print": _("Báo in"), "online": _("Báo điện tử"), "tv": _("Truyền hình"), "radio": _("Phát thanh"),
         "social": _("Trang mạng xã hội của cơ quan báo chí")}


class ConsentRecord(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("Còn hiệu lực")
        WITHDRAWN = "withdrawn", _("Đã rút lại")

    class WithdrawnBy(models.TextChoices):
        PARENT = "parent", _("Cha, mẹ")
        CAREGIVER = "caregiver", _("Người chăm sóc")
        CHILD = "child", _("Trẻ em (từ đủ 7 tuổi)")
        PROTECTION_BODY = "protection_body", _("Cơ quan, tổ chức bảo vệ trẻ em")

    agency = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="consents",
                               verbose_name=_("cơ quan báo chí"))
    child_name = models.CharField(_("họ tên trẻ em"), max_length=200)
    name_key = models.CharField(max_length=200, db_index=True)  # folded: matched with and without diacritics
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    age_years = models.PositiveSmallIntegerField(_("tuổi (khi không biết ngày sinh)"), null=True, blank=True)
    age_on = models.DateField(null=True, blank=True)  # the day that age was given
    school = models.CharField(_("trường"), max_length=200, blank=True)
    categories = models.JSONField(_("loại thông tin được công bố"), default=list)
    media = models.JSONField(_("loại hình báo chí"), default=list)
    article = models.CharField(_("bài viết hoặc loạt bài"), max_length=300, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE, db_index=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.CharField(max_length=16, choices=WithdrawnBy.choices, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # none: through a partner key issued from the command line
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.child_name} ({self.agency.short_name})"


class Signer(models.Model):
    class Role(models.TextChoices):
        PARENT = "parent", _("Cha, mẹ")
        CAREGIVER = "caregiver", _("Người chăm sóc")
        GUARDIAN = "guardian", _("Người giám hộ")
        REPRESENTATIVE = "representative", _("Người đại diện theo pháp luật")
        CHILD = "child", _("Trẻ em")

    class Document(models.TextChoices):
        CCCD = "cccd", _("Căn cước / CCCD")
        PASSPORT = "passport", _("Hộ chiếu")
        BIRTH = "birth", _("Giấy khai sinh")
        OTHER = "other", _("Giấy tờ khác")

    record = models.ForeignKey(ConsentRecord, on_delete=models.CASCADE, related_name="signers")
    role = models.CharField(_("tư cách"), max_length=16, choices=Role.choices)
    full_name = models.CharField(_("họ tên"), max_length=200)
    relation = models.CharField(_("quan hệ với trẻ"), max_length=100, blank=True)
    document = models.CharField(_("giấy tờ tùy thân"), max_length=10, choices=Document.choices, blank=True)
    signed_on = models.DateField(_("ngày ký"))

    @property
    def adult(self) -> bool:
        return self.role != self.Role.CHILD


class Revision(models.Model):
    """One state of a record; `digest` = SHA-256 over `previous` and the canonical JSON of `content`."""

    record = models.ForeignKey(ConsentRecord, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    previous = models.CharField(max_length=64, blank=True)
    digest = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["record", "number"]
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="consent_revision_once")]


class PrepublicationCheck(models.Model):
    """A check an editor ran; kept when the editor keeps it as the record that the article was checked."""

    agency = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    api_key = models.ForeignKey("intake.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=500, blank=True)
    publication_date = models.DateField()
    medium = models.CharField(max_length=10, default="online")
    text_sha256 = models.CharField(max_length=64)
    result = models.JSONField()
    kept = models.BooleanField(default=False)


class Evidence(models.Model):
    """A scanned signed form: kept in quarantine (copvn.core.blobs.QUARANTINE, named by its SHA-256), never
    served inline, opened only through an audited download."""

    record = models.ForeignKey(ConsentRecord, on_delete=models.CASCADE, related_name="evidence")
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    name = models.CharField(_("tên tệp"), max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["record", "added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["record", "sha256"], name="consent_evidence_once")]
