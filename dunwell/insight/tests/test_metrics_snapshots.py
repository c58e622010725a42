"""KPI snapshots (insight/snapshots.py): written per closed month-end, read by the report,
kept right when the ledger's past changes, refreshed by the command and the worker."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from dunwell import periodic
from dunwell.insight.metrics import metrics
from dunwell.insight.models import AgingBuckets, KpiSnapshot, KpiSnapshotMonth, KpiStale
from dunwell.insight.snapshots import refresh, refresh_if_due
from dunwell.ledger.models import Counterparty, Document, Payment

AS_OF = date(2026, 3, 31)


@pytest.fixture
def ledger(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    pay: Callable[..., Payment],
) -> Document:
    """The worked example of docs/metrics.md (RON only); returns invoice A."""
    cp = make_counterparty()
    a = make_document(cp, "1000.00", date=date(2026, 1, 10), due_date=date(2026, 2, 9))
    make_document(cp, "600.00", date=date(2026, 2, 15), due_date=date(2026, 3, 17))
    make_document(cp, "900.00", date=date(2026, 3, 20), due_date=date(2026, 4, 19))
    pay(a, "400.00", date(2026, 3, 5))
    return a


def receivables(as_of: date = AS_OF, **options: object) -> list[int]:
    [series] = metrics(as_of, **options).series  # type: ignore[arg-type]
    return [p.receivables for p in series.points[-3:]]


def test_the_report_reads_the_snapshot_of_a_closed_month(ledger: Document) -> None:
    live = receivables()
    assert live == [100_000, 160_000, 210_000]  # January, February, March
    refresh(AS_OF)
    assert receivables() == live
    # Proof that February now comes from its snapshot rows (two buckets), not the ledger.
    KpiSnapshot.objects.filter(month_end=date(2026, 2, 28)).update(open_cents=F("open_cents") + 1)
    assert receivables() == [100_000, 160_002, 210_000]


def test_other_bucket_edges_are_computed_live(ledger: Document) -> None:
    refresh(AS_OF)
    KpiSnapshot.objects.filter(month_end=date(2026, 2, 28)).update(open_cents=F("open_cents") + 1)
    assert receivables(edges=(15, 45))[1] == 160_000


def test_a_rerun_replaces_a_months_rows(ledger: Document) -> None:
    refresh(AS_OF)
    order = ("month_end", "counterparty_id", "currency", "bucket", "previous_bucket")
    first = list(KpiSnapshot.objects.order_by(*order).values())
    refresh(AS_OF, full=True)
    again = list(KpiSnapshot.objects.order_by(*order).values())
    assert [{**r, "id": 0} for r in again] == [{**r, "id": 0} for r in first]
    assert KpiSnapshotMonth.objects.filter(month_end__lte=AS_OF).count() == 25


def test_a_back_dated_payment_marks_its_debtor_stale_until_the_refresh(
    ledger: Document, pay: Callable[..., Payment]
) -> None:
    refresh(AS_OF)
    assert not KpiStale.objects.exists()
    pay(ledger, "100.00", date(2026, 2, 20))  # arrives late, dated in February
    assert KpiStale.objects.filter(counterparty_id=ledger.counterparty_id).exists()
    assert receivables() == [100_000, 150_000, 200_000]
    refresh(AS_OF)
    assert not KpiStale.objects.exists()
    assert receivables() == [100_000, 150_000, 200_000]
    feb = KpiSnapshot.objects.filter(month_end=date(2026, 2, 28), counterparty__isnull=False)
    assert sum(r.open_cents for r in feb) == 150_000


def test_the_command_prints_each_month_it_writes(ledger: Document) -> None:
    out = io.StringIO()
    call_command("metrics", "snapshot", "--through", "2026-03-31", "--months", "3", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("2026-01-31: written, 1 row(s)")
    assert lines[2].startswith("2026-03-31: written, 3 row(s)")
    assert lines[-1] == "KPI snapshots up to date: 3 month(s) written whole."


def test_the_command_refuses_a_month_not_yet_closed(db: None) -> None:
    with pytest.raises(CommandError, match="--through"):
        call_command("metrics", "snapshot", "--through", "2999-01-31")


def test_the_worker_refreshes_once_a_day(ledger: Document) -> None:
    assert periodic.JOBS["insight.kpi_snapshots"] is refresh_if_due
    assert refresh_if_due() == 25
    assert refresh_if_due() is None  # done today
    assert KpiSnapshotMonth.objects.count() == 25


def test_the_worker_rewrites_at_once_when_the_bucket_edges_change(ledger: Document) -> None:
    refresh_if_due()
    AgingBuckets.objects.create(edges="15,45")
    assert refresh_if_due() == 25
    assert set(KpiSnapshotMonth.objects.values_list("edges", flat=True)) == {"15,45"}


def test_a_deleted_debtor_leaves_no_trace_in_the_month_totals(
    ledger: Document,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
) -> None:
    other = make_counterparty()
    make_document(other, "50.00", date=date(2026, 1, 5), due_date=date(2026, 1, 20))
    refresh(AS_OF)
    assert receivables() == [105_000, 165_000, 215_000]
    other.delete()
    assert receivables() == [100_000, 160_000, 210_000]
    assert refresh_if_due() == 25  # the worker writes the forgotten months at once
