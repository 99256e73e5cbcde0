"""Review workflows: holding and assigning items, deciding, approving. Each runs in one transaction with its
audit entry; a refused act changes nothing and says why (ReviewRefused carries the message).

Stages move only by decisions (the VN-COP stages): the first decision moves a case to assessment; a final
harmful decision with a takedown or referral moves it to coordination; a final decision that nothing is to
be done closes it; "monitor" keeps it in assessment. A decision in a four-eyes category or with a four-eyes
action waits for a senior analyst, who approves it (then it takes effect) or returns it with a comment.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copvn.audit.services import record
from copvn.cases.models import Case
from copvn.cases.models import State as CaseState
from copvn.cases.services import never_displayed, purge_media
from copvn.taxonomy.models import Category

from . import queue
from .models import Approval, Decision, QueueItem


class ReviewRefused(Exception):
    """The act is refused; the message is for the person who tried."""


@dataclass
class DecisionInput:
    categories: list[str]
    harmful: bool
    action: str
    reason: str
    severity: int = Decision.Severity.MEDIUM
    legal_basis: str = ""
    csam_class: str = ""
    age_band: str = ""
    seen_number: int = 0  # the latest decision number the analyst saw: a newer one makes this one stale


def check(data: DecisionInput) -> None:
    problems = []
    if not data.reason.strip():
        problems.append(_("Cần ghi lý do của quyết định."))
    if data.action not in Decision.Action.values:
        problems.append(_("Hành động không hợp lệ."))
    known = set(Category.objects.filter(code__in=data.categories, active=True).values_list("code", flat=True))
    if set(data.categories) - known:
        problems.append(_("Mã danh mục không tồn tại: %(codes)s.") % {"codes": ", ".join(sorted(set(data.categories) - known))})
    if data.harmful and not data.categories:
        problems.append(_("Nội dung có hại cần ít nhất một danh mục."))
    if "CSAM" in data.categories and data.harmful and not (data.csam_class and data.age_band):
        problems.append(_("Với CSAM cần phân loại (baseline, bất hợp pháp theo pháp luật Việt Nam, không bất hợp "
                          "pháp) và nhóm tuổi."))
    if problems:
        raise ReviewRefused(" ".join(problems))


def needs_approval(data: DecisionInput) -> bool:
    return bool(set(data.categories) & set(settings.FOUR_EYES_CATEGORIES)) or data.action in settings.FOUR_EYES_ACTIONS


def latest(case: Case) -> Decision | None:
    return case.decisions.order_by("-number").first()


def decide(case: Case, user, data: DecisionInput, *, request=None) -> Decision:
    check(data)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        item = QueueItem.objects.filter(case=case).exclude(state=QueueItem.State.DONE).first()
        if item is not None and item.holder_id not in (None, user.pk) and item.lease_until and \
                item.lease_until >= timezone.now():
            raise ReviewRefused(_("Vụ việc đang được %(name)s xem xét.") % {"name": item.holder.get_full_name()
                                                                          or item.holder.username})
        previous = latest(case)
        if (previous.number if previous else 0) != data.seen_number:
            raise ReviewRefused(_("Đã có quyết định mới hơn cho vụ việc này; hãy tải lại trang và xem lại."))
        decision = _create(case, user, data, previous)
        record("decision.create", request=request, obj=case, reason=data.reason,
               data={"decision": decision.number, "categories": data.categories, "action": data.action,
                     "harmful": data.harmful, "needs_approval": decision.needs_approval})
        if item is not None:
            QueueItem.objects.filter(pk=item.pk).update(state=QueueItem.State.DONE, done_at=timezone.now(),
                                                        holder=None, lease_until=None)
        _move(case, CaseState.ASSESSING)
        if not decision.needs_approval:
            _take_effect(decision, request=request)
        return decision


def _create(case, user, data: DecisionInput, previous) -> Decision:
    try:
        with transaction.atomic():
            return Decision.objects.create(
                case=case, number=(previous.number if previous else 0) + 1, supersedes=previous,
                categories=sorted(set(data.categories)), harmful=data.harmful, csam_class=data.csam_class,
                age_band=data.age_band, severity=data.severity, legal_basis=data.legal_basis[:300],
                action=data.action, reason=data.reason.strip(), decided_by=user, needs_approval=needs_approval(data))
    except IntegrityError:
        raise ReviewRefused(_("Đã có quyết định mới hơn cho vụ việc này; hãy tải lại trang và xem lại.")) from None


def approve(decision: Decision, user, approved: bool, comment: str = "", *, request=None) -> Approval:
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if not decision.needs_approval:
            raise ReviewRefused(_("Quyết định này không cần phê duyệt."))
        if decision.decided_by_id == user.pk:
            raise ReviewRefused(_("Không ai phê duyệt quyết định của chính mình."))
        if Approval.objects.filter(decision=decision).exists():
            raise ReviewRefused(_("Quyết định này đã được xem xét."))
        if latest(decision.case) != decision:
            raise ReviewRefused(_("Quyết định này đã được thay bằng một quyết định mới hơn."))
        if not approved and not comment.strip():
            raise ReviewRefused(_("Khi trả lại cần ghi ý kiến."))
        verdict = Approval.Verdict.APPROVED if approved else Approval.Verdict.RETURNED
        approval = Approval.objects.create(decision=decision, verdict=verdict, comment=comment.strip(), by=user)
        record("decision.approve" if approved else "decision.return", request=request, obj=decision.case,
               reason=comment.strip(), data={"decision": decision.number})
        if approved:
            _take_effect(decision, request=request)
        else:
            item = queue.refresh(decision.case)
            if item is not None:
                QueueItem.objects.filter(pk=item.pk).update(assigned_to=decision.decided_by)
        return approval


def pending_approvals():
    return Decision.objects.filter(needs_approval=True, approval__isnull=True, superseded_by__isnull=True) \
        .select_related("case", "decided_by").order_by("decided_at")


def _take_effect(decision: Decision, *, request=None) -> None:
    """A final decision: the case's categories, its stage, the province's lists, CSAM handling."""
    case = decision.case
    case.categories.set(Category.objects.filter(code__in=decision.categories))
    if never_displayed(case):
        purge_media(case, reason="decision: CSAM", request=request)
    _feed_lists(decision)
    if not decision.harmful or decision.action == Decision.Action.NONE:
        _move(case, CaseState.CLOSED)
    elif decision.action in (Decision.Action.TAKEDOWN, Decision.Action.REFERRAL, Decision.Action.BOTH):
        _move(case, CaseState.COORDINATING)
        _coordinate(decision, request)
    queue.refresh(case)


def _coordinate(decision: Decision, request) -> None:
    """What a final harmful decision starts: takedown notices to the providers (drafts for a second person to
    approve) and referrals — for child sexual abuse material always to the police first, which holds the
    notices for a while (copvn.referrals.services)."""
    from copvn.referrals.services import refer_for_decision
    from copvn.takedowns.services import draft_for_decision

    if decision.action in (Decision.Action.TAKEDOWN, Decision.Action.BOTH):
        draft_for_decision(decision, request=request)
    if decision.action in (Decision.Action.REFERRAL, Decision.Action.BOTH) or "CSAM" in decision.categories:
        refer_for_decision(decision, request=request)


def _feed_lists(decision: Decision) -> None:
    """Images confirmed harmful go into the province's own hash lists; false positives into its negative lists."""
    try:
        from copvn.lists.services import confirm_media
    except ImportError:  # the lists app not installed
        return
    from copvn.intake.models import Upload

    from .detection import matchable_pdq

    for upload in Upload.objects.filter(report__case=decision.case):
        if decision.harmful or _was_flagged(decision.case, upload):
            # A low-quality PDQ (a flat screenshot) would match unrelated images: only its SHA-256 goes in.
            confirm_media(upload.sha256, matchable_pdq(upload) or None, harmful=decision.harmful,
                          actor=decision.decided_by, note=f"{decision.case.reference} #{decision.number}")


def _was_flagged(case, upload) -> bool:
    return case.findings.filter(detector="hashlist", evidence__what=f"upload:{upload.pk}").exists()


def _move(case: Case, target: str) -> None:
    """Follow the allowed transitions towards `target` (a decision never jumps a stage it must pass)."""
    from copvn.cases.models import TRANSITIONS

    path = {CaseState.ASSESSING: [CaseState.ASSESSING], CaseState.COORDINATING: [CaseState.ASSESSING, CaseState.COORDINATING],
            CaseState.CLOSED: [CaseState.CLOSED]}[target]
    for step in path:
        case.refresh_from_db(fields=["state"])
        if case.state != step and step in TRANSITIONS.get(case.state, set()):
            case.move_to(step)


def hold(item: QueueItem, user, reason: str, *, request=None) -> None:
    if not reason:
        raise ReviewRefused(_("Cần ghi lý do tạm giữ."))
    with transaction.atomic():
        won = QueueItem.objects.filter(pk=item.pk, state=QueueItem.State.OPEN, holder=user).update(
            state=QueueItem.State.HELD, hold_reason=reason, holder=None, lease_until=None)
        if not won:
            raise ReviewRefused(_("Chỉ người đang xem xét vụ việc mới tạm giữ được."))
        record("review.hold", request=request, obj=item.case, reason=reason, data={"item": item.pk})


def unhold(item: QueueItem, user, *, request=None) -> None:
    with transaction.atomic():
        QueueItem.objects.filter(pk=item.pk, state=QueueItem.State.HELD).update(state=QueueItem.State.OPEN,
                                                                               hold_reason="")
        record("review.unhold", request=request, obj=item.case, data={"item": item.pk})


def assign(item: QueueItem, person, *, actor, request=None) -> None:
    with transaction.atomic():
        QueueItem.objects.filter(pk=item.pk).exclude(state=QueueItem.State.DONE).update(assigned_to=person)
        record("review.assign", request=request, actor=actor, obj=item.case,
               data={"item": item.pk, "to": person.username if person else ""})


def save_rule(form, *, request=None):
    """A new rule, or a new version of one: the items it routes record which version did."""
    with transaction.atomic():
        rule = form.save(commit=False)
        if rule.pk:
            rule.version += 1
        rule.save()
        record("review.rule", request=request, obj=rule, data={"version": rule.version, "sequence": rule.sequence,
                                                                "queue": rule.queue.code})
        return rule
