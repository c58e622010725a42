"""A promise on the call card and a repayment schedule on the meeting page are offered in the
debtor's main currency first: the one worth the most in the company's currency at the rates in
force, as the statement and a legal case choose it. They offered the alphabetically first, so a
debtor owing 100,000 UAH and 500 EUR had its schedule typed in euros unless the collector
noticed."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.interest.models import RateValue
from dunwell.ledger.models import Counterparty, Document

# 2026-06-01 with fresh rates (autouse), and a rate written for the test, as the legal case's test.
from dunwell.legal.tests.test_main_currency import frozen_and_fresh_rates, rate  # noqa: F401
from dunwell.work import services

pytestmark = pytest.mark.django_db


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
