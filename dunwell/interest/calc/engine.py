"""Building blocks of every rule: the balance over time, cutting periods at rate changes and
1 January, accruing per line with ROUND_HALF_UP. Pure Python: no Django import.

Rounding: every line is rounded to the cent (ROUND_HALF_UP), and components are sums of
rounded lines, so the printed table adds up exactly to the printed total — the form a court
or the debtor can check with a pocket calculator.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dunwell.interest.calc.types import ONE_DAY, CalcError, Line, PaymentEvent, gettext_noop

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Period:
    """`base` owed on every day from `start` to `end` inclusive."""

    start: date
    end: date
    base: Decimal

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def check_payments(payments: Sequence[PaymentEvent]) -> None:
    for payment in payments:
        if payment.amount <= 0:
            raise CalcError(
                gettext_noop("Payment of %(day)s must be a positive amount."),
                day=payment.date.isoformat(),
            )


def balance_periods(
    debt: Decimal,
    start: date,
    end: date,
    payments: Sequence[PaymentEvent],
    *,
    payment_day_counted: bool,
) -> list[Period]:
    """Days with a positive balance, as periods of constant balance.

    A payment reduces the base from the day after it (the payment day is still a day of
    delay: RF Supreme Court Plenum Resolution No. 7 of 24.03.2016, p. 48 "по день уплаты …
    включительно"), or from the payment day itself with `payment_day=not_counted`.
    Payments that take effect on or before `start` reduce the opening balance.
    """
    if start > end:
        return []
    base = debt
    changes: dict[date, Decimal] = {}
    for payment in payments:
        effective = payment.date + ONE_DAY if payment_day_counted else payment.date
        if effective <= start:
            base -= payment.amount
        elif effective <= end:
            changes[effective] = changes.get(effective, ZERO) + payment.amount
    base = max(base, ZERO)
    periods: list[Period] = []
    current = start
    for day in sorted(changes):
        if base > 0:
            periods.append(Period(current, day - ONE_DAY, base))
        base = max(base - changes[day], ZERO)
        current = day
    if base > 0:
        periods.append(Period(current, end, base))
    return periods


def exclude(periods: Sequence[Period], first: date, last: date) -> list[Period]:
    """The periods without the days first..last (a moratorium)."""
    out: list[Period] = []
    for period in periods:
        if period.end < first or period.start > last:
            out.append(period)
            continue
        if period.start < first:
            out.append(Period(period.start, first - ONE_DAY, period.base))
        if period.end > last:
            out.append(Period(last + ONE_DAY, period.end, period.base))
    return out


def cut(periods: Sequence[Period], starts: Sequence[date]) -> list[Period]:
    """Split periods so that each date in `starts` begins a new piece."""
    points = sorted(set(starts))
    out: list[Period] = []
    for period in periods:
        current = period.start
        for point in points:
            if current < point <= period.end:
                out.append(Period(current, point - ONE_DAY, period.base))
                current = point
        out.append(Period(current, period.end, period.base))
    return out


def year_starts(periods: Sequence[Period]) -> list[date]:
    if not periods:
        return []
    first = min(p.start for p in periods).year
    last = max(p.end for p in periods).year
    return [date(year, 1, 1) for year in range(first + 1, last + 1)]


def days_in_year(year: int) -> int:
    return 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365


def year_basis(day: date, mode: str) -> int:
    """`actual`: 365 or 366 days in the line's calendar year (lines never cross 1 January);
    `365`/`360`: a fixed basis some contracts stipulate."""
    if mode == "actual":
        return days_in_year(day.year)
    return int(mode)


# A schedule is a step function: (from, annual percent, note) in date order.
Schedule = list[tuple[date, Decimal, str]]


def schedule_value(schedule: Schedule, day: date) -> tuple[Decimal, str]:
    found: tuple[Decimal, str] | None = None
    for start, value, note in schedule:
        if start <= day:
            found = (value, note)
        else:
            break
    if found is None:
        raise CalcError(
            gettext_noop("No rate is known for %(day)s."),
            day=day.isoformat(),
        )
    return found


def accrue_annual(
    component: str,
    periods: Sequence[Period],
    schedule: Schedule,
    basis_mode: str,
    *,
    limit: Callable[[Period, Decimal, int], tuple[Decimal, Decimal, int | None, str] | None]
    | None = None,
) -> list[Line]:
    """Simple (never compound) interest at an annual percent, one line per piece of constant
    balance, constant rate and one calendar year."""
    starts = [s for s, _v, _n in schedule] + year_starts(periods)
    lines: list[Line] = []
    for piece in cut(periods, starts):
        rate, note = schedule_value(schedule, piece.start)
        basis = year_basis(piece.start, basis_mode)
        amount = piece.base * rate * piece.days / (HUNDRED * basis)
        line_rate: Decimal = rate
        line_basis: int | None = basis
        if limit is not None:
            replaced = limit(piece, amount, basis)
            if replaced is not None:
                amount, line_rate, line_basis, note = replaced
        lines.append(
            Line(
                component=component,
                start=piece.start,
                end=piece.end,
                days=piece.days,
                base=piece.base,
                rate=line_rate,
                year_basis=line_basis,
                amount=money(amount),
                note=note,
            )
        )
    return lines


def accrue_daily(component: str, periods: Sequence[Period], rate: Decimal) -> list[Line]:
    """A per-day percent (contract penalties: "0.1% of the overdue amount for each day")."""
    return [
        Line(
            component=component,
            start=p.start,
            end=p.end,
            days=p.days,
            base=p.base,
            rate=rate,
            year_basis=None,
            amount=money(p.base * rate * p.days / HUNDRED),
        )
        for p in periods
    ]


CAP_NOTE = gettext_noop("cap reached")


def apply_cap(lines: Sequence[Line], cap: Decimal) -> tuple[list[Line], bool]:
    """Keep lines until their sum reaches `cap`; the line that crosses it is cut down and
    later lines are dropped (nothing accrues once the cap is reached)."""
    out: list[Line] = []
    running = ZERO
    for line in lines:
        if running + line.amount <= cap:
            out.append(line)
            running += line.amount
            continue
        remaining = cap - running
        if remaining > 0:
            out.append(
                Line(
                    component=line.component,
                    start=line.start,
                    end=line.end,
                    days=line.days,
                    base=line.base,
                    rate=line.rate,
                    year_basis=line.year_basis,
                    amount=remaining,
                    note=CAP_NOTE,
                )
            )
        return out, True
    return out, False
