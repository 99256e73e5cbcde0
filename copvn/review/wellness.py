"""Reviewer wellness: each reviewer's protection settings and how much media they saw today."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .models import Exposure, OrganisationWellness, Wellness

FIELDS = ("blur", "greyscale", "autoplay", "daily_limit")


def settings_for(user) -> Wellness:
    """The reviewer's own settings; else their organisation's defaults; else the platform's."""
    found = Wellness.objects.filter(user=user).first()
    if found is not None:
        return found
    default = OrganisationWellness.objects.filter(organisation_id=user.organisation_id).first() \
        if user.organisation_id else None
    if default is not None:
        return Wellness(user=user, **{name: getattr(default, name) for name in FIELDS})
    return Wellness(user=user, daily_limit=settings.EXPOSURE_DAILY_LIMIT)


def set_organisation_default(user, values: dict) -> None:
    OrganisationWellness.objects.update_or_create(organisation_id=user.organisation_id,
                                                  defaults={name: values[name] for name in FIELDS})


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
