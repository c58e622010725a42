"""Mailing benchmark (issue 11): a personal mailing to N debtors, end to end — select the debtors,
render one message per debtor from its own situation (all its invoices, in its language), queue
them in the outbox, and send them over SMTP to a local sink.

    DATABASE_URL=postgres://dunwell:dunwell@127.0.0.1:5432/dunwell_mail \
        .venv/bin/python bench/mail.py --debtors 10000

Without DATABASE_URL it runs on a fresh SQLite file (orientation only). The database named by
DATABASE_URL is migrated and its ledger and outbox emptied first: never point it at real data.

The sink is a real SMTP server (aiosmtpd) in its own process that counts what it accepts, so the
figure includes the SMTP conversation of every message. As in production, sender processes
(`--senders`, default 2: what `dunwell worker` does on each of two cores) send while the
approval is still rendering and queueing; the clock stops when the sink holds every message. The
load average after a run includes the bench's own processes (they use both cores). Target: >=
200 messages/s end to end (Invoice Ninja's throttle allows about 5/s). The floor measured in the
same run is the sink's own speed: the same number of minimal messages sent over one connection
by smtplib."""

from __future__ import annotations

import argparse
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Report,
    describe_database,
    load_average,
    peak_rss_mib,
    setup_django,
    timed,
    wipe_ledger,
)

SINK = """
import asyncio, sys
from aiosmtpd.controller import Controller

class Counting:
    def __init__(self):
        self.count = 0
    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"
    async def handle_NOOP(self, server, session, envelope, arg):
        return f"250 {self.count}"

controller = Controller(Counting(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sink_count(port: int) -> int:
    """What the sink has accepted (its NOOP answer carries the count)."""
    with smtplib.SMTP("127.0.0.1", port) as client:
        code, text = client.noop()
        return int(text.decode())


def floor(port: int, n: int) -> float:
    """Plain smtplib over one connection: the sink's own speed for n minimal messages."""
    body = b"From: a@bench.local\r\nTo: b@bench.local\r\nSubject: x\r\n\r\nx\r\n"
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for _ in range(n):
            client.sendmail("a@bench.local", ["b@bench.local"], body)
    return time.perf_counter() - started


def load_debtors(company: Any, debtors: int, languages: list[str]) -> None:
    from dunwell.ledger.importing import Table, import_table

    def table(headers: list[str], rows: list[list[str]]) -> Table:
        return Table(headers, iter(enumerate(rows, 2)), len(rows))

    import_table(
        "counterparties",
        table(
            ["external_id", "name", "country", "language"],
            [
                [f"C{i:06d}", f"Debtor {i} SRL", "RO", languages[i % len(languages)]]
                for i in range(debtors)
            ],
        ),
        display_name="bench",
        company=company,
    )
    import_table(
        "contacts",
        table(
            ["external_id", "counterparty", "name", "email", "roles"],
            [
                [
                    f"K{i:06d}",
                    f"C{i:06d}",
                    f"Person {i}",
                    f"pay{i}@debtor{i % 500}.example",
                    "decides_payments",
                ]
                for i in range(debtors)
            ],
        ),  # fmt: skip
        display_name="bench",
        company=company,
    )
    start = date.today() - timedelta(days=200)
    rows = []
    for i in range(debtors):
        for k in range(3):  # three overdue invoices each, one in another currency
            day = start + timedelta(days=(i + 17 * k) % 120)
            rows.append(
                [f"D{i:06d}-{k}", f"C{i:06d}", f"INV-{i}-{k}", day.isoformat(),
                 (day + timedelta(days=30)).isoformat(), f"{100 + (i * 37 + k) % 9000}.50",
                 "EUR" if k == 2 else "RON"]
            )  # fmt: skip
    import_table(
        "documents",
        table(["external_id", "counterparty", "number", "date", "due_date", "amount", "currency"],
              rows),
        display_name="bench",
        company=company,
    )  # fmt: skip


def send_until(expected: int) -> None:
    """A sender process, as `dunwell worker` runs it: send what is due, again and again, until
    the outbox holds `expected` sent messages."""
    setup_django(migrate=False)
    from dunwell.mail.models import MessageState, OutgoingMessage
    from dunwell.mail.sending import send_due

    while OutgoingMessage.objects.filter(state=MessageState.SENT).count() < expected:
        if not send_due(until_empty=True).attempted:
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--debtors", type=int, default=10_000)
    parser.add_argument(
        "--senders",
        type=int,
        default=2,
        help="sender processes running while the mailing is approved, as workers do (default 2, "
        "one per core; each has DUNWELL_MAIL_CONCURRENCY connections)",
    )
    parser.add_argument("--send-until", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.send_until:
        send_until(args.send_until)
        return

    port = free_port()
    sink = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SINK, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"

    scratch = tempfile.mkdtemp(prefix="dunwell-mail-bench-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DUNWELL_DATA_DIR"] = scratch
    os.environ.setdefault("DUNWELL_LOG_LEVEL", "WARNING")
    os.environ["DUNWELL_EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    setup_django()

    from django.db.models import Count

    from dunwell.accounts.models import Role, User
    from dunwell.ledger.models import Company
    from dunwell.letters.services import Selection, approve_mailing, create_mailing
    from dunwell.mail.models import MessageState, OutgoingMessage

    wipe_ledger()
    OutgoingMessage.objects.all().delete()
    User.objects.filter(username="bench-mail").delete()
    company = Company.objects.create(
        name="Bench", code="bench-mail", country="RO", currency="RON", calendar_country="RO"
    )
    supervisor = User.objects.create_user(
        username="bench-mail", role=Role.DIRECTOR, email="director@bench.local"
    )
    load_debtors(company, args.debtors, ["ro", "ru", "uk", "en"])

    report = Report(f"personal mailing to {args.debtors:,} debtors")
    print(report.title, flush=True)
    report.add("database", describe_database())
    report.add("load average before", load_average())

    with timed() as total:
        with timed() as selecting:
            mailing = create_mailing(supervisor, Selection(min_days_overdue=1))
        expected = mailing.debtors - mailing.without_address
        senders = [
            subprocess.Popen(  # noqa: S603 - our own interpreter and script
                [sys.executable, __file__, "--send-until", str(expected)], env=os.environ
            )
            for _ in range(args.senders)
        ]
        with timed() as rendering:
            queued = approve_mailing(supervisor, mailing)
        with timed() as sending:
            for sender in senders:
                sender.wait()
    received = sink_count(port)
    report.add("debtors selected", f"{mailing.debtors:,} in {selecting.seconds:.2f} s")
    report.add(
        "rendered and queued (senders already sending)",
        f"{queued:,} messages in {rendering.seconds:.2f} s, "
        f"{queued / rendering.seconds:,.0f} messages/s",
    )
    report.add(
        f"sent over SMTP by {args.senders} sender processes",
        f"the last {sending.seconds:.2f} s after the queueing ended",
    )
    rate = received / total.seconds
    report.add(
        "end to end",
        f"{received:,} received by the sink in {total.seconds:.2f} s, {rate:,.0f} messages/s "
        "(target >= 200)",
    )
    floor_seconds = floor(port, received)
    report.add(
        "floor: plain smtplib, one connection, minimal messages",
        f"{floor_seconds:.2f} s, {received / floor_seconds:,.0f} messages/s; the mailing "
        f"takes {total.seconds / floor_seconds:.1f}x that",
    )
    states = dict(OutgoingMessage.objects.values_list("state").annotate(n=Count("id")))
    report.add("outbox states", ", ".join(f"{k}: {v:,}" for k, v in sorted(states.items())))
    assert received == queued == states.get(MessageState.SENT, 0), (received, queued, states)
    report.add("peak memory", f"{peak_rss_mib():,.0f} MiB")
    report.add("load average after", load_average())
    assert sink.stdin is not None
    sink.stdin.close()
    sink.wait(timeout=10)


if __name__ == "__main__":
    main()
