"""`dunwell import <kind> FILE` or `dunwell import DIR`: load accounting data from CSV/XLSX
(docs/import-formats.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dunwell.ledger.importing import ImportRejected, import_file
from dunwell.ledger.importing.folder import FolderError, FolderResult, import_folder
from dunwell.ledger.importing.kinds import KINDS
from dunwell.ledger.importing.readers import ENCODINGS
from dunwell.ledger.models import Company


class Command(BaseCommand):
    help = (
        "Import users, counterparties, contacts, contracts, instalments, documents, payments, "
        "orders or deals: "
        "`import KIND FILE`, or `import DIR` for every known file of a folder in load order."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind", metavar="KIND|DIR", help=f"one of {', '.join(KINDS)}, or a folder"
        )
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument("--partial", action="store_true", help="apply the valid rows only")
        parser.add_argument("--rejected-out", type=Path, help="CSV for the rejected rows")
        parser.add_argument("--company", help="our company's code")
        parser.add_argument(
            "--encoding",
            choices=list(ENCODINGS),
            help="the CSV file's encoding (default: detected)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        company = None
        if options["company"]:
            company = Company.objects.filter(code=options["company"]).first()
            if company is None:
                raise CommandError(f"unknown company code {options['company']!r}")
        target = options["kind"]
        if options["file"] is None:
            if target in KINDS:
                raise CommandError(f"import {target}: give the FILE to import")
            folder = Path(target)
            if not folder.is_dir():
                raise CommandError(f"{target}: neither a folder nor a kind ({', '.join(KINDS)})")
            if options["partial"] or options["rejected_out"] or options["encoding"]:
                raise CommandError(
                    "--partial, --rejected-out and --encoding apply to one file, not a folder"
                )
            self.folder(folder, company)
            return
        if target not in KINDS:
            raise CommandError(f"unknown kind {target!r}; expected one of {', '.join(KINDS)}")
        self.one_file(target, options["file"], company, options)

    def folder(self, folder: Path, company: Company | None) -> None:
        last: dict[str, int] = {}

        def progress(kind: str, done: int, total: int) -> None:
            pct = 100 * done // total if total else 100
            if pct // 10 != last.get(kind, -1) // 10:
                last[kind] = pct
                self.stderr.write(f"  {kind}: {done:,}/{total:,} rows ({pct}%)")

        try:
            result = import_folder(folder, company=company, say=progress)
        except FolderError as exc:
            raise CommandError(str(exc)) from None
        self.summary(result)
        if result.failed is not None:
            sys.exit(1)

    def summary(self, result: FolderResult) -> None:
        self.stdout.write("Summary:")
        for kind, path, outcome in result.loaded:
            self.stdout.write(
                f"  loaded   {path.name} ({kind}): {outcome.created} created, "
                f"{outcome.updated} updated, {outcome.unchanged} unchanged, "
                f"{outcome.rejected} rejected"
            )
        if result.failed is not None:
            kind, path, exc = result.failed
            if isinstance(exc, ImportRejected):
                for error in exc.errors:
                    self.stderr.write(str(error))
                reason = f"{exc.rejected} bad row(s)"
            else:
                reason = str(exc)
            self.stdout.write(f"  FAILED   {path.name} ({kind}): {reason}; nothing of it imported")
            for kind, path in result.not_loaded:
                self.stdout.write(f"  not loaded {path.name} ({kind}): it comes after the failure")
        for path in result.skipped:
            self.stdout.write(f"  skipped  {path.name}: not a known file name")
        if not result.loaded and result.failed is None:
            self.stdout.write("  no known file in the folder (users.csv, counterparties.csv, ...)")

    def one_file(
        self, kind: str, path: Path, company: Company | None, options: dict[str, Any]
    ) -> None:
        if not path.exists():
            raise CommandError(f"{path}: no such file")
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
                kind,
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
            f"{kind}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.rejected} rejected"
        )
        if result.rejected:
            for error in result.errors:
                self.stderr.write(str(error))
            self.stdout.write(f"rejected rows written to {rejected_out}")
