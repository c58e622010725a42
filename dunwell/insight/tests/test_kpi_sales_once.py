"""The KPI report reads the credit sales once: each question (the trend's 36 months, each
period's count-back history, the period, the simple DSO's window) is summed per month from one
read of the documents' days (`metrics._Sales`), and gives what a query of its own gives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dunwell.insight import kpi
from dunwell.insight.metrics import MetricsBy, _Filters, _Sales, _sales_sql, metrics
from dunwell.ledger.models import Counterparty, Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document]
) -> None:
    """Invoices over three years in two currencies, one cancelled, some on month-ends."""
    debtor = make_counterparty(name="Sales Debtor SRL")
    days = [date(2023, 1, 31), date(2023, 2, 1), date(2024, 6, 30), date(2024, 7, 1)]
    days += [date(2025, 12, 31), date(2026, 3, 15), date(2026, 8, 31), date(2026, 9, 1)]
    for i, day in enumerate(days):
        make_document(debtor, f"{100 + i}.10", date=day, due_date=day, currency="RON")
        make_document(debtor, f"{200 + i}.25", date=day, due_date=day, currency="EUR")
    make_document(
        debtor, "999.00", date=date(2026, 3, 15), due_date=date(2026, 4, 1), cancelled=True
    )


def _own_query(ends: list[date], by: MetricsBy | None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(*_sales_sql(ends, by, _Filters(None, None, None)))
        return sorted(tuple(r) for r in cursor.fetchall() if r[2] is not None)


@pytest.mark.parametrize("by", [None, MetricsBy.CURRENCY, MetricsBy.COLLECTOR, MetricsBy.SEGMENT])
def test_each_question_gives_what_its_own_query_gives(sales: None, by: MetricsBy | None) -> None:
    questions = [
        kpi.cuts(date(2026, 9, 30), 12),  # read first
        kpi.cuts(date(2026, 9, 1), 36),  # reaches further back and not as far
        [date(2026, 8, 31), date(2026, 9, 30)],
        [date(2022, 12, 31), date(2023, 2, 1)],
        kpi.cuts(date(2026, 10, 5), 2),  # further on
    ]
    with connection.cursor() as cursor:
        # By segment or collector the intervals between the questions' ends are read once;
        # the last question was not announced: it is its own query.
        read_once = _Sales(cursor, by, _Filters(None, None, None), questions[:-1])
        for ends in questions:
            assert sorted(read_once(ends)) == _own_query(ends, by), ends


def test_a_report_by_collector_reads_the_documents_sales_once(
    sales: None, collector: object
) -> None:
    Counterparty.objects.update(collector=collector)
    with CaptureQueriesContext(connection) as queries:
        report = metrics(
            date(2026, 9, 30),
            MetricsBy.COLLECTOR,
            period=kpi.Period.ending(kpi.YEAR, date(2026, 9, 30)),
        )
    reads = [q for q in queries.captured_queries if "CASE WHEN d.date <=" in q["sql"]]
    assert len(reads) == 1
    # 2026 to 30.09: 15.03, 31.08 and 01.09 in RON, the cancelled invoice left out.
    assert report.figures[(collector.pk, "RON")].sales == 10510 + 10610 + 10710  # type: ignore[attr-defined]


def test_a_report_reads_the_documents_sales_once(sales: None) -> None:
    with CaptureQueriesContext(connection) as queries:
        report = metrics(
            date(2026, 9, 30), period=kpi.Period.ending(kpi.QUARTER, date(2026, 9, 30))
        )
    reads = [q for q in queries.captured_queries if "d.currency, d.date, CAST(SUM" in q["sql"]]
    assert len(reads) == 1
    # The quarter's sales: July–September, cancelled invoices are no sale.
    assert report.figures[(None, "RON")].sales == 10610 + 10710
