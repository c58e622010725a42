"""The cash forecast keeps its late-payment curves (insight/forecast.py, `_kept`): a week or a
month opened after the forecast, or the next reader, does not pair a year of month-ends with
every open invoice again; a change of the ledger (a new row, a payment's money moved by a
reallocation) is seen at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dunwell.insight.forecast import (
    Method,
    Part,
    _late_curves,
    cached_late_curves,
    ledger_state,
    placements,
)
from dunwell.insight.models import ForecastBand
from dunwell.ledger.allocation import reallocate
from dunwell.ledger.models import Counterparty, Document, Payment

pytestmark = pytest.mark.django_db

T = date(2026, 3, 31)


@pytest.fixture
def customer(make_counterparty: Callable[..., Counterparty]) -> Counterparty:
    return make_counterparty()


def _overdue(
    customer: Counterparty, make_document: Callable[..., Document], pay: Callable[..., Payment]
) -> Payment:
    # Open on 31.01, 1–30 days late; half of it paid in the first week after.
    old = make_document(customer, "1000.00", date=date(2025, 11, 1), due_date=date(2026, 1, 15))
    paid = pay(old, "500.00", date(2026, 2, 3))
    pay(old, "500.00", date(2026, 4, 20))  # after t
    # 20 days overdue on t: spread by that curve.
    make_document(customer, "200.00", date=date(2026, 2, 10), due_date=date(2026, 3, 11))
    return paid


def _curve_queries(queries: CaptureQueriesContext) -> int:
    return sum("last_paid AS" in q["sql"] for q in queries.captured_queries)


def _receivables() -> dict[date, float]:
    return dict(placements(T, method=Method.HISTORY)[0]["RON"][Part.RECEIVABLES])


def test_a_second_forecast_reads_the_kept_curves_equal_to_computed_ones(
    customer: Counterparty, make_document: Callable[..., Document], pay: Callable[..., Payment]
) -> None:
    _overdue(customer, make_document, pay)
    with CaptureQueriesContext(connection) as first:
        cash = _receivables()
    with CaptureQueriesContext(connection) as again:
        assert _receivables() == cash
    assert (_curve_queries(first), _curve_queries(again)) == (1, 0)
    # What is kept is the curve float for float (JSON writes a float as it is).
    assert cached_late_curves(T, None) == _late_curves(T, None)
    assert cached_late_curves(T, None)[("RON", 0)][0] == pytest.approx(0.5)


def test_a_payment_moved_by_a_reallocation_is_seen_at_once(
    customer: Counterparty, make_document: Callable[..., Document], pay: Callable[..., Payment]
) -> None:
    paid = _overdue(customer, make_document, pay)
    before = _receivables()
    state = ledger_state()
    # The payment re-imported with a later day: no new row, its money moves by a
    # reallocation (three weeks after the month-end instead of one).
    Payment.objects.filter(pk=paid.pk).update(date=date(2026, 2, 17))
    reallocate([customer.pk])
    assert ledger_state() != state
    after = _receivables()
    assert after != before
    ForecastBand.objects.all().delete()
    assert _receivables() == after  # what a forecast with nothing kept places


def test_a_new_document_is_a_new_state_and_each_user_keeps_their_own(
    customer: Counterparty,
    make_document: Callable[..., Document],
    pay: Callable[..., Payment],
    supervisor: object,
) -> None:
    _overdue(customer, make_document, pay)
    _receivables()
    placements(T, supervisor, method=Method.HISTORY)  # type: ignore[arg-type]
    assert ForecastBand.objects.filter(key__startswith="curves:").count() == 2
    state = ledger_state()
    make_document(customer, "50.00", date=date(2026, 3, 1), due_date=date(2026, 3, 20))
    assert ledger_state() != state
    with CaptureQueriesContext(connection) as queries:
        _receivables()
    assert _curve_queries(queries) == 1
