"""Reading rate series: the RateBook for the calculator and which series are stale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dunwell.interest.calc import RateBook
from dunwell.interest.models import RateSeries, RateValue


@dataclass(frozen=True)
class SeriesStatus:
    code: str
    name: str
    last_value_date: date | None
    update_cycle_days: int
    values: int
    stale: bool


def series_status(today: date) -> list[SeriesStatus]:
    """Every series with its last value date; `stale` when that date is more than its usual
    update cycle before `today` (or it has no value at all)."""
    from django.db.models import Count

    out = []
    for series in RateSeries.objects.annotate(n=Count("values")).order_by("code"):
        last = series.last_value_date
        stale = last is None or last + timedelta(days=series.update_cycle_days) < today
        out.append(
            SeriesStatus(series.code, series.name, last, series.update_cycle_days, series.n, stale)
        )
    return out


def stale_series(today: date) -> dict[str, date]:
    return {
        s.code: s.last_value_date for s in series_status(today) if s.stale and s.last_value_date
    }


def rate_book(today: date) -> RateBook:
    """Every value of every series (a few hundred rows, one query) plus the stale ones."""
    series: dict[str, list[tuple[date, Decimal]]] = {}
    for code, day, value in RateValue.objects.values_list(
        "series__code", "effective_from", "value"
    ):
        series.setdefault(code, []).append((day, value))
    return RateBook(series, stale=stale_series(today))
