"""Queueing written messages: the one door into the outbox for every app (composer, mailings,
the ladder's automatic steps). Sending lives in `dunwell.mail.sending`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import make_msgid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dunwell.accounts.models import User
from dunwell.ledger.models import Company, Contact, Counterparty
from dunwell.mail.models import (
    Channel,
    MessageState,
    OutgoingAttachment,
    OutgoingMessage,
    SenderAddress,
)


class MailError(Exception):
    """A message cannot be queued or changed; the text is for the user."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str


def message_domain() -> str:
    """The right-hand side of our Message-IDs (DUNWELL_MAIL_DOMAIN, default "dunwell.local")."""
    return str(getattr(settings, "DUNWELL_MAIL_DOMAIN", "") or "dunwell.local")


def new_message_id() -> str:
    return make_msgid(domain=message_domain())


@transaction.atomic
def queue_message(
    *,
    company: Company,
    subject: str,
    text: str,
    html: str = "",
    to: str = "",
    channel: str = Channel.EMAIL,
    postal_address: str = "",
    counterparty: Counterparty | None = None,
    contact: Contact | None = None,
    sender: User | None = None,
    created_by: User | None = None,
    from_email: str = "",
    language: str = "",
    attachments: Sequence[Attachment] = (),
    source: str = "",
    task_id: int | None = None,
    key: str = "",
    in_reply_to: str = "",
) -> OutgoingMessage:
    """Put one message in the outbox, state "queued", with its Message-ID fixed now. With a
    `key`, queueing again returns the message queued first (nothing is queued twice)."""
    if key:
        existing = OutgoingMessage.objects.filter(key=key).first()
        if existing is not None:
            return existing
    if channel == Channel.EMAIL and not to.strip():
        raise MailError(_("To: the email address is empty."))
    message = OutgoingMessage(
        company=company,
        counterparty=counterparty,
        contact=contact,
        sender=sender,
        created_by=created_by,
        channel=channel,
        from_email=from_email or sender_for(company, sender),
        to_email=to.strip(),
        postal_address=postal_address,
        # One line: a subject with line breaks would be refused as a header (or inject one).
        subject=" ".join(subject.split())[:998],
        body_text=text,
        body_html=html,
        language=language,
        message_id=new_message_id(),
        in_reply_to=in_reply_to,
        source=source[:64],
        task_id=task_id,
        key=key[:120],
        state=MessageState.QUEUED,
        created_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if key:  # a concurrent queueing with the same key won
            return OutgoingMessage.objects.get(key=key)
        raise
    for attachment in attachments:
        stored = OutgoingAttachment(
            message=message,
            filename=attachment.filename[:255],
            content_type=attachment.content_type,
            size=len(attachment.content),
        )
        stored.file.save(
            f"{message.pk}-{len(attachment.content)}", ContentFile(attachment.content), save=False
        )
        stored.save()
    return message


def find_by_message_ids(ids: Iterable[str]) -> OutgoingMessage | None:
    """The message of ours that a reply or a bounce names (In-Reply-To, References, the DSN's
    original Message-ID), the newest first."""
    wanted = [i.strip() for i in ids if i and i.strip()]
    if not wanted:
        return None
    return OutgoingMessage.objects.filter(message_id__in=wanted).order_by("-created_at").first()


@transaction.atomic
def mark_address_bad(email: str, reason: str, *, company: Company | None = None) -> int:
    """Flag every contact with this address as refused (a 5xx answer, a bounce): they are not
    written to again until someone corrects the address. Returns how many contacts changed."""
    contacts = Contact.objects.filter(email__iexact=email.strip(), email_bad_at__isnull=True)
    if company is not None:
        contacts = contacts.filter(counterparty__company=company)
    return contacts.update(email_bad_at=timezone.now(), email_bad_reason=reason[:500])


@transaction.atomic
def mark_bounced(message: OutgoingMessage, reason: str) -> OutgoingMessage:
    """A bounce (DSN) names this message: it failed for good and its address is refused."""
    OutgoingMessage.objects.filter(pk=message.pk).update(
        state=MessageState.GAVE_UP, last_error=reason[:2000], next_attempt_at=None
    )
    if message.to_email:
        mark_address_bad(message.to_email, reason, company=message.company)
    message.refresh_from_db()
    return message


# --- sender addresses ------------------------------------------------------------------------


def sender_for(company: Company | None, user: User | None) -> str:
    """The From of an email sent by `user` for `company`: the user's own address when they
    have one and the company allows it, else the company's, else DEFAULT_FROM_EMAIL."""
    company_address = (
        SenderAddress.objects.filter(company=company).first() if company is not None else None
    )
    if user is not None and (company_address is None or company_address.allow_personal):
        own = SenderAddress.objects.filter(user=user).first()
        if own is not None:
            return own.formatted
    if company_address is not None:
        return company_address.formatted
    return str(settings.DEFAULT_FROM_EMAIL)


@transaction.atomic
def set_sender_address(
    *,
    email: str,
    display_name: str = "",
    company: Company | None = None,
    user: User | None = None,
    allow_personal: bool = True,
) -> SenderAddress | None:
    """Save the company's (or the user's) sender address; an empty email removes it."""
    if (company is None) == (user is None):
        raise ValueError("a sender address belongs to a company or to a user")
    owner = {"company": company} if company is not None else {"user": user}
    if not email.strip():
        SenderAddress.objects.filter(**owner).delete()
        return None
    address, _created = SenderAddress.objects.update_or_create(
        **owner,
        defaults={
            "email": email.strip(),
            "display_name": display_name.strip(),
            "allow_personal": allow_personal,
        },
    )
    return address


# --- acting on messages (the outbox page) ----------------------------------------------------


def _locked(message: OutgoingMessage) -> OutgoingMessage:
    return OutgoingMessage.objects.select_for_update().get(pk=message.pk)


def can_retry(message: OutgoingMessage) -> bool:
    return message.channel == Channel.EMAIL and (
        message.state in {MessageState.FAILED, MessageState.GAVE_UP}
        or (message.state == MessageState.SENT and message.unconfirmed)
    )


def can_cancel(message: OutgoingMessage) -> bool:
    return message.state in {MessageState.QUEUED, MessageState.FAILED}


@transaction.atomic
def retry(message: OutgoingMessage, by: User) -> OutgoingMessage:
    """Queue a failed, given-up or unconfirmed message again, to be sent now. Retrying one that
    is already queued again does nothing (a double click)."""
    message = _locked(message)
    if message.state == MessageState.QUEUED:
        return message
    if not can_retry(message):
        raise MailError(_("Only a failed, given-up or unconfirmed email can be sent again."))
    message.state = MessageState.QUEUED
    message.attempts = 0
    message.next_attempt_at = None
    message.handed_over_at = None
    message.unconfirmed = False
    message.claimed_by = ""
    message.claimed_at = None
    message.sent_at = None
    message.error_code = ""
    message.save(
        update_fields=[
            "state", "attempts", "next_attempt_at", "handed_over_at", "unconfirmed",
            "claimed_by", "claimed_at", "sent_at", "error_code",
        ]
    )  # fmt: skip
    return message


@transaction.atomic
def cancel(message: OutgoingMessage, by: User) -> OutgoingMessage:
    """Take a message out of the queue before it is sent (cancelling twice does nothing)."""
    message = _locked(message)
    if message.state == MessageState.CANCELLED:
        return message
    if not can_cancel(message):
        raise MailError(_("Only a message that is waiting to be sent can be cancelled."))
    message.state = MessageState.CANCELLED
    message.next_attempt_at = None
    message.save(update_fields=["state", "next_attempt_at"])
    return message


@transaction.atomic
def mark_posted(message: OutgoingMessage, by: User | None) -> OutgoingMessage:
    """A letter for the post was printed and posted: it is sent (marking it again does
    nothing). The debtor's timeline says so."""
    from dunwell.ledger.models import TimelineEntry

    message = _locked(message)
    if message.channel != Channel.POST:
        raise MailError(_("Only a letter by post is marked as posted; emails are sent."))
    if message.state == MessageState.SENT:
        return message
    if message.state != MessageState.QUEUED:
        raise MailError(_("This letter is not waiting to be posted."))
    now = timezone.now()
    message.state = MessageState.SENT
    message.sent_at = now
    message.save(update_fields=["state", "sent_at"])
    if message.counterparty_id is not None:
        TimelineEntry.objects.create(
            counterparty_id=message.counterparty_id,
            at=now,
            actor=by,
            kind="mail.posted",
            summary=gettext("Letter posted: %(subject)s") % {"subject": message.subject},
            data={"message": message.pk, "subject": message.subject},
        )
    return message
