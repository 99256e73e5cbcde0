"""Capturing a reported URL as evidence, through the locked-down fetcher.

Each artefact is stored with its SHA-256, the time and the component that captured it (chain of custody).
Media found on the page is fetched through the same fetcher and kept as hashes only — never the bytes, so
that child sexual abuse material is never stored in the clear.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from copvn.audit.services import record
from copvn.core.blobs import EVIDENCE
from copvn.detect import fetch as fetcher
from copvn.detect.page import decode_html, extract_text, media_urls, title_of
from copvn.orgs.models import Organisation, domain_owner
from copvn.review.tasks import detect_case_task

from . import screenshot
from .models import Artefact, Capture, CaseURL

COMPONENT = "copvn.cases.capture/1"
MAX_MEDIA = 10


def policy() -> fetcher.FetchPolicy:
    return fetcher.FetchPolicy(
        max_bytes=settings.CAPTURE_MAX_BYTES, timeout=settings.CAPTURE_TIMEOUT_SECONDS,
        allow_networks=tuple(ipaddress.ip_network(n) for n in settings.FETCH_ALLOW_NETWORKS),
    )


def capture(case_url_id: int) -> Capture:
    """Idempotent: a finished capture is returned as it is; an unfinished one (worker died) is redone."""
    case_url = CaseURL.objects.get(pk=case_url_id)
    done = case_url.captures.exclude(status=Capture.Status.PENDING).first()
    if done is not None:
        return done
    attempt = case_url.captures.filter(status=Capture.Status.PENDING).first() or Capture.objects.create(
        case_url=case_url, requested_url=_fetchable(case_url.first_url))
    attempt.artefacts.all().delete()
    _trace(case_url)
    try:
        result = fetcher.fetch(attempt.requested_url, policy())
    except fetcher.FetchRefused as exc:
        return _finish(attempt, Capture.Status.REFUSED, error=str(exc), error_code=exc.code, error_params=exc.params)
    except fetcher.FetchFailed as exc:
        return _finish(attempt, Capture.Status.FAILED, error=str(exc), error_code=exc.code, error_params=exc.params)
    return _store(attempt, result)


def _fetchable(url: str) -> str:
    return url if url.lower().startswith(("http://", "https://")) else "https://" + url.lstrip("/")


def _store(attempt: Capture, result: fetcher.FetchResult) -> Capture:
    content_type = result.header("Content-Type")
    html = decode_html(result.body, content_type) if "html" in content_type or not content_type else ""
    text = extract_text(html, result.final_url) if html else ""
    artefacts = [
        _artefact(attempt, Artefact.Kind.HTML, result.body, content_type, result.final_url),
        _artefact(attempt, Artefact.Kind.HEADERS, json.dumps(result.headers, ensure_ascii=False).encode(),
                  "application/json", result.final_url),
    ]
    if text:
        artefacts.append(_artefact(attempt, Artefact.Kind.TEXT, text.encode(), "text/plain; charset=utf-8", result.final_url))
    picture = screenshot.render(html) if html and settings.CAPTURE_SCREENSHOTS else None
    if picture:
        artefacts.append(_artefact(attempt, Artefact.Kind.SCREENSHOT, picture, "image/png", result.final_url))
    artefacts += _media_hashes(attempt, media_urls(html, result.final_url, limit=MAX_MEDIA) if html else [])
    Artefact.objects.bulk_create(artefacts)
    return _finish(attempt, Capture.Status.DONE, final_url=result.final_url, http_status=result.status,
                   headers=result.headers, title=title_of(html)[:500] if html else "", text=text,
                   address=result.address, truncated=result.truncated)


def _artefact(attempt, kind, data: bytes, content_type: str, source: str, keep: bool = True) -> Artefact:
    sha256 = EVIDENCE.store(data) if keep else hashlib.sha256(data).hexdigest()
    return Artefact(capture=attempt, kind=kind, source_url=source[:4096], sha256=sha256,
                    md5=hashlib.md5(data, usedforsecurity=False).hexdigest(), size=len(data),
                    content_type=content_type[:200], stored_path=sha256 if keep else "",
                    captured_at=timezone.now(), component=COMPONENT)


def _media_hashes(attempt: Capture, urls: list[str]) -> list[Artefact]:
    found = []
    small = fetcher.FetchPolicy(max_bytes=min(settings.CAPTURE_MAX_BYTES, 20 * 1024 * 1024), timeout=15,
                                allow_networks=policy().allow_networks)
    for url in urls:
        try:
            media = fetcher.fetch(url, small)
        except (fetcher.FetchRefused, fetcher.FetchFailed):
            continue
        if media.status == 200 and media.body and not media.truncated:
            found.append(_artefact(attempt, Artefact.Kind.MEDIA, media.body, media.header("Content-Type"),
                                   media.final_url, keep=False))
    return found


def _finish(attempt: Capture, status: str, truncated: bool = False, **fields) -> Capture:
    with transaction.atomic():
        for name, value in fields.items():
            setattr(attempt, name, value)
        attempt.status, attempt.finished_at = status, timezone.now()
        attempt.save()
        record("capture." + status, obj=attempt, object_id=str(attempt.pk),
               data={"case": attempt.case_url.case.reference, "url": attempt.requested_url[:500],
                     "truncated": truncated, "error": attempt.error[:300]})
        detect_case_task.enqueue(attempt.case_url.case_id)  # committed with the capture, or not at all
    return attempt


def _trace(case_url: CaseURL) -> None:
    """The hosting trace: the addresses the host resolves to, and the provider from the registry."""
    try:
        addresses = fetcher.system_resolver(case_url.host, 443) if case_url.host else []
    except fetcher.FetchFailed:
        addresses = []
    case_url.addresses = addresses
    case_url.provider = provider_for(case_url.host)
    case_url.save(update_fields=["addresses", "provider"])


def provider_for(host: str) -> Organisation | None:
    return domain_owner(host, Organisation.objects.current().exclude(domains=""))
