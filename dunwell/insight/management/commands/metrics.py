"""`dunwell metrics`: the collection KPIs (docs/metrics.md) as of a date, the key figures over a
month, a quarter, the year to date or any range beside the period before, as JSON or a table;
`dunwell metrics snapshot [--through D] [--months N] [--full]` writes the KPI snapshots."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.insight import kpi
from dunwell.insight.buckets import BucketError, parse_edges
from dunwell.insight.management.commands.aging import parse_date
from dunwell.insight.metrics import MetricsBy, last_month_end, metrics
from dunwell.insight.metrics_export import to_json, to_table
from dunwell.insight.snapshots import SNAPSHOT_MONTHS, refresh


class Command(BaseCommand):
    help = (
        "Print the collection KPIs as of a date: DSO, best possible DSO, ADD, CEI (12-month "
        "trend), roll rates, recovery odds and collector results, per currency."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            nargs="?",
            choices=["snapshot"],
            help="snapshot: write the KPI snapshots of the closed month-ends (docs/metrics.md)",
        )
        parser.add_argument(
            "--through",
            type=parse_date,
            help="snapshot: the last month-end to write (default: the last one before today)",
        )
        parser.add_argument(
            "--months",
            type=int,
            default=SNAPSHOT_MONTHS,
            help=f"snapshot: how many month-ends (default {SNAPSHOT_MONTHS})",
        )
        parser.add_argument(
            "--full", action="store_true", help="snapshot: rewrite every month, not only stale"
        )
        parser.add_argument(
            "--as-of", type=parse_date, help="YYYY-MM-DD (default: the last month-end)"
        )
        parser.add_argument(
            "--by",
            choices=[b.value for b in MetricsBy],
            help="group by this as well as by currency (default: per currency only)",
        )
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument(
            "--buckets", help="bucket edges in days past due, e.g. 30,60,90,180 (default: saved)"
        )
        parser.add_argument(
            "--period",
            choices=[kpi.MONTH, kpi.QUARTER, kpi.YEAR],
            default=kpi.MONTH,
            help="the key figures and collector results over the month, the quarter or the "
            "year to date that --as-of falls in, beside the one before (default: month)",
        )
        parser.add_argument(
            "--from",
            dest="start",
            type=parse_date,
            help="YYYY-MM-DD: the key figures over --from to --as-of instead, beside as many "
            "days just before",
        )
        parser.add_argument("--currency", help="only this currency")
        parser.add_argument("--user", help="only what this username may see")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "snapshot":
            self.snapshot(options)
            return
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
        as_of = options["as_of"] or last_month_end(timezone.localdate())
        if options["start"] is not None:
            if options["start"] > as_of:
                raise CommandError(
                    f"--from: {options['start'].isoformat()} is after the as-of day "
                    f"{as_of.isoformat()}"
                )
            period = kpi.Period(kpi.CUSTOM, options["start"], as_of)
        else:
            period = kpi.Period.ending(options["period"], as_of)
        report = metrics(
            as_of,
            options["by"],
            period=period,
            user=user,
            edges=edges,
            currency=(options["currency"] or "").upper() or None,
        )
        render = to_json if options["format"] == "json" else to_table
        self.stdout.write(render(report), ending="")

    def snapshot(self, options: dict[str, Any]) -> None:
        through, months = options["through"], options["months"]
        if through is not None and through >= timezone.localdate():
            raise CommandError("--through: give a day before today (a closed month-end)")
        if months < 1:
            raise CommandError("--months: give a whole number of at least 1")

        def log(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        written = refresh(through, months=months, full=options["full"], log=log)
        self.stdout.write(f"KPI snapshots up to date: {written} month(s) written whole.")
