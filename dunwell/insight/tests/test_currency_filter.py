"""The currency filter of the aging and KPI pages: once narrowed to one currency, the list still
offers the others the reader may see (it used to shrink to the chosen one)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel("2026-03-31 09:00:00+00:00", tick=False):
        yield


@pytest.fixture
def ledger(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    mine = make_counterparty(collector=collector, name="Mine SRL")
    other = make_counterparty(name="Elsewhere GmbH")
    make_document(mine, "1234.50", currency="RON", due_date=date(2026, 2, 20))
    make_document(other, "999.00", currency="EUR", due_date=date(2026, 1, 10))


def choices(client: Client, user: User, name: str, **params: str) -> list[str]:
    client.force_login(user)
    html = client.get(reverse(name), params).content.decode()
    select = re.search(r'<select name="currency">(.*?)</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="([A-Z]*)"', select.group(1))


@pytest.mark.parametrize("name", ["insight:aging", "insight:metrics"])
def test_the_other_currencies_stay_on_offer_once_one_is_chosen(
    client: Client, ledger: None, director: User, name: str
) -> None:
    assert choices(client, director, name) == ["", "EUR", "RON"]
    assert choices(client, director, name, currency="EUR") == ["", "EUR", "RON"]
    # A currency with nothing in it (an old bookmark) stays named, and the others are offered.
    assert choices(client, director, name, currency="USD") == ["", "EUR", "RON", "USD"]


def test_the_list_offers_only_currencies_of_debtors_the_reader_sees(
    client: Client, ledger: None, collector: User
) -> None:
    assert choices(client, collector, "insight:aging", currency="RON") == ["", "RON"]
