"""The collector results on the KPI page: a column with nothing in it reads "—" on every row,
the unassigned debtors' row too (it read "0 · 0,00 EUR" under promises, kept and broken)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Company, Counterparty, Payment


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel("2026-03-31 09:00:00+00:00", tick=False):
        yield


def pay(company: Company, cp: Counterparty, amount: str, currency: str) -> None:
    Payment.objects.create(
        company=company,
        counterparty=cp,
        external_id=f"P-{cp.pk}-{currency}",
        date=date(2026, 3, 10),
        amount=Decimal(amount),
        currency=currency,
        unallocated=Decimal(amount),
    )


def row_cells(html: str, label: str) -> list[str]:
    table = html[html.index('id="collector-results"') :]
    row = table[table.index(f"<th>{label}</th>") :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r'<td class="num">(.*?)</td>', row, re.DOTALL)
    return [cell.replace("<br>", "|").strip("| \n") for cell in cells]


def test_the_unassigned_row_reads_a_dash_where_nothing_was_promised(
    client: Client,
    company: Company,
    make_counterparty: Callable[..., Counterparty],
    collector: User,
    director: User,
) -> None:
    pay(company, make_counterparty(collector=None, name="Nobody's SRL"), "1500.00", "EUR")
    pay(company, make_counterparty(collector=collector, name="Team SRL"), "200.00", "RON")
    director.language = "ro"
    director.save(update_fields=["language"])
    client.force_login(director)
    html = client.get(reverse("insight:metrics")).content.decode()
    unassigned = row_cells(html, "Nealocat")
    assert unassigned[:4] == ["1.500,00\u00a0EUR", "—", "—", "—"]
    assert row_cells(html, collector.get_full_name() or collector.username)[:4] == [
        "200,00\u00a0RON",
        "—",
        "—",
        "—",
    ]
