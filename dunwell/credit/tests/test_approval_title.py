"""An order checked without a reference and sent for approval: its page was headed
"Order — of Owner Debtor SRL" (ro "Comanda — a clientului …"); it reads "Order of Owner Debtor
SRL" now, and an order with a reference keeps "Order R-1 of …"."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.credit.models import CreditApprovalRequest
from dunwell.credit.services import check
from dunwell.ledger.models import Counterparty
from dunwell.money import Money

pytestmark = pytest.mark.django_db


@pytest.fixture
def cp(
    make_counterparty: Callable[..., Counterparty],
    collector: User,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
) -> Counterparty:
    """A customer over its limit: every order on credit needs an approval."""
    found = make_counterparty(collector=collector, name="Owner Debtor SRL")
    rules()
    limit(found, "1000")
    return found


def _heading(user: User, pk: int, language: str) -> str:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("credit:approval", args=[pk]), {"lang": language})
    assert page.status_code == 200
    return page.content.decode().split("<h1>")[1].split("</h1>")[0]


@pytest.mark.parametrize(
    ("language", "without", "with_ref"),
    [
        ("en", "Order of Owner Debtor SRL", "Order R-1 of Owner Debtor SRL"),
        ("ro", "Comanda clientului Owner Debtor SRL", "Comanda R-1 a clientului Owner Debtor SRL"),
        ("uk", "Замовлення клієнта Owner Debtor SRL", "Замовлення R-1 клієнта Owner Debtor SRL"),
    ],
)
def test_an_order_without_a_reference_is_headed_as_the_customers_order(
    cp: Counterparty, collector: User, language: str, without: str, with_ref: str
) -> None:
    check(cp, Money(Decimal("5000"), "RON"), "", collector)
    check(cp, Money(Decimal("6000"), "RON"), "R-1", collector)
    no_ref, ref = CreditApprovalRequest.objects.order_by("pk")
    assert _heading(collector, no_ref.pk, language) == without
    assert _heading(collector, ref.pk, language) == with_ref
