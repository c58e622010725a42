"""A bucket figure of the aging totals opens the debtors with money in that bucket: the figure
(a total per currency) led nowhere, and the director could not tell whose debt it was."""

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


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel("2026-03-31 09:00:00+00:00", tick=False):
        yield


@pytest.fixture
def book(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document]
) -> None:
    late = make_counterparty(name="Late SRL")
    make_document(late, "700.00", due_date=date(2025, 11, 21))  # 130 days: 91–180
    make_document(late, "50.00", due_date=date(2026, 3, 21))  # 10 days: 1–30
    recent = make_counterparty(name="Recent SRL")
    make_document(recent, "300.00", due_date=date(2026, 3, 11))  # 20 days: 1–30
    euro = make_counterparty(name="Euro GmbH")
    make_document(euro, "900.00", currency="EUR", due_date=date(2025, 12, 1))  # 91–180


def test_a_bucket_total_opens_the_debtors_with_money_in_it(
    client: Client, book: None, director: User
) -> None:
    client.force_login(director)
    html = client.get(reverse("insight:aging")).content.decode()
    totals = html[html.index('id="aging-totals"') : html.index("</table>")]
    link = re.search(r'<a href="\?([^"]*in_bucket=d91_180[^"]*in_currency=RON)#aging-rows"', totals)
    assert link is not None
    page = client.get(reverse("insight:aging") + "?" + link.group(1).replace("&amp;", "&"))
    text = page.content.decode()
    assert "1 row with money in 91–180 days." in text and "Show every row" in text
    rows = text[text.index('id="aging-rows"') :]
    assert "Late SRL" in rows and "Recent SRL" not in rows and "Euro GmbH" not in rows
    one = client.get(reverse("insight:aging"), {"in_bucket": "d1_30", "in_currency": "RON"})
    rows = one.content.decode()
    assert "2 rows with money in 1–30 days." in rows
    rows = rows[rows.index('id="aging-rows"') :]
    assert rows.index("Recent SRL") < rows.index("Late SRL")  # the larger in that bucket first
