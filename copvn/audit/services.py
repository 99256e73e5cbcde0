"""Writing to and checking the audit log. Every sensitive act, reads included, goes through record()."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from .models import GENESIS, AuditEvent

# A constant key for PostgreSQL's transaction-level advisory lock: appends are serialised so that
# two writers can never chain onto the same previous entry. SQLite serialises writers itself
# (transactions begin IMMEDIATE; see copvn.config).
CHAIN_LOCK_KEY = 0x636F70766E  # "copvn"


def client_address(request) -> str:
    if request is None:
        return ""
    from django.conf import settings

    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def record(action: str, *, request=None, actor=None, obj=None, reason: str = "", data: dict | None = None,
           object_type: str = "", object_id: str = "") -> AuditEvent:
    """Append one entry. Call it inside the transaction of the act it records."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk)
    # Inside the caller's transaction when there is one (no savepoint needed: any failure aborts the act too).
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
        event = AuditEvent(
            seq=(last.seq + 1) if last else 1,
            at=timezone.now(),
            actor=actor,
            actor_label=actor.get_username() if actor is not None else "system",
            role=getattr(actor, "role", "") or "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=str(obj)[:300] if obj is not None else "",
            ip=client_address(request),
            user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
            reason=reason,
            data=data or {},
            prev_hash=last.hash if last else GENESIS,
        )
        event.hash = event.compute_hash()
        event.save()
    return event


@dataclass
class ChainReport:
    checked: int
    first_broken_seq: int | None
    problem: str
    head_hash: str
    expected_seq: int | None = None  # where the expected head hash was found
    missing_head: bool = False

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None and not self.missing_head


def verify_chain(batch: int = 2000, expect_hash: str = "") -> ChainReport:
    """Walk the whole log in order, recomputing each hash; name the first entry that does not fit.

    `expect_hash`: a head hash noted earlier; the chain must still hold it (removal of the newest entries
    leaves a valid but shorter chain, detectable only this way)."""
    expected_prev, expected_seq, checked, found = GENESIS, 1, 0, None
    queryset = AuditEvent.objects.order_by("seq")
    last_seq = 0
    while True:
        rows = list(queryset.filter(seq__gt=last_seq)[:batch])
        if not rows:
            break
        for event in rows:
            problem = _problem(event, expected_seq, expected_prev)
            if problem:
                return ChainReport(checked, event.seq, problem, expected_prev)
            found = event.seq if expect_hash and event.hash == expect_hash else found
            expected_prev, expected_seq, checked = event.hash, event.seq + 1, checked + 1
        last_seq = rows[-1].seq
    if expect_hash and found is None:
        return ChainReport(checked, None, f"the expected head {expect_hash[:16]}… is not in the chain: entries were "
                           "removed from its end", expected_prev, missing_head=True)
    return ChainReport(checked, None, "", expected_prev, expected_seq=found)


def _problem(event: AuditEvent, expected_seq: int, expected_prev: str) -> str:
    if event.seq != expected_seq:
        return f"entry {expected_seq} is missing (found {event.seq} next)"
    if event.prev_hash != expected_prev:
        return "its link to the previous entry does not match (an entry before it was changed or removed)"
    if event.compute_hash() != event.hash:
        return "its content does not match its hash (the entry was changed)"
    return ""


def events_for(object_type: str, object_id: str):
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id))
