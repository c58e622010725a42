"""`dunwell outbox send [--until-empty] [--limit N]`: send the emails that are due (the worker
does it continuously); `dunwell outbox status`: how many messages are in each state."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dunwell.mail.models import MessageState, OutgoingMessage
from dunwell.mail.sending import SendReport, send_due

PROGRESS_EVERY = 5.0  # seconds


class Command(BaseCommand):
    help = "Send the outbox's due emails, or show how many messages are in each state."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        send = actions.add_parser("send", help="send what is due and print a summary")
        send.add_argument(
            "--until-empty",
            action="store_true",
            help="keep going (messages queued meanwhile too) until nothing is due",
        )
        send.add_argument("--limit", type=int, help="send at most N messages")
        send.add_argument("--concurrency", type=int, help="connections at once")
        actions.add_parser("status", help="messages per state")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            for state, label in MessageState.choices:
                count = OutgoingMessage.objects.filter(state=state).count()
                self.stdout.write(f"{state}\t{count}\t{label}")
            return
        shown = {"at": time.monotonic()}

        def progress(report: SendReport) -> None:
            if time.monotonic() - shown["at"] >= PROGRESS_EVERY:
                shown["at"] = time.monotonic()
                self.stderr.write(
                    f"  {report.attempted:,} tried: {report.sent:,} sent "
                    f"({report.attempted / max(report.seconds, 0.001):.0f}/s)"
                )

        report = send_due(
            options["limit"],
            until_empty=options["until_empty"],
            concurrency=options["concurrency"],
            progress=progress,
        )
        if report.requeued or report.unconfirmed:
            self.stderr.write(
                f"left by a stopped worker: {report.requeued} put back in the queue, "
                f"{report.unconfirmed} taken as sent (unconfirmed)"
            )
        if not report.configured:
            self.stderr.write("mail is not configured (DUNWELL_EMAIL_URL is empty): nothing sent")
            sys.exit(2)
        self.stdout.write(
            f"sent {report.sent}, retried {report.retried}, gave up {report.gave_up} "
            f"(refused {report.refused}), unconfirmed {report.unconfirmed} "
            f"in {report.seconds:.1f} s"
        )
