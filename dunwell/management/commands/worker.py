"""`dunwell worker`: the background worker, a project command because it drives several apps.
Runs django-tasks-db's `db_worker` and, once each morning at DUNWELL_RUN_HOUR in each company's
own time zone (default 6), enqueues that company's daily ladder run, and every minute sends the
workspace's scheduled notices. A third thread sends the outbox's emails as they come due
(checking every second; one cheap query when there is nothing to send). Any number of workers
may run: each morning run and each email is claimed with a conditional update."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from dunwell import periodic
from dunwell.env import env_int
from dunwell.ladder.tasks import schedule_morning_runs
from dunwell.ledger.tasks import purge_import_files
from dunwell.mail import sending
from dunwell.work.services import send_scheduled_notices


class Command(BaseCommand):
    help = "Run background tasks and enqueue the daily ladder run every morning."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shards", type=int, default=1, help="split the run into N shards")
        parser.add_argument("--check-every", type=int, default=60, help="seconds")
        parser.add_argument("--queue-name", default="*")

    def handle(self, *args: Any, **options: Any) -> None:
        hour = env_int("DUNWELL_RUN_HOUR", 6, minimum=0)
        stop = threading.Event()

        def scheduler() -> None:
            while not stop.is_set():
                close_old_connections()
                for company_id, day in schedule_morning_runs(
                    timezone.now(), hour, options["shards"]
                ):
                    self.stdout.write(f"enqueued the daily run of company {company_id} for {day}")
                # Day +1 and approvals-waiting notices; idempotent, so every worker may send.
                send_scheduled_notices()
                # Import files past DUNWELL_IMPORT_RETENTION_DAYS go; idempotent too.
                purge_import_files(days=settings.IMPORT_RETENTION_DAYS)
                # The apps' own jobs (webhook deliveries, scheduled 1C syncs).
                periodic.run_all(self.stderr.write)
                stop.wait(options["check_every"])

        def mailer() -> None:
            last_recovery = 0.0
            while not stop.is_set():
                try:
                    close_old_connections()
                    if time.monotonic() - last_recovery >= 60:
                        # Claims of workers that died (their emails go back to the queue).
                        sending.recover_stale()
                        last_recovery = time.monotonic()
                    report = sending.send_if_due()
                    if report is not None:
                        if report.attempted:
                            self.stdout.write(
                                f"outbox: sent {report.sent}, retried {report.retried}, "
                                f"gave up {report.gave_up}"
                            )
                        continue
                except Exception as exc:  # noqa: BLE001 - the worker outlives a bad moment
                    self.stderr.write(f"outbox: {exc!r}")
                stop.wait(1)

        thread = threading.Thread(target=scheduler, name="ladder-scheduler", daemon=True)
        thread.start()
        threading.Thread(target=mailer, name="outbox-sender", daemon=True).start()
        try:
            call_command("db_worker", queue_name=options["queue_name"], reload=False)
        finally:
            stop.set()
