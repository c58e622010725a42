"""Writing parsed rate rows into the database. Takes the model classes as arguments so that the
data migration (historical models) and the `rates import` command share one code path."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from dunwell.interest.ratefiles import RateRow, SeriesRow


@dataclass(frozen=True)
class UpsertCounts:
    created: int
    updated: int
    unchanged: int


def upsert_series(series_model: Any, rows: Sequence[SeriesRow]) -> None:
    series_model.objects.bulk_create(
        [
            series_model(
                code=r.code, name=r.name, source=r.source, update_cycle_days=r.update_cycle_days
            )
            for r in rows
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "source", "update_cycle_days"],
    )


def upsert_rates(series_model: Any, value_model: Any, rows: Sequence[RateRow]) -> UpsertCounts:
    """Insert new values, overwrite changed ones (same series and date), keep the rest; then
    refresh each touched series' `last_value_date`. Running it twice changes nothing."""
    codes = {r.series for r in rows}
    series_ids = dict(series_model.objects.filter(code__in=codes).values_list("code", "id"))
    existing = {
        (code, day): (value, source)
        for code, day, value, source in value_model.objects.filter(
            series__code__in=codes
        ).values_list("series__code", "effective_from", "value", "source")
    }
    created = updated = unchanged = 0
    changed = []
    for row in rows:
        old = existing.get((row.series, row.effective_from))
        if old is None:
            created += 1
        elif old[0] != row.value or old[1] != row.source:
            updated += 1
        else:
            unchanged += 1
            continue
        changed.append(
            value_model(
                series_id=series_ids[row.series],
                effective_from=row.effective_from,
                value=row.value,
                source=row.source,
            )
        )
    if changed:
        value_model.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["series", "effective_from"],
            update_fields=["value", "source"],
            batch_size=500,
        )
    for code, last in (
        value_model.objects.filter(series__code__in=codes)
        .values("series__code")
        .annotate(last=Max("effective_from"))
        .values_list("series__code", "last")
    ):
        series_model.objects.filter(code=code).update(last_value_date=last)
    return UpsertCounts(created, updated, unchanged)
