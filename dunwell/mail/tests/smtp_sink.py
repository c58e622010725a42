"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, a free port): it keeps what it
receives and answers chosen recipients with chosen replies ("421 …", "450 …", "550 …")."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


class SinkHandler:
    def __init__(self) -> None:
        self.received: list[Received] = []
        # recipient (lower case) → replies to RCPT TO, used up one by one
        self.rcpt_answers: dict[str, list[str]] = {}
        self.on_message: Callable[[int], object] | None = None
        # Hang up after taking a message, without answering it (a crash at the server).
        self.hang_up_after_data = False
        self.lock = threading.Lock()

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        answers = self.rcpt_answers.get(address.lower())
        if answers:
            # The last reply sticks, unless it is "250" (accepted from then on).
            reply = answers.pop(0) if len(answers) > 1 else answers[0]
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.content))
            )
            count = len(self.received)
        if self.on_message is not None:
            self.on_message(count)
        if self.hang_up_after_data:
            server.transport.abort()
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.received)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpSink:
    """Start with `start()`, stop with `stop()`; `url` is the DUNWELL_EMAIL_URL to reach it."""

    def __init__(self) -> None:
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=10"

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def answer(self, recipient: str, *replies: str) -> None:
        """RCPT TO `recipient` gets these replies in turn, the last one from then on
        ("421 …", "250 OK": refused once, then accepted)."""
        self.handler.rcpt_answers[recipient.lower()] = list(replies)

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
