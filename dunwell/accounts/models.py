from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COLLECTOR = "collector", _("Collector")
    SALES = "sales", _("Sales manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    FINANCE = "finance", _("Finance")
    LAWYER = "lawyer", _("Lawyer")
    DIRECTOR = "director", _("Director")
    ADMIN = "admin", _("Administrator")
    # Passes orders over the credit rules and lifts stop-shipments (issue 13; sees every
    # counterparty, as finance does).
    CREDIT_CONTROLLER = "credit_control", _("Credit controller")


# Roles that see every counterparty (DESIGN §3: finance and director see everything).
SEES_ALL = frozenset({Role.FINANCE, Role.DIRECTOR, Role.ADMIN, Role.CREDIT_CONTROLLER})


def normalized_username(username: str) -> str:
    """One spelling per name: NFKC, no surrounding blanks, case-folded (so " collector3" and
    a fullwidth "ｃollector3" are collector3). Login uses the same (accounts/services.py)."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


class DunwellUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username=normalized_username(username or ""))

    def create_superuser(  # type: ignore[override]
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        """`dunwell createsuperuser`, the first user of a fresh installation: an administrator
        (it was a collector, the field's default, and the pages said "boss · Collector")."""
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.COLLECTOR)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team",
    )
    # The user's extension on the company's PBX (click-to-call rings it first).
    extension = models.CharField(_("phone extension"), max_length=16, blank=True)

    objects = DunwellUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @classmethod
    def normalize_username(cls, username: str) -> str:  # type: ignore[override]
        # create_user, createsuperuser and clean() all pass through here.
        return normalized_username(username)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.username = normalized_username(self.username)
        super().save(*args, **kwargs)

    @property
    def sees_all(self) -> bool:
        return self.is_superuser or self.role in SEES_ALL


class LoginFailure(models.Model):
    """Failed login attempts, for throttling (DESIGN §3)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
