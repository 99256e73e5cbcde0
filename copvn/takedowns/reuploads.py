"""Content that was notified, seen again in a new case: the same address, the same image (SHA-256 of an
upload or of media captured from a page), or near-duplicate text. The new case is linked to the notice (a
Reupload row and a notice event), and a notice already verified removed has its URL checked again at once —
live again, the check reopens it (copvn.takedowns.verification)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from .models import Notice, NoticeURL, Reupload
from .states import State

SENT_OR_LATER = [s for s in State.values if s not in (State.DRAFT, State.APPROVED, State.CANCELLED)]


def link(case, findings=()) -> list[Reupload]:
    """Called with the case's new findings after detection (inside its transaction)."""
    made = []
    for url in case.urls.all():
        for earlier in NoticeURL.objects.filter(canonical=url.canonical, notice__state__in=SENT_OR_LATER) \
                .exclude(case=case).select_related("notice"):
            made += _link(earlier.notice, case, Reupload.Kind.URL, url.canonical[:300])
            if earlier.notice.state in (State.VERIFIED_REMOVED, State.VERIFIED_UNAVAILABLE, State.CLOSED):
                NoticeURL.objects.filter(pk=earlier.pk).update(next_check_at=timezone.now())
    hashes = _hashes(case)
    if hashes:
        for notice in _notices_of(Q(urls__case__reports__uploads__sha256__in=hashes)
                                  | Q(urls__case__urls__captures__artefacts__sha256__in=hashes), case):
            made += _link(notice, case, Reupload.Kind.IMAGE, "")
    similar = {f.evidence.get("case_id") for f in findings if getattr(f, "detector", "") == "neardup"}
    if similar:
        for notice in _notices_of(Q(urls__case_id__in=similar), case):
            made += _link(notice, case, Reupload.Kind.TEXT, "")
    return made


def _hashes(case) -> set[str]:
    from copvn.cases.models import Artefact
    from copvn.intake.models import Upload

    uploads = set(Upload.objects.filter(report__case=case).values_list("sha256", flat=True))
    media = set(Artefact.objects.filter(capture__case_url__case=case, kind=Artefact.Kind.MEDIA)
                .values_list("sha256", flat=True))
    return uploads | media


def _notices_of(condition: Q, case):
    return Notice.objects.filter(condition, state__in=SENT_OR_LATER).exclude(urls__case=case).distinct()


def _link(notice: Notice, case, kind: str, detail: str) -> list[Reupload]:
    from .services import log_event

    reupload, created = Reupload.objects.get_or_create(notice=notice, case=case, kind=kind,
                                                       defaults={"detail": detail})
    if not created:
        return []
    log_event(notice, "notice.reupload", note=f"{case.reference}: {reupload.get_kind_display()}")
    return [reupload]
