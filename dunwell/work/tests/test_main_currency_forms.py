"""A promise on the call card and a repayment schedule on the meeting page are offered in the
debtor's main currency first: the one worth the most in the company's currency at the rates in
force, as the statement and a legal case choose it. They offered the alphabetically first, so a
debtor owing 100,000 UAH and 500 EUR had its schedule typed in euros unless the collector
noticed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.interest.fx import forget_rates
from dunwell.interest.models import RateSeries, RateValue
from dunwell.ledger.models import Counterparty, Document
from dunwell.work import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_and_fresh_rates() -> Iterator[None]:
    forget_rates()
    with time_machine.travel(datetime(2026, 6, 1, 9, tzinfo=UTC), tick=False):
        yield
    forget_rates()


def rate(code: str, value: str) -> None:
    series = RateSeries.objects.get_or_create(
        code=f"fx_{code}", defaults={"name": code, "update_cycle_days": 7}
    )[0]
    RateValue.objects.create(series=series, effective_from=date(2026, 5, 29), value=Decimal(value))


def currency_options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    return re.findall(r'<option value="([A-Z]{3})"', select.group(1))


def test_the_main_currency_is_offered_first(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    RateValue.objects.filter(series__code__startswith="fx_").delete()
    rate("eur_ron", "5.0")
    rate("eur_uah", "44.0")  # 100,000 UAH = 2,272.73 EUR, more than 500 EUR
    cp = make_counterparty(country="UA", language="uk", collector=collector)
    make_document(cp, "100000.00", currency="UAH", due_date=date(2026, 3, 2))
    make_document(cp, "500.00", currency="EUR", due_date=date(2026, 3, 2))
    client = Client()
    client.force_login(collector)
    call = client.get(reverse("work:call", args=[cp.pk])).content.decode()
    assert currency_options(call, "promised_currency") == ["UAH", "EUR"]
    assert currency_options(call, "dispute_currency") == ["UAH", "EUR"]
    at = datetime(2026, 6, 3, 10, tzinfo=UTC)
    meeting = services.save_meeting(collector, cp, {"starts_at": at, "place": "Kyiv"})
    page = client.get(reverse("work:meeting", args=[cp.pk, meeting.pk])).content.decode()
    assert currency_options(page, "currency") == ["UAH", "EUR"]
