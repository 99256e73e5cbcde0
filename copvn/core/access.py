"""Deny by default: every view declares who may use it, and the middleware refuses the rest.

A view is either `@public` (no sign-in: the sign-in page, the health check) or `@requires(capability)`.
A view that declares neither is refused with 403 for everyone: forgetting is safe.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from copvn.accounts.roles import CAPABILITIES, get_role, has_capability

log = logging.getLogger(__name__)

PUBLIC = "public"


def public(view):
    view.copvn_access = PUBLIC
    return view


def requires(capability: str):
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        wrapped.copvn_access = capability
        return wrapped

    return decorate


def user_can(user, capability: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return has_capability(getattr(user, "role", None), capability)


class AccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        access = getattr(view_func, "copvn_access", None)
        if access == PUBLIC:
            return None
        if access is None:
            log.error("view %s declares no access rule; refused", getattr(view_func, "__name__", view_func))
            raise PermissionDenied
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not user_can(request.user, access):
            raise PermissionDenied
        return None


def own_organisation(queryset, user, field: str = "organisation"):
    """Object scoping by one organisation field: roles with scope "all" see every row, the others only their
    own organisation's (none without one)."""
    if get_role(user.role).scope == "all":
        return queryset
    return queryset.filter(**{f"{field}_id": user.organisation_id}) if user.organisation_id else queryset.none()


def mark_public(patterns):
    """Views that authenticate by other means (the partner API's keys) are public to the middleware."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            mark_public(pattern.url_patterns)
        else:
            pattern.callback.copvn_access = PUBLIC
    return patterns
