"""Consent workflows, each in one transaction with its audit entry and a new revision in the hash chain.
A refused act changes nothing and says why (ConsentRefused carries the message)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copvn.audit.services import record
from copvn.detect import pii

from .models import CATEGORIES, MEDIA, ConsentRecord, Evidence, Revision, Signer

CHILD_CONSENT_AGE = 7  # Law on Children Art. 6(11): the child's own consent from age 7


class ConsentRefused(Exception):
    """The act is refused; the message is for the person who tried."""


@dataclass
class SignerInput:
    role: str
    full_name: str
    signed_on: dt.date
    relation: str = ""
    document: str = ""


@dataclass
class ConsentInput:
    child_name: str
    valid_from: dt.date
    categories: list[str]
    media: list[str]
    signers: list[SignerInput] = field(default_factory=list)
    date_of_birth: dt.date | None = None
    age_years: int | None = None
    school: str = ""
    article: str = ""
    valid_until: dt.date | None = None


def age_on(record: ConsentRecord, day: dt.date) -> tuple[int | None, bool]:
    """The child's age on `day` and whether it is certain (False when only an age on some day is known)."""
    if record.date_of_birth:
        born = record.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day)), True
    if record.age_years is not None:
        given = record.age_on or record.created_at.date()
        return record.age_years + max(0, (day - given).days // 365), False
    return None, False


def _problems(data: ConsentInput) -> list[str]:
    today = timezone.localdate()
    problems = []
    if not data.child_name.strip():
        problems.append(_("Cần ghi họ tên trẻ em."))
    if data.date_of_birth and data.date_of_birth > today:
        problems.append(_("Ngày sinh không thể ở tương lai."))
    if data.date_of_birth is None and data.age_years is None:
        problems.append(_("Cần ngày sinh hoặc tuổi của trẻ."))
    if set(data.categories) - set(CATEGORIES) or not data.categories:
        problems.append(_("Hãy chọn loại thông tin được công bố (Điều 33 Nghị định 56/2017)."))
    if set(data.media) - set(MEDIA) or not data.media:
        problems.append(_("Hãy chọn loại hình báo chí."))
    if data.valid_until and data.valid_until < data.valid_from:
        problems.append(_("Ngày hết hiệu lực phải sau ngày bắt đầu."))
    if not any(s.role != Signer.Role.CHILD for s in data.signers):
        problems.append(_("Cần chữ ký của cha, mẹ, người chăm sóc hoặc người giám hộ; chữ ký của trẻ một mình "
                          "không đủ."))
    if any(s.signed_on > today for s in data.signers):
        problems.append(_("Ngày ký không thể ở tương lai."))
    return problems


def register(agency, user, data: ConsentInput, *, request=None) -> ConsentRecord:
    problems = _problems(data)
    if problems:
        raise ConsentRefused(" ".join(problems))
    with transaction.atomic():
        consent = ConsentRecord.objects.create(
            agency=agency, child_name=" ".join(data.child_name.split()), name_key=pii.key(data.child_name),
            date_of_birth=data.date_of_birth, age_years=data.age_years,
            age_on=timezone.localdate() if data.age_years is not None else None, school=data.school.strip(),
            categories=sorted(set(data.categories)), media=sorted(set(data.media)), article=data.article.strip(),
            valid_from=data.valid_from, valid_until=data.valid_until, created_by=user)
        for signer in data.signers:
            Signer.objects.create(record=consent, role=signer.role, full_name=signer.full_name.strip(),
                                  relation=signer.relation.strip(), document=signer.document,
                                  signed_on=signer.signed_on)
        _revise(consent, user)
        record("consent.register", request=request, actor=user, obj=consent, data={"agency": agency.code})
    return consent


def add_signer(consent: ConsentRecord, user, signer: SignerInput, *, request=None) -> Signer:
    if signer.signed_on > timezone.localdate():
        raise ConsentRefused(_("Ngày ký không thể ở tương lai."))
    with transaction.atomic():
        consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
        if consent.state != ConsentRecord.State.ACTIVE:
            raise ConsentRefused(_("Đồng ý này đã được rút lại."))
        added = Signer.objects.create(record=consent, role=signer.role, full_name=signer.full_name.strip(),
                                      relation=signer.relation.strip(), document=signer.document,
                                      signed_on=signer.signed_on)
        _revise(consent, user)
        record("consent.sign", request=request, actor=user, obj=consent, data={"role": signer.role})
    return added


def withdraw(consent: ConsentRecord, user, by: str, reason: str, *, published_url: str = "",
             request=None) -> ConsentRecord:
    """The consent stops covering anything; an article already online becomes a PRIV report to handle."""
    if by not in ConsentRecord.WithdrawnBy.values:
        raise ConsentRefused(_("Hãy chọn người rút lại đồng ý."))
    with transaction.atomic():
        consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
        if consent.state == ConsentRecord.State.WITHDRAWN:
            raise ConsentRefused(_("Đồng ý này đã được rút lại."))
        ConsentRecord.objects.filter(pk=consent.pk).update(state=ConsentRecord.State.WITHDRAWN,
                                                           withdrawn_at=timezone.now(), withdrawn_by=by,
                                                           withdrawal_reason=reason.strip())
        consent.refresh_from_db()
        _revise(consent, user)
        record("consent.withdraw", request=request, actor=user, obj=consent, reason=reason.strip(),
               data={"by": by, "published_url": published_url[:500]})
        report = _report_published(consent, published_url) if published_url else None
        _removal_task(consent, by, published_url, report)
    return consent


REMOVAL_DAYS = 1  # the agency takes the child's information down by the next day


def _removal_task(consent: ConsentRecord, by: str, url: str, report) -> None:
    from copvn.coordination.models import Task
    from copvn.coordination.services import create

    lines = [_("Người rút lại: %(by)s.") % {"by": ConsentRecord.WithdrawnBy(by).label}
             + (" " + _("Lý do: %(why)s") % {"why": consent.withdrawal_reason} if consent.withdrawal_reason else ""),
             _("Không tiếp tục công bố thông tin của trẻ; gỡ thông tin đã đăng khỏi mọi bài, ảnh, video, trang "
               "mạng xã hội của cơ quan; ghi lại kết quả tại đây.")]
    if url:
        lines.append(_("Bài đang đăng: %(url)s") % {"url": url})
    if report is not None:
        lines.append(_("Đã tạo phản ánh %(ref)s (PRIV) để theo dõi việc gỡ bài.") % {"ref": report.reference})
    create(consent.agency, _("Gỡ thông tin của trẻ %(name)s (đồng ý đã bị rút lại)") % {"name": consent.child_name},
           details="\n".join(lines), due=timezone.localdate() + dt.timedelta(days=REMOVAL_DAYS),
           origin=Task.Origin.CONSENT_WITHDRAWN, subject=f"consent:{consent.pk}")


def _report_published(consent: ConsentRecord, url: str):
    from copvn.intake.services import ReportInput, submit

    report, _created = submit(ReportInput(
        channel="agency", urls=[url], category_codes=["PRIV"], referring_org_id=consent.agency_id,
        description=_("Đồng ý công bố thông tin của trẻ đã bị rút lại; bài viết vẫn đăng trên mạng.")))
    return report


EVIDENCE_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def evidence_type(data: bytes) -> str:
    """The media type of a scanned form, by its content (PDF, JPEG or PNG); ConsentRefused otherwise."""
    from django.conf import settings

    if not data:
        raise ConsentRefused(_("Tệp rỗng."))
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise ConsentRefused(_("Tệp lớn hơn giới hạn %(n)s MB.") % {"n": settings.MAX_UPLOAD_BYTES // (1024 * 1024)})
    from copvn.core.files import sniff

    kind = sniff(data)
    if kind not in EVIDENCE_TYPES:
        raise ConsentRefused(_("Bản quét phải là tệp PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp)."))
    return kind


def add_evidence(consent: ConsentRecord, user, data: bytes, name: str = "", *, request=None) -> Evidence:
    """Keep the scanned signed form in quarantine, hashed; the revision chain then covers its hash."""
    from copvn.core.blobs import QUARANTINE

    kind = evidence_type(data)
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
        if consent.evidence.filter(sha256=sha256).exists():
            raise ConsentRefused(_("Bản quét này đã được lưu."))
        QUARANTINE.store(data)  # before the row: a row never names a file that is not there
        evidence = Evidence.objects.create(record=consent, sha256=sha256, content_type=kind, size=len(data),
                                           name=name[:200], added_by=user)
        _revise(consent, user)
        record("consent.evidence_add", request=request, actor=user, obj=consent,
               data={"sha256": sha256, "size": len(data)})
    return evidence


def content(consent: ConsentRecord) -> dict:
    return {"child_name": consent.child_name, "date_of_birth": str(consent.date_of_birth or ""),
            "age_years": consent.age_years, "school": consent.school, "categories": consent.categories,
            "media": consent.media, "article": consent.article, "valid_from": str(consent.valid_from),
            "valid_until": str(consent.valid_until or ""), "state": consent.state, "withdrawn_by": consent.withdrawn_by,
            "signers": [{"role": s.role, "full_name": s.full_name, "relation": s.relation, "document": s.document,
                         "signed_on": str(s.signed_on)} for s in consent.signers.order_by("pk")],
            **({"evidence": evidence} if (evidence := [e.sha256 for e in consent.evidence.order_by("pk")]) else {})}


def digest(previous: str, data: dict) -> str:
    return hashlib.sha256((previous + json.dumps(data, sort_keys=True, ensure_ascii=False)).encode()).hexdigest()


def _revise(consent: ConsentRecord, user) -> Revision:
    last = consent.revisions.order_by("-number").first()
    data = content(consent)
    previous = last.digest if last else ""
    return Revision.objects.create(record=consent, number=(last.number + 1) if last else 1, content=data,
                                   previous=previous, digest=digest(previous, data), by=user)


def chain_intact(consent: ConsentRecord) -> bool:
    previous = ""
    for revision in consent.revisions.order_by("number"):
        if revision.previous != previous or revision.digest != digest(previous, revision.content):
            return False
        previous = revision.digest
    return True
