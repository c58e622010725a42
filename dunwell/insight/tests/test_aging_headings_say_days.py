"""The aging page and its XLSX head the bucket columns with their unit, as the debtor card
does: the page read a bare "1–30", "91–180" beside the card's "91–180 days"."""

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


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("en", ["Not yet due", "1–30 days", "31–60 days", "61–90 days", "91–180 days",
                "180+ days"]),
        ("ro", ["Nescadent", "1–30 de zile", "31–60 de zile", "61–90 de zile", "91–180 de zile",
                "180+ de zile"]),
        ("ru", ["Срок не наступил", "1–30 дней", "31–60 дней", "61–90 дней", "91–180 дней",
                "180+ дней"]),
    ],
)  # fmt: skip
def test_the_bucket_headings_name_the_days(
    client: Client,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    director: User,
    language: str,
    headings: list[str],
) -> None:
    make_document(make_counterparty(name="Late SRL"), "500.00", due_date=date(2025, 12, 1))
    User.objects.filter(pk=director.pk).update(language=language)
    client.force_login(director)
    html = client.get(reverse("insight:aging")).content.decode()
    totals = html[html.index('id="aging-totals"') :]
    head = totals[: totals.index("</thead>")]
    assert [f'<th class="num">{h}</th>' in head for h in headings] == [True] * len(headings)
    book = load_workbook(io.BytesIO(client.get(reverse("insight:aging_export")).content))
    # The headings stand under the notes on what the export holds: the first wide row.
    rows = book.worksheets[0].iter_rows(values_only=True)
    row = next(r for r in rows if sum(v is not None for v in r) > 3)
    assert list(row[2 : 2 + len(headings)]) == headings
