"""Who sees which organisation's coordination rows (tasks, activity records, obstacles): the lead department,
auditors and administrators every organisation's ("coordination.all"); everyone else their own organisation's
and its units'."""

from __future__ import annotations

from copvn.core.access import user_can
from copvn.orgs.models import descendant_ids


def mine(queryset, user, field: str = "organisation"):
    if user_can(user, "coordination.all"):
        return queryset
    if not user.organisation_id:
        return queryset.none()
    return queryset.filter(**{f"{field}_id__in": descendant_ids(user.organisation_id)})


def may_act_for(user, organisation) -> bool:
    """Whether the user records, raises or submits for this organisation: its own or one of its units."""
    return user.organisation_id is not None and organisation.pk in descendant_ids(user.organisation_id)
