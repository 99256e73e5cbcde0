"""What the review screen shows about a case: the detectors' spans marked in the text as written, the
findings grouped by what they examined, earlier decisions on the same content, and media already assessed."""

from __future__ import annotations

from django.db.models import Q

from .models import Decision, Finding
from .templatetags.review import detector_name

SPAN_DETECTORS = ("lexicon", "categories", "pii")


def segments(text: str, spans: list[dict]) -> list[tuple[str, str]]:
    """The text cut into (piece, label) pairs; label is "" outside every span. Overlapping spans merge."""
    marks = sorted((max(0, s["start"]), min(len(text), s["end"]), s.get("label", "")) for s in spans
                   if isinstance(s.get("start"), int) and isinstance(s.get("end"), int) and s["end"] > s["start"])
    merged: list[list] = []  # [start, end, labels]: overlapping spans become one mark naming every label
    for start, end, label in marks:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if label and label not in merged[-1][2]:
                merged[-1][2].append(label)
        else:
            merged.append([start, end, [label] if label else []])
    pieces, at = [], 0
    for start, end, labels in merged:
        if start > at:
            pieces.append((text[at:start], ""))
        pieces.append((text[start:end], ", ".join(labels) or "·"))
        at = end
    if at < len(text):
        pieces.append((text[at:], ""))
    return pieces


def spans_by_source(case) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for finding in case.findings.filter(detector__in=SPAN_DETECTORS, status=Finding.Status.OK):
        label = finding.category_code or str(detector_name(finding.detector))  # "Thông tin riêng tư…", not "pii"
        for span in finding.evidence.get("spans", []):
            found.setdefault(finding.source, []).append({**span, "label": span.get("label") or label})
    return found


def mark_texts(case, reports, urls) -> None:
    """Give each report `.marked` and each capture `.marked` (lists of (piece, label)) when spans exist."""
    spans = spans_by_source(case)
    for report in reports:
        key = f"report:{report.pk}:description"
        report.marked = segments(report.description, spans[key]) if key in spans else None
    for case_url in urls:
        for capture in case_url.captures.all():
            key = f"capture:{capture.pk}:text"
            capture.marked = segments(capture.text[:5000], spans[key]) if key in spans else None


def earlier_decisions(case) -> list[Decision]:
    """Decisions on other cases about the same canonical URL, the same image or near-duplicate text."""
    from copvn.intake.models import Upload

    digests = list(case.urls.values_list("canonical_digest", flat=True))
    hashes = list(Upload.objects.filter(report__case=case).values_list("sha256", flat=True))
    worded_alike = [f.evidence.get("case_id") for f in case.findings.filter(detector="neardup", status=Finding.Status.OK)]
    others = Q(case__urls__canonical_digest__in=digests) | Q(case__reports__uploads__sha256__in=hashes) \
        | Q(case_id__in=[c for c in worded_alike if c])
    return list(Decision.objects.filter(others).exclude(case=case).select_related("case", "decided_by")
                .distinct().order_by("-decided_at")[:20])


def assessed_media(case, reports) -> None:
    """Mark uploads whose image was assessed before, in another case: it is not shown again (`.assessed`)."""
    from copvn.intake.models import Upload

    uploads = [u for r in reports for u in r.uploads.all()]
    earlier = {}
    for upload in Upload.objects.filter(sha256__in=[u.sha256 for u in uploads]).exclude(report__case=case) \
            .filter(report__case__decisions__isnull=False).select_related("report__case"):
        decision = upload.report.case.decisions.order_by("-number").first()
        earlier.setdefault(upload.sha256, decision)
    for upload in uploads:
        upload.assessed = earlier.get(upload.sha256)
