from django.db import models


class RateLimitHit(models.Model):
    """One counted event (a failed sign-in, a public form post) under a key such as 'login-ip:1.2.3.4'."""

    key = models.CharField(max_length=200)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["key", "at"])]


class OutboxMessage(models.Model):
    """A message to send, written in the transaction of the act that causes it, sent afterwards by a worker.

    Nothing is lost when the mail server is down: the row stays pending and is retried with a backoff."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"  # gave up after the last attempt
        HELD = "held", "held"  # no mail server configured: kept for when one is

    class Channel(models.TextChoices):
        EMAIL = "email", "email"
        WEBHOOK = "webhook", "webhook"

    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    to = models.CharField(max_length=2000)  # an email address, or the webhook's URL
    subject = models.CharField(max_length=300)
    body = models.TextField()
    kind = models.CharField(max_length=60)  # what caused it, e.g. "account.locked"
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Sent with the message (Message-ID, Idempotency-Key): a worker killed between sending and recording it
    # sends it again under the same key, and the receiver sees one message.
    idempotency_key = models.CharField(max_length=80, unique=True, null=True)
    # [{"name", "content_type", "sha256"}] in the documents store; {"make": "pdf", "from": <docx sha256>} is
    # converted when the message is delivered.
    attachments = models.JSONField(default=list, blank=True)
    secret_source = models.CharField(max_length=80, blank=True)  # where a webhook's signing key is read from
    subject_type = models.CharField(max_length=60, blank=True)  # what the message is about, e.g. takedowns.notice
    subject_id = models.CharField(max_length=40, blank=True, db_index=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.kind} → {self.to}"


class OutboxAttempt(models.Model):
    """The delivery log: one row per try of a message, with what the server answered."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField()
    ok = models.BooleanField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    seconds = models.FloatField(default=0.0)

    class Meta:
        ordering = ["-at"]
