"""Working-day calendars: a country's public holidays (the `holidays` package) plus weekends
plus a company's own non-working days. Pure Python, no Django import.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _country_holidays(country: str, year: int) -> frozenset[date]:
    try:
        calendar = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        return frozenset()
    return frozenset(calendar.keys())


class WorkCalendar:
    """Answers "is this a working day" for one country plus extra closed days."""

    def __init__(self, country: str, extra_closed: Iterable[date] = ()) -> None:
        self.country = country.upper()
        self.extra_closed = frozenset(extra_closed)

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5 or day in self.extra_closed:
            return False
        return day not in _country_holidays(self.country, day.year)

    def next_working_day(self, day: date) -> date:
        """The day itself when it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, days: int) -> date:
        """`days` banking days after `start` (start itself is not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_before(self, day: date, count: int, within: int = 30) -> list[date]:
        """The `count` working days before `day` (fewer when `within` days back hold fewer),
        oldest first."""
        days: list[date] = []
        current = day - timedelta(days=1)
        while len(days) < count and current > day - timedelta(days=within):
            if self.is_working_day(current):
                days.append(current)
            current -= timedelta(days=1)
        return sorted(days)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count
