"""`copvn demo`, continued: provider contacts, and notices and referrals at each stage, so that the legal
officer finds a draft to approve and an overdue notice, the platform liaison (Zalo) a notice to answer, the
police liaison a referral, and the figures a time to removal. The decisions go through the real services;
only the clock's past (when a notice was sent, when checks found it gone) is written into the rows."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from copvn.intake.models import Report
from copvn.orgs.models import Organisation
from copvn.review.services import DecisionInput, approve, decide

from . import clocks, services
from .models import Notice, NoticeURL, ProviderContact, VerificationCheck
from .states import State

CONTACTS = {
    "meta": ("yeucau-gobo@meta.example", "en"), "google": ("legal-vn@google.example", "en"),
    "tiktok": ("vn-authority@tiktok.example", "en"), "vng-zalo": ("phaply@zalo.example", "vi"),
    "x-corp": ("legal@x.example", "en"), "telegram": ("abuse@telegram.example", "en"),
    "vnpt-kh": ("antoanthongtin@vnpt-kh.example", "vi"), "viettel-kh": ("baomat@viettel-kh.example", "vi"),
    "fpt-kh": ("abuse@fpt-kh.example", "vi"),
}
# story key → (decision, what happens next)
PLAN = [
    ("demo:08", DecisionInput(categories=["DRUG"], harmful=True, action="takedown", severity=3,
                              reason="Tài khoản bán thuốc lá điện tử cho học sinh, không kiểm tra tuổi."), "removed"),
    ("demo:06", DecisionInput(categories=["FRAUD"], harmful=True, action="both", severity=3,
                              reason="Nhóm Zalo lừa đảo “việc làm online” nhắm vào học sinh; đã có em bị mất tiền."),
     "sent"),
    ("demo:16", DecisionInput(categories=["DRUG"], harmful=True, action="takedown", severity=3,
                              reason="Kênh Telegram rao bán chất cấm, chia sẻ trong nhóm học sinh."), "overdue"),
    ("demo:17", DecisionInput(categories=["FRAUD"], harmful=True, action="takedown", severity=2,
                              reason="Trang giả danh trường học thu “phí học bổng”."), "draft"),
]


def add_takedowns(analyst, senior, legal) -> None:
    for code, (email, language) in CONTACTS.items():
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is not None:
            ProviderContact.objects.get_or_create(organisation=organisation,
                                                  defaults={"email": email, "language": language})
    if Notice.objects.exists():
        return
    for key, choice, stage in PLAN:
        report = Report.objects.filter(client_key=key).select_related("case").first()
        if report is None or report.case.decisions.exists():
            continue
        decision = decide(report.case, analyst, choice)
        if decision.needs_approval:
            approve(decision, senior, True)
        for notice in Notice.objects.filter(urls__case=report.case, state=State.DRAFT).distinct():
            _advance(notice, stage, legal)
    clocks.tick()  # the overdue notice: its breach recorded, the reminder and the second notice sent


def _advance(notice: Notice, stage: str, legal) -> None:
    if stage == "draft":
        return
    services.approve(notice, legal)
    notice.refresh_from_db()
    back = {"removed": dt.timedelta(days=12, hours=1), "sent": dt.timedelta(hours=1),
            "overdue": dt.timedelta(hours=29)}[stage]  # overdue by 5 hours: reminded, the second notice not yet
    sent = timezone.now() - back
    Notice.objects.filter(pk=notice.pk).update(sent_at=sent, due_at=sent + (notice.due_at - notice.sent_at))
    if stage == "removed":
        _removed(notice, sent + dt.timedelta(hours=9, minutes=20))


def _removed(notice: Notice, first_miss: dt.datetime) -> None:
    services.answer(notice, notice.provider, "acknowledge", "Đã tiếp nhận, đang xem xét.")
    services.answer(notice, notice.provider, "removed", "Đã gỡ tài khoản vi phạm chính sách.")
    for url in NoticeURL.objects.filter(notice=notice):
        for minutes in (0, 3, 6):
            VerificationCheck.objects.create(notice_url=url, checked_at=first_miss + dt.timedelta(minutes=minutes),
                                             result="removed", reason="http_404", http_status=404, sha256="0" * 64,
                                             settled="removed" if minutes == 6 else "pending_removed")
        NoticeURL.objects.filter(pk=url.pk).update(verified="removed", misses=3, first_miss_at=first_miss,
                                                   checks_done=3, last_checked_at=first_miss + dt.timedelta(minutes=6))
    notice.refresh_from_db()
    notice.move_to(State.VERIFIED_REMOVED, verified_at=first_miss + dt.timedelta(minutes=6), removed_at=first_miss)
    services.log_event(notice, "notice.verified_removed", before=State.REMOVAL_REPORTED)
