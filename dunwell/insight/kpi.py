"""Collection KPI formulas over plain numbers (docs/metrics.md). No Django import.

Amounts are integer cents of ONE currency: the callers never mix currencies. Every function
returns None where the formula divides by zero, so a report shows "—" instead of a made-up 0.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

ONE_DAY = timedelta(days=1)
HUNDRED = Decimal(100)


def month_end(day: date) -> date:
    """The last day of the month of `day`."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_ends_before(as_of: date, count: int) -> list[date]:
    """The last days of the `count` months before the month of `as_of`, oldest first."""
    ends: list[date] = []
    end = as_of.replace(day=1) - ONE_DAY
    for _ in range(count):
        ends.append(end)
        end = end.replace(day=1) - ONE_DAY
    return ends[::-1]


def cuts(as_of: date, months: int) -> list[date]:
    """The period ends of a report as of `as_of`: the last day of each of the `months` months
    before it, then `as_of` itself (the last, possibly partial, month ends on `as_of`)."""
    return [*month_ends_before(as_of, months), as_of]


@dataclass(frozen=True, slots=True)
class MonthSales:
    """Credit sales of one month (cents) and the number of days of it counted."""

    cents: int
    days: int


def count_back_dso(receivables: int, months: Sequence[MonthSales]) -> Decimal | None:
    """DSO by the count-back method. `months` are newest first. From the period-end
    receivables subtract each month's credit sales, adding that month's days, while the
    receivables cover the whole month; the month they run out in adds its days pro rata
    (receivables left ÷ that month's sales × its days). None when the receivables outlast
    every month given (the history is too short to count back)."""
    if receivables <= 0:
        return Decimal(0)
    left = Decimal(receivables)
    days = Decimal(0)
    for month in months:
        if month.cents <= 0:
            days += month.days
            continue
        if left <= month.cents:
            return days + left / month.cents * month.days
        left -= month.cents
        days += month.days
    return None


def simple_dso(receivables: int, sales: int, days: int) -> Decimal | None:
    """Receivables ÷ credit sales of the period × days of the period."""
    if sales <= 0:
        return None
    return Decimal(receivables) / sales * days


def add_days(dso: Decimal | None, best: Decimal | None) -> Decimal | None:
    """Average days delinquent: DSO − best possible DSO."""
    if dso is None or best is None:
        return None
    return dso - best


def cei(opening: int, sales: int, closing: int, closing_current: int) -> Decimal | None:
    """Collection effectiveness index in per cent: (opening + sales − closing) ÷
    (opening + sales − closing current) × 100."""
    denominator = opening + sales - closing_current
    if denominator <= 0:
        return None
    return Decimal(opening + sales - closing) / denominator * HUNDRED


def share(part: int, whole: int) -> Decimal | None:
    """part ÷ whole × 100, in per cent; None when whole is 0."""
    if whole <= 0:
        return None
    return Decimal(part) / whole * HUNDRED


def rounded(value: Decimal | None, places: int = 1) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places))
