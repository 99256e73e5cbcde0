"""Partner API keys: shown once, stored as SHA-256, scoped to one organisation, revocable."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from copvn.audit.services import record

from .models import ApiKey

PREFIX = "copvn_"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue(organisation, name: str, trust: str, *, request=None) -> tuple[ApiKey, str]:
    secret = PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(organisation=organisation, name=name, trust=trust, prefix=secret[:12],
                                digest=digest(secret), created_by=getattr(request, "user", None))
    record("apikey.issue", request=request, obj=key, data={"organisation": organisation.code, "trust": trust})
    return key, secret


@transaction.atomic
def revoke(key: ApiKey, reason: str, *, request=None) -> None:
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record("apikey.revoke", request=request, obj=key, reason=reason)


def authenticate(secret: str) -> ApiKey | None:
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    key = ApiKey.objects.select_related("organisation").filter(digest=digest(secret), revoked_at__isnull=True).first()
    if key is not None and (key.last_used_at is None or (timezone.now() - key.last_used_at).total_seconds() > 60):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key
