"""Workflows on cases that touch several models, each inside the caller's transaction with its audit entry."""

from __future__ import annotations

from copvn.audit.services import record
from copvn.core.blobs import QUARANTINE

from .models import Case


def never_displayed(case: Case) -> bool:
    """A case in a never-displayed category (CSAM): its media is served to no one and its bytes are not kept."""
    return case.categories.filter(never_display=True).exists()


def purge_media(case: Case, *, reason: str, request=None, actor=None) -> list[str]:
    """Destroy the stored bytes of every upload in the case (everywhere they are kept: the store is by hash)
    and keep only the hashes; audited with the hashes purged. Returns them."""
    from copvn.intake.models import Upload

    digests = sorted(set(Upload.objects.filter(report__case=case, bytes_kept=True).values_list("sha256", flat=True)))
    if not digests:
        return []
    for digest in digests:
        QUARANTINE.delete(digest)
    Upload.objects.filter(sha256__in=digests).update(bytes_kept=False)
    record("media.purge", request=request, actor=actor, obj=case, reason=reason, data={"sha256": digests})
    return digests
