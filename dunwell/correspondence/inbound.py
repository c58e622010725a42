"""Incoming mail: the worker reads the IMAP mailboxes of DUNWELL_IMAP_URL (imap-tools), keeps
every new message (the .eml file, its text and attachments), puts it on its debtor's timeline
and tells the debtor's collector, or leaves it in triage; a bounce marks our message given up
and its address refused.

Exactly-once reading: each message is stored, and the mailbox's last UID advanced, in one
transaction; a message is one row per (mailbox, UIDVALIDITY, UID) and per Message-ID, so a
worker killed half-way, two workers at once or a renumbered folder store nothing twice."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted

from dunwell.accounts.models import User
from dunwell.correspondence import clues
from dunwell.correspondence.imap_urls import ImapAccount, parse_imap_urls
from dunwell.correspondence.matching import Match, match_mail
from dunwell.correspondence.models import (
    InboundAttachment,
    InboundMessage,
    InboundState,
    Mailbox,
)
from dunwell.correspondence.parsing import ParsedMail, parse_mail
from dunwell.ledger.models import Counterparty, TimelineEntry
from dunwell.locks import LockBusy, exclusive
from dunwell.mail.models import OutgoingMessage
from dunwell.mail.services import find_by_message_ids, mark_bounced

log = logging.getLogger(__name__)

# Messages read from one mailbox per poll; the rest wait for the next minute.
BATCH = 200
TIMEOUT = 30  # seconds, for every IMAP command


@dataclass
class PollResult:
    mailboxes: int = 0
    fetched: int = 0
    matched: int = 0
    triage: int = 0
    bounces: int = 0
    skipped: int = 0  # already stored (a renumbered folder read again)
    errors: list[str] = field(default_factory=list)

    def add(self, state: str | None) -> None:
        if state is None:
            self.skipped += 1
            return
        self.fetched += 1
        if state == InboundState.MATCHED:
            self.matched += 1
        elif state == InboundState.TRIAGE:
            self.triage += 1
        else:
            self.bounces += 1


def configured_accounts() -> list[ImapAccount]:
    return parse_imap_urls(str(getattr(settings, "DUNWELL_IMAP_URL", "") or ""))


def _connect(account: ImapAccount) -> BaseMailBox:
    box: BaseMailBox
    if account.scheme == "imaps":
        box = MailBox(account.host, account.port, timeout=TIMEOUT)
    elif account.starttls:
        box = MailBoxStartTls(account.host, account.port, timeout=TIMEOUT)
    else:
        box = MailBoxUnencrypted(account.host, account.port, timeout=TIMEOUT)
    return box.login(account.user, account.password, initial_folder=account.folder)


def poll_all(accounts: list[ImapAccount] | None = None) -> PollResult:
    """Read every configured mailbox once (the worker's minute job, `dunwell mail fetch`)."""
    result = PollResult()
    for account in configured_accounts() if accounts is None else accounts:
        result.mailboxes += 1
        try:
            with exclusive(f"imap:{account.label}", wait=False):
                poll_mailbox(account, result)
        except LockBusy:
            continue  # another worker is reading this mailbox now
        except Exception as exc:  # noqa: BLE001 - one broken mailbox must not stop the others
            text = f"{account.label}: {exc}"
            result.errors.append(text)
            log.warning("incoming mail: %s", text)
            Mailbox.objects.filter(address=account.label).update(
                last_error=str(exc)[:2000], checked_at=timezone.now()
            )
    return result


def poll_configured() -> PollResult | None:
    """The worker's job: nothing when no mailbox is configured."""
    accounts = configured_accounts()
    return poll_all(accounts) if accounts else None


def poll_mailbox(account: ImapAccount, result: PollResult) -> None:
    place, _created = Mailbox.objects.get_or_create(address=account.label)
    with _connect(account) as box:
        status = box.folder.status(account.folder, ["UIDVALIDITY"])
        uidvalidity = int(status["UIDVALIDITY"])
        if place.uidvalidity != uidvalidity:
            # A new folder or a renumbered one: read it from the start; what is stored already
            # is recognised by its Message-ID.
            Mailbox.objects.filter(pk=place.pk).update(uidvalidity=uidvalidity, last_uid=0)
            place.uidvalidity, place.last_uid = uidvalidity, 0
        found = box.uids(f"UID {place.last_uid + 1}:*")
        # "n:*" always names the last message, even one read already.
        uids = sorted(u for u in (int(x) for x in found) if u > place.last_uid)[:BATCH]
        for uid in uids:
            fetched = box.client.uid("fetch", str(uid), "(BODY.PEEK[])")
            raw = _raw_from_fetch(fetched)
            state = store_message(place, uidvalidity, uid, raw) if raw is not None else None
            if raw is None:
                _advance(place, uid)
            result.add(state)
    Mailbox.objects.filter(pk=place.pk).update(checked_at=timezone.now(), last_error="")


def _raw_from_fetch(fetched: tuple[str, list[object]]) -> bytes | None:
    status, data = fetched
    if status != "OK":
        raise RuntimeError(f"FETCH answered {status}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None  # expunged meanwhile


def _advance(place: Mailbox, uid: int) -> None:
    Mailbox.objects.filter(pk=place.pk, last_uid__lt=uid).update(last_uid=uid)
    place.last_uid = max(place.last_uid, uid)


def _fingerprint(mail: ParsedMail, raw: bytes) -> str:
    return mail.message_id or "sha256:" + hashlib.sha256(raw).hexdigest()


def store_message(
    place: Mailbox, uidvalidity: int, uid: int, raw: bytes, *, received_at: datetime | None = None
) -> str | None:
    """Keep one received message and act on it; returns its state, or None when it was stored
    before (then only the mailbox's place moves on). `received_at` is now unless given (the
    demo's messages arrived on past days)."""
    mail = parse_mail(raw)
    fingerprint = _fingerprint(mail, raw)[:255]
    try:
        with transaction.atomic():
            _advance(place, uid)
            if InboundMessage.objects.filter(fingerprint=fingerprint).exists():
                return None
            message = _save(
                place, uidvalidity, uid, raw, mail, fingerprint, received_at or timezone.now()
            )
            try:
                with transaction.atomic():
                    _act(message, mail)
            except Exception:  # noqa: BLE001 - a message we cannot place waits in triage
                log.exception("incoming mail: could not place message %s", message.pk)
                message.refresh_from_db()
            return message.state
    except IntegrityError:
        # Stored meanwhile by another reader (same UID or same Message-ID): nothing to do.
        _advance(place, uid)
        return None


def _save(
    place: Mailbox,
    uidvalidity: int,
    uid: int,
    raw: bytes,
    mail: ParsedMail,
    fingerprint: str,
    received_at: datetime,
) -> InboundMessage:
    message = InboundMessage(
        mailbox=place,
        uidvalidity=uidvalidity,
        uid=uid,
        message_id=mail.message_id[:255],
        fingerprint=fingerprint,
        from_email=mail.from_email[:320],
        from_name=mail.from_name[:255],
        to=mail.to,
        subject=mail.subject,
        sent_at=mail.date,
        received_at=received_at,
        text=mail.text,
        state=InboundState.TRIAGE,
    )
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:24]
    message.raw.save(f"{digest}.eml", ContentFile(raw), save=False)
    message.save()
    for n, attachment in enumerate(mail.attachments, start=1):
        stored = InboundAttachment(
            message=message,
            filename=attachment.filename[:255],
            content_type=attachment.content_type[:100],
            size=len(attachment.content),
        )
        stored.file.save(f"{digest}-{n}", ContentFile(attachment.content), save=False)
        stored.save()
    return message


def _act(message: InboundMessage, mail: ParsedMail) -> None:
    if mail.bounce is not None:
        _bounced(message, mail)
        return
    found: Match = match_mail(mail)
    message.reply_to = found.reply_to
    if found.counterparty_id is not None:
        counterparty = Counterparty.objects.select_related("collector").get(
            pk=found.counterparty_id
        )
        put_on_debtor(message, counterparty, found.matched_by, actor=None, at=message.received_at)
        return
    message.candidates = found.counterparty_ids
    message.save(update_fields=["reply_to", "candidates"])


def message_url(message: InboundMessage) -> str:
    return reverse("correspondence:message", args=[message.pk])


def put_on_debtor(
    message: InboundMessage,
    counterparty: Counterparty,
    matched_by: str,
    actor: User | None,
    at: datetime | None = None,
) -> None:
    """The message belongs to this debtor: its timeline says so (at `at`, else now), its
    collector is told. Call inside the storing (or assigning) transaction."""
    from dunwell.work.models import Notification
    from dunwell.work.services import notify

    message.counterparty = counterparty
    message.state = InboundState.MATCHED
    message.matched_by = matched_by
    message.candidates = []
    message.save(update_fields=["counterparty", "state", "matched_by", "candidates", "reply_to"])
    attachments = [
        {"name": a.filename, "url": reverse("correspondence:attachment", args=[a.pk])}
        for a in message.attachments.all()
    ]
    TimelineEntry.objects.create(
        counterparty=counterparty,
        at=at or timezone.now(),
        actor=actor,
        kind="correspondence.email_received",
        summary=gettext("Email from %(sender)s: %(subject)s") % _who(message),
        data={
            "message": message.pk,
            "from": message.from_email,
            "subject": message.subject,
            "excerpt": clues.excerpt(message.text),
            "url": message_url(message),
            "attachments": attachments,
        },
    )
    collector = counterparty.collector
    if collector is not None and collector.is_active:
        notify(
            collector,
            Notification.Kind.MAIL_RECEIVED,
            gettext_lazy("Email from %(sender)s on %(debtor)s: %(subject)s"),
            counterparty=counterparty,
            url=message_url(message),
            key=f"inbound:{message.pk}",
            params={**_who(message), "debtor": counterparty.name},
        )


def _who(message: InboundMessage) -> dict[str, str]:
    return {
        "sender": message.from_email or message.from_name or "?",
        "subject": message.subject or "—",
    }


def _bounced(message: InboundMessage, mail: ParsedMail) -> None:
    """A bounce is never triaged: it names our message, which failed (a permanent failure) —
    the message gives up, its address is refused, the debtor's timeline says so."""
    assert mail.bounce is not None
    bounce = mail.bounce
    original = find_by_message_ids(bounce.original_ids)
    message.state = InboundState.BOUNCE
    message.bounce_reason = bounce.reason
    message.reply_to = original
    message.counterparty_id = original.counterparty_id if original is not None else None
    message.save(update_fields=["state", "bounce_reason", "reply_to", "counterparty"])
    if original is None or not bounce.permanent:
        return
    mark_bounced(original, bounce.reason)
    if original.counterparty_id is None:
        return
    _tell_about_bounce(message, original)
    TimelineEntry.objects.create(
        counterparty_id=original.counterparty_id,
        at=timezone.now(),
        actor=None,
        kind="correspondence.bounce",
        summary=gettext("Email to %(to)s was not delivered: %(reason)s")
        % {"to": original.to_email, "reason": bounce.reason},
        data={
            "message": message.pk,
            "outgoing": original.pk,
            "to": original.to_email,
            "subject": original.subject,
            "reason": bounce.reason,
            "url": message_url(message),
        },
    )


def _tell_about_bounce(message: InboundMessage, original: OutgoingMessage) -> None:
    """The collector (the debtor's, or the sender of the message) learns the address is bad."""
    from dunwell.work.models import Notification
    from dunwell.work.services import notify

    counterparty = original.counterparty
    if counterparty is None:
        return
    recipient = counterparty.collector or original.sender
    if recipient is None or not recipient.is_active:
        return
    notify(
        recipient,
        Notification.Kind.EMAIL_REFUSED,
        gettext_lazy("Email to %(to)s (%(debtor)s) was not delivered: %(reason)s"),
        counterparty=counterparty,
        url=message_url(message),
        key=f"bounce:{original.pk}",
        params={
            "to": original.to_email,
            "debtor": counterparty.name,
            "reason": message.bounce_reason,
        },
    )


def run(log_line: Callable[[str], object] | None = None) -> PollResult:
    """Poll once and describe it in one line (for the command and logs)."""
    result = poll_all()
    if log_line is not None:
        log_line(summary(result))
    return result


def summary(result: PollResult) -> str:
    return (
        f"{result.mailboxes} mailbox(es): {result.fetched} new message(s), "
        f"{result.matched} on a debtor, {result.triage} to triage, {result.bounces} bounce(s), "
        f"{result.skipped} already stored, {len(result.errors)} error(s)"
    )
