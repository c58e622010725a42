"""The exposure's "of which overdue long" says after how many days a debt counts as long, from
the rules the amount was counted with: on TehnoTrade "din care restanță lungă" took documents
38 and 45 days late beside "regula permite 60 de zile" and read as a contradiction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.credit.models import CreditApprovalRequest
from dunwell.credit.services import check
from dunwell.ledger.models import Counterparty
from dunwell.money import Money

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 20)
NBSP = "\u00a0"


@pytest.fixture
def cp(
    make_counterparty: Callable[..., Counterparty],
    collector: User,
    sales: User,
    limit: Callable[..., Any],
    make_document: Callable[..., Any],
) -> Counterparty:
    found = make_counterparty(collector=collector, sales_manager=sales, name="TehnoTrade SRL")
    limit(found, "1000")
    make_document(found, "200.00", due_date=date(2026, 3, 10))  # 10 days late
    make_document(found, "100.00", due_date=date(2026, 2, 10))  # 38 days late
    return found


def read(user: User, language: str, url: str) -> str:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client.get(url).content.decode()


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "of which more than 30 days overdue"),
        ("ro", "din care restanță de peste 30 de zile"),
        ("ru", "в т. ч. просрочка более 30 дней"),
        ("uk", "у т. ч. прострочення понад 30 днів"),
    ],
)
def test_the_approval_page_says_the_days(
    cp: Counterparty,
    sales: User,
    controller: User,
    rules: Callable[..., Any],
    language: str,
    line: str,
) -> None:
    rules(overdue_beyond_days=30, max_days_overdue=60)
    check(cp, Money(Decimal("5000"), "RON"), "R-1", sales, on=DAY)
    request = CreditApprovalRequest.objects.get()
    page = read(controller, language, reverse("credit:approval", args=[request.pk]))
    table = page.split('class="data credit-exposure">')[1].split("</table>")[0]
    cell = table.split(f"{line}</th>")[1].split("</td>")[0]
    assert "100" in cell and "300" not in cell  # the document 38 days late, not the 10


def test_the_card_says_the_days_of_the_rules_in_force(
    cp: Counterparty, sales: User, rules: Callable[..., Any]
) -> None:
    """The rules count long overdue after 35 days here: the line says 35, and holds the
    document 38 days late only."""
    rules(overdue_beyond_days=35)
    with time_machine.travel("2026-03-20 09:00:00+00:00", tick=False):
        page = read(sales, "ro", reverse("credit:panel", args=[cp.pk]))
    row = page.split("din care restanță de peste 35 de zile</th>")[1].split("</tr>")[0]
    assert f"100,00{NBSP}RON" in row
    assert "restanță lungă" not in page
