"""`dunwell worker`: the background worker. Runs django-tasks-db's `db_worker` and, once each
morning at DUNWELL_RUN_HOUR (company time, default 6), enqueues the daily ladder run, and
every minute sends the workspace's scheduled notices. Any
number of workers may run: the morning run is claimed with a conditional update."""

from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, transaction
from django.utils import timezone

from dunwell.env import env_int
from dunwell.ladder.tasks import claim_daily_run
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
                now = timezone.localtime()
                if now.hour >= hour:
                    with transaction.atomic():
                        if claim_daily_run(now.date(), options["shards"]):
                            self.stdout.write(f"enqueued the daily run for {now.date()}")
                # Day +1 and approvals-waiting notices; idempotent, so every worker may send.
                send_scheduled_notices()
                stop.wait(options["check_every"])

        thread = threading.Thread(target=scheduler, name="ladder-scheduler", daemon=True)
        thread.start()
        try:
            call_command("db_worker", queue_name=options["queue_name"], reload=False)
        finally:
            stop.set()
