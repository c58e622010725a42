"""`dunwell interest`: penalty / statutory interest with its line-by-line table.

Exit codes: 0 done, 2 bad input (argument, option, missing rate data).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from dunwell.interest.calc import RULES, PaymentEvent, Result
from dunwell.interest.errors import InterestError
from dunwell.interest.services import calculate

COMPONENT_NAMES = {
    "penalty": _("penalty"),
    "interest": _("interest"),
    "inflation": _("inflation losses"),
    "fee": _("fixed fee"),
    "compensation": _("compensation"),
}


def _date(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            gettext("%(what)s: %(value)r is not a date YYYY-MM-DD.")
            % {"what": what, "value": value},
            returncode=2,
        ) from None


def _amount(value: str, what: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise CommandError(
            gettext("%(what)s: %(value)r is not an amount.") % {"what": what, "value": value},
            returncode=2,
        )
    return amount


def result_as_json(rule: str, result: Result) -> dict[str, Any]:
    return {
        "rule": rule,
        "currency": result.currency,
        "total": str(result.total),
        "components": {k: str(v) for k, v in result.components.items()},
        "lines": [
            {
                "component": line.component,
                "start": line.start.isoformat(),
                "end": line.end.isoformat(),
                "days": line.days,
                "base": str(line.base),
                "rate": str(line.rate),
                "year_basis": line.year_basis,
                "amount": str(line.amount),
                "note": line.note,
            }
            for line in result.lines
        ],
        "warnings": result.warnings,
    }


def result_as_table(result: Result) -> str:
    headers = [
        gettext("Component"),
        gettext("From"),
        gettext("To"),
        pgettext("count of days", "Days"),
        gettext("Base"),
        gettext("Rate, %"),
        pgettext("day count basis", "Year"),
        pgettext("interest accrued", "Amount"),
        gettext("Note"),
    ]
    rows = [
        [
            str(COMPONENT_NAMES.get(line.component, line.component)),
            f"{line.start:%d.%m.%Y}",
            f"{line.end:%d.%m.%Y}",
            str(line.days),
            str(line.base),
            str(line.rate),
            str(line.year_basis or ""),
            str(line.amount),
            gettext(line.note) if line.note else "",
        ]
        for line in result.lines
    ]
    numeric = {3, 4, 5, 6, 7}
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def fmt(row: list[str]) -> str:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(cells).rstrip()

    out = [fmt(headers), "  ".join("-" * w for w in widths)]
    out += [fmt(r) for r in rows]
    out.append("")
    for name, amount in result.components.items():
        label = COMPONENT_NAMES.get(name, name)
        suffix = " " + gettext("(not in the total)") if name == "compensation" else ""
        out.append(f"{label}: {amount}{suffix}")
    currency = f" {result.currency}" if result.currency else ""
    total_label = gettext("Total")
    out.append(f"{total_label}: {result.total}{currency}")
    for warning in result.warnings:
        out.append(gettext("Warning: %(text)s") % {"text": warning})
    return "\n".join(out)


class Command(BaseCommand):
    help = "Penalty or statutory interest on a debt, with the line-by-line calculation."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--rule", required=True, choices=sorted(RULES))
        parser.add_argument("--debt", required=True, help="the overdue amount, e.g. 100000.00")
        parser.add_argument("--due", required=True, help="contractual due date YYYY-MM-DD")
        parser.add_argument("--to", required=True, help="last day counted, YYYY-MM-DD")
        parser.add_argument(
            "--payment",
            action="append",
            default=[],
            metavar="DATE:AMOUNT",
            help="a partial payment, repeatable",
        )
        parser.add_argument(
            "--option",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="rule option, repeatable (see docs/interest.md)",
        )
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **opts: Any) -> None:
        payments = []
        for raw in opts["payment"]:
            day, sep, amount = raw.partition(":")
            if not sep:
                raise CommandError(
                    gettext("--payment %(value)r: expected DATE:AMOUNT.") % {"value": raw},
                    returncode=2,
                )
            payments.append(PaymentEvent(_date(day, "--payment"), _amount(amount, "--payment")))
        options = {}
        for raw in opts["option"]:
            key, sep, value = raw.partition("=")
            if not sep or not key:
                raise CommandError(
                    gettext("--option %(value)r: expected KEY=VALUE.") % {"value": raw},
                    returncode=2,
                )
            options[key.strip()] = value.strip()
        try:
            result = calculate(
                opts["rule"],
                debt=_amount(opts["debt"], "--debt"),
                due=_date(opts["due"], "--due"),
                to=_date(opts["to"], "--to"),
                payments=payments,
                options=options,
            )
        except InterestError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        if opts["format"] == "json":
            self.stdout.write(json.dumps(result_as_json(opts["rule"], result), indent=2))
            for warning in result.warnings:
                self.stderr.write(gettext("Warning: %(text)s") % {"text": warning})
        else:
            self.stdout.write(result_as_table(result))
