"""The register of paper correspondence (incoming and outgoing letters) and incoming mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dunwell.ledger.models import Company, Counterparty


class Direction(models.TextChoices):
    INCOMING = "in", pgettext_lazy("letter", "incoming")
    OUTGOING = "out", pgettext_lazy("letter", "outgoing")


class PaperLetter(models.Model):
    """One letter on paper, registered: ours has our register number, theirs its own."""

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("debtor"),
        on_delete=models.CASCADE,
        related_name="paper_letters",
    )
    legal_case = models.ForeignKey(
        "legal.LegalCase",
        verbose_name=_("legal case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="paper_letters",
    )
    # The outbox message it was printed from (an outgoing letter written in the composer).
    message = models.OneToOneField(
        "mail.OutgoingMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="paper_letter",
    )
    date = models.DateField(_("date"))
    # Our register number: "OUT-2026-0001" / "IN-2026-0001", per company and year.
    our_number = models.CharField(_("our number"), max_length=32)
    their_number = models.CharField(_("their number"), max_length=64, blank=True)
    party = models.CharField(_("sender or addressee"), max_length=255)
    subject = models.CharField(_("subject"), max_length=500)
    scan = models.FileField(_("scan"), upload_to="letters/%Y/%m/", blank=True)
    tracking_number = models.CharField(
        _("registered-mail tracking number"), max_length=64, blank=True
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"))

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "our_number"], name="uniq_paper_letter_number"
            )
        ]

    def __str__(self) -> str:
        return self.our_number
