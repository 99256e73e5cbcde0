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

    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    kind = models.CharField(max_length=60)  # what caused it, e.g. "account.locked"
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.kind} → {self.to}"
