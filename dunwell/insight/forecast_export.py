"""The cash forecast as rows for the page and XLSX, and the backtest as a text table."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import IO, Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise
from openpyxl import Workbook

from dunwell.cells import append_row, lay_out
from dunwell.insight.forecast import Forecast, Part, Row
from dunwell.money import from_cents

PART_LABELS: dict[Part, StrOrPromise] = {
    Part.RECEIVABLES: gettext_lazy("Open receivables"),
    Part.INSTALMENTS: gettext_lazy("Contract instalments"),
    Part.PROMISES: gettext_lazy("Promises and agreements"),
    Part.DEALS: gettext_lazy("Pipeline deals"),
}


def money(cents: int | None) -> Decimal | None:
    """Whole cents to a Decimal amount with two places (the forecast rounds each amount times
    a share once, where it is placed, so nothing is rounded here)."""
    if cents is None:
        return None
    return from_cents(cents)


def period_label(row: Row, monthly: bool) -> str:
    if monthly:
        start, end = row.period.start, row.period.end
        # The first month starts the day after the as-of day: "12.2026" would read as the whole
        # month, the days already past (and their receipts) included.
        if start.day != 1 or (end + timedelta(days=1)).day != 1:
            return f"{start:%d.%m}–{end:%d.%m.%Y}"
        return start.strftime("%m.%Y")
    return f"{row.period.start:%d.%m}–{row.period.end:%d.%m.%Y}"


def table_rows(rows: list[Row], monthly: bool) -> list[dict[str, Any]]:
    return [
        {
            "label": period_label(row, monthly),
            "start": row.period.start,
            "end": row.period.end,
            "parts": [money(row.parts[p]) for p in Part],
            "total": money(row.total),
            "low": money(row.low),
            "high": money(row.high),
            "actual": money(row.actual),
            "actual_until": row.actual_until,
        }
        for row in rows
    ]


def header() -> list[str]:
    # The period as two dates, not a label: a reader sorts, filters and looks up by them.
    return [
        _("Period start"),
        _("Period end"),
        *(str(PART_LABELS[p]) for p in Part),
        _("Forecast"),
        _("Low"),
        _("High"),
        _("Received"),
        # The day the received amount counts to: the period's end, or today in the period
        # holding today (what came in so far).
        _("Received until"),
    ]


def _received_until(row: dict[str, Any]) -> date | None:
    if row["actual"] is None:
        return None
    return row["actual_until"] or row["end"]


def write_xlsx(report: Forecast, out: IO[bytes], currency: str = "") -> None:
    """Weeks and months per currency; only `currency`'s when the reader chose one the forecast
    has, as the page shows it and the aging and KPI exports do."""
    workbook = Workbook(write_only=True)
    chosen = [c for c in report.currencies if c.currency == currency] or report.currencies
    for grain, monthly in ((_("Weeks"), False), (_("Months"), True)):
        sheet = workbook.create_sheet(grain)
        as_of = date_format(report.as_of, "SHORT_DATE_FORMAT")
        head = [_("Currency"), *header()]
        lay_out(sheet, head, first=12, above=1)
        append_row(sheet, [_("Cash forecast as of %(date)s") % {"date": as_of}])
        append_row(sheet, head)
        for one in chosen:
            rows = one.months if monthly else one.weeks
            for row in table_rows(rows, monthly):
                append_row(
                    sheet,
                    [
                        one.currency,
                        row["start"],
                        row["end"],
                        *row["parts"],
                        row["total"],
                        row["low"],
                        row["high"],
                        row["actual"],
                        _received_until(row),
                    ],
                )
    workbook.save(out)


def backtest_table(result: dict[str, Any]) -> str:
    lines = [
        f"forecast backtest {result['from']} .. {result['to']} "
        f"({len(result['month_ends'])} month-ends, actuals known until {result['known_until']})",
        f"{'currency':10}{'horizon':12}{'WAPE':>8}{'month-ends':>12}{'weeks':>7}"
        f"{'forecast':>20}{'actual':>20}",
    ]
    for currency in result["currencies"]:
        for name, h in currency["horizons"].items():
            wape = "—" if h["wape"] is None else f"{h['wape']:.3f}"
            lines.append(
                f"{currency['currency']:10}{name:12}{wape:>8}{h['n_month_ends']:>12}"
                f"{h['n_weeks']:>7}{h['forecast']:>20,.2f}{h['actual']:>20,.2f}"
            )
    return "\n".join(lines) + "\n"
