"""Account workflows: each runs in one transaction that also writes the audit entry."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import login, logout, update_session_auth_hash
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from copvn.audit.services import client_address, record
from copvn.core import outbox, ratelimit

from . import second_factor
from .models import User
from .roles import get_role


def throttle_keys(request, username: str) -> list[tuple[str, int, int]]:
    """(key, failures allowed, window) for wrong passwords. Per account *and* address, so that an outsider
    cannot lock staff out at will; per account from anywhere as a slower backstop; per address."""
    name, address = username.lower(), client_address(request)
    return [
        (f"login-pair:{name}:{address}", settings.LOGIN_FAILURES_PER_ACCOUNT, settings.LOGIN_WINDOW_SECONDS),
        (f"login-user:{name}", settings.LOGIN_FAILURES_PER_ACCOUNT_ANYWHERE, settings.LOGIN_BACKSTOP_SECONDS),
        (f"login-ip:{address}", settings.LOGIN_FAILURES_PER_ADDRESS, settings.LOGIN_WINDOW_SECONDS),
    ]


def is_throttled(request, username: str) -> bool:
    return any(ratelimit.exceeded(key, limit, window) for key, limit, window in throttle_keys(request, username))


@transaction.atomic
def note_failure(request, username: str, step: str) -> None:
    for key, _limit, _window in throttle_keys(request, username):
        ratelimit.hit(key)
    record("auth.login_failed", request=request, data={"username": username[:150], "step": step})


@transaction.atomic
def sign_in(request, user: User) -> None:
    """After the right password. Wrong second-factor codes are not forgiven here: they count across sign-ins."""
    login(request, user)
    ratelimit.clear(f"login-pair:{user.username.lower()}:{client_address(request)}")
    record("auth.login", request=request, actor=user, obj=user)


@transaction.atomic
def pass_second_factor(request, user: User) -> None:
    request.session[second_factor.SESSION_KEY] = True
    request.session.cycle_key()
    User.objects.filter(pk=user.pk).update(second_factor_failures=0)
    record("auth.second_factor", request=request, obj=user)


@transaction.atomic
def note_code_failure(request, user: User, step: str) -> bool:
    """Count a wrong second-factor code against the account, wherever it came from; at the limit lock the
    account, tell its owner, and return True."""
    note_failure(request, user.username, step)
    User.objects.filter(pk=user.pk).update(second_factor_failures=F("second_factor_failures") + 1)
    user.refresh_from_db(fields=["second_factor_failures", "locked_at"])
    if user.locked_at or user.second_factor_failures < settings.SECOND_FACTOR_MAX_FAILURES:
        return bool(user.locked_at)
    User.objects.filter(pk=user.pk, locked_at__isnull=True).update(locked_at=timezone.now())
    record("auth.locked", request=request, obj=user, data={"failures": user.second_factor_failures})
    outbox.enqueue(user.email, gettext("[copvn] Tài khoản của bạn đã bị tạm khóa"), render_to_string(
        "accounts/mail_locked.txt", {"user": user, "failures": user.second_factor_failures}), "account.locked")
    return True


@transaction.atomic
def unlock(request, user: User, reason: str) -> None:
    User.objects.filter(pk=user.pk).update(locked_at=None, second_factor_failures=0)
    ratelimit.clear(f"login-user:{user.username.lower()}")
    record("users.unlock", request=request, obj=user, reason=reason)


@transaction.atomic
def change_password(request, user: User, password: str) -> None:
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    update_session_auth_hash(request, user)
    record("auth.password_changed", request=request, obj=user)


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
    user.must_change_password = True
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
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record("users.reset_password", request=request, obj=user, reason=reason)
    return password
