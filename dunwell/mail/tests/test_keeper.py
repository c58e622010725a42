"""The keeper (dunwell/mail/keeper.py) finishes or abandons the message a killed sender left
between its body and its answer, on a real SMTP server."""

from __future__ import annotations

import smtplib
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from dunwell.mail import keeper
from dunwell.mail.models import MessageState, OutgoingMessage
from dunwell.mail.services import queue_message
from dunwell.mail.tests.smtp_sink import SmtpSink

TOKEN = "host:1:ab:0"


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink().start()
    try:
        yield server
    finally:
        server.stop()


def _body_without_final_dot(sink: SmtpSink, subject: str) -> smtplib.SMTP:
    """A sender's connection left where a kill finds it: body written, no "."."""
    client = smtplib.SMTP("127.0.0.1", sink.port, timeout=10)
    client.ehlo()
    assert client.mail("dunwell@localhost")[0] == 250
    assert client.rcpt("ana@vinuri.ro")[0] == 250
    client.putcmd("data")
    assert client.getreply()[0] == 354
    client.send(f"Subject: {subject}\r\nMessage-ID: <{subject}@x>\r\n\r\nPay.\r\n".encode())
    return client


def _die(sender_end: socket.socket, client: smtplib.SMTP) -> None:
    """What the kernel does to a killed sender: its descriptors close, nothing is flushed
    by Python (the keeper's duplicate keeps the SMTP connection open)."""
    assert client.sock is not None
    client.sock.close()
    sender_end.close()


def _keeper(monkeypatch: Any, decisions: dict[int, bool]) -> tuple[keeper.Link, threading.Thread]:
    monkeypatch.setattr(keeper, "_decide", lambda pk, token: decisions[pk])
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    thread = threading.Thread(target=keeper.serve, args=(theirs,), daemon=True)
    thread.start()
    return keeper.Link(ours, None), thread  # type: ignore[arg-type]


def _received_after(sink: SmtpSink, thread: threading.Thread) -> list[str]:
    thread.join(timeout=20)
    assert not thread.is_alive()
    return [str(r.message["Subject"]) for r in sink.received]


def test_a_marked_message_whose_sender_died_before_the_dot_is_finished_once(
    sink: SmtpSink, monkeypatch: Any
) -> None:
    link, thread = _keeper(monkeypatch, {7: True})
    client = _body_without_final_dot(sink, "marked")
    assert client.sock is not None
    number = link.hold(client.sock)
    link.in_flight(number, 7, TOKEN)
    _die(link.channel, client)
    assert _received_after(sink, thread) == ["marked"]


def test_an_unmarked_message_whose_sender_died_is_abandoned(
    sink: SmtpSink, monkeypatch: Any
) -> None:
    link, thread = _keeper(monkeypatch, {7: False})
    client = _body_without_final_dot(sink, "unmarked")
    assert client.sock is not None
    link.in_flight(link.hold(client.sock), 7, TOKEN)
    _die(link.channel, client)
    assert _received_after(sink, thread) == []


def test_a_message_whose_dot_the_sender_wrote_is_not_sent_twice(
    sink: SmtpSink, monkeypatch: Any
) -> None:
    link, thread = _keeper(monkeypatch, {7: True})
    client = _body_without_final_dot(sink, "written")
    assert client.sock is not None
    link.in_flight(link.hold(client.sock), 7, TOKEN)
    client.send(b".\r\n")  # killed after the ".", before reading the answer
    _die(link.channel, client)
    assert _received_after(sink, thread) == ["written"]


def test_a_settled_connection_is_only_closed(sink: SmtpSink, monkeypatch: Any) -> None:
    link, thread = _keeper(monkeypatch, {})
    client = _body_without_final_dot(sink, "settled")
    assert client.sock is not None
    number = link.hold(client.sock)
    link.in_flight(number, 7, TOKEN)
    link.settled(number)  # e.g. the claim was taken back and the sender hung up
    _die(link.channel, client)
    assert _received_after(sink, thread) == []


@pytest.mark.django_db
def test_the_decision_takes_an_unmarked_claim_back_and_keeps_a_marked_one(
    company: Any, make_counterparty: Any, collector: Any
) -> None:
    debtor = make_counterparty(collector=collector)
    messages = [
        queue_message(company=company, counterparty=debtor, sender=collector,
                      to="ana@vinuri.ro", subject=f"m{n}", text="Pay.")
        for n in range(3)
    ]  # fmt: skip
    unmarked, marked, someone_elses = messages
    OutgoingMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
        state=MessageState.SENDING, claimed_by=TOKEN, claimed_at=timezone.now()
    )
    OutgoingMessage.objects.filter(pk=marked.pk).update(handed_over_at=timezone.now())
    OutgoingMessage.objects.filter(pk=someone_elses.pk).update(claimed_by="other:2:cd:0")

    assert keeper._decide(unmarked.pk, TOKEN) is False
    assert keeper._decide(marked.pk, TOKEN) is True
    assert keeper._decide(someone_elses.pk, TOKEN) is False

    unmarked.refresh_from_db()
    someone_elses.refresh_from_db()
    assert (unmarked.state, unmarked.claimed_by) == (MessageState.QUEUED, "")
    assert (someone_elses.state, someone_elses.claimed_by) == (MessageState.SENDING, "other:2:cd:0")
    # A mark arriving late (a dead sender's update still on its way) no longer matches.
    assert not OutgoingMessage.objects.filter(
        pk=unmarked.pk, state=MessageState.SENDING, claimed_by=TOKEN
    ).update(handed_over_at=timezone.now())
