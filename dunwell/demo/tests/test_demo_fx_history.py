"""The demo's approximate monthly exchange rates (`demo.fx_history`): a day before the shipped
rates' day (02.11.2026) had no rate at all; with them a day converts at its month's rate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dunwell.demo.fx_history import ensure_fx_history
from dunwell.interest.fx import forget_rates, rate_table
from dunwell.interest.models import RateSeries, RateValue
from dunwell.money import Money

pytestmark = pytest.mark.django_db


def test_a_day_of_the_demos_past_converts_at_its_months_rate() -> None:
    eur = Money(Decimal("100.00"), "EUR")
    assert rate_table(date(2025, 7, 15)).convert(eur, "RON") is None  # the shipped day only
    added = ensure_fx_history()
    forget_rates()
    assert added == 6 * 22
    assert rate_table(date(2025, 7, 15)).convert(eur, "RON") == Money(Decimal("507.50"), "RON")
    assert rate_table(date(2026, 3, 31)).convert(Money(Decimal("1000.00"), "UAH"), "RON") == Money(
        Decimal("104.00"), "RON"
    )
    # the shipped day and after: as before
    assert rate_table(date(2026, 12, 7)).convert(eur, "RON") == Money(Decimal("508.00"), "RON")
    assert ensure_fx_history() == 0  # a second demo adds nothing


def test_a_series_value_already_known_is_never_replaced() -> None:
    series = RateSeries.objects.get(code="fx_eur_ron")
    RateValue.objects.create(
        series=series, effective_from=date(2025, 6, 2), value=Decimal("5.0377"), source="NBR"
    )
    ensure_fx_history()
    days = RateValue.objects.filter(series=series).values_list("effective_from", flat=True)
    assert max(d for d in days if d < date(2026, 11, 2)) == date(2025, 6, 2)  # only before it
    assert rate_table(date(2025, 9, 15)).rate("EUR", "RON") == (Decimal("5.0377"), date(2025, 6, 2))
    assert RateValue.objects.get(series=series, effective_from=date(2025, 5, 1)).source.startswith(
        "APPROXIMATE"
    )
