"""From a scanned item to the review queue: an item whose findings pass the thresholds becomes a report on the
monitoring channel — unless its content was decided before (same address, or worded like a decided case), or it
is worded like an item already open (then it joins that case, one queue item for the cluster).

Used by the source checks (watch.py) and by `copvn scan --import-alerts`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from copvn.cases.models import OPEN_STATES, Case, CaseURL
from copvn.detect.cluster import TextClusterer
from copvn.detect.sources import Item
from copvn.detect.urls import URLError, canonicalise
from copvn.intake import services as intake
from copvn.intake.models import Channel, Report
from copvn.review.neardup import CANDIDATES, MIN_WORDS, THRESHOLD

OPEN_WINDOW_DAYS = 30


@dataclass
class Outcome:
    outcome: str  # a SeenItem.Outcome value
    case: Case | None = None
    codes: tuple[str, ...] = ()
    error: str = ""


def description_of(item: Item) -> str:
    parts = [item.title.strip(), item.text.strip()]
    return "\n".join(p for p in parts if p)[:intake.MAX_DESCRIPTION]


def handle(item: Item, result: dict, client_key: str) -> Outcome:
    """Queue the item when its result alerts (once per client key); say what became of it."""
    codes = tuple(result.get("alert") or ())
    if not codes:
        return Outcome("below")
    text = description_of(item)
    known = decided_case(item.url, text)
    if known is not None:
        return Outcome("known", known, codes)
    near = open_near_duplicate(text)
    data = intake.ReportInput(channel=Channel.MONITORING, urls=[item.url] if _reportable(item.url) else [],
                              description=text or item.url, client_key=client_key[:100],
                              join_case_id=near.pk if near is not None else None)
    try:
        report, _created = intake.submit(data)
    except intake.ReportInvalid as exc:
        return Outcome("error", None, codes, str(exc)[:300])
    joined = report.case.reports.count() > 1
    return Outcome("joined" if joined else "alert", report.case, codes)


def _reportable(url: str) -> bool:
    if not url:
        return False
    import ipaddress

    from copvn.detect.urls import reportable

    try:
        reportable(url, [ipaddress.ip_network(n) for n in settings.FETCH_ALLOW_NETWORKS])
    except URLError:
        return False
    return True


def _digest(url: str) -> str:
    import hashlib

    return hashlib.sha256(url.encode()).hexdigest()


def decided_case(url: str, text: str) -> Case | None:
    """A case already decided that holds this address, or whose report is worded like this text."""
    if url:
        try:
            digest = _digest(canonicalise(url).url)
        except URLError:
            digest = ""
        if digest:
            match = CaseURL.objects.filter(canonical_digest=digest, case__decisions__isnull=False) \
                .select_related("case").order_by("-case__received_at").first()
            if match is not None:
                return match.case
    since = timezone.now() - dt.timedelta(days=180)
    candidates = Report.objects.filter(case__decisions__isnull=False, received_at__gte=since)
    return _most_similar(text, candidates)


def open_near_duplicate(text: str) -> Case | None:
    """An open case from monitoring, recent, whose report is worded like this text (MinHash, Jaccard ≥ 0.6)."""
    since = timezone.now() - dt.timedelta(days=OPEN_WINDOW_DAYS)
    candidates = Report.objects.filter(channel=Channel.MONITORING, case__state__in=OPEN_STATES,
                                       received_at__gte=since)
    return _most_similar(text, candidates)


def _most_similar(text: str, reports) -> Case | None:
    if len(text.split()) < MIN_WORDS:
        return None
    clusterer = TextClusterer(threshold=THRESHOLD)
    mine = clusterer.signature(text)
    best, best_case = THRESHOLD, None
    rows = reports.order_by("-received_at").values_list("case_id", "description")[:CANDIDATES]
    for case_id, description in rows:
        if len(description.split()) < MIN_WORDS:
            continue
        similarity = mine.jaccard(clusterer.signature(description))
        if similarity >= best:
            best, best_case = similarity, case_id
    return Case.objects.filter(pk=best_case).first() if best_case else None
