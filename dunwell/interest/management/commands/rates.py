"""`dunwell rates import FILE…` upserts rate values; `dunwell rates status` lists the series
and flags those older than their usual update cycle.

Exit codes: 0 done, 1 a bad file (nothing written), 2 bad arguments.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from dunwell.interest.errors import InterestError
from dunwell.interest.loading import upsert_series
from dunwell.interest.models import RateSeries
from dunwell.interest.ratefiles import DATA_DIR, SERIES_FILE, shipped_series
from dunwell.interest.selectors import series_status
from dunwell.interest.services import import_rates


class Command(BaseCommand):
    help = "Rate series: import values from CSV files, or show their status."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser("import", help="upsert values from CSV files")
        importer.add_argument("files", nargs="*", type=Path)
        importer.add_argument(
            "--shipped", action="store_true", help="import every file in dunwell/interest/data"
        )
        sub.add_parser("status", help="last value and staleness of every series")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "import":
            self.import_files(opts["files"], shipped=opts["shipped"])
        self.print_status()

    def import_files(self, files: list[Path], *, shipped: bool) -> None:
        if shipped:
            # New series first: a value file may only name known series.
            upsert_series(RateSeries, shipped_series())
            files = [*files, *sorted(p for p in DATA_DIR.glob("*.csv") if p != SERIES_FILE)]
        if not files:
            raise CommandError(gettext("Give at least one FILE or --shipped."), returncode=2)
        texts = []
        for path in files:
            try:
                texts.append((path, path.read_bytes()))
            except OSError as exc:
                raise CommandError(
                    gettext("%(file)s: cannot read it (%(error)s).") % {"file": path, "error": exc}
                ) from None
        try:
            with transaction.atomic():
                for path, text in texts:
                    counts = import_rates(str(path), text)
                    self.stdout.write(
                        gettext(
                            "%(file)s: %(created)d new, %(updated)d changed, "
                            "%(unchanged)d unchanged"
                        )
                        % {
                            "file": path,
                            "created": counts.created,
                            "updated": counts.updated,
                            "unchanged": counts.unchanged,
                        }
                    )
        except InterestError as exc:
            raise CommandError(exc.message + " " + gettext("Nothing was imported.")) from exc

    def print_status(self) -> None:
        for status in series_status(timezone.localdate()):
            last = status.last_value_date.isoformat() if status.last_value_date else "-"
            line = f"{status.code:<22} {last:<10} {status.values:>5}"
            if status.stale:
                self.stdout.write(
                    line
                    + "  "
                    + ngettext(
                        "STALE: older than its usual update cycle of %(days)d day",
                        "STALE: older than its usual update cycle of %(days)d days",
                        status.update_cycle_days,
                    )
                    % {"days": status.update_cycle_days}
                )
            else:
                self.stdout.write(line)
