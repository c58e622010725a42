"""The last day of a period counted in calendar days ("respond within 30 days").

When that day is not a working day the period ends on the next working day (RU ГК ст. 193,
UA ЦК ст. 254 ч. 5, RO Cod civil art. 2554 al. 2 and Cod proc. civ. art. 181 al. 2, the
Moldovan civil code alike; docs/legal.md). The debtor's calendar counts: its country's public
holidays, the weekends and its company's closed days (`ledger.services.work_calendar`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dunwell.ledger.models import Counterparty
from dunwell.ledger.services import work_calendar
from dunwell.workdays import WorkCalendar


@dataclass(frozen=True)
class PeriodEnd:
    day: date  # the last day of the period, a working day
    moved_from: date | None  # the day the calendar count gave, when it was not a working day


def calendar_of(counterparty: Counterparty) -> WorkCalendar:
    """The working days that count for `counterparty`: its country's and its company's."""
    return work_calendar(counterparty.company, counterparty.country)


def period_end(counterparty: Counterparty, start: date, days: int) -> PeriodEnd:
    """`days` calendar days after `start`, moved on to the next working day of the debtor's
    calendar when it falls on a weekend, a public holiday or a day the company is closed."""
    counted = start + timedelta(days=days)
    day = calendar_of(counterparty).next_working_day(counted)
    return PeriodEnd(day, counted if day != counted else None)


# Why a period's last day was not a working day (stored with the case step that moved it;
# worded by timeline_texts.moved_text).
SATURDAY, SUNDAY, CLOSED, HOLIDAY = "saturday", "sunday", "closed", "holiday"


def moved_why(counterparty: Counterparty, day: date) -> str:
    """Why `day` is not a working day in `counterparty`'s calendar."""
    if day.weekday() == 5:
        return SATURDAY
    if day.weekday() == 6:
        return SUNDAY
    return CLOSED if day in calendar_of(counterparty).extra_closed else HOLIDAY
