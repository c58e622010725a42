"""The cash forecast as rows for the page and XLSX, and the backtest as a text table."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import IO, Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_stubs_ext import StrOrPromise
from openpyxl import Workbook

from dunwell.cells import append_row, lay_out
from dunwell.insight import forecast_math as fm
from dunwell.insight.forecast import Forecast, Item, Part, Row
from dunwell.money import from_cents
from dunwell.money_l10n import percent_text

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


def period_text(period: fm.Period, monthly: bool) -> str:
    if monthly:
        start, end = period.start, period.end
        # The first month starts the day after the as-of day: "12.2026" would read as the whole
        # month, the days already past (and their receipts) included.
        if start.day != 1 or (end + timedelta(days=1)).day != 1:
            return f"{start:%d.%m}–{end:%d.%m.%Y}"
        return start.strftime("%m.%Y")
    return f"{period.start:%d.%m}–{period.end:%d.%m.%Y}"


def period_label(row: Row, monthly: bool) -> str:
    return period_text(row.period, monthly)


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


def _short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _what(item: Item, names: dict[str, dict[int, Any]]) -> tuple[str, str]:
    """(what it is, the link to it) of a week's item."""
    found = names[item.kind].get(item.id)
    if item.kind == "document":
        if found is None:
            return "", ""
        return f"{found.get_kind_display()} {found.number}", ""
    if item.kind == "instalment":
        number = found.contract.number if found is not None else ""
        text = _("Contract %(number)s, instalment of %(date)s")
        return text % {"number": number, "date": _short(item.basis)}, ""
    if item.kind == "promise":
        return _("Promise to pay by %(date)s") % {"date": _short(item.basis)}, ""
    if item.kind == "agreement":
        text = _("Repayment agreement, instalment of %(date)s")
        return text % {"date": _short(item.basis)}, ""
    name = (found.name or found.external_id) if found is not None else ""
    link = reverse("pipeline:deal_edit", args=[item.id]) if found is not None else ""
    return _("Deal %(name)s") % {"name": name}, link


def _why(item: Item) -> str:
    """Why the item's cash is expected on its day, as the reader checks it."""
    rate = percent_text(Decimal(str(round(item.share * 100, 1))).normalize())
    days = {"days": item.delay, "due": _short(item.basis)}
    if item.why == "model":
        text = _("The payment prediction expects it on %(date)s.")
        text %= {"date": _short(item.expected)}
    elif item.why == "delay":
        text = ngettext(
            "Due %(due)s plus the customer's average delay of %(days)s day.",
            "Due %(due)s plus the customer's average delay of %(days)s days.",
            abs(item.delay),
        )
        text %= days
    elif item.why == "late":
        text = _(
            "Overdue since %(due)s: the part of it the late-payment history of the last "
            "12 month-ends expects this week."
        )
        text %= days
    elif item.why == "schedule":
        text = ngettext(
            "Instalment due %(due)s plus the customer's average delay of %(days)s day.",
            "Instalment due %(due)s plus the customer's average delay of %(days)s days.",
            abs(item.delay),
        )
        text %= days
    elif item.why == "promise":
        text = _("Promised or agreed for %(due)s, counted at the kept rate of %(rate)s.")
        text %= {**days, "rate": rate}
    else:
        text = _(
            "Expected to close on %(due)s, then the deal's payment terms and the customer's "
            "average delay; counted at its probability of %(rate)s."
        )
        text %= {**days, "rate": rate}
    if item.part == Part.RECEIVABLES and item.share < 1:
        text += " " + _("Only the part no promise or agreement covers counts (%(rate)s).") % {
            "rate": rate
        }
    return text


def item_rows(items: list[Item]) -> list[dict[str, Any]]:
    """A week's items as the page and the XLSX show them: debtor, what, expected day,
    amount, part, why (largest first, as `week_items` sorts them)."""
    from dunwell.ladder.models import AgreementInstalment, Promise
    from dunwell.ledger.models import ContractInstalment, Counterparty, Deal, Document

    def ids(kind: str) -> list[int]:
        return [i.id for i in items if i.kind == kind]

    names: dict[str, dict[int, Any]] = {
        "document": Document.objects.in_bulk(ids("document")),
        "instalment": ContractInstalment.objects.select_related("contract").in_bulk(
            ids("instalment")
        ),
        "promise": Promise.objects.in_bulk(ids("promise")),
        "agreement": AgreementInstalment.objects.in_bulk(ids("agreement")),
        "deal": Deal.objects.in_bulk(ids("deal")),
    }
    debtors = Counterparty.objects.in_bulk({i.counterparty_id for i in items})
    rows = []
    for item in items:
        what, link = _what(item, names)
        debtor = debtors.get(item.counterparty_id)
        rows.append(
            {
                "debtor": debtor.name if debtor is not None else "",
                "debtor_url": reverse("work:debtor", args=[item.counterparty_id]),
                "what": what,
                "link": link,
                "part": PART_LABELS[item.part],
                "expected": item.expected,
                "amount": money(item.cents),
                "currency": item.currency,
                "why": _why(item),
            }
        )
    return rows


def write_week_xlsx(week: dict[str, Any], out: IO[bytes]) -> None:
    """One week of the forecast opened: its items, then the total per part."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Month") if week.get("month") else _("Week"))
    head = [
        _("Debtor"),
        _("Document, instalment or deal"),
        _("Part"),
        _("Expected"),
        _("Amount"),
        _("Currency"),
        _("Why this day"),
    ]
    lay_out(sheet, head, first=30, above=1)
    period = week["period"]
    if week.get("month"):
        title = _("Cash forecast as of %(date)s, month %(month)s") % {
            "date": _short(week["as_of"]),
            "month": week["label"],
        }
    else:
        title = _("Cash forecast as of %(date)s, week %(start)s–%(end)s") % {
            "date": _short(week["as_of"]),
            "start": _short(period.start),
            "end": _short(period.end),
        }
    append_row(sheet, [title])
    append_row(sheet, head)
    for row in week["items"]:
        append_row(
            sheet,
            [
                row["debtor"],
                row["what"],
                str(row["part"]),
                row["expected"],
                row["amount"],
                row["currency"],
                row["why"],
            ],
        )
    for label, amount in week["parts"]:
        append_row(sheet, ["", "", str(label), None, amount, week["currency"], ""])
    append_row(sheet, ["", "", _("Forecast"), None, week["total"], week["currency"], ""])
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
