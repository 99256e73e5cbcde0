"""The notice as programs see it (the API and the webhook payload) and as people read its clock."""

from __future__ import annotations

from django.utils import timezone

from .models import Notice


def notice_json(notice: Notice) -> dict:
    urls = [u for u in notice.urls.all() if not u.dropped]
    return {
        "id": notice.pk, "reference": notice.reference, "state": notice.state,
        "provider_status": notice.provider_status or None, "provider": notice.provider.code,
        "issuer": notice.issuer.name, "legal_basis": {"code": notice.legal_basis.code, "citation": notice.legal_basis.citation,
                                                      "hours": notice.legal_basis.hours},
        "categories": notice.categories, "description": notice.description,
        "sent_at": _iso(notice.sent_at), "due_at": _iso(notice.due_at), "clock_paused": notice.paused_at is not None,
        "acknowledged_at": _iso(notice.acknowledged_at), "removal_reported_at": _iso(notice.removal_reported_at),
        "verified_at": _iso(notice.verified_at),
        "urls": [{"url": u.url, "verified": u.verified, "last_checked_at": _iso(u.last_checked_at)} for u in urls],
    }


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None
