"""`dunwell aging`: the aging report on the terminal or as JSON/CSV."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.insight.buckets import BucketError, parse_edges
from dunwell.insight.export import to_csv, to_json, to_table
from dunwell.insight.selectors import GroupBy, aging


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Print open receivables by days past due, as of a date, grouped and per currency."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=parse_date, help="YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--by", choices=[g.value for g in GroupBy], default=GroupBy.COUNTERPARTY.value
        )
        parser.add_argument("--format", choices=["json", "csv", "table"], default="table")
        parser.add_argument(
            "--buckets", help="bucket edges in days past due, e.g. 30,60,90,180 (default: saved)"
        )
        parser.add_argument("--currency", help="only this currency")
        parser.add_argument("--user", help="only what this username may see")

    def handle(self, *args: Any, **options: Any) -> None:
        edges = None
        if options["buckets"]:
            try:
                edges = parse_edges(options["buckets"])
            except BucketError as exc:
                raise CommandError(f"--buckets: {exc}") from None
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user: no user {options['user']!r}")
        report = aging(
            options["as_of"] or timezone.localdate(),
            options["by"],
            user=user,
            edges=edges,
            currency=(options["currency"] or "").upper() or None,
        )
        render = {"json": to_json, "csv": to_csv, "table": to_table}[options["format"]]
        self.stdout.write(render(report), ending="")
