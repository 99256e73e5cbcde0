"""Checking the watched sources: a periodic job (`monitoring.check`) and the "check now" button.

One round takes the sources that are due, groups them by host and fetches each host's sources one after
another in a thread of its own (a few hosts at once), politely: robots.txt first (RFC 9309 by Protego, kept a
day), at most one request to a host every COPVN_MONITOR_HOST_SECONDS or the host's Crawl-delay, a conditional
GET (ETag, Last-Modified) so an unchanged feed costs a 304, capped size and time, and a failing source waits
twice as long after each failure. Everything goes through the locked-down fetcher (public addresses only).

The database is written in the calling thread only: new items (not seen before from that source) go through
the same detectors as bulk scans (copvn.detect.scan) and, above the thresholds, into the review queue
(alerts.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from copvn.audit.services import record
from copvn.core.messages import describe_error
from copvn.detect import fetch as fetcher
from copvn.detect import scan, sources
from copvn.detect.errors import CodedError
from copvn.detect.page import decode_html, extract_text, title_of

from . import alerts
from .models import Host, SeenItem, Source

log = logging.getLogger(__name__)
ROBOTS_TTL = dt.timedelta(days=1)
USER_AGENT = "copvn-monitor/0.1 (child online protection monitoring; +https://github.com/copvn/copvn)"
ROBOTS_AGENT = "copvn-monitor"
MAX_CHILD_SITEMAPS = 5


# The name resolver (a benchmark maps many host names to one local server here; production never changes it).
resolver = fetcher.system_resolver


def policy() -> fetcher.FetchPolicy:
    return fetcher.FetchPolicy(max_bytes=settings.MONITOR_MAX_BYTES, timeout=settings.MONITOR_TIMEOUT_SECONDS,
                               max_redirects=3, user_agent=USER_AGENT, resolver=resolver,
                               allow_networks=[ipaddress.ip_network(n) for n in settings.FETCH_ALLOW_NETWORKS])


def host_of(url: str) -> str:
    return (urlsplit(url).netloc or "").lower()


@dataclass
class Fetched:
    """What the network part of a check found (filled in a fetch thread, read in the calling thread)."""

    source_id: int
    status: str = Source.Status.OK
    items: list[sources.Item] = field(default_factory=list)
    not_modified: bool = False
    etag: str = ""
    last_modified: str = ""
    digest: str = ""
    error: CodedError | None = None


class Visits:
    """One host's turn: requests spaced by the host's delay (a fetch thread waits its turn)."""

    def __init__(self, delay: float):
        self.delay = delay
        self.last = 0.0

    def wait(self) -> None:
        if self.last:
            pause = self.last + self.delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self.last = time.monotonic()


def check_due(now: dt.datetime | None = None) -> dict:
    """One round over the sources that are due."""
    now = now or timezone.now()
    due = list(Source.objects.filter(enabled=True, next_check_at__lte=now)
               .order_by("next_check_at")[:settings.MONITOR_CHECKS_PER_RUN])
    return check(due)


def check(due: list[Source], actor=None, request=None) -> dict:
    totals = {"checked": 0, "new": 0, "alerts": 0, "not_modified": 0, "errors": 0, "disallowed": 0}
    if not due:
        return totals
    drops = [s for s in due if s.kind == Source.Kind.DROP]
    web = [s for s in due if s.kind != Source.Kind.DROP]
    by_host: dict[str, list[Source]] = {}
    for source in web:
        by_host.setdefault(host_of(source.url), []).append(source)
    hosts = {h.name: h for h in Host.objects.filter(name__in=list(by_host))}
    for name in by_host:
        hosts.setdefault(name, Host(name=name, next_visit_at=timezone.now()))
    seen = {s.pk: set(SeenItem.objects.filter(source=s).values_list("key", flat=True))
            for s in web if s.kind == Source.Kind.SITEMAP}
    fetched: list[Fetched] = []
    with ThreadPoolExecutor(max_workers=max(1, min(settings.MONITOR_FETCH_THREADS, len(by_host) or 1))) as pool:
        for results in pool.map(lambda pair: _host_round(hosts[pair[0]], pair[1], seen), by_host.items()):
            fetched += results
    for host in hosts.values():
        host.save()
    scanner = scan.scanner_for(_lists(), thresholds())
    by_id = {s.pk: s for s in due}
    for result in fetched:
        _settle(by_id[result.source_id], result, scanner, totals)
    for source in drops:
        _settle(source, _read_drops(source), scanner, totals)
    if actor is not None:
        with transaction.atomic():
            record("monitoring.check", actor=actor, request=request, data={"sources": [s.pk for s in due], **totals})
    return totals


def _lists():
    from copvn.lists.snapshot import snapshot

    return snapshot()


def thresholds() -> scan.Thresholds:
    return scan.Thresholds(lexicon=settings.MONITOR_ALERT_LEXICON, model=settings.MONITOR_ALERT_MODEL)


# ------------------------------------------------------------------------------------------- network (threads)

def _host_round(host: Host, due: list[Source], seen: dict[int, set[str]]) -> list[Fetched]:
    """A host's due sources, one after another, spaced by the host's delay. No database here: the host's row
    is updated in memory and saved by the caller."""
    now = timezone.now()
    policy_ = policy()
    if host.next_visit_at and host.next_visit_at > now + dt.timedelta(seconds=1):
        return []  # the host asked for a longer pause: these sources stay due for the next round
    results: list[Fetched] = []
    fresh_robots = host.robots_fetched_at is None or now - host.robots_fetched_at > ROBOTS_TTL
    if fresh_robots:
        base = f"{urlsplit(due[0].url).scheme}://{host.name}/robots.txt"
        try:
            answer = fetcher.fetch(base, policy_)
        except CodedError as exc:
            return [Fetched(s.pk, Source.Status.ERROR, error=exc) for s in due]
        host.robots_status, host.robots = answer.status, answer.body[:500_000].decode("utf-8", "replace")
        host.robots_fetched_at = now
    robots = sources.Robots.from_status(host.robots_status or 404, (host.robots or "").encode())
    delay = max(settings.MONITOR_HOST_SECONDS, min(robots.delay(ROBOTS_AGENT), 3600))
    visits = Visits(delay)
    if fresh_robots:
        visits.wait()  # the robots.txt request counts as the first visit
    budget = time.monotonic() + settings.MONITOR_ROUND_SECONDS
    for source in due:
        if time.monotonic() > budget:
            break  # the rest of this host's sources wait for the next round
        if not robots.allowed(source.url, ROBOTS_AGENT):
            results.append(Fetched(source.pk, Source.Status.DISALLOWED))
            continue
        visits.wait()
        try:
            results.append(_fetch_source(source, policy_, visits, robots, seen.get(source.pk, set())))
        except CodedError as exc:
            results.append(Fetched(source.pk, Source.Status.ERROR, error=exc))
    host.next_visit_at = timezone.now() + dt.timedelta(seconds=delay)
    return results


def _fetch_source(source: Source, policy_, visits: Visits, robots: sources.Robots, seen: set[str]) -> Fetched:
    headers = {}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    answer = fetcher.fetch(source.url, policy_, headers=headers)
    result = Fetched(source.pk, etag=answer.header("ETag")[:300], last_modified=answer.header("Last-Modified")[:100])
    if answer.status == 304:
        result.status, result.not_modified = Source.Status.UNCHANGED, True
        result.etag, result.last_modified = result.etag or source.etag, result.last_modified or source.last_modified
        return result
    if answer.status >= 400:
        raise sources.SourceError("source.status", status=answer.status)
    if answer.truncated and source.kind != Source.Kind.PAGE:
        raise sources.SourceError("source.too_big", limit=policy_.max_bytes)
    if source.kind == Source.Kind.FEED:
        result.items = sources.parse_feed(answer.body)
    elif source.kind == Source.Kind.SITEMAP:
        result.items = _sitemap_items(source, answer, policy_, visits, robots, seen)
    else:
        html = decode_html(answer.body, answer.header("Content-Type"))
        part = sources.watched_part(html, source.selector)
        result.digest = hashlib.sha256(part.encode()).hexdigest()
        if result.digest == source.content_digest:
            result.status = Source.Status.UNCHANGED
        else:
            result.items = [sources.Item(key=result.digest, url=source.url, title=title_of(html)[:300], text=part)]
    return result


def _sitemap_items(source: Source, answer, policy_, visits: Visits, robots: sources.Robots,
                   seen: set[str]) -> list[sources.Item]:
    """The sitemap's addresses not seen yet, each page fetched and its text extracted (at most
    COPVN_MONITOR_PAGES_PER_CHECK a check; the rest next time)."""
    pages, children = sources.parse_sitemap(answer.body)
    for child in children[:MAX_CHILD_SITEMAPS]:
        visits.wait()
        sub = fetcher.fetch(urljoin(source.url, child), policy_)
        if sub.status < 400 and not sub.truncated:
            pages += sources.parse_sitemap(sub.body)[0]
    fresh = [u for u in dict.fromkeys(pages) if hashlib.sha256(u.encode()).hexdigest() not in seen]
    items = []
    for url in fresh[:settings.MONITOR_PAGES_PER_CHECK]:
        if host_of(url) != host_of(source.url) or not robots.allowed(url, ROBOTS_AGENT):
            continue  # another host has its own politeness; robots.txt may disallow a page
        visits.wait()
        try:
            page = fetcher.fetch(url, policy_)
        except CodedError:
            continue  # tried again at the next check: it was not marked seen
        html = decode_html(page.body, page.header("Content-Type"))
        items.append(sources.Item(key=url, url=url, title=title_of(html)[:300], text=extract_text(html, url)))
    return items


# ------------------------------------------------------------------------------------------------ drops

def drop_folder(source: Source) -> Path:
    return Path(settings.DATA_DIR) / "drops" / str(source.pk)


def _read_drops(source: Source) -> Fetched:
    """The files waiting in the source's folder (incoming/), read and moved to done/ (a bad file to failed/)."""
    folder = drop_folder(source)
    incoming, result = folder / "incoming", Fetched(source.pk, Source.Status.UNCHANGED)
    # Half-written files (".part", or hidden temporary names) wait until their writer renames them.
    files = sorted(p for p in incoming.glob("*") if p.is_file() and not p.name.endswith(".part")
                   and not p.name.startswith(".")) if incoming.is_dir() else []
    errors = []
    for path in files:
        try:
            content = path.read_bytes()
            rows = list(sources.read_drop(content))
        except (OSError, sources.SourceError):
            errors.append(shown_name(path))
            _move(path, folder / "failed")
            continue
        result.items += [item for _n, item, error in rows if item is not None and not error]
        bad = [str(n) for n, _item, error in rows if error]
        if bad:
            errors.append(f"{shown_name(path)}: {', '.join(bad[:10])}{'…' if len(bad) > 10 else ''}")
        _move(path, folder / "done")
    if result.items:
        result.status = Source.Status.OK
    if errors:
        result.error = sources.SourceError("source.drop_lines", detail="; ".join(errors)[:400])
    return result


def shown_name(path: Path) -> str:
    """A dropped file's name as its sender gave it (stored as `<digest>--<name>`)."""
    return path.name.split("--", 1)[1] if "--" in path.name else path.name


def _move(path: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path.replace(folder / f"{timezone.now():%Y%m%dT%H%M%S}-{path.name}")


# ------------------------------------------------------------------------------------------- settle (DB)

def _settle(source: Source, result: Fetched, scanner: scan.Scanner, totals: dict) -> None:
    now = timezone.now()
    source.refresh_from_db()
    source.last_checked_at, source.checks = now, source.checks + 1
    totals["checked"] += 1
    if result.status == Source.Status.ERROR:
        source.failures += 1
        source.status = Source.Status.ERROR
        _keep_error(source, result.error)
        totals["errors"] += 1
        source.schedule_next(now)
        source.save()
        return
    source.failures, source.status = 0, result.status
    _keep_error(source, result.error)
    if result.status == Source.Status.DISALLOWED:
        totals["disallowed"] += 1
    if result.not_modified:
        source.not_modified += 1
        totals["not_modified"] += 1
    source.etag, source.last_modified = result.etag or source.etag, result.last_modified or source.last_modified
    if result.digest:
        if result.digest != source.content_digest and source.content_digest:
            source.last_changed_at = now
        source.content_digest = result.digest
    new = _new_items(source, result.items)
    if new:
        if source.kind != Source.Kind.PAGE:
            source.last_changed_at = now
        _examine(source, new, scanner, totals)
        source.status = Source.Status.OK
    elif result.status == Source.Status.OK:
        source.status = Source.Status.UNCHANGED
    source.schedule_next(now)
    source.save()


def _new_items(source: Source, items: list[sources.Item]) -> list[sources.Item]:
    digests = {i.digest: i for i in items}
    seen = set(SeenItem.objects.filter(source=source, key__in=list(digests)).values_list("key", flat=True))
    return [item for digest, item in digests.items() if digest not in seen]


def _examine(source: Source, items: list[sources.Item], scanner: scan.Scanner, totals: dict) -> None:
    posts = [{"id": i.key, "url": i.url, "text": alerts.description_of(i), "media": list(i.media)} for i in items]
    results = scanner.scan_posts(posts)
    for item, result in zip(items, results, strict=True):
        outcome = alerts.handle(item, result, f"monitor:{source.pk}:{item.digest}")
        SeenItem.objects.get_or_create(source=source, key=item.digest, defaults={
            "url": item.url[:2048], "title": (item.title or item.text)[:300], "outcome": outcome.outcome,
            "codes": list(outcome.codes), "case": outcome.case, "error": outcome.error})
        source.items_seen += 1
        totals["new"] += 1
        if outcome.outcome in ("alert", "joined"):
            source.alerts += 1
            totals["alerts"] += 1


def _keep_error(source: Source, error) -> None:
    source.last_error_code = getattr(error, "code", "")[:40] if error is not None else ""
    params = getattr(error, "params", {}) if error is not None else {}
    source.last_error_params = {k: v if isinstance(v, int | float) else str(v)[:300] for k, v in params.items()}
    source.last_error = _words(error)[:500]


def _words(error) -> str:
    if error is None:
        return ""
    if isinstance(error, CodedError):
        return describe_error(error)
    return str(error)
