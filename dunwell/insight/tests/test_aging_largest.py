"""The aging page asks for the largest counterparties only (issue 15, item 5): the rows it
gets, and every total, must equal the full computation's."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.insight.selectors import AgingReport, aging
from dunwell.ledger.models import Counterparty, Document, Payment

AS_OF = date(2026, 3, 31)
CURRENCIES = ("RON", "EUR", "MDL")

pytestmark = pytest.mark.django_db


def _ledger(
    seed: int,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    pay: Callable[..., Payment],
    **owner: Any,
) -> None:
    """Random debtors in three currencies, with deliberate ties on the total, some paid
    after the as-of day (so the historic path differs from today's)."""
    rng = random.Random(seed)
    for n in range(30):
        cp = make_counterparty(name=rng.choice(["Alfa", "Beta", "Gama"]) + f" {n % 7}", **owner)
        for _ in range(rng.randint(1, 4)):
            amount = rng.choice(["100.00", "250.00", "999.99", str(rng.randint(1, 5000))])
            overdue = rng.randint(-20, 200)
            doc = make_document(
                cp,
                amount,
                currency=rng.choice(CURRENCIES),
                date=AS_OF - timedelta(days=overdue + 30),
                due_date=AS_OF - timedelta(days=overdue),
            )
            if rng.random() < 0.3:
                pay(doc, "50.00", AS_OF + timedelta(days=rng.randint(-40, 10)))


def _expected(full: AgingReport, largest: int) -> list[tuple[Any, ...]]:
    kept: list[tuple[Any, ...]] = []
    for currency in full.currencies:
        rows = [r for r in full.rows if r.currency == currency][:largest]
        kept.extend((r.key, r.label, r.currency, r.cents, r.documents) for r in rows)
    return kept


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("largest", [1, 5, 100])
@pytest.mark.parametrize("today", [AS_OF, AS_OF + timedelta(days=20)])
def test_the_largest_rows_and_all_totals_equal_the_full_report(
    seed: int,
    largest: int,
    today: date,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    pay: Callable[..., Payment],
) -> None:
    _ledger(seed, make_counterparty, make_document, pay)
    full = aging(AS_OF, today=today)
    page = aging(AS_OF, today=today, largest=largest)
    got = [(r.key, r.label, r.currency, r.cents, r.documents) for r in page.rows]
    assert got == _expected(full, largest)
    assert page.totals == full.totals
    assert page.documents == full.documents
    assert (
        page.row_counts
        == full.row_counts
        == {c: sum(1 for r in full.rows if r.currency == c) for c in full.currencies}
    )


def test_the_page_counts_the_rows_left_for_the_export(
    monkeypatch: pytest.MonkeyPatch,
    director: Any,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
) -> None:
    for n in range(5):
        make_document(make_counterparty(name=f"Debtor {n}"), f"{100 * (n + 1)}.00")
    monkeypatch.setattr("dunwell.insight.views.PAGE_ROWS", 2)
    client = Client()
    client.force_login(director)
    page = client.get(reverse("insight:aging")).content.decode()
    assert "3 more rows are in the export." in page
    assert "Debtor 4" in page and "Debtor 3" in page and "Debtor 0" not in page
    assert Decimal("1500.00") == aging(date.today()).total("RON")


def test_ties_at_the_cut_are_broken_by_name_as_in_the_full_report(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document]
) -> None:
    for name in ("Zeta", "Alpha", "Mu", "Beta"):
        make_document(make_counterparty(name=name), "100.00" if name != "Beta" else "900.00")
    page = aging(AS_OF, today=AS_OF, largest=3)
    assert [r.label.split(" (")[0] for r in page.rows] == ["Beta", "Alpha", "Mu"]
    assert page.row_count == 4
