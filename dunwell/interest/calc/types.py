"""Values the calculator takes and returns. Pure Python: no Django import."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a message for translation (xgettext extracts `gettext_noop`) without Django.

    Callers on the Django side translate `CalcError.template`, `Notice.template` and
    `Line.note` with `gettext` at display time.
    """
    return message


# Rate series codes: one data file each under dunwell/interest/data/.
RU_KEY_RATE = "ru_key_rate"  # Bank of Russia key rate, % per year
RU_REFINANCING_RATE = "ru_refinancing_rate"  # Bank of Russia refinancing rate, % per year
RU_DEPOSIT_PREFIX = "ru_deposit_"  # + district: average deposit rates 2015-06-01..2016-07-31
UA_DISCOUNT_RATE = "ua_discount_rate"  # NBU discount rate (облікова ставка), % per year
UA_CPI = "ua_cpi"  # Ukrstat CPI, % of the previous month, effective_from = 1st of month
RO_REFERENCE_RATE = "ro_reference_rate"  # NBR reference rate (= monetary policy rate)
MD_BASE_RATE = "md_base_rate"  # NBM base rate
EU_ECB_MRO = "eu_ecb_mro"  # ECB main refinancing operations rate

ALL_SERIES = (
    RU_KEY_RATE,
    RU_REFINANCING_RATE,
    UA_DISCOUNT_RATE,
    UA_CPI,
    RO_REFERENCE_RATE,
    MD_BASE_RATE,
    EU_ECB_MRO,
)


class CalcError(ValueError):
    """Bad input or missing rate data. `template % params` is the English message; the
    Django side translates `template` (marked with gettext_noop) before formatting."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


@dataclass(frozen=True)
class Notice:
    """A warning as a translatable template and its parameters."""

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.template % dict(self.params) if self.params else self.template


@dataclass(frozen=True)
class PaymentEvent:
    date: date
    amount: Decimal


@dataclass(frozen=True)
class Line:
    """One row of the calculation table; `start`..`end` both inclusive.

    `rate` is in percent: per year when `year_basis` is set, per day when it is None
    (contract per-day penalties), or the inflation over the period (component `inflation`).
    `note` is a fixed English phrase marked for translation (translate it with gettext).
    `missing_index` lists the months ("YYYY-MM") of an inflation line that have no price index
    (not published or not loaded): the line's rate leaves them out.
    """

    component: str
    start: date
    end: date
    days: int
    base: Decimal
    rate: Decimal
    year_basis: int | None
    amount: Decimal
    note: str = ""
    missing_index: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    """`total` is every component except the fixed `compensation` (EUR 40 under Directive
    2011/7/EU and Romanian Law 72/2013), which is claimed separately."""

    total: Decimal
    components: dict[str, Decimal]
    lines: list[Line]
    currency: str | None = None
    warnings: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


class RateBook:
    """Effective-dated values of every rate series: a value applies from its `effective_from`
    until the next one. `stale` maps a series code to the date of its last value when the
    series is older than its usual update cycle (the calculator then warns)."""

    def __init__(
        self,
        series: Mapping[str, Iterable[tuple[date, Decimal]]],
        stale: Mapping[str, date] | None = None,
    ) -> None:
        self._dates: dict[str, list[date]] = {}
        self._values: dict[str, list[Decimal]] = {}
        for code, values in series.items():
            rows = sorted(values)
            self._dates[code] = [d for d, _v in rows]
            self._values[code] = [_tidy(v) for _d, v in rows]
        self.stale: dict[str, date] = dict(stale or {})

    def has(self, code: str) -> bool:
        return bool(self._dates.get(code))

    def first_date(self, code: str) -> date | None:
        dates = self._dates.get(code)
        return dates[0] if dates else None

    def last_date(self, code: str) -> date | None:
        dates = self._dates.get(code)
        return dates[-1] if dates else None

    def value_on(self, code: str, day: date) -> Decimal:
        dates = self._dates.get(code) or []
        index = bisect.bisect_right(dates, day) - 1
        if index < 0:
            raise CalcError(
                gettext_noop("No value of rate series %(series)s on %(day)s."),
                series=code,
                day=day.isoformat(),
            )
        return self._values[code][index]

    def exact(self, code: str, day: date) -> Decimal | None:
        """The value that takes effect exactly on `day` (monthly series), or None."""
        dates = self._dates.get(code) or []
        index = bisect.bisect_left(dates, day)
        if index < len(dates) and dates[index] == day:
            return self._values[code][index]
        return None

    def steps(self, code: str, start: date, end: date) -> list[tuple[date, Decimal]]:
        """(from, value) for every value in force during start..end, the first clipped to
        `start`."""
        dates = self._dates.get(code) or []
        out = [(start, self.value_on(code, start))]
        index = bisect.bisect_right(dates, start)
        while index < len(dates) and dates[index] <= end:
            out.append((dates[index], self._values[code][index]))
            index += 1
        return out


ONE_DAY = timedelta(days=1)


def _tidy(value: Decimal) -> Decimal:
    """16.000000 from the database reads 16.00; 0.035 keeps its digits."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        return value.quantize(Decimal("0.01"))
    return normal
