"""The debtor card shows the contracts' limits beside the customer's limit: it says which one an
order's credit check compares with (the customer's, or the rules' default; never a contract's)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.credit.services import set_limit
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.django_db


def _text(user: User, language: str, url: str) -> str:
    User.objects.filter(pk=user.pk).update(language=language)
    client = Client()
    client.force_login(user)
    page = client.get(url).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("&#x27;", "'")


@pytest.fixture
def debtor(
    make_counterparty: Callable[..., Counterparty],
    make_contract: Callable[..., Any],
    collector: User,
    rules: Callable[..., Any],
) -> Counterparty:
    """A customer with two contracts' limits in EUR, the rules' default limit in RON."""
    found = make_counterparty(collector=collector, name="Elbversand AG")
    make_contract(found, number="218-R/2026", currency="EUR", credit_limit=Decimal("5000"))
    make_contract(found, number="353/2025", currency="EUR", credit_limit=Decimal("100000"))
    rules(default_limit=Decimal("20000"))
    return found


@pytest.mark.parametrize(
    ("source", "language", "says"),
    [
        (
            "committee",
            "ro",
            "Comenzile se verifică față de această limită: limita clientului, stabilită de "
            "comitetul de credit. Limitele din contracte nu se verifică.",
        ),
        (
            "import",
            "ru",
            "Заказы проверяются по этому лимиту: лимиту клиента из учётной системы. "
            "Лимиты договоров не проверяются.",
        ),
        (
            "manual",
            "en",
            "Orders are checked against this limit: the customer's, set by hand. "
            "The contracts' limits are not checked.",
        ),
    ],
)
def test_the_credit_panel_says_the_customers_limit_governs_not_the_contracts(
    debtor: Counterparty,
    controller: User,
    director: User,
    source: str,
    language: str,
    says: str,
) -> None:
    set_limit(
        debtor,
        director,
        currency="RON",
        total=Decimal("45000"),
        valid_from=date(2026, 1, 1),
        reason="committee",
        source=source,
    )
    text = _text(controller, language, reverse("credit:panel", args=[debtor.pk]))
    assert says in text


@pytest.mark.parametrize(
    ("language", "says"),
    [
        (
            "ru",
            "Заказы проверяются по этому лимиту: лимиту по умолчанию из кредитных правил, так "
            "как клиенту лимит не задан. Лимиты договоров не проверяются.",
        ),
        (
            "en",
            "Orders are checked against this limit: the credit rules' default, as none is set "
            "for this customer. The contracts' limits are not checked.",
        ),
    ],
)
def test_without_a_customer_limit_the_panel_names_the_rules_default(
    debtor: Counterparty, director: User, language: str, says: str
) -> None:
    text = _text(director, language, reverse("credit:panel", args=[debtor.pk]))
    assert "20,000.00" in text or "20 000,00" in text
    assert says in text


def test_without_any_limit_the_panel_says_each_order_needs_a_decision(
    make_counterparty: Callable[..., Counterparty], controller: User
) -> None:
    found = make_counterparty(name="No Rules SRL")
    text = _text(controller, "en", reverse("credit:panel", args=[found.pk]))
    assert "no credit limit is set" in text
    assert "Without a limit each order needs a credit decision." in text


@pytest.mark.parametrize(
    ("language", "says"),
    [
        (
            "ro",
            "Informativ: comenzile se verifică față de limita clientului de la Expunere de "
            "credit, nu față de acestea.",
        ),
        (
            "ru",
            "Для сведения: заказы проверяются по лимиту клиента в блоке «Кредитный риск», а не "
            "по этим лимитам.",
        ),
    ],
)
def test_the_contracts_limits_on_the_card_say_they_are_not_what_orders_are_checked_against(
    debtor: Counterparty, controller: User, language: str, says: str
) -> None:
    text = _text(controller, language, reverse("work:debtor", args=[debtor.pk]))
    assert "218-R/2026" in text
    assert says in text
