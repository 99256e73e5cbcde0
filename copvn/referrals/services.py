"""Referral workflows, each in one transaction with its audit entry.

A final decision with a referral action refers the case at once to the default destination for its
categories (COPVN_REFERRAL_POLICE_CATEGORIES go to the police cyber unit, the rest to hotline 111); a legal
officer or senior analyst may refer it elsewhere too (the commune's officer, a school). For child sexual abuse
material the police referral goes first and the case's takedown notices are held for
COPVN_CSAM_NOTICE_HOLD_HOURS after it (police deconfliction).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copvn.audit.services import record
from copvn.core import outbox
from copvn.core.outbox import DOCUMENTS
from copvn.orgs.models import Organisation, descendant_ids

from . import package
from .models import Referral, State


class ReferralRefused(Exception):
    """The act is refused; the message is for the person who tried."""


def default_destination(categories) -> str:
    return Referral.Destination.POLICE if set(categories) & set(settings.REFERRAL_POLICE_CATEGORIES) \
        else Referral.Destination.HOTLINE


def default_organisation(destination: str) -> Organisation | None:
    code = {Referral.Destination.POLICE: settings.REFERRAL_POLICE_ORG,
            Referral.Destination.HOTLINE: settings.REFERRAL_HOTLINE_ORG}.get(destination)
    return Organisation.objects.current().filter(code=code).first() if code else None


def refer_for_decision(decision, *, request=None) -> Referral | None:
    destination = default_destination(decision.categories)
    organisation = default_organisation(destination)
    if organisation is None:
        record("referral.no_destination", request=request, obj=decision.case, data={"destination": destination})
        return None
    if decision.case.referrals.filter(organisation=organisation).exclude(state=State.CANCELLED).exists():
        return None
    return refer(decision.case, organisation, destination, decision.decided_by, decision=decision, request=request)


def refer(case, organisation, destination: str, user, *, decision=None, note: str = "", request=None) -> Referral:
    if destination not in Referral.Destination.values:
        raise ReferralRefused(_("Nơi nhận không hợp lệ."))
    if not organisation.is_valid_on(timezone.localdate()):
        raise ReferralRefused(_("“%(name)s” không còn hiệu lực trong danh bạ cơ quan.") % {"name": organisation.name})
    if decision is None:
        decision = case.decisions.order_by("-number").first()
    with transaction.atomic():
        content = package.content(case, decision)
        digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        referral = Referral.objects.create(
            reference=f"tmp-{uuid.uuid4().hex[:18]}", case=case, decision=decision, destination=destination,
            organisation=organisation, note=note.strip(), package_sha256=digest, package_docx="", created_by=user)
        referral.reference = f"CH-{timezone.localdate().year}-{referral.pk:05d}"
        docx = package.build(referral, content)
        referral.package_docx = DOCUMENTS.store(docx)
        referral.save(update_fields=["reference", "package_docx"])
        record("referral.send", request=request, actor=user, obj=case,
               data={"referral": referral.reference, "to": organisation.code, "package_sha256": digest})
        _deliver(referral)
        if destination == Referral.Destination.POLICE and "CSAM" in (decision.categories if decision else []):
            _hold_notices(case, referral, request)
    return referral


def _deliver(referral: Referral) -> None:
    email = referral.organisation.email
    if not email:
        return  # the liaison sees it in copvn; nothing to mail
    name = referral.reference
    outbox.enqueue(email, _("[%(ref)s] Chuyển hồ sơ vụ việc %(case)s") % {"ref": name, "case": referral.case.reference},
                   _("Kính gửi %(org)s,\n\nĐính kèm phiếu chuyển hồ sơ %(ref)s (DOCX và PDF). Phiếu chỉ chứa mô tả, "
                     "quyết định và mã băm chứng cứ, không chứa nội dung đa phương tiện. Đề nghị xác nhận tiếp nhận và "
                     "cập nhật kết quả trên copvn.") % {"org": referral.organisation.name, "ref": name},
                   "referral.send", about=referral, key=f"referral-{referral.pk}-email",
                   attachments=outbox.letter_attachments(name, referral.package_docx))


def _hold_notices(case, referral: Referral, request) -> None:
    from copvn.takedowns.models import Notice
    from copvn.takedowns.services import hold_for_police

    until = referral.sent_at + dt.timedelta(hours=settings.CSAM_NOTICE_HOLD_HOURS)
    notices = Notice.objects.filter(urls__case=case, state__in=["draft", "approved"]).distinct()
    hold_for_police(list(notices), until, request=request)


def visible_to(user):
    """Liaisons see only what was referred to their organisation (and its units); others by capability."""
    qs = Referral.objects.select_related("case", "organisation")
    if user.role in ("police_liaison", "child_services_liaison"):
        if user.organisation_id is None:
            return qs.none()
        return qs.filter(organisation_id__in=descendant_ids(user.organisation_id))
    return qs


def acknowledge(referral: Referral, user, *, request=None) -> Referral:
    with transaction.atomic():
        referral = _mine(referral, user)
        if not referral.move_to(State.ACKNOWLEDGED, acknowledged_at=timezone.now(), acknowledged_by=user):
            raise ReferralRefused(_("Phiếu chuyển đã được cập nhật; hãy tải lại trang."))
        record("referral.acknowledge", request=request, obj=referral.case, data={"referral": referral.reference})
    return referral


def record_outcome(referral: Referral, user, outcome: str, note: str, *, request=None) -> Referral:
    if outcome not in Referral.Outcome.values or not outcome:
        raise ReferralRefused(_("Hãy chọn kết quả xử lý."))
    if not note.strip():
        raise ReferralRefused(_("Cần ghi nội dung kết quả."))
    with transaction.atomic():
        referral = _mine(referral, user)
        fields = {"outcome": outcome, "outcome_note": note.strip(), "closed_at": timezone.now()}
        if referral.state == State.SENT:
            fields.update(acknowledged_at=timezone.now(), acknowledged_by=user)
        if not referral.move_to(State.CLOSED, **fields):
            raise ReferralRefused(_("Phiếu chuyển đã được cập nhật; hãy tải lại trang."))
        record("referral.outcome", request=request, obj=referral.case, reason=note.strip()[:500],
               data={"referral": referral.reference, "outcome": outcome})
    return referral


def _mine(referral: Referral, user) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not visible_to(user).filter(pk=referral.pk).exists():
        raise ReferralRefused(_("Không có phiếu chuyển này cho đơn vị của bạn."))
    if referral.state not in (State.SENT, State.ACKNOWLEDGED):
        raise ReferralRefused(_("Phiếu chuyển đã có kết quả."))
    return referral
