"""`dunwell run [--as-of DATE] [--shard K/N]`: the daily ladder run."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dunwell.ladder.engine import RunSummary, parse_shard, run
from dunwell.ladder.locks import RunInProgress, run_lock


class Command(BaseCommand):
    help = "Run the pressure scale for a day: decide every open document, write the tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="the day to run for (YYYY-MM-DD); default today")
        parser.add_argument("--shard", default="1/1", help="K/N: this run's share of debtors")
        parser.add_argument("--batch-size", type=int, default=5000, help="debtors per batch")
        parser.add_argument(
            "--wait",
            action="store_true",
            help="wait for a run of the same day and shard to finish instead of exiting",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = date.fromisoformat(options["as_of"]) if options["as_of"] else None
        except ValueError:
            raise CommandError(f"--as-of: not a date: {options['as_of']!r}") from None
        try:
            shard = parse_shard(options["shard"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        day = as_of or timezone.localdate()
        verbosity = int(options["verbosity"])

        def progress(done: int, total: int, summary: RunSummary) -> None:
            if verbosity >= 1:
                self.stderr.write(
                    f"\r[{done}/{total}] {summary.documents_examined} documents, "
                    f"{sum(summary.tasks_created.values())} tasks",
                    ending="" if done < total else "\n",
                )

        try:
            with run_lock(day, shard, wait=options["wait"]):
                summary = run(day, shard=shard, progress=progress, batch_size=options["batch_size"])
        except RunInProgress as exc:
            raise CommandError(str(exc)) from None
        if verbosity >= 1:
            self.stdout.write("\n".join(summary.lines()))
