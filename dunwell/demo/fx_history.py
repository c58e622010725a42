"""The demo's exchange rates before the shipped day: the installation ships one approximate day
of each `fx_<currency>_ron` series (dunwell/interest/data/fx_ron.csv, 02.11.2026) and the rate of
a day is the latest value on or before it (`interest.fx.rate_table`), so a day before it had no
rate at all: the demo's past morning runs could not compare a foreign debt with a step minimum,
and a demo replayed at an earlier date converted nothing. `fx_history.csv` holds a short
monthly series of APPROXIMATE rates (2025-01 .. 2026-10), for the demo only, never a real
installation's: each value marked so in its source column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Min

from dunwell.interest.fx import forget_rates
from dunwell.interest.models import RateSeries, RateValue
from dunwell.interest.ratefiles import parse_rates

FILE = Path(__file__).resolve().parent / "fx_history.csv"


def ensure_fx_history() -> int:
    """Add the monthly values of `FILE` to each exchange-rate series, only before the series'
    first value (rates imported or shipped are never replaced); how many were added."""
    rows = parse_rates(FILE.name, FILE.read_text(encoding="utf-8"))
    with transaction.atomic():
        series = {s.code: s for s in RateSeries.objects.filter(code__in={r.series for r in rows})}
        first = dict(
            RateValue.objects.filter(series__in=series.values())
            .values("series__code")
            .annotate(first=Min("effective_from"))
            .values_list("series__code", "first")
        )
        new = [
            RateValue(
                series=series[r.series],
                effective_from=r.effective_from,
                value=r.value,
                source=r.source,
            )
            for r in rows
            if r.series in series and r.effective_from < first.get(r.series, date.max)
        ]
        RateValue.objects.bulk_create(new)
        transaction.on_commit(forget_rates)
    return len(new)
