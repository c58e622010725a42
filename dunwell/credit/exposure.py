"""Credit exposure per counterparty (issue 13, item 2): what the customer owes or has ordered
on credit, by component, in each currency and converted into the limit's currency.

Components (docs/credit.md):
- open_not_due: open documents not yet due on the day;
- overdue: open documents past their due date (overdue_beyond: those past it by more than N
  days, a part of `overdue`, not added twice);
- orders_confirmed / orders_shipped: orders not yet invoiced (amount - invoiced amount);
- unapplied: payments not allocated to any document (credit: it lowers the exposure).

One set-based query over the three tables for any number of counterparties; no loop over rows.
Open amounts are today's (the ledger keeps only the current ones); the day decides what is due.
"""

# The SQL below is built from fixed text; values are passed as parameters.
# ruff: noqa: S608
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dunwell.money import ZERO, Amounts, Money, RateTable, quantize, to_decimal
from dunwell.rawrows import Query, fetch_each

COMPONENTS = (
    "open_not_due",
    "overdue",
    "overdue_beyond",
    "orders_confirmed",
    "orders_shipped",
    "unapplied",
)
# The components that add up to the total exposure (overdue_beyond is part of overdue; the
# unapplied credit is subtracted).
ADDED = ("open_not_due", "overdue", "orders_confirmed", "orders_shipped")

_SQL = """
SELECT counterparty_id, currency,
  SUM(CASE WHEN due_date >= %s THEN open_amount ELSE 0 END),
  SUM(CASE WHEN due_date < %s THEN open_amount ELSE 0 END),
  SUM(CASE WHEN due_date < %s THEN open_amount ELSE 0 END),
  0, 0, 0
FROM ledger_document
WHERE counterparty_id IN ({ids}) AND open_amount > 0 AND NOT cancelled
GROUP BY counterparty_id, currency
UNION ALL
SELECT counterparty_id, currency, 0, 0, 0,
  SUM(CASE WHEN status = 'confirmed' THEN amount - invoiced_amount ELSE 0 END),
  SUM(CASE WHEN status = 'shipped' THEN amount - invoiced_amount ELSE 0 END),
  0
FROM ledger_order
WHERE counterparty_id IN ({ids}) AND status IN ('confirmed', 'shipped')
GROUP BY counterparty_id, currency
UNION ALL
SELECT counterparty_id, currency, 0, 0, 0, 0, 0, SUM(unallocated)
FROM ledger_payment
WHERE counterparty_id IN ({ids}) AND unallocated > 0 AND NOT cancelled
GROUP BY counterparty_id, currency
"""


class MissingRate(ValueError):
    """No exchange rate links a currency the debtor owes in to the limit's currency."""


@dataclass(frozen=True)
class Exposure:
    """One counterparty's exposure on `on`: per component, per currency (`native`) and in
    `currency` (`converted`, which leaves out what had no rate: see `missing_rates`)."""

    counterparty_id: int
    on: date
    currency: str
    native: Mapping[str, Amounts]
    converted: Mapping[str, Money]
    missing_rates: tuple[str, ...] = ()
    rates: Mapping[str, Decimal] = field(default_factory=dict)
    # The day each rate was set (its own date, the older of the two for a cross rate): the
    # panel names it as the check's reasons do, not the day of the exposure.
    rate_days: Mapping[str, date] = field(default_factory=dict)
    # How many days past due make `overdue_beyond` (the rules' overdue_beyond_days): the pages
    # name it ("of which more than 30 days overdue"); None where the caller did not say.
    beyond_days: int | None = None

    @property
    def rate_lines(self) -> list[tuple[str, Decimal, date | None]]:
        """(currency, units of the limit's currency per unit, the rate's own day) per rate."""
        return [(code, rate, self.rate_days.get(code)) for code, rate in self.rates.items()]

    @property
    def total(self) -> Money:
        total = Money(ZERO, self.currency)
        for name in ADDED:
            total = total + self.converted[name]
        return total - self.converted["unapplied"]

    @property
    def native_total(self) -> Amounts:
        """The total exposure in each of its own currencies (no conversion): what the card
        shows when there is no limit to convert to."""
        rows = [(m.currency, m.amount) for name in ADDED for m in self.native[name]]
        rows += [(m.currency, -m.amount) for m in self.native["unapplied"]]
        return Amounts.of(rows)

    def as_json(self) -> dict[str, object]:
        return {
            "on": self.on.isoformat(),
            "currency": self.currency,
            "components": {
                name: {
                    "amount": str(self.converted[name].amount),
                    "by_currency": self.native[name].to_json(),
                }
                for name in COMPONENTS
            },
            "total": str(self.total.amount),
            "missing_rates": list(self.missing_rates),
            "rates": {c: str(r) for c, r in self.rates.items()},
            "rate_dates": {c: d.isoformat() for c, d in self.rate_days.items()},
            "beyond_days": self.beyond_days,
        }


def _decimal(value: object) -> Decimal:
    """A SUM as Decimal: PostgreSQL's NUMERIC is one already; SQLite sums amounts with cents as
    floats, exact to the cent at any sum these columns hold once rounded (quantize)."""
    if value is None:
        return ZERO
    if isinstance(value, float):
        return Decimal(repr(value))
    return to_decimal(value)


def exposure_query(counterparty_ids: Sequence[int], on: date, beyond_days: int) -> Query:
    """The one statement of `native_amounts` (for `rawrows.fetch_each`; `amounts_from` reads
    its rows). At least one id."""
    ids = [int(i) for i in counterparty_ids]
    sql = _SQL.format(ids=", ".join(["%s"] * len(ids)))
    # In the order of the placeholders: the day twice and the "beyond" day, then the ids of
    # each of the three parts.
    params: list[date | int] = [on, on, on - timedelta(days=beyond_days), *ids, *ids, *ids]
    return sql, params


def native_amounts(
    counterparty_ids: Iterable[int], on: date, beyond_days: int
) -> dict[int, dict[str, Amounts]]:
    """{counterparty id: {component: Amounts}} for every counterparty named (zeros included)."""
    ids = [int(i) for i in counterparty_ids]
    if not ids:
        return {}
    return amounts_from(fetch_each([exposure_query(ids, on, beyond_days)])[0], ids)


def amounts_from(
    found: Sequence[Sequence[Any]], counterparty_ids: Iterable[int]
) -> dict[int, dict[str, Amounts]]:
    """The rows of `exposure_query` as {counterparty id: {component: Amounts}} for every
    counterparty named (zeros included)."""
    ids = [int(i) for i in counterparty_ids]
    out: dict[int, dict[str, Amounts]] = {i: {n: Amounts() for n in COMPONENTS} for i in ids}
    rows: dict[int, dict[str, list[tuple[str, Decimal]]]] = defaultdict(lambda: defaultdict(list))
    for cp_id, currency, *values in found:
        for name, value in zip(COMPONENTS, values, strict=True):
            amount = quantize(_decimal(value))
            if amount:
                rows[cp_id][name].append((currency, amount))
    for cp_id, by_name in rows.items():
        for name, pairs in by_name.items():
            out[cp_id][name] = Amounts.of(pairs)
    return out


def convert(
    counterparty_id: int,
    native: Mapping[str, Amounts],
    currency: str,
    rates: RateTable,
    on: date,
    beyond_days: int | None = None,
) -> Exposure:
    """The exposure in `currency` at the rates of `rates` (the check's day); `beyond_days`,
    the days `native`'s overdue_beyond was counted with."""
    converted: dict[str, Money] = {}
    missing: set[str] = set()
    used: dict[str, Decimal] = {}
    days: dict[str, date] = {}
    for name in COMPONENTS:
        total, lacking = rates.equivalent(native[name], currency)
        converted[name] = total
        missing.update(lacking)
        for money in native[name]:
            if money.currency != currency and money.currency not in lacking:
                found = rates.rate(money.currency, currency)
                if found is not None:
                    used[money.currency], days[money.currency] = found
    return Exposure(
        counterparty_id=counterparty_id,
        on=on,
        currency=currency,
        native=native,
        converted=converted,
        missing_rates=tuple(sorted(missing)),
        rates=used,
        rate_days=days,
        beyond_days=beyond_days,
    )


def exposure_of(
    counterparty_id: int, on: date, currency: str, beyond_days: int, rates: RateTable
) -> Exposure:
    """One counterparty's exposure in `currency` (the check and the card's panel)."""
    native = native_amounts([counterparty_id], on, beyond_days)[counterparty_id]
    return convert(counterparty_id, native, currency, rates, on, beyond_days)
