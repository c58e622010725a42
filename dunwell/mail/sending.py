"""Sending the outbox over SMTP, at most once (docs/mail.md, "At most once").

One message goes through these steps; each database step is committed before the next SMTP step:

1. claim: a conditional update from queued (or failed and due) to "sending", with our worker
   token and the time, committed before we talk to the server;
2. MAIL FROM, RCPT TO, DATA and the whole body, but not the final "." that ends it;
3. the "handed over" mark (`handed_over_at`), a conditional update that only succeeds while the
   claim is still ours, committed;
4. the final "." (one small write), then the server's answer: 250 → sent, 4xx → failed and tried
   again later, 5xx → given up.

A worker killed before step 3 has not written the "." and the server drops a DATA transaction
whose connection dies (RFC 5321 §4.1.1.4: the "." confirms the transaction; §4.1.1.10: a
connection closed early cancels a pending one), so the message is put back in the queue. A
worker killed after step 3 has (almost always) written the ".": the kernel still delivers bytes
written to a socket after the process dies, so the message is taken as sent, flagged
"unconfirmed", and never sent again by itself. A kill between committing step 3 and writing the
"." is settled by the keeper (keeper.py), which holds a copy of the connection and finishes or
abandons the message from the database's answer; on TLS connections, which it cannot hold, that
kill loses the message (docs/mail.md). A duplicate is not possible, whatever the timing.

`send_due` is the one entry point (the command, the worker, the bench).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import smtplib
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from email.utils import formatdate, getaddresses

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import close_old_connections, connection, transaction
from django.db.models import Max, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dunwell import bulk
from dunwell.ledger.models import Contact, TimelineEntry
from dunwell.mail import keeper, pacing
from dunwell.mail.models import Channel, MessageState, OutgoingMessage, RefusalReason
from dunwell.mail.services import mark_address_bad, sender_for
from dunwell.mail.smtp_url import SmtpServer, parse_smtp_url

# A claim older than this is a dead worker's, whatever host it ran on (on our own host we ask
# the kernel whether the claiming process still lives, and do not wait).
CLAIM_TIMEOUT = timedelta(minutes=5)
# Messages one thread claims at once (a killed worker leaves at most this many per thread to
# put back in the queue).
CLAIM_BATCH = 20
_CRLF = b"\r\n"
_EOLS = re.compile(rb"\r\n|\n|\r")
_LEADING_DOT = re.compile(rb"^\.", re.MULTILINE)


@dataclass
class SendReport:
    """What one `send_due` did."""

    configured: bool = True
    sent: int = 0
    retried: int = 0  # failed for now, tried again later
    gave_up: int = 0  # a 5xx answer, too many attempts, or refused by us (below)
    refused: int = 0  # not sent: the address is flagged bad or the contact opted out
    unconfirmed: int = 0  # handed over, answer not read (taken as sent)
    requeued: int = 0  # claims of dead workers put back in the queue
    seconds: float = 0.0

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.gave_up + self.unconfirmed

    def add(self, other: SendReport) -> None:
        for f in fields(self):
            if f.name not in {"configured", "seconds"}:
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def smtp_server() -> SmtpServer | None:
    return parse_smtp_url(str(getattr(settings, "DUNWELL_EMAIL_URL", "") or ""))


def is_configured() -> bool:
    return smtp_server() is not None


def _due(now: datetime) -> Q:
    waiting = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return Q(channel=Channel.EMAIL) & (
        (Q(state=MessageState.QUEUED) & waiting)
        | Q(state=MessageState.FAILED, next_attempt_at__lte=now)
    )


def has_due() -> bool:
    """Cheap: one indexed query (the worker asks every second)."""
    return OutgoingMessage.objects.filter(_due(timezone.now())).exists()


def send_if_due() -> SendReport | None:
    """The worker's step, every second: send when something is due (until nothing is), else
    return None after one indexed query."""
    if not is_configured() or not has_due():
        return None
    return send_due(until_empty=True)


# --- claims and dead workers -----------------------------------------------------------------


def new_token(thread: int = 0) -> str:
    """host:pid:nonce:thread — enough to tell, on this host, whether the claimer still lives."""
    host = socket.gethostname()[:30].replace(":", "_")
    return f"{host}:{os.getpid()}:{secrets.token_hex(4)}:{thread}"


def _dead(token: str) -> bool:
    """The claiming process is gone (only knowable for a process of this host)."""
    parts = token.split(":")
    if len(parts) < 2 or parts[0] != socket.gethostname()[:30].replace(":", "_"):
        return False
    try:
        pid = int(parts[1])
    except ValueError:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def recover_stale(now: datetime | None = None) -> tuple[int, int]:
    """Messages left in "sending" by a dead worker: without the handed-over mark they never
    reached the server and go back to the queue; with it they are taken as sent, unconfirmed.
    Returns (requeued, unconfirmed)."""
    now = now or timezone.now()
    sending = OutgoingMessage.objects.filter(state=MessageState.SENDING)
    # order_by(): the model's ordering would make DISTINCT count (token, created_at, id).
    tokens = set(sending.order_by().values_list("claimed_by", flat=True).distinct()[:1000])
    dead = [t for t in tokens if _dead(t)]
    stale = sending.filter(Q(claimed_at__lt=now - CLAIM_TIMEOUT) | Q(claimed_by__in=dead))
    with transaction.atomic():
        requeued = stale.filter(handed_over_at__isnull=True).update(
            state=MessageState.QUEUED, claimed_by="", claimed_at=None, next_attempt_at=None
        )
        handed = list(
            stale.filter(handed_over_at__isnull=False)
            .select_for_update()
            .values_list("pk", "counterparty_id", "to_email", "subject", "handed_over_at")
        )
        if handed:
            # claimed_by stays: should the worker be alive after all, its answer still counts.
            OutgoingMessage.objects.filter(pk__in=[h[0] for h in handed]).update(
                state=MessageState.SENT, unconfirmed=True, sent_at=now
            )
            TimelineEntry.objects.bulk_create(
                TimelineEntry(
                    counterparty_id=cp,
                    at=handed_at or now,
                    kind="mail.sent",
                    summary=_sent_summary(to, subject),
                    data={"message": pk, "to": to, "subject": subject, "unconfirmed": True},
                )
                for pk, cp, to, subject, handed_at in handed
                if cp is not None
            )
    return requeued, len(handed)


def _claim(token: str, limit: int, max_id: int | None) -> list[int]:
    now = timezone.now()
    due = OutgoingMessage.objects.filter(_due(now))
    if max_id is not None:
        due = due.filter(pk__lte=max_id)
    with transaction.atomic():
        # SQLite: the transaction takes the write lock up front (IMMEDIATE), so claimers queue;
        # PostgreSQL: each claimer skips the rows another is claiming.
        candidates = due.order_by("pk").select_for_update(
            skip_locked=connection.vendor == "postgresql"
        )
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        OutgoingMessage.objects.filter(_due(now), pk__in=ids).update(
            state=MessageState.SENDING, claimed_by=token, claimed_at=now, handed_over_at=None
        )
    return list(
        OutgoingMessage.objects.filter(
            pk__in=ids, state=MessageState.SENDING, claimed_by=token
        ).values_list("pk", flat=True)
    )


def _release(token: str, ids: list[int]) -> None:
    """Claims not started (the thread is stopping): back to the queue."""
    if ids:
        OutgoingMessage.objects.filter(
            pk__in=ids, state=MessageState.SENDING, claimed_by=token, handed_over_at__isnull=True
        ).update(state=MessageState.QUEUED, claimed_by="", claimed_at=None)


# --- the email ---------------------------------------------------------------------------------


def build(message: OutgoingMessage) -> tuple[str, list[str], bytes]:
    """(envelope sender, recipients, the message as bytes with CRLF line ends)."""
    from_header = message.from_email or sender_for(message.company, message.sender)
    recipients = [addr for _name, addr in getaddresses([message.to_email]) if "@" in addr]
    headers = {"Message-ID": message.message_id, "Date": formatdate(localtime=False)}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
        headers["References"] = message.in_reply_to
    if message.language:
        headers["Content-Language"] = message.language
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=from_header,
        to=[message.to_email],
        headers=headers,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as stored:
            email.attach(attachment.filename, stored.read(), attachment.content_type)
    data = email.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]
    envelope = str(getattr(settings, "DUNWELL_MAIL_RETURN_PATH", "") or "")
    if not envelope:
        envelope = getaddresses([from_header])[0][1] or settings.DEFAULT_FROM_EMAIL
    return envelope, recipients, data


def _dot_stuffed(data: bytes) -> bytes:
    """The DATA body without its final "." line: CRLF line ends, leading dots doubled."""
    body = _LEADING_DOT.sub(b"..", _EOLS.sub(_CRLF, data))
    return body if body.endswith(_CRLF) else body + _CRLF


def refusals(messages: list[OutgoingMessage]) -> dict[int, str]:
    """Why we will not send some of these messages at all: {message id: RefusalReason}. One
    query for the batch: an address flagged bad on any contact of the company, or the message's
    contact (or a contact with its address) opted out."""
    wanted: dict[int, list[str]] = {
        m.pk: [a.lower() for _n, a in getaddresses([m.to_email]) if "@" in a] for m in messages
    }
    out = {pk: str(RefusalReason.NO_ADDRESS) for pk, addresses in wanted.items() if not addresses}
    addresses = {a for listed in wanted.values() for a in listed}
    contact_ids = {m.contact_id for m in messages if m.contact_id is not None}
    if not addresses and not contact_ids:
        return out
    flagged = (
        Contact.objects.annotate(address=Lower("email"))
        .filter(Q(address__in=addresses) | Q(pk__in=contact_ids))
        .filter(Q(email_bad_at__isnull=False) | Q(email_opt_out=True))
        .values_list("pk", "counterparty__company_id", "address", "email_bad_at", "email_opt_out")
    )
    bad: set[tuple[int, str]] = set()
    opted_out: set[tuple[int, str]] = set()
    opted_out_contacts: set[int] = set()
    for pk, company_id, address, bad_at, opt_out in flagged:
        if bad_at is not None:
            bad.add((company_id, address))
        if opt_out:
            opted_out.add((company_id, address))
            opted_out_contacts.add(pk)
    for message in messages:
        if message.pk in out:
            continue
        keys = {(message.company_id, a) for a in wanted[message.pk]}
        if keys & bad:
            out[message.pk] = str(RefusalReason.ADDRESS_BAD)
        elif keys & opted_out or message.contact_id in opted_out_contacts:
            out[message.pk] = str(RefusalReason.OPTED_OUT)
    return out


# --- outcomes ----------------------------------------------------------------------------------


def _sent_summary(to: str, subject: str) -> str:
    return gettext("Email “%(subject)s” sent to %(to)s") % {"to": to, "subject": subject}


def _gave_up_summary(to: str, subject: str, reason: str) -> str:
    return gettext("Email “%(subject)s” to %(to)s not delivered: %(reason)s") % {
        "to": to,
        "subject": subject,
        "reason": reason,
    }


def _timeline(message: OutgoingMessage, kind: str, summary: str, **data: object) -> None:
    if message.counterparty_id is None:
        return
    TimelineEntry.objects.create(
        counterparty_id=message.counterparty_id,
        at=timezone.now(),
        actor=message.sender,
        kind=kind,
        summary=summary,
        data={"message": message.pk, "to": message.to_email, "subject": message.subject, **data},
    )


def _mine(message: OutgoingMessage, token: str) -> Q:
    return Q(pk=message.pk, claimed_by=token)


def _record_sent(message: OutgoingMessage, token: str, *, unconfirmed: bool) -> None:
    now = timezone.now()
    with transaction.atomic():
        # Taken as sent by recover_stale while we were still talking: its entry is written.
        recorded = OutgoingMessage.objects.filter(pk=message.pk, state=MessageState.SENT).exists()
        changed = OutgoingMessage.objects.filter(_mine(message, token)).update(
            state=MessageState.SENT,
            sent_at=now,
            unconfirmed=unconfirmed,
            attempts=message.attempts + 1,
            next_attempt_at=None,
            last_error="no answer after the end of the message" if unconfirmed else "",
            error_code="",
        )
        if changed and not recorded:
            _timeline(
                message,
                "mail.sent",
                _sent_summary(message.to_email, message.subject),
                unconfirmed=unconfirmed,
            )


def _record_failure(message: OutgoingMessage, token: str, error: str) -> bool:
    """A temporary failure: tried again after the backoff, or given up after the last attempt.
    Returns True when given up."""
    attempts = message.attempts + 1
    now = timezone.now()
    last = pacing.gives_up(attempts, int(settings.DUNWELL_MAIL_MAX_ATTEMPTS))
    with transaction.atomic():
        changed = OutgoingMessage.objects.filter(_mine(message, token)).update(
            state=MessageState.GAVE_UP if last else MessageState.FAILED,
            attempts=attempts,
            next_attempt_at=None if last else now + pacing.backoff(attempts),
            handed_over_at=None,
            claimed_by="",
            claimed_at=None,
            last_error=error[:2000],
            error_code="",
        )
        if changed and last:
            _timeline(
                message,
                "mail.gave_up",
                _gave_up_summary(message.to_email, message.subject, error[:300]),
                error=error[:500],
            )
    return last


def _record_refused(
    message: OutgoingMessage,
    token: str,
    error: str,
    *,
    code: str = "",
    bad_address: str = "",
) -> None:
    """Given up at once: a 5xx answer (`bad_address` when it was the recipient's) or our own
    refusal (`code`). The collector hears of a server's refusal."""
    from dunwell.work.models import Notification
    from dunwell.work.services import notify

    with transaction.atomic():
        changed = OutgoingMessage.objects.filter(_mine(message, token)).update(
            state=MessageState.GAVE_UP,
            attempts=message.attempts + (0 if code else 1),
            next_attempt_at=None,
            handed_over_at=None,
            claimed_by="",
            claimed_at=None,
            last_error=error[:2000],
            error_code=code,
        )
        if not changed:
            return
        reason = str(RefusalReason(code).label) if code else error[:300]
        _timeline(
            message,
            "mail.gave_up",
            _gave_up_summary(message.to_email, message.subject, reason),
            error=error[:500],
            code=code,
        )
        if code:
            return
        if bad_address:
            mark_address_bad(bad_address, error, company=message.company)
        recipient = message.sender or (
            message.counterparty.collector if message.counterparty else None
        )
        if recipient is not None and recipient.is_active:
            notify(
                recipient,
                Notification.Kind.EMAIL_REFUSED,
                gettext_lazy(
                    "The mail server refused the email to %(to)s (%(debtor)s): %(answer)s"
                ),
                message.counterparty,
                reverse("mail:message", args=[message.pk]),
                key=f"email-refused:{message.pk}",
                params={
                    "to": message.to_email,
                    "debtor": message.counterparty.name if message.counterparty else "—",
                    "answer": error[:300],
                },
            )


# --- SMTP --------------------------------------------------------------------------------------


class _Reply(Exception):
    """The server answered a command with something other than success."""

    def __init__(self, stage: str, code: int, text: bytes | str, recipient: str = "") -> None:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        super().__init__(f"{stage}: {code} {text}".strip())
        self.code = code
        self.recipient = recipient


def _connect(server: SmtpServer) -> smtplib.SMTP:
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if server.implicit_tls:
        client = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    try:
        # The final "." is a write of its own after the body: without NODELAY it would wait
        # for the body's (delayed) ACK, some 40 ms per message.
        if client.sock is not None:
            client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.ehlo()
        if server.starttls:
            client.starttls(context=context)
            client.ehlo()
        if server.user:
            client.login(server.user, server.password)
    except BaseException:
        _drop(client)
        raise
    return client


def _drop(client: smtplib.SMTP | None) -> None:
    """Close without QUIT: a connection in an unknown state (mid-DATA, after an error)."""
    if client is None:
        return
    with contextlib.suppress(OSError):
        # shutdown, not only close: the keeper may hold a duplicate of the socket, and the
        # server must see the connection end now (it discards an unfinished message).
        if client.sock is not None:
            client.sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        client.close()


def _quit(client: smtplib.SMTP | None) -> None:
    if client is None:
        return
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        _drop(client)


class _Sender:
    """One thread's SMTP connection, reused for the messages it claims."""

    def __init__(self, server: SmtpServer, throttle: pacing.DomainThrottle, token: str) -> None:
        self.server = server
        self.throttle = throttle
        self.token = token
        self.client: smtplib.SMTP | None = None
        # The keeper's number for our connection (None: not held, e.g. TLS; see keeper.py).
        self.held: int | None = None
        self.report = SendReport()
        # Accepted by the server, not yet recorded (see `flush`).
        self.accepted: list[OutgoingMessage] = []

    def close(self) -> None:
        _quit(self.client)
        self._unhold()
        self.client = None

    def _open(self) -> smtplib.SMTP:
        """A new connection, handed to the keeper when it can finish a message on it."""
        self.client = client = _connect(self.server)
        plain = not (self.server.implicit_tls or self.server.starttls)
        if plain and settings.DUNWELL_MAIL_KEEPER and client.sock is not None:
            link = keeper.link()
            if link is not None:
                self.held = link.hold(client.sock)
        return client

    def _unhold(self) -> None:
        if self.held is not None:
            link = keeper.link()
            if link is not None:
                link.release(self.held)
            self.held = None

    def send(self, message: OutgoingMessage, refusal: str = "") -> None:
        if refusal:
            _record_refused(message, self.token, str(RefusalReason(refusal).label), code=refusal)
            self.report.refused += 1
            self.report.gave_up += 1
            return
        try:
            envelope, recipients, data = build(message)
        except OSError as exc:  # an attachment's file cannot be read (storage away?)
            self._failed(message, f"{type(exc).__name__}: {exc}")
            return
        except ValueError as exc:  # a header Django refuses, an undecodable file: for good
            code = RefusalReason.MALFORMED
            _record_refused(message, self.token, f"{RefusalReason(code).label}: {exc}", code=code)
            self.report.gave_up += 1
            return
        for recipient in recipients:
            self.throttle.wait(recipient.rpartition("@")[2])
        try:
            self._transaction(message, envelope, recipients, data)
        except _Reply as reply:
            if self.client is not None and reply.code != 421:
                try:
                    self.client.rset()
                except (smtplib.SMTPException, OSError):
                    self._lose_connection()
            else:
                self._lose_connection()
            if 400 <= reply.code < 500:
                self._failed(message, str(reply))
            else:
                _record_refused(message, self.token, str(reply), bad_address=reply.recipient)
                self.report.gave_up += 1
        except (smtplib.SMTPException, OSError) as exc:
            # Refused or dropped connection, TLS or login failure, timeout: before the
            # handed-over mark, so the server has not taken the message.
            self._lose_connection()
            self._failed(message, f"{type(exc).__name__}: {exc}")

    def _lose_connection(self) -> None:
        _drop(self.client)
        self._unhold()
        self.client = None

    def _failed(self, message: OutgoingMessage, error: str) -> None:
        if _record_failure(message, self.token, error):
            self.report.gave_up += 1
        else:
            self.report.retried += 1

    def _transaction(
        self, message: OutgoingMessage, envelope: str, recipients: list[str], data: bytes
    ) -> None:
        if self.client is None:
            client = self._open()
            reused = False
        else:
            client = self.client
            reused = True
        options = ["BODY=8BITMIME"] if client.has_extn("8bitmime") else []
        try:
            code, text = client.mail(envelope, options)
        except (smtplib.SMTPServerDisconnected, ConnectionError):
            if not reused:
                raise
            # The server hung up an idle connection of ours: open a new one, once.
            self._lose_connection()
            client = self._open()
            options = ["BODY=8BITMIME"] if client.has_extn("8bitmime") else []
            code, text = client.mail(envelope, options)
        if code != 250:
            raise _Reply("MAIL FROM", code, text)
        for recipient in recipients:
            code, text = client.rcpt(recipient)
            if code not in (250, 251):
                raise _Reply("RCPT TO", code, text, recipient=recipient)
        client.putcmd("data")
        code, text = client.getreply()
        if code != 354:
            raise _Reply("DATA", code, text)
        # The answers read so far are recorded once per claimed batch (`_run_thread` flushes),
        # in their own transaction, never between the handed-over commit and the final ".".
        client.send(_dot_stuffed(data))
        held = self.held
        link = keeper.link() if held is not None else None
        if link is not None and held is not None:
            # Should we die from here until `settled`, the keeper finishes or abandons it.
            link.in_flight(held, message.pk, self.token)
        try:
            # Step 3: from here the message may reach the server; never again by itself.
            marked = _mark_handed_over(message.pk, self.token)
            if not marked:
                # Our claim was taken back (we were thought dead): abandon the DATA by dropping
                # the connection, so the server discards it.
                self._lose_connection()
                return
            try:
                client.send(b"." + _CRLF)
                code, text = client.getreply()
            except (smtplib.SMTPException, OSError):
                self._lose_connection()
                _record_sent(message, self.token, unconfirmed=True)
                self.report.unconfirmed += 1
                return
        finally:
            if link is not None and held is not None:
                link.settled(held)
        if code == 250:
            self.accepted.append(message)
            self.report.sent += 1
            return
        raise _Reply("DATA", code, text)

    def flush(self) -> None:
        """Record the messages the server accepted (state sent, a timeline entry each)."""
        if self.accepted:
            _record_accepted(self.accepted, self.token)
            self.accepted = []


def _table() -> str:
    return connection.ops.quote_name(OutgoingMessage._meta.db_table)


def _mark_handed_over(pk: int, token: str) -> bool:
    """The handed-over mark, only while the claim is still ours. One statement committed by
    itself (autocommit) on the backend's own cursor: the moments between this commit and the
    write of the final "." are the only ones in which a kill loses a message (docs/mail.md),
    so nothing is done in them."""
    if connection.in_atomic_block and not getattr(settings, "DUNWELL_MAIL_ALLOW_ATOMIC", False):
        # Inside a transaction the mark would not be committed before the "." (tests run the
        # sender in the test's transaction on purpose and say so with the setting).
        raise RuntimeError("send the outbox outside a transaction")
    connection.ensure_connection()
    cursor = connection.create_cursor()
    try:
        cursor.execute(
            f"UPDATE {_table()} SET handed_over_at = %s "  # noqa: S608 - our own table name
            "WHERE id = %s AND state = %s AND claimed_by = %s AND handed_over_at IS NULL",
            [
                connection.ops.adapt_datetimefield_value(timezone.now()),
                pk,
                MessageState.SENDING.value,
                token,
            ],
        )
        return bool(cursor.rowcount == 1)
    finally:
        cursor.close()


def _record_accepted(messages: list[OutgoingMessage], token: str) -> None:
    """Messages the server answered 250 after the final ".": sent, with their timeline
    entries; in the caller's transaction (or one of its own). Plain SQL: this is on the path
    of every message."""
    ids = [m.pk for m in messages]
    now = timezone.now()
    with transaction.atomic():
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_table()} SET state = %s, sent_at = %s, unconfirmed = %s, "  # noqa: S608 - placeholders only
                "attempts = attempts + 1, next_attempt_at = NULL, last_error = '', "
                f"error_code = '' WHERE id IN ({marks}) AND claimed_by = %s AND state = %s",
                [
                    MessageState.SENT.value,
                    connection.ops.adapt_datetimefield_value(now),
                    False,
                    *ids,
                    token,
                    MessageState.SENDING.value,
                ],
            )
            changed = cursor.rowcount
        if changed != len(ids):
            # Some were taken as sent (unconfirmed) by recover_stale while we were still
            # talking: their timeline entry is written; confirm them without a second one.
            OutgoingMessage.objects.filter(
                pk__in=ids, claimed_by=token, state=MessageState.SENT
            ).update(unconfirmed=False, last_error="")
            fresh = set(
                OutgoingMessage.objects.filter(pk__in=ids, sent_at=now).values_list("pk", flat=True)
            )
            messages = [m for m in messages if m.pk in fresh]
        bulk.insert_objects(
            TimelineEntry,
            [
                {
                    "counterparty_id": m.counterparty_id,
                    "at": now,
                    "actor_id": m.sender_id,
                    "kind": "mail.sent",
                    "summary": _sent_summary(m.to_email, m.subject),
                    "data": {"message": m.pk, "to": m.to_email, "subject": m.subject},
                }
                for m in messages
                if m.counterparty_id is not None
            ],
        )


# --- the loop ----------------------------------------------------------------------------------


@dataclass
class _Budget:
    """How many more messages may be claimed (None: no limit), shared by the threads."""

    left: int | None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, wanted: int) -> int:
        with self.lock:
            if self.left is None:
                return wanted
            granted = min(wanted, self.left)
            self.left -= granted
            return granted

    def give_back(self, count: int) -> None:
        with self.lock:
            if self.left is not None:
                self.left += count


Progress = Callable[[SendReport], object]


def _run_thread(
    number: int,
    server: SmtpServer,
    throttle: pacing.DomainThrottle,
    budget: _Budget,
    max_id: int | None,
    on_batch: Callable[[SendReport], None],
    stop: threading.Event,
) -> None:
    sender = _Sender(server, throttle, new_token(number))
    try:
        while not stop.is_set():
            wanted = budget.take(CLAIM_BATCH)
            if wanted == 0:
                break
            ids = _claim(sender.token, wanted, max_id)
            budget.give_back(wanted - len(ids))
            if not ids:
                break
            messages = (
                OutgoingMessage.objects.filter(pk__in=ids)
                .select_related("company", "sender", "counterparty__collector")
                .prefetch_related("attachments")
                .order_by("pk")
            )
            pending = list(ids)
            batch = list(messages)
            refused = refusals(batch)
            try:
                for message in batch:
                    if stop.is_set():
                        break
                    sender.send(message, refused.get(message.pk, ""))
                    pending.remove(message.pk)
            finally:
                sender.flush()
                _release(sender.token, pending)
            on_batch(sender.report)
            sender.report = SendReport()
    except BaseException:
        # Maybe mid-DATA: no QUIT (it would become part of the body), just hang up.
        sender._lose_connection()
        raise
    finally:
        sender.close()


_THROTTLES: dict[float, pacing.DomainThrottle] = {}
_THROTTLES_LOCK = threading.Lock()


def _throttle(rate: float) -> pacing.DomainThrottle:
    """One throttle per process (and rate): the worker's successive runs share its slots."""
    with _THROTTLES_LOCK:
        if rate not in _THROTTLES:
            _THROTTLES[rate] = pacing.DomainThrottle(rate)
        return _THROTTLES[rate]


def send_due(
    limit: int | None = None,
    *,
    until_empty: bool = False,
    concurrency: int | None = None,
    progress: Progress | None = None,
) -> SendReport:
    """Send the email messages that are due, at most `limit` of them, with up to
    DUNWELL_MAIL_CONCURRENCY connections; returns what happened. Without `until_empty` only the
    messages already queued when it starts are sent; with it, also those queued meanwhile,
    until none is due. Mail not configured (DUNWELL_EMAIL_URL empty): nothing is sent."""
    started = time.monotonic()
    report = SendReport()
    report.requeued, report.unconfirmed = recover_stale()
    server = smtp_server()
    if server is None:
        report.configured = False
        return report
    max_id = None
    if not until_empty:
        max_id = OutgoingMessage.objects.aggregate(top=Max("pk"))["top"] or 0
    threads = concurrency or int(settings.DUNWELL_MAIL_CONCURRENCY)
    throttle = _throttle(float(settings.DUNWELL_MAIL_DOMAIN_RATE))
    budget = _Budget(limit)
    lock = threading.Lock()
    stop = threading.Event()

    def on_batch(done: SendReport) -> None:
        with lock:
            report.add(done)
            report.seconds = time.monotonic() - started
            if progress is not None:
                progress(report)

    # A thread that commits the handed-over mark must write the "." at once; waiting for the
    # interpreter lock held by another thread widens the one window a kill can lose a message
    # in, so the lock changes hands more often while we send.
    switch = sys.getswitchinterval()
    if threads > 1:
        sys.setswitchinterval(min(switch, 0.0001))
    try:
        _run_threads(threads, server, throttle, budget, max_id, on_batch, stop)
    finally:
        sys.setswitchinterval(switch)
    report.seconds = time.monotonic() - started
    return report


def _run_threads(
    threads: int,
    server: SmtpServer,
    throttle: pacing.DomainThrottle,
    budget: _Budget,
    max_id: int | None,
    on_batch: Callable[[SendReport], None],
    stop: threading.Event,
) -> None:
    if threads == 1:
        # In the calling thread (and its transaction, in tests).
        _run_thread(0, server, throttle, budget, max_id, on_batch, stop)
    else:
        errors: list[BaseException] = []

        def run(number: int) -> None:
            try:
                _run_thread(number, server, throttle, budget, max_id, on_batch, stop)
            except BaseException as exc:  # noqa: BLE001 - reported by the caller below
                errors.append(exc)
                stop.set()
            finally:
                close_old_connections()
                connection.close()

        pool = [
            threading.Thread(target=run, args=(n,), name=f"outbox-{n}", daemon=True)
            for n in range(threads)
        ]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        if errors:
            raise errors[0]
