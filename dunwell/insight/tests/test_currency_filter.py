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

from dunwell.accounts.models import Role, User
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


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "No open receivables in USD that you can see on this date."),
        ("ru", "На эту дату нет доступной вам открытой задолженности в USD."),
        ("ro", "La această dată nu există creanțe deschise în USD pe care le puteți vedea."),
    ],
)
def test_a_currency_with_nothing_open_is_named_on_the_empty_page_and_stays_chosen(
    client: Client,
    ledger: None,
    make_user: Callable[..., User],
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    language: str,
    says: str,
) -> None:
    # Paid in full: USD is among the reader's currencies, with nothing open in it.
    paid = make_document(make_counterparty(name="Paid Ltd"), "50.00", currency="USD")
    Document.objects.filter(pk=paid.pk).update(open_amount=0)
    finance = make_user("fiona", Role.FINANCE, language=language)
    client.force_login(finance)
    html = client.get(reverse("insight:aging"), {"currency": "USD"}).content.decode()
    assert f"<p>{says}</p>" in html
    assert '<option value="USD" selected>USD</option>' in html
    # Without a currency chosen, the page has debts to show and no empty sentence.
    html = client.get(reverse("insight:aging")).content.decode()
    assert "USD" not in re.sub(r"<select.*?</select>", "", html, flags=re.S)
    assert 'id="aging-totals"' in html
