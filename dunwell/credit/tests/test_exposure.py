"""The exposure: every component, in the limit's currency at the day's FX rate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from dunwell.credit.exposure import exposure_of, native_amounts
from dunwell.credit.tests.conftest import DAY
from dunwell.interest.fx import rate_table
from dunwell.ledger.models import Counterparty, Payment
from dunwell.money import Money

pytestmark = pytest.mark.django_db


def test_a_mixed_currency_debtor_equals_the_hand_computation_at_the_days_rate(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    make_order: Callable[..., Any],
    fx_rates: Callable[..., None],
    company: Any,
) -> None:
    cp = make_counterparty()
    # An older rate that must not be used, and the day's.
    fx_rates(on=date(2026, 3, 1), eur_ron="4.9000")
    fx_rates(on=DAY, eur_ron="4.9770")
    make_document(cp, "1000.00", due_date=date(2026, 4, 1))  # RON, not due
    make_document(cp, "200.00", currency="EUR", due_date=date(2026, 4, 5))  # EUR, not due
    make_document(cp, "300.00", due_date=date(2026, 3, 10))  # RON, overdue 10 days
    make_document(cp, "50.00", currency="EUR", due_date=date(2026, 1, 10))  # EUR, 69 days
    make_document(cp, "999.00", cancelled=True, due_date=date(2026, 1, 1))  # not counted
    make_order(cp, "400.00")  # confirmed
    make_order(cp, "100.00", currency="EUR", status="shipped", invoiced_amount=Decimal("40"))
    make_order(cp, "700.00", status="invoiced", invoiced_amount=Decimal("700"))  # not counted
    Payment.objects.create(
        company=company,
        counterparty=cp,
        external_id="P1",
        date=date(2026, 3, 15),
        amount=Decimal("30.00"),
        unallocated=Decimal("30.00"),
        currency="EUR",
    )

    exposure = exposure_of(cp.pk, DAY, "RON", 30, rate_table(DAY))

    rate = Decimal("4.9770")
    ron = lambda value: Money(value.quantize(Decimal("0.01")), "RON")  # noqa: E731
    assert exposure.missing_rates == ()
    assert exposure.converted["open_not_due"] == ron(Decimal("1000.00") + 200 * rate)
    assert exposure.converted["overdue"] == ron(Decimal("300.00") + 50 * rate)
    assert exposure.converted["overdue_beyond"] == ron(50 * rate)
    assert exposure.converted["orders_confirmed"] == ron(Decimal("400.00"))
    assert exposure.converted["orders_shipped"] == ron(60 * rate)
    assert exposure.converted["unapplied"] == ron(30 * rate)
    # 1000 + 995.40 + 300 + 248.85 + 400 + 298.62 - 149.31
    assert exposure.total == Money(Decimal("3093.56"), "RON")
    assert exposure.native["open_not_due"].get("EUR") == Money(Decimal("200.00"), "EUR")


def test_a_currency_without_a_rate_is_named_not_counted_as_zero(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Any]
) -> None:
    cp = make_counterparty()
    make_document(cp, "100.00", currency="USD", due_date=date(2026, 4, 1))
    exposure = exposure_of(cp.pk, DAY, "RON", 30, rate_table(DAY))
    assert exposure.missing_rates == ("USD",)


def test_exposure_of_many_counterparties_is_one_query(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    django_assert_num_queries: Any,
) -> None:
    a, b = make_counterparty(), make_counterparty()
    make_document(a, "10.00")
    make_document(b, "20.00", due_date=date(2026, 12, 1))
    with django_assert_num_queries(1):
        found = native_amounts([a.pk, b.pk], DAY, 30)
    assert found[a.pk]["overdue"].get("RON").amount == Decimal("10.00")
    assert found[b.pk]["open_not_due"].get("RON").amount == Decimal("20.00")
    assert not found[b.pk]["overdue"]


def test_amounts_with_cents_sum_exactly_on_every_database(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Any]
) -> None:
    cp = make_counterparty()
    for amount in ("0.10", "0.20", "1234.57", "99.99"):
        make_document(cp, amount, due_date=date(2026, 12, 1))
    found = native_amounts([cp.pk], DAY, 30)[cp.pk]["open_not_due"]
    assert found.get("RON") == Money(Decimal("1334.86"), "RON")
