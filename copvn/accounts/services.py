"""Account workflows: each runs in one transaction that also writes the audit entry."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import login, logout
from django.db import transaction

from copvn.audit.services import client_address, record
from copvn.core import ratelimit

from . import second_factor
from .models import User
from .roles import get_role


def throttle_keys(request, username: str) -> list[tuple[str, int]]:
    return [
        (f"login-user:{username.lower()}", settings.LOGIN_FAILURES_PER_ACCOUNT),
        (f"login-ip:{client_address(request)}", settings.LOGIN_FAILURES_PER_ADDRESS),
    ]


def is_throttled(request, username: str) -> bool:
    window = settings.LOGIN_WINDOW_SECONDS
    return any(ratelimit.exceeded(key, limit, window) for key, limit in throttle_keys(request, username))


@transaction.atomic
def note_failure(request, username: str, step: str) -> None:
    for key, _limit in throttle_keys(request, username):
        ratelimit.hit(key)
    record("auth.login_failed", request=request, reason=step, data={"username": username[:150]})


@transaction.atomic
def sign_in(request, user: User) -> None:
    login(request, user)
    ratelimit.clear(f"login-user:{user.username.lower()}")
    record("auth.login", request=request, actor=user, obj=user)


@transaction.atomic
def pass_second_factor(request, user: User) -> None:
    request.session[second_factor.SESSION_KEY] = True
    request.session.cycle_key()
    ratelimit.clear(f"login-user:{user.username.lower()}")
    record("auth.second_factor", request=request, obj=user)


@transaction.atomic
def enrol_second_factor(request, user: User, secret: str, code: str) -> bool:
    User.objects.filter(pk=user.pk).update(totp_secret=secret, totp_confirmed_at=None, totp_last_step=0)
    user.refresh_from_db()
    if not second_factor.confirm(user, code):
        transaction.set_rollback(True)
        return False
    record("auth.second_factor_enrolled", request=request, obj=user)
    return True


def sign_out(request) -> None:
    if request.user.is_authenticated:
        record("auth.logout", request=request, obj=request.user)
    logout(request)


def generated_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def create_user(request, form) -> tuple[User, str]:
    get_role(form.cleaned_data["role"])
    user = form.save(commit=False)
    password = generated_password()
    user.set_password(password)
    user.save()
    record("users.create", request=request, obj=user, data={"role": user.role, "organisation": user.organisation_id})
    return user, password


@transaction.atomic
def update_user(request, form) -> User:
    changed = sorted(form.changed_data)
    user = form.save()
    record("users.update", request=request, obj=user, data={"changed": changed, "role": user.role})
    return user


@transaction.atomic
def reset_second_factor(request, user: User, reason: str) -> None:
    User.objects.filter(pk=user.pk).update(totp_secret="", totp_confirmed_at=None, totp_last_step=0)
    record("users.reset_second_factor", request=request, obj=user, reason=reason)


@transaction.atomic
def reset_password(request, user: User, reason: str) -> str:
    password = generated_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    record("users.reset_password", request=request, obj=user, reason=reason)
    return password
