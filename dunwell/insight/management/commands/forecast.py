"""`dunwell forecast`: the cash forecast and its backtest (docs/metrics.md, "Cash forecast").

dunwell forecast show [--as-of D] [--method model|history] --format json|table
dunwell forecast backtest --from D1 --to D2 [--known-until D] --format json|table
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dunwell.insight.forecast import Forecast, Method, Part, backtest, forecast
from dunwell.insight.forecast_export import backtest_table, money, period_label
from dunwell.insight.management.commands.aging import parse_date


class Command(BaseCommand):
    help = "Cash forecast: show it as of a day, or backtest it over past month-ends."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="the forecast as of a day (default today)")
        show.add_argument("--as-of", type=parse_date)
        show.add_argument("--method", choices=[m.value for m in Method])
        show.add_argument("--format", choices=["json", "table"], default="json")
        bt = sub.add_parser("backtest", help="rebuild the forecast as of past month-ends")
        bt.add_argument("--from", dest="start", type=parse_date, required=True)
        bt.add_argument("--to", dest="end", type=parse_date, required=True)
        bt.add_argument(
            "--known-until", type=parse_date, help="the last day of known receipts (today)"
        )
        bt.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "backtest":
            if options["start"] > options["end"]:
                raise CommandError("--from: after --to")
            result = backtest(options["start"], options["end"], None, options["known_until"])
            if options["format"] == "json":
                self.stdout.write(json.dumps(result, indent=2))
            else:
                self.stdout.write(backtest_table(result))
            return
        method = Method(options["method"]) if options["method"] else None
        report = forecast(options["as_of"] or timezone.localdate(), None, method=method)
        data = _json(report)
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2))
        else:
            self.stdout.write(_table(data))


def _json(report: Forecast) -> dict[str, Any]:
    def rows(items: list[Any], monthly: bool) -> list[dict[str, Any]]:
        return [
            {
                "period": period_label(r, monthly),
                "start": r.period.start.isoformat(),
                "end": r.period.end.isoformat(),
                **{p.value: str(money(r.parts[p])) for p in Part},
                "total": str(money(r.total)),
                "low": str(money(r.low)),
                "high": str(money(r.high)),
                "actual": None if r.actual is None else str(money(r.actual)),
            }
            for r in items
        ]

    return {
        "as_of": report.as_of.isoformat(),
        "method": report.method.value,
        "kept_rate": round(report.kept_rate, 4),
        "kept_rate_measured": report.kept_rate_measured,
        "currencies": [
            {"currency": c.currency, "weeks": rows(c.weeks, False), "months": rows(c.months, True)}
            for c in report.currencies
        ],
    }


def _table(data: dict[str, Any]) -> str:
    lines = [f"cash forecast as of {data['as_of']} ({data['method']})"]
    for c in data["currencies"]:
        lines.append(f"{c['currency']}: {'period':24}{'forecast':>16}{'low':>16}{'high':>16}")
        for r in c["weeks"] + c["months"]:
            lines.append(f"     {r['period']:24}{r['total']:>16}{r['low']:>16}{r['high']:>16}")
    return "\n".join(lines) + "\n"
