"""The outbox of written messages: every email Dunwell sends and every letter it prints for the
post is one `OutgoingMessage`. The state machine (queued → sending → sent / failed / gave up)
and the `Message-ID` fixed when the message is queued make sending at most once: a worker
claims a message by a conditional update to "sending" before it talks to the SMTP server, and
a message left in "sending" by a killed worker is never sent again blindly."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dunwell.ledger.models import Company, Contact, Counterparty


class Channel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("mail channel", "Email")
    POST = "post", pgettext_lazy("mail channel", "Letter by post")


class MessageState(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("outgoing message", "queued")
    SENDING = "sending", pgettext_lazy("outgoing message", "sending")
    SENT = "sent", pgettext_lazy("outgoing message", "sent")
    FAILED = "failed", pgettext_lazy("outgoing message", "failed, will retry")
    GAVE_UP = "gave_up", pgettext_lazy("outgoing message", "given up")
    CANCELLED = "cancelled", pgettext_lazy("outgoing message", "cancelled")


class RefusalReason(models.TextChoices):
    ADDRESS_BAD = "address_bad", _("The address was refused before; correct it first.")
    OPTED_OUT = "opted_out", _("The contact asked not to be written to by email.")
    NO_ADDRESS = "no_address", _("The email address is not valid.")
    MALFORMED = "malformed", _("The message cannot be built: a header or a file is not valid.")


class OutgoingMessage(models.Model):
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT)
    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("debtor"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outgoing_messages",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outgoing_messages",
    )
    # On whose behalf it goes out (the collector): their sender address and their outbox.
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    from_email = models.CharField(_("from"), max_length=320, blank=True)
    to_email = models.CharField(_("to"), max_length=320, blank=True)
    # For a letter by post: the addressee and the postal address, as printed.
    postal_address = models.TextField(_("postal address"), blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    # "<…@…>", fixed when queued; replies thread to it and bounces name it.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    # Where it comes from: "task:12", "mailing:3", "composer" … (for pages and reports).
    source = models.CharField(_("source"), max_length=64, blank=True)
    task = models.ForeignKey(
        "ladder.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Makes queueing idempotent: the same non-empty key is queued once (a double click, a re-run).
    key = models.CharField(max_length=120, blank=True)

    state = models.CharField(
        _("state"), max_length=10, choices=MessageState.choices, default=MessageState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # The worker that holds a message in "sending", and since when.
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Committed just before the final "." of DATA is written (docs/mail.md, "At most once"): a
    # message with this mark may have reached the server and is never sent again by itself.
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    # Sent, but the server's answer was never read (the worker died or the connection dropped
    # after the final "."): it most likely arrived; a person may retry it knowingly.
    unconfirmed = models.BooleanField(_("unconfirmed"), default=False, db_default=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Why it was not sent when the reason is ours, not the server's (shown translated).
    error_code = models.CharField(
        _("reason"), max_length=16, choices=RefusalReason.choices, blank=True, db_default=""
    )
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(pgettext_lazy("outgoing message", "created at"))

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["counterparty", "-created_at"]),
            models.Index(fields=["sender", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="uniq_outgoing_message_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.state}"


class OutgoingAttachment(models.Model):
    message = models.ForeignKey(
        OutgoingMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="mail/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size, bytes"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class SenderAddress(models.Model):
    """Whom an email is from: a company's address (edited by a director or an administrator) or
    a user's own (edited by that user). A user's own address wins when the company allows
    personal addresses; with neither, Django's DEFAULT_FROM_EMAIL."""

    company = models.OneToOneField(
        Company,
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sender_address",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sender_address",
    )
    email = models.EmailField(_("email"))
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    # On a company's address: may its people send from their own addresses?
    allow_personal = models.BooleanField(
        _("collectors may send from their own address"), default=True
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("sender address")
        verbose_name_plural = _("sender addresses")
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=False, user__isnull=True)
                | Q(company__isnull=True, user__isnull=False),
                name="sender_address_company_or_user",
            )
        ]

    def __str__(self) -> str:
        return self.formatted

    @property
    def formatted(self) -> str:
        from email.headerregistry import Address

        if not self.display_name:
            return self.email
        local, _at, domain = self.email.rpartition("@")
        return str(Address(display_name=self.display_name, username=local, domain=domain))
