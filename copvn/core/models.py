from django.db import models


class RateLimitHit(models.Model):
    """One counted event (a failed sign-in, a public form post) under a key such as 'login-ip:1.2.3.4'."""

    key = models.CharField(max_length=200)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["key", "at"])]
