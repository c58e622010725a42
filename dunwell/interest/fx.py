"""Exchange rates as of a day, read from the `fx_<base>_<quote>` rate series.

The series are imported like every other official series (`dunwell rates import`, with the
usual staleness warnings in `dunwell rates status`); their value is the number of `quote` units
for one `base` unit, as central banks publish them (NBR: RON per 1 EUR).
"""

from __future__ import annotations

from datetime import date
from time import monotonic

from dunwell.interest.models import RateSeries, RateValue
from dunwell.interest.ratefiles import parse_fx_code
from dunwell.money import Rate, RateTable

FX_PREFIX = "fx_"
# A page or a credit check reads the day's table once a minute per process, not once per
# request: the table reads every fx value up to the day, and rates change only on an import
# (which forgets the cache of its own process at once; other processes follow within the TTL).
RATES_TTL_SECONDS = 60
_cache: dict[date, tuple[float, RateTable]] = {}


def rate_table(as_of: date) -> RateTable:
    """The latest value of every exchange-rate series on or before `as_of` (one query over a
    small table); a rate is stale when older than its series' usual update cycle."""
    cycles = dict(
        RateSeries.objects.filter(code__startswith=FX_PREFIX).values_list(
            "code", "update_cycle_days"
        )
    )
    table = RateTable(as_of=as_of, stale_after_days=max(cycles.values(), default=7))
    for code, day, value in (
        RateValue.objects.filter(series__code__startswith=FX_PREFIX, effective_from__lte=as_of)
        .order_by("series__code", "effective_from")
        .values_list("series__code", "effective_from", "value")
    ):
        pair = parse_fx_code(code)
        if pair is not None and value > 0:
            table.add(Rate(pair[0], pair[1], value, day))  # later days overwrite earlier ones
    return table


def rates_on(day: date) -> RateTable:
    """`rate_table(day)`, kept for RATES_TTL_SECONDS in this process."""
    now = monotonic()
    cached = _cache.get(day)
    if cached is not None and now - cached[0] < RATES_TTL_SECONDS:
        return cached[1]
    table = rate_table(day)
    if len(_cache) > 32:
        _cache.clear()
    _cache[day] = (now, table)
    return table


def forget_rates() -> None:
    """Drop the kept tables (after an import of rates; between tests)."""
    _cache.clear()
