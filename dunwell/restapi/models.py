"""API tokens, the per-token rate counter and stored answers to idempotent pushes."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Scope(models.TextChoices):
    LEDGER_READ = "ledger:read", _("read the ledger")
    LEDGER_WRITE = "ledger:write", _("push to the ledger")
    WORK_READ = "work:read", _("read tasks, promises, disputes and the timeline")
    WORK_WRITE = "work:write", _("change tasks, promises and disputes")
    CREDIT_CHECK = "credit:check", _("check orders against the credit rules")


class ApiToken(models.Model):
    """A bearer token acting as its user. Only the SHA-256 of the secret is kept: the token is
    shown once, when created, and cannot be recovered."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name})" if self.name else self.prefix

    def is_usable(self, now: datetime | None = None) -> bool:
        """Not revoked and not expired (the user's being active is checked by the caller)."""
        moment = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > moment


class RateWindow(models.Model):
    """Requests a token made in one minute: one row per token and minute, counted with one
    conditional UPDATE (or an INSERT for the first request), so every process shares it."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "minute"], name="restapi_rate_token_minute")
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.minute:%Y-%m-%d %H:%M}: {self.count}"


class IdempotentRequest(models.Model):
    """The first answer to a push sent with an Idempotency-Key. The row is inserted before the
    push runs (status NULL): the unique constraint keeps a concurrent retry from running it
    twice."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    body_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="restapi_idempotency_token_key")
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.key}: {self.status or '…'}"
