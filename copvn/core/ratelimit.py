"""Counting events per key in a sliding window, in the database so every web process shares it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import RateLimitHit


def count(key: str, window_seconds: int) -> int:
    since = timezone.now() - dt.timedelta(seconds=window_seconds)
    return RateLimitHit.objects.filter(key=key, at__gte=since).count()


def exceeded(key: str, limit: int, window_seconds: int) -> bool:
    return count(key, window_seconds) >= limit


def hit(key: str) -> None:
    RateLimitHit.objects.create(key=key, at=timezone.now())


def clear(key: str) -> None:
    RateLimitHit.objects.filter(key=key).delete()


def prune(older_than_seconds: int = 86400) -> int:
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    deleted, _ = RateLimitHit.objects.filter(at__lt=cutoff).delete()
    return deleted


def take(key: str, limit: int, window_seconds: int) -> bool:
    """Count this event if fewer than `limit` were counted in the window; atomic across processes.

    Call it inside the transaction of the act it limits, so that a refused or failed act counts nothing and
    twenty simultaneous requests cannot all see the same count."""
    from .writes import lock_names

    lock_names(f"ratelimit:{key}")
    if exceeded(key, limit, window_seconds):
        return False
    hit(key)
    return True
