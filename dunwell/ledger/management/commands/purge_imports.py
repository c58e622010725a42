"""`dunwell purge_imports [--days N]`: delete import files older than the retention period."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from dunwell.ledger.tasks import purge_import_files


class Command(BaseCommand):
    help = "Delete uploaded import files and rejected-rows files past their retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="keep files of imports finished within this many days "
            f"(default DUNWELL_IMPORT_RETENTION_DAYS, {settings.IMPORT_RETENTION_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_import_files(days=options["days"])
        self.stdout.write(f"{deleted} import file(s) deleted")
