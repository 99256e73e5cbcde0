"""Sending mail through an outbox: a row written with the act, delivered by a background task, retried.

`enqueue()` is called inside the act's transaction, so a message exists exactly when its act does. `deliver()`
claims the row with a conditional update (two workers never both send it), sends it through Django's SMTP
backend (COPVN_SMTP_*), and marks it sent; a failure keeps it pending with its error and tries again later
(1 min, 2, 4 … up to COPVN_OUTBOX_MAX_ATTEMPTS). Without a configured mail server messages are held, not lost.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)
CLAIM_SECONDS = 120


def enqueue(to: str, subject: str, body: str, kind: str) -> OutboxMessage | None:
    """Write the message and schedule its delivery after the transaction commits; None when there is no address."""
    if not to:
        return None
    message = OutboxMessage.objects.create(to=to, subject=subject[:300], body=body, kind=kind)
    from .tasks import deliver_message

    transaction.on_commit(lambda: deliver_message.enqueue(message.pk))
    return message


def deliver(message_id: int) -> str:
    """Send one message if it is still pending; returns its status afterwards. Safe to run twice."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), pk=message_id, status=OutboxMessage.Status.PENDING,
    ).update(claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    message = OutboxMessage.objects.get(pk=message_id)
    if not claimed:
        return message.status
    if not settings.EMAIL_HOST:
        return _finish(message, OutboxMessage.Status.HELD, "no mail server configured (COPVN_SMTP_HOST)")
    try:
        with get_connection(timeout=settings.EMAIL_TIMEOUT) as connection:
            EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to],
                         connection=connection).send()
    except Exception as exc:  # any failure of the mail server keeps the message for a retry
        return _retry(message, f"{type(exc).__name__}: {exc}"[:1000])
    return _finish(message, OutboxMessage.Status.SENT, "", sent_at=timezone.now())


def _finish(message: OutboxMessage, status: str, error: str, **fields) -> str:
    OutboxMessage.objects.filter(pk=message.pk).update(status=status, last_error=error, claimed_until=None, **fields)
    return status


def _retry(message: OutboxMessage, error: str) -> str:
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        log.error("giving up on outbox message %s after %s attempts: %s", message.pk, message.attempts, error)
        return _finish(message, OutboxMessage.Status.FAILED, error)
    _finish(message, OutboxMessage.Status.PENDING, error)
    delay = dt.timedelta(minutes=2 ** (message.attempts - 1))
    from .tasks import deliver_message

    deliver_message.using(run_after=timezone.now() + delay).enqueue(message.pk)
    log.warning("outbox message %s not sent (%s); retrying in %s", message.pk, error, delay)
    return OutboxMessage.Status.PENDING
