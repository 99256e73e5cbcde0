"""The consent files as downloads, for the pages and the API alike: the scanned signed form (audited, never
inline) and the printable consent form (DOCX, or PDF made from it)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse

from copvn.audit.services import record

from .services import EVIDENCE_TYPES


def evidence(request, consent, scan, *, actor=None) -> HttpResponse:
    from copvn.core.blobs import QUARANTINE

    with transaction.atomic():
        record("consent.evidence_open", request=request, actor=actor, obj=consent, data={"sha256": scan.sha256})
    response = HttpResponse(QUARANTINE.read(scan.sha256), content_type=scan.content_type)
    name = f"dong-y-{consent.pk}-{scan.pk}.{EVIDENCE_TYPES[scan.content_type]}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "no-store"
    return response


def form(request, agency, consent, fmt: str, *, actor=None) -> HttpResponse | str:
    """The form as a download, or why the format could not be made (a PDF without LibreOffice)."""
    from copvn.documents import MEDIA_TYPES, render

    from .printable import document

    rendered = render(document(agency, consent), [fmt], timeout=60)
    if fmt not in rendered.files:
        return rendered.errors[fmt]
    with transaction.atomic():
        record("consent.form", request=request, actor=actor, obj=consent,
               object_type="" if consent else "consent.consentrecord", data={"format": fmt, "agency": agency.code})
    response = HttpResponse(rendered.files[fmt], content_type=MEDIA_TYPES[fmt])
    name = f"giay-dong-y-{consent.pk}" if consent else "mau-giay-dong-y"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
