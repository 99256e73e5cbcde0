"""Checking that notified content is gone, through the locked-down fetcher, on a schedule.

Each URL is checked at the offsets of COPVN_NOTICE_VERIFY_SCHEDULE after the notice was sent (default 1 h,
6 h, 24 h, 48 h, 7 d, 30 d), as soon as the provider reports removal, and — after a miss — again every
COPVN_NOTICE_MISS_RECHECK_MINUTES until COPVN_NOTICE_MISSES_FOR_REMOVAL consecutive misses say it is removed
(one 404 is not proof). Each check is kept as evidence with the SHA-256 of what came back.

`run_due()` is what the scheduler calls: it claims due URLs (a conditional update, so two workers never check
the same URL; a worker killed mid-check leaves the claim to expire), fetches them on a few threads with at
most one request per host every COPVN_NOTICE_HOST_INTERVAL_SECONDS, and records the results on the main thread.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from copvn.detect import fetch, liveness

from . import clocks, routing
from .models import HostSlot, Notice, NoticeURL, Reupload, VerificationCheck
from .states import TRANSITIONS, State

CLAIM = dt.timedelta(minutes=10)
THREADS = 8
UNIT = {"m": "minutes", "h": "hours", "d": "days"}
# A resolver for host names (tests and benchmarks map names to a local server); None: the system's.
resolver: Callable[[str, int], list[str]] | None = None


def offsets() -> list[dt.timedelta]:
    found = []
    for item in settings.NOTICE_VERIFY_SCHEDULE:
        match = re.fullmatch(r"(\d+)\s*([mhd])", item.strip().lower())
        if not match:
            raise ValueError(f"COPVN_NOTICE_VERIFY_SCHEDULE: {item!r} is not like 30m, 6h or 7d")
        found.append(dt.timedelta(**{UNIT[match[2]]: int(match[1])}))
    return sorted(found)


def next_scheduled(sent_at: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    return next((sent_at + o for o in offsets() if sent_at + o > now), None)


def schedule_first(notice: Notice, sent_at: dt.datetime) -> None:
    NoticeURL.objects.filter(notice=notice, dropped=False).update(next_check_at=next_scheduled(sent_at, sent_at))


def check_soon(notice: Notice) -> None:
    NoticeURL.objects.filter(notice=notice, dropped=False).update(next_check_at=timezone.now())


def policy() -> fetch.FetchPolicy:
    kwargs = {"resolver": resolver} if resolver else {}
    return fetch.FetchPolicy(max_bytes=2 * 1024 * 1024, timeout=15,
                             allow_networks=tuple(ipaddress.ip_network(n) for n in settings.FETCH_ALLOW_NETWORKS),
                             **kwargs)


@dataclass
class Outcome:
    url_id: int
    host: str
    live: liveness.Liveness
    addresses: list[str]
    finished: dt.datetime


def run_due(now: dt.datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """Check the URLs that are due; returns counts (checked, deferred for politeness)."""
    now = now or timezone.now()
    limit = limit or settings.NOTICE_CHECKS_PER_RUN
    batch, deferred = _claim(now, limit)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(_probe, batch))
    registry = routing.Registry(timezone.localdate(now))
    for outcome in outcomes:
        _release_host(outcome.host, outcome.finished)
        record_outcome(outcome, registry)
    return {"checked": len(outcomes), "deferred": deferred}


def _claim(now: dt.datetime, limit: int) -> tuple[list[NoticeURL], int]:
    """Due URLs, at most one per host, and only on a host that is free (HostSlot, shared by all workers); the
    other due URLs of a busy host move to its next free slot, one UPDATE per host."""
    picked, taken, later, deferred = [], set(), {}, 0
    due = NoticeURL.objects.filter(next_check_at__lte=now, dropped=False).order_by("next_check_at")
    for url in due.only("pk", "host", "url", "next_check_at")[: limit * 4]:
        if url.host in taken or url.host in later:
            later.setdefault(url.host, (now + CLAIM, []))[1].append(url.pk)
            continue
        busy_until = _take_host(url.host, now)
        if busy_until is not None:
            later[url.host] = (busy_until, [url.pk])
            continue
        if NoticeURL.objects.filter(pk=url.pk, next_check_at=url.next_check_at).update(next_check_at=now + CLAIM):
            taken.add(url.host)
            picked.append(url)
        if len(picked) >= limit:
            break
    for _host, (free_at, pks) in later.items():
        deferred += NoticeURL.objects.filter(pk__in=pks, next_check_at__lte=now).update(next_check_at=free_at)
    return picked, deferred


def _take_host(host: str, now: dt.datetime) -> dt.datetime | None:
    """Reserve the host while its check is in flight (released to `finished + interval` by record_outcome, so
    the interval counts from the end of one request to the start of the next); None when reserved, else when
    it is free again."""
    try:
        with transaction.atomic():
            HostSlot.objects.get_or_create(host=host, defaults={"next_free_at": now})
    except IntegrityError:  # another worker created it meanwhile
        pass
    if HostSlot.objects.filter(host=host, next_free_at__lte=now).update(next_free_at=now + CLAIM):
        return None
    free_at = HostSlot.objects.filter(host=host).values_list("next_free_at", flat=True).first()
    return max(free_at or now, now + dt.timedelta(seconds=settings.NOTICE_HOST_INTERVAL_SECONDS))


def _release_host(host: str, finished: dt.datetime) -> None:
    HostSlot.objects.filter(host=host).update(
        next_free_at=finished + dt.timedelta(seconds=settings.NOTICE_HOST_INTERVAL_SECONDS))


def _probe(url: NoticeURL) -> Outcome:
    target = url.url if url.url.lower().startswith(("http://", "https://")) else "https://" + url.url
    result = liveness.check(target, policy())
    return Outcome(url.pk, url.host, result, _addresses(url.host), timezone.now())


def _addresses(host: str) -> list[str]:
    try:
        return (resolver or fetch.system_resolver)(host, 443) if host else []
    except fetch.FetchFailed:
        return []


def record_outcome(outcome: Outcome, registry: routing.Registry | None = None) -> NoticeURL:
    """Keep the check as evidence, settle the URL (three misses for removal), schedule its next check, and
    settle the notice."""
    with transaction.atomic():
        url = NoticeURL.objects.select_for_update().select_related("notice__provider").get(pk=outcome.url_id)
        live, now = outcome.live, timezone.now()
        status, misses = liveness.settle(url.misses, live, required=settings.NOTICE_MISSES_FOR_REMOVAL)
        VerificationCheck.objects.create(
            notice_url=url, checked_at=live.checked_at, result=live.result, reason=live.reason[:80],
            http_status=live.http_status, final_url=live.final_url[:4096], sha256=live.sha256, size=live.size,
            settled=status, scheduled=url.misses == 0)
        previous = url.verified
        url.verified, url.misses, url.last_checked_at, url.checks_done = status, misses, now, url.checks_done + 1
        if misses == 1 and status == NoticeURL.Verified.PENDING_REMOVED:
            url.first_miss_at = live.checked_at
        elif misses == 0 and status == NoticeURL.Verified.LIVE:
            url.first_miss_at = None
        url.next_check_at = _next_check(url, status, now)
        url.save(update_fields=["verified", "misses", "last_checked_at", "checks_done", "first_miss_at",
                                "next_check_at"])
        _watch_provider(url, outcome.addresses, now, registry or routing.Registry(timezone.localdate(now)))
        settle_notice(url.notice, now, came_back=previous == NoticeURL.Verified.REMOVED and status == "live", url=url)
    return url


def _next_check(url: NoticeURL, status: str, now: dt.datetime) -> dt.datetime | None:
    if status == NoticeURL.Verified.PENDING_REMOVED:
        return now + dt.timedelta(minutes=settings.NOTICE_MISS_RECHECK_MINUTES)
    if url.notice.state in (State.CLOSED, State.CANCELLED):
        return None
    return next_scheduled(url.notice.sent_at or now, now)


def _watch_provider(url: NoticeURL, addresses: list[str], now: dt.datetime, registry: routing.Registry) -> None:
    """Hosting moved to another provider: the clock stops until an analyst confirms the new addressee."""
    if url.notice.provider.kind == "platform" or not addresses:
        return
    current = registry.provider_for(url.host, addresses)
    if current is None or current.pk == url.notice.provider_id or url.moved_to_id == current.pk:
        return
    NoticeURL.objects.filter(pk=url.pk).update(moved_to=current, addresses=addresses)
    if clocks.pause(url.notice, now):
        from .services import log_event

        log_event(url.notice, "notice.provider_changed", note=f"{url.url[:300]} → {current.name}")


def settle_notice(notice: Notice, now: dt.datetime, *, came_back: bool = False, url: NoticeURL | None = None) -> None:
    """copvn's verified status of the notice, from its URLs' statuses."""
    from .services import log_event

    notice.refresh_from_db()
    statuses = list(notice.urls.filter(dropped=False).values_list("verified", flat=True))
    if not statuses or notice.state in (State.DRAFT, State.APPROVED, State.CANCELLED):
        return
    target = _aggregate(notice, set(statuses), now)
    if target is None or target == notice.state or target not in TRANSITIONS[notice.state]:
        return
    before, fields = notice.state, {"verified_at": now}
    if target == State.VERIFIED_REMOVED:
        fields["removed_at"] = max(notice.urls.filter(dropped=False).values_list("first_miss_at", flat=True))
    if notice.move_to(target, **fields):
        log_event(notice, f"notice.{target}", before=before, note=url.url[:300] if url else "")
        if came_back and url is not None:
            Reupload.objects.get_or_create(notice=notice, case=url.case, kind=Reupload.Kind.URL,
                                           defaults={"detail": url.url[:300]})


def _aggregate(notice: Notice, statuses: set[str], now: dt.datetime) -> str | None:
    V = NoticeURL.Verified
    if statuses == {V.REMOVED}:
        return State.VERIFIED_REMOVED
    if statuses <= {V.REMOVED, V.UNAVAILABLE}:
        return State.VERIFIED_UNAVAILABLE
    if V.LIVE in statuses:
        reported_or_late = notice.state in (State.REMOVAL_REPORTED, State.VERIFIED_REMOVED, State.VERIFIED_UNAVAILABLE,
                                            State.CLOSED) or (notice.due_at and notice.due_at < now)
        return State.STILL_LIVE if reported_or_late else None
    return None
