"""The aging export says what it holds (the day, the buckets, the grouping, the currency and
the page's narrowing, in the reader's language) and holds the rows the page shows."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Document


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel("2026-03-31 09:00:00+00:00", tick=False):
        yield


@pytest.fixture
def ledger(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document]
) -> None:
    late = make_counterparty(name="Late SRL")
    fresh = make_counterparty(name="Fresh SRL")
    make_document(late, "700.00", due_date=date(2026, 1, 10))  # 80 days past due
    make_document(late, "50.00", due_date=date(2026, 4, 20))
    make_document(fresh, "300.00", due_date=date(2026, 4, 20))  # not yet due
    make_document(fresh, "20.00", due_date=date(2026, 1, 15), currency="USD")


def rows(client: Client, user: User, **params: str) -> list[tuple[object, ...]]:
    client.force_login(user)
    response = client.get(reverse("insight:aging_export"), params)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return [tuple(c for c in row if c is not None) for row in sheet.iter_rows(values_only=True)]


def test_a_bucket_drill_down_exports_only_its_rows_and_says_so(
    client: Client, ledger: None, director: User
) -> None:
    table = rows(client, director, in_bucket="d61_90", in_currency="RON")
    notes = {str(row[0]): str(row[1]) for row in table if len(row) == 2}
    assert notes["Only the rows with money in"] == "61–90 days, RON"
    assert notes["Currency"] == "All currencies"
    assert notes["Group by"] == "Counterparty"
    assert notes["Buckets"].startswith("Not yet due, 1–30 days, 31–60 days, 61–90 days")
    assert "never added" in notes["Amounts"]
    names = [str(row[0]).split(" (")[0] for row in table if len(row) > 3]
    assert names[1:] == ["Late SRL", "Total"]  # the heading, the one debtor, its total
    total = [row for row in table if row and row[0] == "Total"][0]
    assert total[-2:] == (750, 2)  # Late SRL's two documents, not Fresh SRL's 300


def test_the_notes_name_the_currency_and_the_chosen_buckets_in_romanian(
    client: Client, ledger: None, director: User
) -> None:
    director.language = "ro"
    director.save()
    table = rows(client, director, currency="USD", buckets="60,120", as_of="2026-03-30")
    notes = {str(row[0]): str(row[1]) for row in table if len(row) == 2}
    assert notes["Moneda"] == "USD"
    assert notes["Intervale"].startswith("Nescadent, 1–60 de zile, 61–120 de zile, 120+ de zile")
    assert "alese pentru acest raport" in notes["Intervale"]
    names = [str(row[0]).split(" (")[0] for row in table if len(row) > 3]
    assert names[1:] == ["Fresh SRL", "Total"]
