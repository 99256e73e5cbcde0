"""Takedown workflows. Each runs in one transaction with its audit entry and its notice event; a refused act
changes nothing and says why (NoticeRefused carries the message for the person who tried).

Path: a final decision with a takedown action drafts notices (one per provider, URLs grouped within
COPVN_NOTICE_GROUP_MINUTES) → a second person approves (four-eyes) → sending re-checks each URL's provider,
writes the letter and the outbox messages in the same transaction and starts the clock → the provider
answers (portal or API) → the fetcher's checks settle it (copvn.takedowns.verification).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copvn.audit.labels import ACTIONS
from copvn.audit.services import record
from copvn.orgs.models import Organisation

from . import clocks, routing
from .models import Dispatch, EscalationStep, Notice, NoticeEvent, NoticeURL, ProviderContact
from .states import ANSWERABLE, FINISHED, TRANSITIONS, State


class NoticeRefused(Exception):
    """The act is refused; the message is for the person who tried."""


class NotYours(NoticeRefused):
    """A provider answering a notice addressed to someone else (shown as not found)."""


def log_event(notice: Notice, action: str, *, actor=None, organisation=None, note: str = "", before: str = "",
              request=None) -> None:
    """The notice's history row and its audit entry; the action needs a label in copvn/audit/labels.py."""
    if action not in ACTIONS:
        raise ValueError(f"unlabelled notice action {action!r}: add it to copvn/audit/labels.py")
    NoticeEvent.objects.create(notice=notice, action=action, from_state=before, to_state=notice.state,
                               actor=actor if getattr(actor, "is_authenticated", False) else None,
                               actor_organisation=organisation, note=note[:2000])
    record(action, request=request, actor=actor if getattr(actor, "is_authenticated", False) else None, obj=notice,
           reason=note[:500], data={"notice": notice.reference, "from": before, "to": notice.state})


def _move(notice: Notice, target: str, action: str, *, actor=None, organisation=None, note="", request=None,
          **fields) -> None:
    before = notice.state
    if not notice.move_to(target, **fields):
        raise NoticeRefused(_("Yêu cầu vừa được người khác cập nhật; hãy tải lại trang."))
    log_event(notice, action, actor=actor, organisation=organisation, note=note, before=before, request=request)


# — drafting ———————————————————————————————————————————————————————————————————————————————————————————


def issuer_for(user) -> Organisation:
    org = getattr(user, "organisation", None)
    if org is not None and org.kind in ("department", "peoples_committee", "police"):
        return org
    found = Organisation.objects.filter(code=settings.NOTICE_ISSUER).first()
    if found is None:
        raise NoticeRefused(_("Chưa cấu hình cơ quan gửi yêu cầu (COPVN_NOTICE_ISSUER)."))
    return found


def draft_for_decision(decision, *, request=None) -> list[Notice]:
    """Notices for each URL of the decided case; a URL without a known provider is reported, not dropped."""
    case = decision.case
    basis = clocks.propose_basis(timezone.localdate(case.received_at), child_in_danger=case.urgent)
    if basis is None:
        record("notice.no_basis", request=request, obj=case, data={"case": case.reference})
        return []
    drafted, now, registry = [], timezone.now(), routing.Registry()
    for case_url in case.urls.all():
        provider = registry.provider_for(case_url.host, case_url.addresses)
        if provider is None:
            record("notice.no_provider", request=request, obj=case, data={"url": case_url.canonical[:500],
                                                                          "host": case_url.host})
            continue
        if NoticeURL.objects.filter(canonical=case_url.canonical, notice__provider=provider, dropped=False) \
                .exclude(notice__state__in=FINISHED).exists():
            continue  # already asked of this provider
        notice = _open_draft(provider, basis, decision, now, request)
        NoticeURL.objects.create(notice=notice, case=case, case_url=case_url, url=case_url.first_url,
                                 canonical=case_url.canonical, host=case_url.host, addresses=case_url.addresses)
        if notice not in drafted:
            drafted.append(notice)
    return drafted


def _open_draft(provider, basis, decision, now, request) -> Notice:
    grouping = Notice.objects.filter(provider=provider, legal_basis=basis, state=State.DRAFT, group_until__gt=now) \
        .order_by("created_at").first()
    if grouping is not None:
        grouping.categories = sorted(set(grouping.categories) | set(decision.categories))
        grouping.save(update_fields=["categories"])
        return grouping
    issuer = issuer_for(decision.decided_by)
    notice = Notice.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:18]}", provider=provider, issuer=issuer, legal_basis=basis,
        description="", categories=sorted(decision.categories),  # never the case's own words: they may name a child
        language=getattr(getattr(provider, "notice_contact", None), "language", "vi"),
        group_until=now + dt.timedelta(minutes=settings.NOTICE_GROUP_MINUTES), drafted_by=decision.decided_by)
    notice.reference = f"YC-{timezone.localdate(now).year}-{notice.pk:05d}"
    notice.save(update_fields=["reference"])
    log_event(notice, "notice.draft", actor=decision.decided_by, request=request,
              note=f"{decision.case.reference} #{decision.number}")
    return notice


# — approving and sending ——————————————————————————————————————————————————————————————————————————————


def channels_for(provider: Organisation) -> list[str]:
    """How this provider can receive a notice: email and webhook from its contact, the portal when it has a
    liaison account or a partner key."""
    found = []
    contact = ProviderContact.objects.filter(organisation=provider).first()
    if contact is not None and contact.email:
        found.append("email")
    if contact is not None and contact.webhook_url:
        found.append("webhook")
    if provider.users.filter(is_active=True, role="platform_liaison").exists() or \
            provider.api_keys.filter(revoked_at__isnull=True).exists():
        found.append("portal")
    return found


def _sendable(notice: Notice) -> None:
    today = timezone.localdate()
    if not notice.provider.is_valid_on(today):
        raise NoticeRefused(_("“%(name)s” không còn hiệu lực trong danh bạ cơ quan từ ngày %(day)s; hãy chọn "
                              "đơn vị kế thừa.") % {"name": notice.provider.name,
                                                    "day": notice.provider.valid_until.strftime("%d/%m/%Y")})
    if not channels_for(notice.provider):
        raise NoticeRefused(_("“%(name)s” chưa có địa chỉ nhận yêu cầu (thư điện tử, webhook hoặc tài khoản đầu "
                              "mối); hãy bổ sung trong danh bạ nhà cung cấp.") % {"name": notice.provider.name})
    if not notice.urls.filter(dropped=False).exists():
        raise NoticeRefused(_("Yêu cầu không còn địa chỉ nào cần gỡ."))


def approve(notice: Notice, user, *, request=None) -> Notice:
    with transaction.atomic():
        notice = Notice.objects.select_for_update().select_related("provider").get(pk=notice.pk)
        if notice.state != State.DRAFT:
            raise NoticeRefused(_("Chỉ phê duyệt được yêu cầu đang ở dạng dự thảo."))
        if notice.drafted_by_id == user.pk:
            raise NoticeRefused(_("Không ai phê duyệt yêu cầu do chính mình lập (nguyên tắc bốn mắt)."))
        _sendable(notice)
        _move(notice, State.APPROVED, "notice.approve", actor=user, request=request,
              approved_by=user, approved_at=timezone.now(), group_until=None)
    if notice.hold_until is None or notice.hold_until <= timezone.now():
        send(notice, user, request=request)
    return notice


def hold_for_police(notices, until: dt.datetime, *, request=None) -> None:
    for notice in notices:
        Notice.objects.filter(pk=notice.pk, state__in=[State.DRAFT, State.APPROVED]).update(hold_until=until)
        log_event(notice, "notice.hold", request=request, note=until.isoformat())


def send(notice: Notice, user=None, *, request=None) -> Notice:
    """Re-check each URL's provider (a URL that moved is taken out and drafted to its new provider), then
    write the letter, the dispatch and its outbox messages, and start the clock — all in one transaction."""
    moved = []
    with transaction.atomic():
        notice = Notice.objects.select_for_update().select_related("provider", "legal_basis").get(pk=notice.pk)
        if notice.state != State.APPROVED:
            raise NoticeRefused(_("Chỉ gửi được yêu cầu đã phê duyệt."))
        if notice.hold_until and notice.hold_until > timezone.now():
            raise NoticeRefused(_("Yêu cầu đang được giữ để phối hợp với cơ quan công an đến %(t)s.")
                                % {"t": timezone.localtime(notice.hold_until).strftime("%H:%M %d/%m/%Y")})
        moved = _drop_moved(notice, request)
        if not notice.urls.filter(dropped=False).exists():
            _move(notice, State.CANCELLED, "notice.cancel", actor=user, request=request,
                  note=_("Mọi địa chỉ đã chuyển sang nhà cung cấp khác."))
            return notice
        _sendable(notice)
        now = timezone.now()
        _move(notice, State.SENT, "notice.send", actor=user, request=request, sent_at=now,
              due_at=clocks.deadline(now, notice.legal_basis))
        send_dispatch(notice, Dispatch.Kind.NOTICE)
        from .verification import schedule_first

        schedule_first(notice, now)
    for url in moved:
        _redraft(url, request)
    return notice


def _drop_moved(notice: Notice, request) -> list[NoticeURL]:
    moved, registry = [], routing.Registry()
    for url in notice.urls.filter(dropped=False):
        now_provider = registry.provider_for(url.host, url.addresses)
        if now_provider is not None and now_provider.pk != notice.provider_id:
            NoticeURL.objects.filter(pk=url.pk).update(dropped=True, moved_to=now_provider)
            url.moved_to = now_provider
            log_event(notice, "notice.url_moved", request=request,
                      note=f"{url.url[:300]} → {now_provider.name}")
            moved.append(url)
    return moved


def _redraft(url: NoticeURL, request) -> None:
    from copvn.review.models import Decision

    decision = Decision.objects.filter(case=url.case).order_by("-number").first()
    if decision is not None:
        draft_for_decision(decision, request=request)


def send_dispatch(notice: Notice, kind: str, *, recipient=None, note: str = "") -> Dispatch:
    from . import channels

    return channels.dispatch(notice, kind, recipient or notice.provider, note=note)


def take_step(notice: Notice, step: EscalationStep, now: dt.datetime | None = None) -> None:
    """One rung of the ladder after the deadline: a reminder, the second notice (a new clock), an escalation."""
    if step.kind == EscalationStep.Kind.REMINDER:
        send_dispatch(notice, Dispatch.Kind.REMINDER, note=_("quá hạn"))
        log_event(notice, "notice.reminder", note=str(step))
    elif step.kind == EscalationStep.Kind.SECOND_NOTICE:
        now = now or timezone.now()
        Notice.objects.filter(pk=notice.pk).update(due_at=clocks.deadline(now, notice.legal_basis))
        notice.refresh_from_db()
        send_dispatch(notice, Dispatch.Kind.SECOND_NOTICE)
        log_event(notice, "notice.second", note=str(step))
    else:
        authority = Organisation.objects.filter(code=step.recipient_code).first()
        if authority is None:
            log_event(notice, "notice.escalation_failed", note=f"no organisation {step.recipient_code!r}")
            return
        send_dispatch(notice, Dispatch.Kind.ESCALATION, recipient=authority)
        if State.ESCALATED in TRANSITIONS[notice.state]:
            _move(notice, State.ESCALATED, "notice.escalate", note=authority.name)
        else:
            log_event(notice, "notice.escalate", note=authority.name)


# — the provider's answers —————————————————————————————————————————————————————————————————————————————

ANSWERS = {
    "acknowledge": (State.ACKNOWLEDGED, Notice.ProviderStatus.ACKNOWLEDGED, "acknowledged_at"),
    "removed": (State.REMOVAL_REPORTED, Notice.ProviderStatus.REMOVED, "removal_reported_at"),
    "dispute": (State.DISPUTED, Notice.ProviderStatus.DISPUTED, "disputed_at"),
}


def answer(notice: Notice, organisation, kind: str, note: str = "", *, actor=None, request=None) -> Notice:
    """The provider's own status (kept apart from copvn's verified status). Refused for someone else's notice."""
    if kind not in ANSWERS:
        raise NoticeRefused(_("Phản hồi không hợp lệ."))
    if kind == "dispute" and not note.strip():
        raise NoticeRefused(_("Khi phản đối cần ghi lý do."))
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if organisation is None or notice.provider_id != organisation.pk or notice.state in (State.DRAFT, State.APPROVED):
            raise NotYours(_("Không có yêu cầu này cho đơn vị của bạn."))
        target, status, stamp = ANSWERS[kind]
        if notice.state not in ANSWERABLE or target not in _targets(notice.state):
            raise NoticeRefused(_("Yêu cầu đang ở trạng thái “%(state)s”, không nhận phản hồi này.")
                                % {"state": notice.get_state_display()})
        _move(notice, target, f"notice.{kind}", actor=actor, organisation=organisation, note=note.strip(),
              request=request, provider_status=status, provider_note=note.strip()[:2000], **{stamp: timezone.now()})
        if kind == "removed":
            from .verification import check_soon

            check_soon(notice)
    return notice


def _targets(state: str) -> set[str]:
    return TRANSITIONS[state]


# — copvn's own acts after sending ——————————————————————————————————————————————————————————————————————


def settle_dispute(notice: Notice, user, upheld: bool, note: str, *, request=None) -> Notice:
    """The legal officer's answer to a dispute: upheld closes the notice; rejected keeps it live (clock runs)."""
    if not note.strip():
        raise NoticeRefused(_("Cần ghi ý kiến về phản đối của nhà cung cấp."))
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.state != State.DISPUTED:
            raise NoticeRefused(_("Yêu cầu này không có phản đối đang chờ."))
        if upheld:
            _move(notice, State.CLOSED, "notice.dispute_upheld", actor=user, note=note, request=request,
                  closed_at=timezone.now())
        else:
            _move(notice, State.STILL_LIVE, "notice.dispute_rejected", actor=user, note=note, request=request)
            send_dispatch(notice, Dispatch.Kind.SECOND_NOTICE, note=note)
    return notice


def close(notice: Notice, user, note: str, *, request=None) -> Notice:
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if State.CLOSED not in _targets(notice.state):
            raise NoticeRefused(_("Yêu cầu ở trạng thái “%(state)s” chưa đóng được.") % {"state": notice.get_state_display()})
        _move(notice, State.CLOSED, "notice.close", actor=user, note=note, request=request, closed_at=timezone.now())
        NoticeURL.objects.filter(notice=notice).update(next_check_at=None)
    return notice


def cancel(notice: Notice, user, note: str, *, request=None) -> Notice:
    if not note.strip():
        raise NoticeRefused(_("Cần ghi lý do hủy."))
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if State.CANCELLED not in _targets(notice.state):
            raise NoticeRefused(_("Yêu cầu đã gửi thì không hủy được; hãy đóng yêu cầu."))
        _move(notice, State.CANCELLED, "notice.cancel", actor=user, note=note, request=request)
    return notice


def confirm_addressee(url: NoticeURL, user, *, request=None) -> list[Notice]:
    """The hosting moved: an analyst confirms the new provider. The URL leaves this notice (its clock resumes,
    extended by the pause) and is drafted to the new provider."""
    with transaction.atomic():
        url = NoticeURL.objects.select_for_update().select_related("notice").get(pk=url.pk)
        if url.moved_to is None:
            raise NoticeRefused(_("Địa chỉ này không có thay đổi nhà cung cấp cần xác nhận."))
        notice, new_provider = url.notice, url.moved_to
        NoticeURL.objects.filter(pk=url.pk).update(dropped=True, next_check_at=None)
        clocks.resume(notice, timezone.now())
        notice.refresh_from_db()
        log_event(notice, "notice.addressee_confirmed", actor=user, request=request,
                  note=f"{url.url[:300]} → {new_provider.name}")
        if not notice.urls.filter(dropped=False).exists() and State.CLOSED in _targets(notice.state):
            _move(notice, State.CLOSED, "notice.close", actor=user, request=request, closed_at=timezone.now(),
                  note=_("Nội dung đã chuyển sang nhà cung cấp khác."))
    from copvn.review.models import Decision

    decision = Decision.objects.filter(case=url.case).order_by("-number").first()
    return draft_for_decision(decision, request=request) if decision else []


def release_held() -> int:
    """Approved notices whose police hold has passed are sent now (the scheduler calls this)."""
    sent = 0
    for notice in Notice.objects.filter(state=State.APPROVED, hold_until__lte=timezone.now()):
        try:
            send(notice)
        except NoticeRefused as refused:
            log_event(notice, "notice.send_failed", note=str(refused))
            continue
        sent += 1
    return sent
