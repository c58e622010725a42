"""`dunwell import <kind> FILE`: load accounting data from CSV/XLSX (docs/import-formats.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dunwell.ledger.importing import ImportRejected, import_file
from dunwell.ledger.importing.kinds import KINDS
from dunwell.ledger.importing.readers import ENCODINGS
from dunwell.ledger.models import Company


class Command(BaseCommand):
    help = "Import counterparties, contacts, contracts, instalments, documents or payments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--partial", action="store_true", help="apply the valid rows only")
        parser.add_argument("--rejected-out", type=Path, help="CSV for the rejected rows")
        parser.add_argument("--company", help="our company's code")
        parser.add_argument(
            "--encoding",
            choices=list(ENCODINGS),
            help="the CSV file's encoding (default: detected)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        company = None
        if options["company"]:
            company = Company.objects.filter(code=options["company"]).first()
            if company is None:
                raise CommandError(f"unknown company code {options['company']!r}")
        rejected_out = options["rejected_out"]
        if options["partial"] and rejected_out is None:
            rejected_out = path.with_name(path.stem + ".rejected.csv")
        last = {"pct": -1}

        def progress(done: int, total: int) -> None:
            pct = 100 * done // total if total else 100
            if pct // 10 != last["pct"] // 10:
                last["pct"] = pct
                self.stderr.write(f"  {done:,}/{total:,} rows ({pct}%)")

        try:
            result = import_file(
                options["kind"],
                path,
                company=company,
                partial=options["partial"],
                progress=progress,
                rejected_out=rejected_out,
                display_name=str(path),
                encoding=options["encoding"],
            )
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            self.stderr.write(
                f"rejected: {rejected.rejected} bad row(s); nothing was imported "
                "(use --partial to import the valid rows)"
            )
            sys.exit(1)
        except Exception as exc:  # any other failure: its message, not a traceback
            self.stderr.write(f"import failed, nothing was imported: {exc}")
            sys.exit(1)
        self.stdout.write(
            f"{options['kind']}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.rejected} rejected"
        )
        if result.rejected:
            for error in result.errors:
                self.stderr.write(str(error))
            self.stdout.write(f"rejected rows written to {rejected_out}")
