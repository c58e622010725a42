"""The calculator's debt by hand is pre-filled with the debtor's currency: for Stahltechnik AG,
whose contract and documents are in EUR, the case's link to the calculator showed 'Currency
(by hand): RON', the company's; picking the debtor in the list left RON too. Now the box reads
EUR, and a currency the lawyer types for a debtor is the one calculated in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.django_db


@pytest.fixture
def eur_debtor(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    collector: Any,
) -> Counterparty:
    cp = make_counterparty(name="Stahltechnik AG", collector=collector, country="DE")
    make_document(cp, "2767.73", currency="EUR", due_date=date(2026, 4, 9))
    return cp


def reader(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def currency_box(page: str) -> str:
    """The by-hand currency input as the page holds it."""
    return page.split('name="currency"')[1].split(">")[0]


def test_the_link_for_a_debtor_fills_in_its_currency(
    eur_debtor: Counterparty, collector: Any, company: Any
) -> None:
    assert company.currency == "RON"
    page = (
        reader(collector)
        .get(reverse("legal:calculator"), {"counterparty": eur_debtor.pk})
        .content.decode()
    )
    assert 'value="EUR"' in currency_box(page)


def test_without_a_debtor_the_box_keeps_the_company_currency(
    eur_debtor: Counterparty, collector: Any
) -> None:
    page = reader(collector).get(reverse("legal:calculator")).content.decode()
    assert 'value="RON"' in currency_box(page)


def test_picking_the_debtor_puts_its_currency_in_the_box(
    eur_debtor: Counterparty, collector: Any
) -> None:
    """The list of documents loaded for the picked debtor (htmx) brings the currency box along,
    in place of the one on the page (out of band)."""
    page = (
        reader(collector)
        .get(reverse("legal:calculator_documents"), {"counterparty": eur_debtor.pk})
        .content.decode()
    )
    swapped = page.split('<span id="calc-currency" hx-swap-oob="true">')[1].split("</span>")[0]
    assert 'value="EUR"' in currency_box(swapped)


def test_a_debtor_the_user_does_not_see_fills_in_nothing(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    collector: Any,
) -> None:
    hidden = make_counterparty(name="Someone Else AG")  # not the collector's
    make_document(hidden, "100.00", currency="EUR")
    page = (
        reader(collector)
        .get(reverse("legal:calculator_documents"), {"counterparty": hidden.pk})
        .content.decode()
    )
    assert "calc-currency" not in page


def test_a_currency_typed_for_a_debtor_is_the_one_calculated_in(
    eur_debtor: Counterparty, collector: Any
) -> None:
    query = {"counterparty": str(eur_debtor.pk), "debt": "1000", "due": "2026-01-31",
             "to": "2026-02-10", "currency": "USD", "rule": "contract",
             "rate_per_day": "0.1"}  # fmt: skip
    page = reader(collector).get(reverse("legal:calculator"), query).content.decode()
    result = page.split('id="result"')[1].split("<form")[0]
    assert "1,000.00\xa0USD" in result and "10.00\xa0USD" in result
    assert "EUR" not in result
