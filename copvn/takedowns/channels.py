"""Delivering a dispatch: the official letter (DOCX now, PDF made from it by the outbox worker), an email to
the provider's address, a signed webhook, and the portal (always: the provider's liaisons and partner keys
see their notices there and through the API). All outbox rows are written in the caller's transaction, each
with an idempotency key made from the dispatch, so sending the same dispatch twice writes nothing new."""

from __future__ import annotations

import secrets

from django.utils import translation

from copvn.core import outbox
from copvn.core.outbox import DOCUMENTS

from . import letters
from .models import Dispatch, Notice, ProviderContact
from .presentation import notice_json


def webhook_secret(contact_id: str) -> str:
    return ProviderContact.objects.get(pk=int(contact_id)).webhook_secret


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def dispatch(notice: Notice, kind: str, recipient, *, note: str = "") -> Dispatch:
    contact = ProviderContact.objects.filter(organisation=recipient).first()
    language = contact.language if contact else "vi"
    with translation.override(language):
        docx = letters.build(notice, kind, recipient, language=language, note=note)
        subject, body = letters.email_text(notice, kind, recipient, language=language)
    sha256 = DOCUMENTS.store(docx)
    sent = Dispatch.objects.create(notice=notice, kind=kind, recipient=recipient, letter_docx=sha256, channels=["portal"])
    email = (contact.email if contact else "") or recipient.email
    if email:
        message = outbox.enqueue(email, subject, body, f"notice.{kind}", about=notice,
                                 key=f"notice-{notice.pk}-dispatch-{sent.pk}-email",
                                 attachments=outbox.letter_attachments(f"{notice.reference}-{kind}", sha256))
        sent.messages.add(message)
        sent.channels.append("email")
    if contact and contact.webhook_url and recipient.pk == notice.provider_id:
        payload = {"event": f"notice.{kind}", "dispatch": sent.pk, "notice": notice_json(notice)}
        message = outbox.enqueue_webhook(contact.webhook_url, payload, f"notice.{kind}", about=notice,
                                         secret_source=f"takedowns.contact:{contact.pk}",
                                         key=f"notice-{notice.pk}-dispatch-{sent.pk}-webhook")
        sent.messages.add(message)
        sent.channels.append("webhook")
    sent.save(update_fields=["channels"])
    return sent
