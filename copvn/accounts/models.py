from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import get_role, role_choices


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=40, choices=role_choices())
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        verbose_name=_("cơ quan, tổ chức"),
    )
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    # Second factor (TOTP, RFC 6238). The secret is only shown once, at enrolment.
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(default=0)
    # Wrong second-factor codes in a row, across sign-ins and addresses; at the limit the account is locked
    # until an administrator lifts it (services.note_code_failure, services.unlock).
    second_factor_failures = models.PositiveIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    # Set when an administrator chose the password (creation, reset): the user must choose their own.
    must_change_password = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("người dùng")
        ordering = ["username"]

    def __str__(self):
        name = self.get_full_name()
        return f"{name} ({self.username})" if name else self.username

    def get_full_name(self) -> str:
        """Vietnamese order: family and middle names (`last_name`), then the given name (`first_name`)."""
        return " ".join(part for part in (self.last_name.strip(), self.first_name.strip()) if part)

    def get_short_name(self) -> str:
        """The given name, as Vietnamese speakers address each other."""
        return self.first_name.strip()

    @property
    def role_info(self):
        return get_role(self.role) if self.role else None

    @property
    def needs_second_factor(self) -> bool:
        return bool(self.role) and get_role(self.role).needs_second_factor

    @property
    def has_second_factor(self) -> bool:
        return bool(self.totp_secret and self.totp_confirmed_at)


class StaffToken(models.Model):
    """A person's own token for the staff API. Only the SHA-256 of the secret is stored (shown once, at
    creation); the token acts as its user, with the user's role, organisation and queue clearances."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_tokens")
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)  # the first characters, to recognise it in lists
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
