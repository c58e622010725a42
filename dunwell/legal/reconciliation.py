"""The reconciliation statement (акт сверки взаиморасчетов / акт звіряння взаєморозрахунків /
act de reconciliere) for a period, from the creditor's books. Pure Python, no Django import.

Debit is what the debtor was invoiced (shipments, acts), credit is what it paid. The opening
balance is everything before the period; the closing balance is opening + debit turnover -
credit turnover. A positive balance is owed to us.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Entry:
    day: date
    label: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO


@dataclass(slots=True)
class Statement:
    start: date
    end: date
    opening: Decimal
    rows: list[Entry] = field(default_factory=list)
    debit_turnover: Decimal = ZERO
    credit_turnover: Decimal = ZERO

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit_turnover - self.credit_turnover


def balance_sides(balance: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """The (debit, credit) cells of a balance row: a debt owed to us on the debit side, an
    overpayment on the credit side, and no balance as 0.00 on the debit side (a signed
    statement prints 0,00 there, not an empty row the debtor could fill in)."""
    if balance < 0:
        return None, -balance
    return balance, None


def reconcile(entries: Iterable[Entry], start: date, end: date) -> Statement:
    """Split `entries` into the opening balance (before `start`), the rows of the period
    (start..end inclusive, in date order, invoices before payments on the same day) and
    leave out everything after `end`."""
    if end < start:
        raise ValueError("the period ends before it starts")
    opening = ZERO
    rows: list[Entry] = []
    for entry in entries:
        if entry.day < start:
            opening += entry.debit - entry.credit
        elif entry.day <= end:
            rows.append(entry)
    # Same-day order: invoices first, so the running balance never dips below what was owed.
    rows.sort(key=lambda e: (e.day, e.credit > 0, e.label))
    statement = Statement(start=start, end=end, opening=opening, rows=rows)
    statement.debit_turnover = sum((e.debit for e in rows), ZERO)
    statement.credit_turnover = sum((e.credit for e in rows), ZERO)
    return statement
