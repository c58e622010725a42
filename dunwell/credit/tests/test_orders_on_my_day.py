"""The orders waiting for a credit decision are the director's (and the credit controller's)
work too: with four orders of the demo waiting, the director's My day named only the 12 steps
waiting for approval, and with no step waiting it read "Nothing left for today. Well done."
while a sale waited on each order. Now My day says how many orders wait and leads to them."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.credit.services import check
from dunwell.ledger.models import Counterparty
from dunwell.money import Money

pytestmark = pytest.mark.django_db


def _day(user: User, language: str) -> tuple[str, str]:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    page = client.get(reverse("work:worklist")).content.decode()
    return page, " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.fixture
def orders(
    make_counterparty: Callable[..., Counterparty],
    sales: User,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
) -> Callable[[int], None]:
    def make(n: int) -> None:
        rules()
        for i in range(n):
            cp = make_counterparty(sales_manager=sales, name=f"Customer {i}")
            limit(cp, "1000")
            check(cp, Money(Decimal("5000"), "RON"), f"ZK-{i}", sales)

    return make


@pytest.mark.parametrize(
    ("language", "count", "line", "own"),
    [
        ("en", 1, "1 order waits for a credit decision", "No task of your own"),
        ("uk", 2, "2 замовлення чекають на кредитне рішення", "Ваших завдань на сьогодні"),
        ("ru", 5, "5 заказов ожидают кредитного решения", "Ваших задач на сегодня"),
        ("ro", 2, "2 comenzi așteaptă o decizie de credit", "Nu mai aveți sarcini"),
    ],
)
def test_my_day_names_the_orders_waiting_for_a_credit_decision(
    orders: Callable[[int], None],
    director: User,
    controller: User,
    language: str,
    count: int,
    line: str,
    own: str,
) -> None:
    orders(count)
    for user in (director, controller):
        page, text = _day(user, language)
        assert line in text
        assert f'<a href="{reverse("credit:approvals")}">' in page
        # the empty table does not say the day is done
        assert own in text
        assert "Well done" not in text and "Чудова робота" not in text


def test_who_decides_no_credit_reads_nothing_of_the_orders(
    orders: Callable[[int], None], collector: User, sales: User
) -> None:
    orders(1)
    for user in (collector, sales):
        page, _ = _day(user, "en")
        assert "orders-waiting" not in page
