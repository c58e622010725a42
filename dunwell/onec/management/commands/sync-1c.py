"""`dunwell sync-1c`: read a 1C infobase's standard OData interface into the ledger
(docs/integrations.md, "1C"). The password comes from an environment variable, never the command
line (which other users of the machine can see)."""

from __future__ import annotations

import os
import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dunwell.ledger.models import Company
from dunwell.onec.models import Connection, SyncRun
from dunwell.onec.odata import ODataError, odata_root
from dunwell.onec.presets import PRESETS
from dunwell.onec.sync import run_sync


class Command(BaseCommand):
    help = "Load counterparties, contracts, sales and payments from a 1C infobase over OData."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url", required=True, help="the infobase root, e.g. http://host/trade"
        )
        parser.add_argument("--user", required=True, help="the 1C user")
        parser.add_argument(
            "--password-env", required=True, help="the environment variable with the password"
        )
        parser.add_argument("--preset", required=True, choices=list(PRESETS))
        parser.add_argument("--company", help="our company's code (default: the only one)")
        parser.add_argument("--since", type=date.fromisoformat, help="documents from this date")

    def handle(self, *args: Any, **options: Any) -> None:
        variable = options["password_env"]
        password = os.environ.get(variable)
        if password is None:
            raise CommandError(f"the environment variable {variable} is not set")
        try:
            odata_root(options["url"])
        except ODataError as exc:
            raise CommandError(str(exc)) from None
        company = self._company(options["company"])
        connection, _created = Connection.objects.get_or_create(
            url=options["url"].strip().rstrip("/"),
            username=options["user"],
            preset=options["preset"],
            company=company,
            from_command=True,
            defaults={"schedule": Connection.Schedule.MANUAL},
        )
        run = SyncRun.objects.create(
            connection=connection, trigger=SyncRun.Trigger.COMMAND, since=options["since"]
        )
        shown: dict[str, int] = {}

        def progress(stats: dict[str, dict[str, int]]) -> None:
            for key, counts in stats.items():
                if counts["read"] != shown.get(key):
                    shown[key] = counts["read"]
                    self.stderr.write(f"  {key}: {counts['read']:,} read")

        run = run_sync(run, password, progress=progress)
        for key, counts in run.stats.items():
            self.stdout.write(
                f"{key}: {counts['read']} read, {counts['changed']} changed, "
                f"{counts['cancelled']} cancelled"
            )
        for note in run.notes_text():
            self.stderr.write(f"note: {note}")
        if run.status != SyncRun.Status.DONE:
            self.stderr.write(f"sync failed, nothing was written: {run.error_text()}")
            sys.exit(1)
        total = sum(c["changed"] for c in run.stats.values())
        self.stdout.write(f"done: {total} changed")

    def _company(self, code: str | None) -> Company:
        if code:
            company = Company.objects.filter(code=code).first()
            if company is None:
                raise CommandError(f"unknown company code {code!r}")
            return company
        companies = list(Company.objects.all()[:2])
        if len(companies) != 1:
            raise CommandError("which company? Give its code with --company")
        return companies[0]
