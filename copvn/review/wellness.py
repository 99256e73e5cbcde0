"""Reviewer wellness: each reviewer's protection settings and how much media they saw today."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .models import Exposure, Wellness


def settings_for(user) -> Wellness:
    found = Wellness.objects.filter(user=user).first()
    return found or Wellness(user=user, daily_limit=settings.EXPOSURE_DAILY_LIMIT)


def count_exposure(user) -> int:
    """One more piece of media shown to `user` today; returns today's count."""
    day = timezone.localdate()
    exposure, created = Exposure.objects.get_or_create(user=user, day=day, defaults={"count": 1})
    if not created:
        Exposure.objects.filter(pk=exposure.pk).update(count=F("count") + 1)
        exposure.refresh_from_db()
    return exposure.count


def exposure_today(user) -> dict:
    count = Exposure.objects.filter(user=user, day=timezone.localdate()).values_list("count", flat=True).first() or 0
    limit = settings_for(user).daily_limit
    return {"count": count, "limit": limit, "over": count >= limit}
