"""Wordings of the letters (per step kind and language, versioned, approved by a manager) and
mass mailings (a frozen selection of debtors, queued through the outbox once approved)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dunwell.ledger.models import Company, Contact, Counterparty
from dunwell.letters import kinds


class WordingKind(models.TextChoices):
    FRIENDLY = kinds.FRIENDLY, _("Friendly reminder")
    FIRM = kinds.FIRM, _("Firm request")
    FINAL = kinds.FINAL, _("Final warning before the pretension")
    LEGAL = kinds.LEGAL, _("Legal stage")


class Wording(models.Model):
    """One version of the subject and body of a kind in a language. Saving makes a new
    version; the newest one is used, and only an approved newest one may go out by itself."""

    kind = models.CharField(_("kind"), max_length=16, choices=WordingKind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    version = models.PositiveIntegerField(_("version"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("wording")
        verbose_name_plural = _("wordings")
        ordering = ["kind", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "version"], name="uniq_wording_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.language} v{self.version}"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None


class KindSetting(models.Model):
    """Per wording kind: whether the ladder's steps of that kind go out without a collector
    (honoured only while the wording in the debtor's language is approved)."""

    kind = models.CharField(_("kind"), max_length=16, choices=WordingKind.choices, unique=True)
    auto_send = models.BooleanField(_("send automatically"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("wording setting")
        verbose_name_plural = _("wording settings")

    def __str__(self) -> str:
        return f"{self.kind} auto={self.auto_send}"


class MailingState(models.TextChoices):
    DRAFT = "draft", _("waiting for approval")
    APPROVED = "approved", _("approved and queued")


class Mailing(models.Model):
    """A personal mass mailing: who is in it is fixed when it is created (its rows); nothing is
    queued before a supervisor or the director approves it."""

    # Only this company's debtors (empty: every debtor the author sees).
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(
        _("wording"), max_length=16, choices=WordingKind.choices, default=WordingKind.FRIENDLY
    )
    filters = models.JSONField(_("selection"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=MailingState.choices, default=MailingState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(pgettext_lazy("mailing", "created at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    debtors = models.PositiveIntegerField(_("debtors"), default=0)
    without_address = models.PositiveIntegerField(_("without a usable address"), default=0)
    queued = models.PositiveIntegerField(_("queued"), default=0)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"mailing {self.pk}"


class MailingDebtor(models.Model):
    """One debtor of a mailing and the address chosen for it (empty: none usable, `reason`)."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="rows")
    counterparty = models.ForeignKey(Counterparty, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.CharField(max_length=320, blank=True)
    reason = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("debtor of a mailing")
        verbose_name_plural = _("debtors of a mailing")
        constraints = [
            models.UniqueConstraint(fields=["mailing", "counterparty"], name="uniq_mailing_debtor")
        ]
        indexes = [models.Index(fields=["mailing"], condition=~Q(email=""), name="mailing_ok")]

    def __str__(self) -> str:
        return f"{self.mailing_id}:{self.counterparty_id}"
