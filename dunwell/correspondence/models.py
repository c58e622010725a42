"""The register of paper correspondence (incoming and outgoing letters) and incoming mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dunwell.correspondence.imap_urls import mailbox_address
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
    registered_at = models.DateTimeField(pgettext_lazy("letter", "registered at"))

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


# --- incoming mail ---------------------------------------------------------------------------


class Mailbox(models.Model):
    """Our place in one IMAP mailbox: its UIDVALIDITY and the last UID read, so a restart
    reads nothing twice. A changed UIDVALIDITY (the server renumbered the folder) reads the
    folder again from the start; messages already stored are known by their Message-ID."""

    # "imaps://user@host:993/INBOX": the address without the password.
    address = models.CharField(_("mailbox"), max_length=500, unique=True)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.address

    @property
    def email(self) -> str:
        """The mailbox as people read it: its email address (`imap_urls.mailbox_address`)."""
        return mailbox_address(self.address)


class InboundState(models.TextChoices):
    MATCHED = "matched", pgettext_lazy("incoming mail", "on a debtor")
    TRIAGE = "triage", pgettext_lazy("incoming mail", "to triage")
    BOUNCE = "bounce", pgettext_lazy("incoming mail", "bounce")


class MatchedBy(models.TextChoices):
    THREAD = "thread", _("a reply to our message")
    ADDRESS = "address", _("the sender's address")
    LEARNED = "learned", _("an address assigned before")
    DOMAIN = "domain", _("the sender's domain")
    TAX_ID = "tax_id", _("a tax id in the text")
    INVOICE = "invoice", _("an invoice number in the text")
    ASSIGNED = "assigned", _("assigned by hand")


class InboundMessage(models.Model):
    """One received email, kept whole (the .eml file) with its text and attachments."""

    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), on_delete=models.PROTECT, related_name="messages"
    )
    uidvalidity = models.BigIntegerField()
    uid = models.BigIntegerField()
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    # The Message-ID, or a digest of the bytes when there is none: one row per message even
    # when it is read again (a renumbered folder, the same mail in two mailboxes).
    fingerprint = models.CharField(max_length=255, unique=True)
    from_email = models.CharField(_("from"), max_length=320, blank=True)
    from_name = models.CharField(_("sender's name"), max_length=255, blank=True)
    to = models.TextField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    sent_at = models.DateTimeField(_("date"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"))
    text = models.TextField(_("text"), blank=True)
    raw = models.FileField(_("message file"), upload_to="inbound/%Y/%m/")
    state = models.CharField(_("state"), max_length=8, choices=InboundState.choices)
    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("debtor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    matched_by = models.CharField(
        _("matched by"), max_length=10, choices=MatchedBy.choices, blank=True
    )
    # The debtors it could belong to when the matcher found several (triage shows them).
    candidates = models.JSONField(default=list, blank=True)
    # Our message it answers, or that it reports as undelivered.
    reply_to = models.ForeignKey(
        "mail.OutgoingMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    bounce_reason = models.TextField(_("why it was not delivered"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("incoming email")
        verbose_name_plural = _("incoming emails")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-received_at"]),
            models.Index(fields=["counterparty", "-received_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "uidvalidity", "uid"], name="uniq_inbound_mailbox_uid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_email}: {self.subject}"


class InboundAttachment(models.Model):
    message = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="inbound/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size, bytes"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class KnownAddress(models.Model):
    """An address a user assigned to a debtor in triage: its next mail goes there at once."""

    email = models.CharField(_("email"), max_length=320, unique=True)
    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("debtor"),
        on_delete=models.CASCADE,
        related_name="known_addresses",
    )
    learned_from = models.ForeignKey(
        InboundMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(pgettext_lazy("known address", "created at"))

    class Meta:
        verbose_name = _("known address")
        verbose_name_plural = _("known addresses")

    def __str__(self) -> str:
        return self.email
