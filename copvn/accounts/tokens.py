"""Personal staff tokens for the staff API: shown once, stored as SHA-256, revocable, audited.

A token acts as its user: the user's role, organisation scope and queue clearances apply, read afresh on each
request. It stops working when it is revoked, when the user is deactivated or locked, or when the user's
second factor is removed (an administrator's reset): a token is issued only to a user with a second factor.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from copvn.audit.services import record

from .models import StaffToken, User

# Distinct from the partner keys' "copvn_": neither kind of key is ever mistaken for the other.
PREFIX = "copvnst_"
PREFIX_LENGTH = 16
MAX_LENGTH = 100
TOUCH_SECONDS = 60  # last_used_at is written at most once a minute


class TokenRefused(Exception):
    """The token cannot be issued or revoked; the message says why (for the operator)."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def refusal(user: User) -> str:
    """Why `user` may not hold a token now ("" when they may)."""
    if not user.is_active:
        return f"user {user.username!r} is inactive"
    if user.locked_at:
        return f"user {user.username!r} is locked (an administrator must unlock the account first)"
    if not user.role:
        return f"user {user.username!r} has no role"
    if not user.has_second_factor:
        return (f"user {user.username!r} has no second factor: they must sign in once and set up the "
                f"authenticator app before a token can be issued")
    return ""


def create(user: User, name: str, *, request=None) -> tuple[StaffToken, str]:
    """A new token for `user`; the secret is returned once and never stored."""
    if why := refusal(user):
        raise TokenRefused(why)
    name = name.strip()[:100]
    if not name:
        raise TokenRefused("a token needs a name (what or where it is used)")
    for _attempt in range(3):
        secret = PREFIX + secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                token = StaffToken.objects.create(user=user, name=name, prefix=secret[:PREFIX_LENGTH],
                                                  digest=digest(secret))
                record("token.create", request=request, obj=user, data={"prefix": token.prefix, "name": name})
            return token, secret
        except IntegrityError:  # the same prefix drawn twice: draw again
            continue
    raise TokenRefused("could not draw a unique token; try again")


def revoke(prefix: str, *, request=None) -> StaffToken:
    with transaction.atomic():
        token = StaffToken.objects.select_related("user").filter(prefix=prefix).first()
        if token is None:
            raise TokenRefused(f"no token with prefix {prefix!r}")
        if not StaffToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
            raise TokenRefused(f"token {prefix!r} was revoked already")
        record("token.revoke", request=request, obj=token.user, data={"prefix": token.prefix, "name": token.name})
    token.refresh_from_db()
    return token


def listed(username: str = ""):
    tokens = StaffToken.objects.select_related("user").order_by("user__username", "-created_at")
    return tokens.filter(user__username=username) if username else tokens


def authenticate(secret: str) -> User | None:
    """The user a live token belongs to, or None (unknown or revoked token; inactive, locked or unenrolled user)."""
    if not secret.startswith(PREFIX) or len(secret) > MAX_LENGTH:
        return None
    token = StaffToken.objects.select_related("user").filter(digest=digest(secret), revoked_at__isnull=True).first()
    if token is None or refusal(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > TOUCH_SECONDS:
        StaffToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
