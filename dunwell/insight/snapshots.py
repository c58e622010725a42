"""KPI snapshots (docs/metrics.md, "Snapshots"): what the collection KPIs need of each closed
month-end, written once so that a report reads 25 small month slices instead of rebuilding
every past month-end from the ledger.

One row per (month-end, counterparty, company, currency, aging bucket on the month-end, bucket
on the month-end before): the documents open, their open amount (issued on or before the day,
less what was paid by then) and the part of it paid within 30, 90, 180 and 365 days after the
day. Amounts are integer cents summed per document exactly as the live query sums them, so a
report from snapshots equals the live one to the cent. Each month also gets its totals per
company, currency and bucket pair (rows without a counterparty), for reports over everything.

A month is written by one INSERT … SELECT in its own transaction (a re-run replaces it). The
ledger's past changes only through a reallocation (every import, payment or document service
reallocates the counterparties it touched, back-dated or not): the reallocation marks those
counterparties stale (`mark_stale`, registered with the ledger at start-up), the reports
compute stale counterparties live, and the next refresh rewrites their rows in every month and
deletes the marks. Payments within the 365 days after a month-end change its "paid within"
amounts; they come through a reallocation too, so no month needs rewriting on a calendar.
"""

# The SQL below is assembled from constant fragments only; every value is a query parameter.
# ruff: noqa: S608
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from time import monotonic
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from dunwell.insight import kpi
from dunwell.insight.metrics import (
    HISTORY_MONTHS,
    HORIZONS,
    _bucket_cases,
    _cents,
    _cut_columns,
    _cut_values,
    _date,
)
from dunwell.insight.models import KpiSnapshot, KpiSnapshotMonth, KpiStale, saved_edges

# The report as of a month-end reads the 24 month-ends before it and that day itself.
SNAPSHOT_MONTHS = HISTORY_MONTHS + 1
JOB_LOCK = "insight.kpi_snapshots"


def edges_text(edges: Sequence[int]) -> str:
    return ",".join(str(e) for e in edges)


def mark_stale(cursor: CursorWrapper, counterparty_sql: str) -> None:
    """The ledger's reallocation hook: the counterparties `counterparty_sql` selects have new
    allocations (maybe back-dated), so their snapshot rows may be wrong until rewritten."""
    table = KpiStale._meta.db_table
    cursor.execute(
        f"INSERT INTO {table} (counterparty_id) SELECT q.id FROM ({counterparty_sql}) q "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} s WHERE s.counterparty_id = q.id)"
    )


def _month_sql(end: date, edges: Sequence[int], stale_mark: int | None) -> tuple[str, list[Any]]:
    """INSERT … SELECT of one month-end's rows (of the stale counterparties only when
    `stale_mark` is given: those marked up to that id)."""
    columns = _cut_columns(len(edges), len(HORIZONS))
    values = _cut_values(end, edges, HORIZONS)
    cuts_cte = f"k({', '.join(columns)}) AS (VALUES ({', '.join([_date()] * len(values))}))"
    params: list[Any] = list(values)
    stale = ""
    if stale_mark is not None:
        stale = (
            f" AND d.counterparty_id IN (SELECT counterparty_id FROM {KpiStale._meta.db_table} "
            "WHERE id <= %s)"
        )
    within = ", ".join(
        f"COALESCE(SUM(CASE WHEN a.paid_on <= k.h{j} THEN a.amount ELSE 0 END), 0) AS p{j}"
        for j in range(1, len(HORIZONS) + 1)
    )
    bucket, previous_bucket = _bucket_cases("s.due", "s.issued > s.pt", "s", len(edges))

    inner = (
        "SELECT d.counterparty_id AS cp, d.company_id AS co, d.currency AS cur, "
        "d.date AS issued, d.due_date AS due, "
        + ", ".join(f"k.{c} AS {c}" for c in columns)
        + ", d.open_amount + COALESCE(SUM(a.amount), 0) AS open_then, "
        f"{within} "
        "FROM ledger_document d CROSS JOIN k "
        "LEFT JOIN ledger_allocation a ON a.document_id = d.id AND a.paid_on > k.t "
        "WHERE d.date <= k.t AND (d.open_amount > 0 OR EXISTS (SELECT 1 FROM ledger_allocation b "
        f"WHERE b.document_id = d.id AND b.paid_on > k.t)){stale} "
        "GROUP BY d.id, d.counterparty_id, d.company_id, d.currency, d.date, d.due_date, "
        "d.open_amount, " + ", ".join(f"k.{c}" for c in columns)
    )
    if stale_mark is not None:
        params.append(stale_mark)
    table = KpiSnapshot._meta.db_table
    paid = ", ".join(_cents(f"s.p{j}") for j in range(1, len(HORIZONS) + 1))
    sql = (
        f"WITH {cuts_cte} INSERT INTO {table} (month_end, counterparty_id, company_id, "
        "currency, bucket, previous_bucket, documents, open_cents, paid_1, paid_2, paid_3, "
        f"paid_4) SELECT s.t, s.cp, s.co, s.cur, {bucket}, {previous_bucket}, COUNT(*), "
        f"{_cents('s.open_then')}, {paid} FROM ({inner}) s WHERE s.open_then > 0 "
        "GROUP BY s.t, s.cp, s.co, s.cur, 5, 6"
    )
    return sql, params


def write_month(end: date, edges: Sequence[int], stale_mark: int | None = None) -> int:
    """Write one month-end's snapshot (all of it, or the counterparties marked stale up to
    `stale_mark`) in one transaction; returns the month's rows."""
    table = KpiSnapshot._meta.db_table
    sql, params = _month_sql(end, edges, stale_mark)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
        if stale_mark is None:
            cursor.execute(f"DELETE FROM {table} WHERE month_end = %s", [end])
        else:
            cursor.execute(
                f"DELETE FROM {table} WHERE month_end = %s AND counterparty_id IN "
                f"(SELECT counterparty_id FROM {KpiStale._meta.db_table} WHERE id <= %s)",
                [end, stale_mark],
            )
        cursor.execute(sql, params)
        # The month's totals over every counterparty, from the rows just written.
        cursor.execute(
            f"DELETE FROM {table} WHERE month_end = %s AND counterparty_id IS NULL", [end]
        )
        cursor.execute(
            f"INSERT INTO {table} (month_end, counterparty_id, company_id, currency, bucket, "
            "previous_bucket, documents, open_cents, paid_1, paid_2, paid_3, paid_4) "
            "SELECT month_end, NULL, company_id, currency, bucket, previous_bucket, "
            "SUM(documents), SUM(open_cents), SUM(paid_1), SUM(paid_2), SUM(paid_3), "
            f"SUM(paid_4) FROM {table} WHERE month_end = %s AND counterparty_id IS NOT NULL "
            "GROUP BY month_end, company_id, currency, bucket, previous_bucket",
            [end],
        )
        # (SQLite reports no row count for an INSERT that starts with WITH.)
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} WHERE month_end = %s AND counterparty_id IS NOT NULL",
            [end],
        )
        rows = int(cursor.fetchone()[0])
        KpiSnapshotMonth.objects.update_or_create(
            month_end=end, defaults={"edges": edges_text(edges), "built_at": timezone.now()}
        )
    return rows


def refresh(
    through: date | None = None,
    *,
    months: int = SNAPSHOT_MONTHS,
    full: bool = False,
    log: Callable[[str], object] | None = None,
    today: date | None = None,
) -> int:
    """Bring the snapshots up to date: write the `months` closed month-ends up to `through`
    (default: the last month-end before today) that are missing or bucketed by other edges
    (all of them with `full`), rewrite the stale counterparties' rows in every other month
    kept, then delete the marks they cleared. Returns the months written whole."""
    today = today or timezone.localdate()
    last_closed = kpi.month_ends_before(today, 1)[0]
    through = min(through or last_closed, last_closed)
    edges = saved_edges()
    text = edges_text(edges)
    wanted = set(_month_ends_through(through, months))
    kept = {m.month_end: m.edges for m in KpiSnapshotMonth.objects.all()}
    # The marks committed now: their reallocations are visible to every statement below. A
    # reallocation still running keeps its mark (maybe a lower id) for the next refresh.
    marks = list(KpiStale.objects.values_list("id", flat=True))
    stale_mark = max(marks) if marks else None
    written = 0
    for end in sorted(wanted | set(kept)):
        started = monotonic()
        if full or kept.get(end) != text:
            if end not in wanted:
                # Bucketed by old edges and outside the window: dropped, not rewritten.
                with transaction.atomic():
                    KpiSnapshot.objects.filter(month_end=end).delete()
                    KpiSnapshotMonth.objects.filter(month_end=end).delete()
                if log:
                    log(f"{end}: dropped (bucketed by {kept[end]})")
                continue
            rows = write_month(end, edges)
            written += 1
            what = "written"
        elif stale_mark is not None:
            rows = write_month(end, edges, stale_mark)
            what = "stale counterparties rewritten"
        else:
            continue
        if log:
            log(f"{end}: {what}, {rows:,} row(s), {monotonic() - started:.1f} s")
    for start in range(0, len(marks), 5000):
        KpiStale.objects.filter(id__in=marks[start : start + 5000]).delete()
    return written


def _month_ends_through(through: date, months: int) -> list[date]:
    """The `months` month-ends up to the last one on or before `through`, oldest first."""
    if kpi.month_end(through) == through:
        return kpi.month_ends_before(through + kpi.ONE_DAY, months)
    return kpi.month_ends_before(through, months)


def _window_start(today: date) -> date:
    return kpi.month_ends_before(today, SNAPSHOT_MONTHS)[0]


def forget_counterparty(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A counterparty deleted (the admin) takes its rows along but stays in the month totals:
    every month is forgotten (the reports compute live) until the worker rewrites them."""
    if KpiSnapshot.objects.filter(counterparty_id=instance.pk).exists():
        KpiSnapshotMonth.objects.all().delete()


def refresh_if_due(today: date | None = None) -> int | None:
    """The worker's daily job: refresh once a day (the first run after midnight writes the
    month just closed and rewrites what changed), and at once when the saved bucket edges
    changed or months are missing (every report would be live meanwhile). Cheap when there
    is nothing to do."""
    from dunwell.locks import LockBusy, exclusive

    today = today or timezone.localdate()
    newest = KpiSnapshotMonth.objects.order_by("-built_at").values_list("built_at", flat=True)
    latest = newest.first()
    if (
        latest is not None
        and timezone.localdate(latest) >= today
        and not KpiSnapshotMonth.objects.exclude(edges=edges_text(saved_edges())).exists()
        and KpiSnapshotMonth.objects.filter(month_end__gte=_window_start(today)).count()
        >= SNAPSHOT_MONTHS
    ):
        return None
    try:
        with exclusive(JOB_LOCK, wait=False):
            return refresh(today=today)
    except LockBusy:
        return None
