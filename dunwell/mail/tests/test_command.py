"""`dunwell outbox send|status` and sending with several connections at once."""

from __future__ import annotations

import time
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from dunwell.ledger.models import TimelineEntry
from dunwell.mail.models import MessageState, OutgoingMessage
from dunwell.mail.sending import send_due
from dunwell.mail.services import queue_message
from dunwell.mail.tests.smtp_sink import SmtpSink


def _queue_many(company: Any, debtor: Any, count: int, domains: int = 3) -> None:
    for n in range(count):
        queue_message(
            company=company,
            counterparty=debtor,
            to=f"b{n}@d{n % domains}.example",
            subject=f"Invoice {n}",
            text="Please pay.",
        )


@pytest.mark.django_db
def test_send_prints_what_it_did_and_status_counts_states(
    smtp_sink: SmtpSink, company: Any, make_counterparty: Any
) -> None:
    _queue_many(company, make_counterparty(), 3)
    smtp_sink.answer("b2@d2.example", "550 5.1.1 Unknown user")
    out = StringIO()
    call_command("outbox", "send", stdout=out, stderr=StringIO())
    assert out.getvalue().startswith("sent 2, retried 0, gave up 1 (refused 0)")
    status = StringIO()
    call_command("outbox", "status", stdout=status)
    lines = dict(line.split("\t")[:2] for line in status.getvalue().splitlines())
    assert (lines["sent"], lines["gave_up"], lines["queued"]) == ("2", "1", "0")


@pytest.mark.django_db
def test_send_without_a_server_exits_with_a_clear_message(
    settings: Any, company: Any, make_counterparty: Any
) -> None:
    settings.DUNWELL_EMAIL_URL = ""
    _queue_many(company, make_counterparty(), 1)
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("outbox", "send", stdout=StringIO(), stderr=err)
    assert exit_.value.code == 2
    assert "not configured" in err.getvalue()


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="threads share SQLite's in-memory test database through its shared cache, which "
    "answers 'table is locked' instead of waiting; test_kill.py runs four connections on a file",
)
@pytest.mark.django_db(transaction=True)
def test_four_connections_send_each_message_once_within_the_domain_rate(
    installation_data: None, settings: Any, company: Any, make_counterparty: Any
) -> None:
    sink = SmtpSink().start()
    try:
        settings.DUNWELL_EMAIL_URL = sink.url
        settings.DUNWELL_MAIL_DOMAIN_RATE = 100
        debtor = make_counterparty()
        _queue_many(company, debtor, 120, domains=2)
        started = time.monotonic()
        report = send_due(concurrency=4)
        elapsed = time.monotonic() - started
    finally:
        sink.stop()
    ids = [r.message_id for r in sink.received]
    assert report.sent == 120 and len(ids) == 120 and len(set(ids)) == 120
    # 60 messages to each domain at 100/s take at least 0.59 s
    assert elapsed >= 0.59
    assert not OutgoingMessage.objects.exclude(state=MessageState.SENT).exists()
    assert TimelineEntry.objects.filter(counterparty=debtor, kind="mail.sent").count() == 120


@pytest.mark.django_db
def test_the_timeline_reads_in_the_readers_language(
    smtp_sink: SmtpSink, company: Any, make_counterparty: Any
) -> None:
    from django.utils import translation

    from dunwell.ledger.timeline import with_texts

    debtor = make_counterparty()
    _queue_many(company, debtor, 1)
    send_due()
    entry = TimelineEntry.objects.get(counterparty=debtor, kind="mail.sent")
    with translation.override("uk"):
        [shown] = with_texts([entry])
        assert shown.text == "Лист «Invoice 0» надіслано на b0@d0.example"
        assert str(shown.label) == "Лист надіслано"


@pytest.mark.django_db
def test_the_workers_step_sends_what_is_due_and_is_cheap_when_nothing_is(
    smtp_sink: SmtpSink, company: Any, make_counterparty: Any, django_assert_max_num_queries: Any
) -> None:
    from dunwell.mail.sending import send_if_due

    with django_assert_max_num_queries(1):
        assert send_if_due() is None
    _queue_many(company, make_counterparty(), 2)
    report = send_if_due()
    assert report is not None and report.sent == 2
    assert len(smtp_sink.received) == 2
