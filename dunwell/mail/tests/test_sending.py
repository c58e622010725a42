"""Sending the outbox to a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from dunwell.ledger.models import Contact, TimelineEntry
from dunwell.mail.models import MessageState, OutgoingMessage, RefusalReason
from dunwell.mail.sending import recover_stale, send_due
from dunwell.mail.services import Attachment, queue_message, set_sender_address
from dunwell.mail.tests.smtp_sink import SmtpSink, free_port
from dunwell.work.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def debtor(make_counterparty: Any, collector: Any) -> Any:
    return make_counterparty(collector=collector, name="Vinuri Bune SRL")


@pytest.fixture
def contact(debtor: Any) -> Contact:
    return Contact.objects.create(counterparty=debtor, name="Ana Pop", email="ana@vinuri.ro")


def _queue(company: Any, debtor: Any, collector: Any, to: str = "ana@vinuri.ro", **extra: Any):
    return queue_message(
        company=company,
        counterparty=debtor,
        sender=collector,
        to=to,
        subject=extra.pop("subject", "Factura INV-7 restantă"),
        text="Bună ziua, vă rugăm să achitați factura INV-7.",
        **extra,
    )


def test_a_message_arrives_once_with_its_id_subject_html_and_utf8_attachment(
    smtp_sink: SmtpSink, company: Any, debtor: Any, collector: Any, contact: Contact
) -> None:
    set_sender_address(company=company, email="incasari@demo.ro", display_name="Demo Încasări")
    message = _queue(
        company,
        debtor,
        collector,
        html="<p>Bună ziua, <b>INV-7</b></p>",
        attachments=[Attachment("Extras de cont — Vinuri.pdf", b"%PDF-1.4 x", "application/pdf")],
        in_reply_to="<earlier@vinuri.ro>",
    )

    report = send_due()

    assert (report.sent, report.retried, report.gave_up) == (1, 0, 0)
    [received] = smtp_sink.received
    email = received.message
    assert received.rcpt_tos == ("ana@vinuri.ro",)
    assert received.mail_from == "incasari@demo.ro"
    assert email["Message-ID"] == message.message_id
    assert email["Subject"] == "Factura INV-7 restantă"
    assert email["In-Reply-To"] == "<earlier@vinuri.ro>"
    assert "Demo Încasări" in str(email["From"])
    plain, html = email.get_body(("plain",)), email.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content().startswith("Bună ziua")
    assert "<b>INV-7</b>" in html.get_content()
    [attachment] = list(email.iter_attachments())
    assert attachment.get_filename() == "Extras de cont — Vinuri.pdf"
    assert attachment.get_content() == b"%PDF-1.4 x"
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert message.sent_at is not None and message.handed_over_at is not None
    assert not message.unconfirmed
    entry = TimelineEntry.objects.get(counterparty=debtor, kind="mail.sent")
    assert entry.data["message"] == message.pk

    assert send_due().attempted == 0  # nothing is sent twice
    assert len(smtp_sink.received) == 1


def test_a_421_is_tried_again_after_the_backoff_and_then_sent(
    smtp_sink: SmtpSink, company: Any, debtor: Any, collector: Any, contact: Contact
) -> None:
    smtp_sink.answer("ana@vinuri.ro", "421 4.7.0 Try again later", "250 OK")
    message = _queue(company, debtor, collector)

    first = send_due()

    message.refresh_from_db()
    assert (first.retried, first.sent) == (1, 0)
    assert message.state == MessageState.FAILED
    assert message.attempts == 1
    assert "421" in message.last_error
    assert timedelta(seconds=55) < message.next_attempt_at - timezone.now() <= timedelta(minutes=1)
    assert send_due().attempted == 0  # not due yet
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        second = send_due()
    message.refresh_from_db()
    assert second.sent == 1
    assert message.state == MessageState.SENT
    assert message.attempts == 2
    assert [r.message_id for r in smtp_sink.received] == [message.message_id]


def test_the_backoff_grows_and_gives_up_after_the_last_attempt(
    smtp_sink: SmtpSink, settings: Any, company: Any, debtor: Any, collector: Any
) -> None:
    settings.DUNWELL_MAIL_MAX_ATTEMPTS = 3
    smtp_sink.answer("ana@vinuri.ro", "450 4.2.1 Mailbox busy")
    message = _queue(company, debtor, collector)
    waits = []
    now = timezone.now()
    for _ in range(3):
        with time_machine.travel(now):
            send_due()
        message.refresh_from_db()
        if message.next_attempt_at:
            waits.append(message.next_attempt_at - now)
            now = message.next_attempt_at + timedelta(seconds=1)
    assert [round(w.total_seconds() / 60) for w in waits] == [1, 5]
    assert message.state == MessageState.GAVE_UP
    assert TimelineEntry.objects.filter(counterparty=debtor, kind="mail.gave_up").count() == 1
    assert smtp_sink.received == []


def test_a_550_gives_up_flags_the_address_and_tells_the_collector_once(
    smtp_sink: SmtpSink, company: Any, debtor: Any, collector: Any, contact: Contact
) -> None:
    smtp_sink.answer("ana@vinuri.ro", "550 5.1.1 No such user here")
    message = _queue(company, debtor, collector)

    report = send_due()

    message.refresh_from_db()
    contact.refresh_from_db()
    assert report.gave_up == 1
    assert message.state == MessageState.GAVE_UP
    assert "550 5.1.1 No such user here" in message.last_error
    assert contact.email_bad_at is not None
    assert "550" in contact.email_bad_reason
    [note] = Notification.objects.filter(recipient=collector)
    assert note.kind == Notification.Kind.EMAIL_REFUSED
    assert "Vinuri Bune SRL" in note.message and "No such user here" in note.message
    # A second message to the flagged address is refused by us, without a second notice.
    second = _queue(company, debtor, collector, subject="Again")
    report = send_due()
    second.refresh_from_db()
    assert report.refused == 1
    assert second.error_code == RefusalReason.ADDRESS_BAD
    assert Notification.objects.filter(recipient=collector).count() == 1
    assert smtp_sink.received == []


def test_an_opted_out_contact_is_not_written_to(
    smtp_sink: SmtpSink, company: Any, debtor: Any, collector: Any, contact: Contact
) -> None:
    Contact.objects.filter(pk=contact.pk).update(email_opt_out=True)
    message = _queue(company, debtor, collector, contact=contact)
    assert send_due().refused == 1
    message.refresh_from_db()
    assert message.state == MessageState.GAVE_UP
    assert message.get_error_code_display() == str(RefusalReason.OPTED_OUT.label)
    assert smtp_sink.received == []


def test_no_server_listening_is_a_failure_tried_again(
    settings: Any, company: Any, debtor: Any, collector: Any
) -> None:
    settings.DUNWELL_EMAIL_URL = f"smtp://127.0.0.1:{free_port()}?timeout=2"
    settings.DUNWELL_MAIL_CONCURRENCY = 1
    settings.DUNWELL_MAIL_ALLOW_ATOMIC = True
    message = _queue(company, debtor, collector)

    report = send_due()

    message.refresh_from_db()
    assert report.retried == 1
    assert message.state == MessageState.FAILED
    assert message.attempts == 1
    assert "Connection refused" in message.last_error or "ConnectionRefused" in message.last_error
    assert message.next_attempt_at is not None


def test_without_a_server_configured_nothing_is_sent(
    settings: Any, company: Any, debtor: Any, collector: Any
) -> None:
    settings.DUNWELL_EMAIL_URL = ""
    message = _queue(company, debtor, collector)
    report = send_due()
    assert not report.configured
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED


def test_a_letter_for_the_post_is_never_sent_by_smtp(
    smtp_sink: SmtpSink, company: Any, debtor: Any, collector: Any
) -> None:
    message = _queue(company, debtor, collector, to="", channel="post", postal_address="Cluj")
    assert send_due().attempted == 0
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED


def test_a_dead_workers_claim_is_put_back_unless_it_was_handed_over(
    smtp_sink: SmtpSink, company: Any, debtor: Any, collector: Any
) -> None:
    never_sent = _queue(company, debtor, collector, subject="one")
    handed = _queue(company, debtor, collector, subject="two")
    dead = "somewhere-else:1:ab:0"
    long_ago = timezone.now() - timedelta(minutes=10)
    OutgoingMessage.objects.filter(pk__in=[never_sent.pk, handed.pk]).update(
        state=MessageState.SENDING, claimed_by=dead, claimed_at=long_ago
    )
    OutgoingMessage.objects.filter(pk=handed.pk).update(handed_over_at=long_ago)

    assert recover_stale() == (1, 1)

    never_sent.refresh_from_db()
    handed.refresh_from_db()
    assert never_sent.state == MessageState.QUEUED
    assert handed.state == MessageState.SENT and handed.unconfirmed
    report = send_due()
    assert report.sent == 1
    assert [r.message["Subject"] for r in smtp_sink.received] == ["one"]


def test_a_recent_claim_of_a_live_worker_is_left_alone(
    company: Any, debtor: Any, collector: Any
) -> None:
    message = _queue(company, debtor, collector)
    OutgoingMessage.objects.filter(pk=message.pk).update(
        state=MessageState.SENDING, claimed_by="elsewhere:1:ab:0", claimed_at=timezone.now()
    )
    assert recover_stale() == (0, 0)


def test_a_subject_with_line_breaks_is_one_line_and_cannot_inject_a_header(
    smtp_sink: SmtpSink, company: Any, debtor: Any, collector: Any
) -> None:
    message = _queue(company, debtor, collector, subject="Invoice 7\r\nBcc: all@evil.example")
    assert message.subject == "Invoice 7 Bcc: all@evil.example"
    send_due()
    [received] = smtp_sink.received
    assert received.message["Bcc"] is None
    assert received.rcpt_tos == ("ana@vinuri.ro",)


def test_no_answer_after_the_final_dot_is_sent_unconfirmed_and_never_sent_again(
    smtp_sink: SmtpSink, company: Any, debtor: Any, collector: Any
) -> None:
    smtp_sink.handler.hang_up_after_data = True
    message = _queue(company, debtor, collector)

    report = send_due()

    message.refresh_from_db()
    assert report.unconfirmed == 1
    assert message.state == MessageState.SENT and message.unconfirmed
    smtp_sink.handler.hang_up_after_data = False
    assert send_due().attempted == 0
    assert len(smtp_sink.received) == 1
    [entry] = TimelineEntry.objects.filter(counterparty=debtor, kind="mail.sent")
    assert entry.data["unconfirmed"] is True


def test_a_sender_whose_claim_was_taken_back_hangs_up_without_the_final_dot(
    smtp_sink: SmtpSink, company: Any, debtor: Any, collector: Any, monkeypatch: Any
) -> None:
    from dunwell.mail import sending

    message = _queue(company, debtor, collector)
    original = sending._mark_handed_over

    def taken_back(pk: int, token: str) -> bool:
        # Another worker thought us dead and took the message over meanwhile.
        OutgoingMessage.objects.filter(pk=pk).update(claimed_by="another:1:aa:0")
        return original(pk, token)

    monkeypatch.setattr(sending, "_mark_handed_over", taken_back)
    send_due()
    monkeypatch.setattr(sending, "_mark_handed_over", original)

    assert smtp_sink.received == []  # the body without its "." was discarded
    message.refresh_from_db()
    assert message.state == MessageState.SENDING and message.handed_over_at is None
    assert message.claimed_by == "another:1:aa:0"  # left to the one who holds it
    OutgoingMessage.objects.filter(pk=message.pk).update(state=MessageState.QUEUED)
    assert send_due().sent == 1
    assert [r.message_id for r in smtp_sink.received] == [message.message_id]


def test_a_connection_the_server_closed_while_idle_is_opened_again_at_once(
    smtp_sink: SmtpSink, company: Any, debtor: Any, collector: Any, monkeypatch: Any
) -> None:
    from dunwell.mail import sending

    first = _queue(company, debtor, collector, subject="one")
    second = _queue(company, debtor, collector, subject="two")
    original = sending._Sender.send

    def send_then_lose_the_connection(self: Any, message: Any, refusal: str = "") -> None:
        original(self, message, refusal)
        if self.client is not None:  # as if the server timed the idle connection out
            self.client.sock.close()

    monkeypatch.setattr(sending._Sender, "send", send_then_lose_the_connection)
    report = send_due()

    assert (report.sent, report.retried) == (2, 0)
    assert [r.message["Subject"] for r in smtp_sink.received] == ["one", "two"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.attempts == second.attempts == 1
