"""`dunwell generate`: write a synthetic data set in the import formats."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dunwell.demo.generator import describe, generate


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Write synthetic counterparties, contracts, documents and payments as CSV files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--debtors", type=int, required=True)
        parser.add_argument("--documents", type=int, required=True)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--out", type=Path, required=True, help="output folder")
        parser.add_argument("--as-of", type=parse_date, help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["debtors"] < 1 or options["documents"] < 0:
            raise CommandError("--debtors must be at least 1 and --documents not negative")
        as_of: date = options["as_of"] or timezone.localdate()
        started = time.perf_counter()
        last_percent = [-1]

        def progress(stage: str, done: int, total: int) -> None:
            percent = 100 * done // total if total else 100
            if percent != last_percent[0]:
                last_percent[0] = percent
                self.stdout.write(f"\r{stage}: {done:,}/{total:,} ({percent}%)", ending="")
                self.stdout.flush()

        paths = generate(
            options["out"],
            debtors=options["debtors"],
            documents=options["documents"],
            seed=options["seed"],
            as_of=as_of,
            progress=progress,
        )
        self.stdout.write("")
        for name, rows in describe(paths).items():
            self.stdout.write(f"{paths[name]}: {rows:,} rows")
        self.stdout.write(f"done in {time.perf_counter() - started:.1f} s (as of {as_of})")
