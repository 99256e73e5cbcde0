"""Sending through an outbox: a row written with the act, delivered by a background task, retried.

`enqueue()` / `enqueue_webhook()` are called inside the act's transaction, so a message exists exactly when
its act does. `deliver()` claims the row with a conditional update (two workers never both send it), sends it
— email through Django's SMTP backend (COPVN_EMAIL_URL or COPVN_SMTP_*), or a webhook POST signed with
HMAC-SHA256 over the timestamp and the body — and marks it sent. Every try is logged (OutboxAttempt). A failure
keeps the message pending with its error and tries again later (1 min, 2, 4 … up to COPVN_OUTBOX_MAX_ATTEMPTS).
Without a configured mail server email is held, not lost.

Each message carries an idempotency key (Message-ID for email, the Idempotency-Key header for webhooks): a
worker killed after the server took the message but before it was marked sent sends it again under the same
key, so the receiver can tell it is the same message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .blobs import BlobStore
from .models import OutboxAttempt, OutboxMessage

log = logging.getLogger(__name__)
CLAIM_SECONDS = 120
DOCUMENTS = BlobStore("documents")
# "app.thing" -> a function from the id after the colon to the webhook's signing key (registered in ready()).
SECRET_SOURCES: dict[str, Callable[[str], str]] = {}


class NotDelivered(Exception):
    """The server refused or could not be reached; `status` is its HTTP status when it answered."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def register_secret_source(prefix: str, lookup: Callable[[str], str]) -> None:
    SECRET_SOURCES[prefix] = lookup


def enqueue(to: str, subject: str, body: str, kind: str, *, attachments: list[dict] | None = None,
            key: str | None = None, about=None) -> OutboxMessage | None:
    """Write the message and schedule its delivery after the transaction commits; None when there is no address.

    The same `key` twice gives the one message already written (an act retried does not send twice)."""
    if not to:
        return None
    return _write(OutboxMessage.Channel.EMAIL, to, subject, body, kind, attachments or [], key, about, "")


def letter_attachments(name: str, docx_sha256: str) -> list[dict]:
    """An official letter as attachments: its DOCX (in the documents store) and the PDF made from it at delivery."""
    from copvn.documents import MEDIA_TYPES

    return [{"name": f"{name}.docx", "content_type": MEDIA_TYPES["docx"], "sha256": docx_sha256},
            {"name": f"{name}.pdf", "content_type": MEDIA_TYPES["pdf"], "make": "pdf", "from": docx_sha256}]


def enqueue_webhook(url: str, payload: dict, kind: str, *, secret_source: str, key: str | None = None,
                    about=None) -> OutboxMessage:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return _write(OutboxMessage.Channel.WEBHOOK, url, kind, body, kind, [], key, about, secret_source)


def _write(channel, to, subject, body, kind, attachments, key, about, secret_source) -> OutboxMessage:
    key = key or uuid.uuid4().hex
    existing = OutboxMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    message = OutboxMessage.objects.create(
        channel=channel, to=to, subject=subject[:300], body=body, kind=kind, attachments=attachments,
        idempotency_key=key, secret_source=secret_source,
        subject_type=f"{about._meta.app_label}.{about._meta.model_name}" if about is not None else "",
        subject_id=str(about.pk) if about is not None else "")
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
    if message.channel == OutboxMessage.Channel.EMAIL and not settings.EMAIL_HOST:
        return _finish(message, OutboxMessage.Status.HELD, "no mail server configured (COPVN_EMAIL_URL)")
    started = time.monotonic()
    try:
        status_code = _send_webhook(message) if message.channel == OutboxMessage.Channel.WEBHOOK else _send_email(message)
    except NotDelivered as exc:
        _log(message, False, exc.status, str(exc), started)
        return _retry(message, str(exc)[:1000])
    except Exception as exc:  # any failure of the server keeps the message for a retry
        error = f"{type(exc).__name__}: {exc}"[:1000]
        _log(message, False, None, error, started)
        return _retry(message, error)
    _log(message, True, status_code, "", started)
    return _finish(message, OutboxMessage.Status.SENT, "", sent_at=timezone.now(), next_attempt_at=None)


def _log(message, ok: bool, status_code, error: str, started: float) -> None:
    OutboxAttempt.objects.create(message=message, at=timezone.now(), ok=ok, status_code=status_code, error=error,
                                 seconds=round(time.monotonic() - started, 3))


def message_id(message: OutboxMessage) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "copvn.local"
    return f"<{message.idempotency_key}@{domain}>"


def _send_email(message: OutboxMessage) -> None:
    email = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to],
                         headers={"Message-ID": message_id(message), "X-Copvn-Idempotency-Key": message.idempotency_key,
                                  "X-Copvn-Kind": message.kind})
    for name, content_type, data in _attachments(message):
        email.attach(name, data, content_type)
    with get_connection(timeout=settings.EMAIL_TIMEOUT) as connection:
        connection.send_messages([email])


def _attachments(message: OutboxMessage) -> list[tuple[str, str, bytes]]:
    """The stored attachments; a PDF still to be made from its DOCX is made now (once: the result is kept).
    When LibreOffice cannot make it, the message goes with the DOCX alone and says so in its log."""
    files, changed = [], False
    for item in message.attachments:
        if item.get("make") == "pdf" and not item.get("sha256"):
            item, made = _make_pdf(message, item)
            changed = changed or made
            if not item.get("sha256"):
                continue
        files.append((item["name"], item["content_type"], DOCUMENTS.path(item["sha256"]).read_bytes()))
    if changed:
        OutboxMessage.objects.filter(pk=message.pk).update(attachments=message.attachments)
    return files


def _make_pdf(message: OutboxMessage, item: dict) -> tuple[dict, bool]:
    from copvn.documents import ConversionFailed, to_pdf

    try:
        pdf = to_pdf(DOCUMENTS.path(item["from"]).read_bytes(), timeout=settings.DOCUMENT_PDF_TIMEOUT_SECONDS)
    except ConversionFailed as exc:
        log.error("outbox message %s: PDF not made, sending the DOCX alone: %s", message.pk, exc)
        item["error"] = str(exc)[:500]
        return item, True
    item.update(sha256=DOCUMENTS.store(pdf), content_type="application/pdf")
    item.pop("error", None)
    return item, True


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _send_webhook(message: OutboxMessage) -> int:
    from copvn.detect import fetch

    prefix, _sep, ident = message.secret_source.partition(":")
    secret = SECRET_SOURCES[prefix](ident)
    body, timestamp = message.body.encode(), str(int(time.time()))
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": message.idempotency_key,
               "X-Copvn-Event": message.kind, "X-Copvn-Timestamp": timestamp,
               "X-Copvn-Signature": f"t={timestamp},v1={signature(secret, timestamp, body)}"}
    policy = fetch.FetchPolicy(max_bytes=65536, timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
                               allow_networks=tuple(ipaddress.ip_network(n) for n in settings.FETCH_ALLOW_NETWORKS))
    try:
        answer = fetch.post(message.to, body, headers, policy)
    except (fetch.FetchRefused, fetch.FetchFailed) as exc:
        raise NotDelivered(str(exc)) from None
    if not 200 <= answer.status < 300:
        raise NotDelivered(f"the webhook answered HTTP {answer.status}", answer.status)
    return answer.status


def _finish(message: OutboxMessage, status: str, error: str, **fields) -> str:
    OutboxMessage.objects.filter(pk=message.pk).update(status=status, last_error=error, claimed_until=None, **fields)
    return status


def _retry(message: OutboxMessage, error: str) -> str:
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        log.error("giving up on outbox message %s after %s attempts: %s", message.pk, message.attempts, error)
        return _finish(message, OutboxMessage.Status.FAILED, error, next_attempt_at=None)
    delay = dt.timedelta(minutes=2 ** (message.attempts - 1))
    _finish(message, OutboxMessage.Status.PENDING, error, next_attempt_at=timezone.now() + delay)
    from .tasks import deliver_message

    deliver_message.using(run_after=timezone.now() + delay).enqueue(message.pk)
    log.warning("outbox message %s not sent (%s); retrying in %s", message.pk, error, delay)
    return OutboxMessage.Status.PENDING


def retry_now(message: OutboxMessage) -> None:
    """A person asks for another try (a failed message gets a fresh round of attempts)."""
    OutboxMessage.objects.filter(pk=message.pk, status__in=[OutboxMessage.Status.FAILED, OutboxMessage.Status.PENDING,
                                                            OutboxMessage.Status.HELD]) \
        .update(status=OutboxMessage.Status.PENDING, attempts=0, claimed_until=None, next_attempt_at=timezone.now())
    from .tasks import deliver_message

    transaction.on_commit(lambda: deliver_message.enqueue(message.pk))


def sweep() -> int:
    """Pending messages whose next try is due and whose task was lost (a worker died): schedule them again."""
    now = timezone.now()
    due = list(OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
               .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now - dt.timedelta(minutes=5)))
               .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
               .filter(created_at__lte=now - dt.timedelta(minutes=5)).values_list("pk", flat=True)[:1000])
    from .tasks import deliver_message

    for pk in due:
        deliver_message.enqueue(pk)
    return len(due)
