"""The review queue: where a case goes (routing rules), how soon (priority), and who has it (leases).

Routing: the active rules in order, first match wins; the item records the rule and its version. Priority:
points for the 12-hour clock, category severity, detector scores, the sender's trust and the time waiting,
each kept with its reason so the item can say "ưu tiên vì: …". Leases: an analyst claims the next item with an
exclusive lease (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: a conditional update, its writers serialised),
renewed while the item is open in the browser, released on skip, timeout or decision.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from copvn.cases.models import State as CaseState

from .models import Finding, Queue, QueueItem, RoutingRule

DEFAULT_QUEUE = "general"
# Category severity in priority points (codes not listed: OTHER_CATEGORY).
SEVERITY = {"CSAM": 500, "GROOM": 350, "SELFH": 350, "FRAUD": 250, "PRIV": 200, "BULLY": 150, "VIOL": 150,
            "PORN": 150, "DRUG": 120, "HATE": 100, "GAMB": 80}
OTHER_CATEGORY = 50
TRUST = {"high": 100, "normal": 0, "low": -50}
STRONG_FINDING = 0.5  # a finding at least this sure suggests its category for routing and priority
# The learned category models fire on neighbouring codes too (a grooming chat scores CSAM 0.6): their findings
# route a case and add its category's priority only when they are this sure; below it they are shown, not acted on.
STRONG_MODEL_FINDING = 0.8


def suggested_categories(case) -> set[str]:
    found = Finding.objects.filter(case=case, status=Finding.Status.OK, score__gte=STRONG_FINDING) \
        .exclude(category_code="").exclude(detector="categories", score__lt=STRONG_MODEL_FINDING) \
        .values_list("category_code", "evidence")
    # Known false positives (a negative list matched) suggest nothing. Filtered here: a JSON key that most rows
    # lack would turn an SQL NOT into NULL and drop every row.
    suggested = {code for code, evidence in found if not (evidence or {}).get("negative")}
    return suggested | set(case.categories.values_list("code", flat=True))


def route(case, codes: set[str]) -> tuple[Queue, str]:
    channels = set(case.reports.values_list("channel", flat=True))
    for rule in RoutingRule.objects.filter(active=True).select_related("queue"):
        if rule.categories and not codes & set(rule.categories):
            continue
        if rule.channels and not channels & set(rule.channels):
            continue
        if rule.urgent_only and not case.urgent:
            continue
        return rule.queue, f"{rule.name} (v{rule.version})"
    general, _created = Queue.objects.get_or_create(code=DEFAULT_QUEUE, defaults={"name": "Chung", "sort_order": 90})
    return general, "default"  # the default queue always exists, even if someone deleted it


def priority(case, codes: set[str], now=None) -> tuple[int, list]:
    """Points and their reasons: [[points, code, params], …], largest first."""
    now = now or timezone.now()
    reasons = []
    if case.urgent_deadline:
        hours = (case.urgent_deadline - now).total_seconds() / 3600
        points = 1000 if hours <= 0 else 800 if hours <= 3 else 600
        reasons.append([points, "clock", {"hours": round(hours, 1)}])
    for code in sorted(codes):
        reasons.append([SEVERITY.get(code, OTHER_CATEGORY), "category", {"code": code}])
    best = Finding.objects.filter(case=case, status=Finding.Status.OK).aggregate(best=Max("score"))["best"] or 0
    if best:
        reasons.append([round(200 * best), "detector", {"score": round(best, 2)}])
    trust = [TRUST.get(t, 0) for t in case.reports.exclude(api_key=None).values_list("api_key__trust", flat=True)]
    if trust and max(trust):
        reasons.append([max(trust), "trust", {"trust": "high" if max(trust) > 0 else "low"}])
    waited = (now - case.received_at).total_seconds() / 3600
    reasons.append([min(300, round(2 * waited)), "age", {"hours": round(waited)}])
    reasons.sort(key=lambda r: -r[0])
    return sum(r[0] for r in reasons), reasons


@transaction.atomic
def refresh(case) -> QueueItem | None:
    """Route the case and recompute its item's priority (after intake, detection, a decision). A closed case
    has no live item; an item someone holds keeps its queue and only gets its new priority."""
    live = QueueItem.objects.filter(case=case).exclude(state=QueueItem.State.DONE).first()
    if case.state == CaseState.CLOSED:
        if live is not None:
            QueueItem.objects.filter(pk=live.pk).update(state=QueueItem.State.DONE, done_at=timezone.now(),
                                                        holder=None, lease_until=None)
        return None
    codes = suggested_categories(case)
    queue, routed_by = route(case, codes)
    points, reasons = priority(case, codes)
    if live is None and _settled(case):
        return None
    if live is None:
        return QueueItem.objects.create(case=case, queue=queue, priority=points, priority_reasons=reasons,
                                        routed_by=routed_by)
    fields = {"priority": points, "priority_reasons": reasons}
    if live.holder_id is None:
        fields.update(queue=queue, routed_by=routed_by)
    QueueItem.objects.filter(pk=live.pk).update(**fields)
    live.refresh_from_db()
    return live


def _settled(case) -> bool:
    """Decided (finally, or waiting for approval) and nothing new since: no new item until a report or a
    finding arrives after the decision. A returned decision is not settled: it goes back to the queue."""
    from .models import Decision

    last = Decision.objects.filter(case=case).order_by("-number").select_related("approval").first()
    if last is None or getattr(last, "approval", None) is not None and last.approval.verdict == "returned":
        return False
    newer_report = case.reports.filter(received_at__gt=last.decided_at).exists()
    newer_finding = Finding.objects.filter(case=case, found_at__gt=last.decided_at, status=Finding.Status.OK) \
        .exclude(detector="abuse").exists()
    return not (newer_report or newer_finding)


def visible_queues(user):
    return Queue.objects.filter(Q(needs_clearance=False) | Q(cleared_users=user)).distinct()


def lease_seconds() -> int:
    return settings.REVIEW_LEASE_SECONDS


def _claimable(user, queue: Queue | None, now):
    items = QueueItem.objects.filter(state=QueueItem.State.OPEN, queue__in=visible_queues(user)) \
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(holder=user)) \
        .filter(Q(assigned_to__isnull=True) | Q(assigned_to=user))
    if queue is not None:
        items = items.filter(queue=queue)
    return items.order_by("-priority", "created_at")


def claim(user, queue: Queue | None = None) -> QueueItem | None:
    """The caller's next item, leased to them alone (their own live lease first); None when there is none."""
    now = timezone.now()
    held = QueueItem.objects.filter(holder=user, lease_until__gte=now, state=QueueItem.State.OPEN)
    if queue is not None:
        held = held.filter(queue=queue)
    if (mine := held.order_by("-priority").first()) is not None:
        return mine
    until = now + dt.timedelta(seconds=lease_seconds())
    with transaction.atomic():
        candidates = _claimable(user, queue, now)
        if connection.vendor == "postgresql":
            item = candidates.select_for_update(skip_locked=True, of=("self",)).first()
            if item is None:
                return None
            _take(item.pk, user, now, until)
            item.refresh_from_db()
            return item
        for pk in candidates.values_list("pk", flat=True)[:20]:
            if _take(pk, user, now, until, conditional=True):
                return QueueItem.objects.get(pk=pk)
    return None


def _take(pk: int, user, now, until, conditional: bool = False) -> bool:
    items = QueueItem.objects.filter(pk=pk, state=QueueItem.State.OPEN)
    if conditional:
        items = items.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(holder=user))
    return bool(items.update(holder=user, lease_until=until, first_claimed_at=Coalesce("first_claimed_at", Value(now))))


def holds(user, item: QueueItem) -> bool:
    return item.holder_id == user.pk and item.lease_until is not None and item.lease_until >= timezone.now()


def renew(user, item: QueueItem) -> bool:
    until = timezone.now() + dt.timedelta(seconds=lease_seconds())
    return bool(QueueItem.objects.filter(pk=item.pk, holder=user, lease_until__gte=timezone.now(),
                                         state=QueueItem.State.OPEN).update(lease_until=until))


def release(user, item: QueueItem) -> bool:
    return bool(QueueItem.objects.filter(pk=item.pk, holder=user).update(holder=None, lease_until=None))
