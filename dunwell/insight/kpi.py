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


# The period the key figures are taken over, chosen on the KPI page. A month, a quarter and a
# year run from their first day to the as-of day; a custom period is any range of days.
MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
# Months a period of each kind goes back to the one before it (a custom period: its own days).
_STEP = {MONTH: 1, QUARTER: 3, YEAR: 12}


def shift_months(day: date, months: int) -> date:
    """`day` so many months later (earlier when negative), on the month's last day when the
    month is shorter; a month's last day stays the last day (30.09 - 3 months is 30.06, and
    30.06 + 3 months is 30.09)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if day == month_end(day):
        return date(year, month + 1, last)
    return date(year, month + 1, min(day.day, last))


def quarter_end(today: date) -> date:
    """The latest quarter-end on or before `today`."""
    end = month_end(date(today.year, (today.month - 1) // 3 * 3 + 3, 1))
    return end if end <= today else shift_months(end, -3)


@dataclass(frozen=True, slots=True)
class Period:
    kind: str  # MONTH, QUARTER, YEAR or CUSTOM
    start: date
    end: date

    @classmethod
    def ending(cls, kind: str, end: date) -> Period:
        """The month, the quarter or the year to date that `end` falls in, up to `end`."""
        if kind == QUARTER:
            return cls(kind, date(end.year, (end.month - 1) // 3 * 3 + 1, 1), end)
        if kind == YEAR:
            return cls(kind, date(end.year, 1, 1), end)
        return cls(MONTH, end.replace(day=1), end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def opening(self) -> date:
        """The day before the period: its receivables open the CEI."""
        return self.start - ONE_DAY

    def previous(self) -> Period:
        """The period before it: the month, quarter or year before, cut at the same day (a year
        to date 1.01-30.09.2026 against 1.01-30.09.2025), or as many days just before a custom
        period."""
        step = _STEP.get(self.kind)
        if step is None:
            return Period(self.kind, self.start - timedelta(days=self.days), self.opening)
        return Period(self.kind, shift_months(self.start, -step), shift_months(self.end, -step))

    def sales_start(self, months: int) -> date:
        """The first day of the credit sales the simple and best possible DSO divide by: the
        period, but at least the `months` months to its end (a month's DSO over its own 30 days
        swings with one large invoice)."""
        floor = shift_months(self.end.replace(day=1), 1 - months)
        return min(self.start, floor)
