"""Earlier decisions on near-duplicate text: a report worded like one already decided (a repost, a copied
message) points the reviewer to that decision. MinHash over word 3-shingles of the normalised text, Jaccard
at least THRESHOLD, against the descriptions of cases decided in the last WINDOW_DAYS (at most CANDIDATES,
newest first): computed in the background detection task, stored as findings, read by the review screen."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from copvn.detect.cluster import TextClusterer
from copvn.intake.models import Report

THRESHOLD = 0.6
WINDOW_DAYS = 180
CANDIDATES = 2000
MIN_WORDS = 6
VERSION = f"minhash-3@{THRESHOLD}"


def near_duplicates(case, texts) -> list[tuple[str, str, int, float]]:
    """(source, text digest, decided case id, Jaccard) for each of the case's texts worded like a decided one."""
    mine = [t for t in texts if t.source.startswith("report:") and len(t.text.split()) >= MIN_WORDS]
    if not mine:
        return []
    since = timezone.now() - dt.timedelta(days=WINDOW_DAYS)
    candidates = Report.objects.filter(case__decisions__isnull=False, received_at__gte=since) \
        .exclude(case=case).order_by("-received_at").values_list("case_id", "description").distinct()[:CANDIDATES]
    clusterer = TextClusterer(threshold=THRESHOLD)
    signatures = [clusterer.signature(t.text) for t in mine]
    found = []
    for case_id, description in candidates:
        if len(description.split()) < MIN_WORDS:
            continue
        other = clusterer.signature(description)
        for text, signature in zip(mine, signatures, strict=True):
            similarity = signature.jaccard(other)
            if similarity >= THRESHOLD:
                found.append((text.source, text.content, case_id, round(similarity, 3)))
    return found
