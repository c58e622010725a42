from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dunwell.mail.tests.smtp_sink import SmtpSink


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    """A real SMTP server on 127.0.0.1 that the outbox sends to (one connection at a time)."""
    sink = SmtpSink().start()
    settings.DUNWELL_EMAIL_URL = sink.url
    settings.DUNWELL_MAIL_CONCURRENCY = 1
    # The sender runs in the test's transaction (so the test sees and undoes its writes).
    settings.DUNWELL_MAIL_ALLOW_ATOMIC = True
    try:
        yield sink
    finally:
        sink.stop()
