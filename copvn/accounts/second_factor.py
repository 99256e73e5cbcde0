"""Time-based one-time passwords (RFC 6238) as the second factor, with replay protection."""

from __future__ import annotations

import time

import pyotp
import segno
from django.utils import timezone

from .models import User

ISSUER = "copvn"
STEP = 30
SESSION_KEY = "copvn_second_factor_ok"


def new_secret() -> str:
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#0b2545", light="#ffffff")


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step the code belongs to (now, or one step either side for clock drift), else None."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    now = at if at is not None else time.time()
    totp = pyotp.TOTP(secret)
    for drift in (0, -1, 1):
        moment = now + drift * STEP
        if totp.verify(code, for_time=moment, valid_window=0):
            return int(moment // STEP)
    return None


def confirm(user: User, code: str) -> bool:
    """Accept a code once: a conditional update on the last used step refuses a replay."""
    step = matching_step(user.totp_secret, code) if user.totp_secret else None
    if step is None:
        return False
    won = User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
    if not won:
        return False
    if user.totp_confirmed_at is None:
        User.objects.filter(pk=user.pk).update(totp_confirmed_at=timezone.now())
    user.refresh_from_db(fields=["totp_last_step", "totp_confirmed_at"])
    return True
