"""The debtor list's credit column: exposure against limit and a breach mark for every row of
a page, with a number of queries that does not grow with the page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.credit.selectors import credit_marks
from dunwell.ledger.models import Counterparty
from dunwell.money import Money

pytestmark = pytest.mark.django_db


def test_marks_come_from_the_own_limit_or_the_rules_default_in_a_fixed_number_of_queries(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    rules: Callable[..., Any],
    limit: Callable[..., Any],
) -> None:
    rules(default_limit="500")
    on = timezone.localdate()
    debtors = [make_counterparty() for _ in range(6)]
    limit(debtors[0], "1000")
    make_document(debtors[0], "1500.00", due_date=on)  # over its own limit
    make_document(debtors[1], "200.00", due_date=on)  # within the default limit
    with CaptureQueriesContext(connection) as queries:
        marks = credit_marks(debtors, on)
    assert len(queries) <= 5  # limits, rules, exposure, the day's rates (cached after)
    assert marks[debtors[0].pk].over
    assert marks[debtors[0].pk].exposure == Money(Decimal("1500.00"), "RON")
    assert marks[debtors[0].pk].percent == 150
    assert not marks[debtors[1].pk].over
    assert marks[debtors[1].pk].limit == Money(Decimal("500.00"), "RON")
    more = [make_counterparty() for _ in range(20)]
    with CaptureQueriesContext(connection) as again:
        credit_marks(debtors + more, on)
    assert len(again) <= len(queries)


def test_the_debtor_list_shows_the_mark_in_the_readers_language(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    collector: User,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
) -> None:
    rules()
    cp = make_counterparty(collector=collector, name="Over Limit SRL")
    limit(cp, "1000")
    make_document(cp, "1500.00", due_date=date(2030, 1, 1))
    client = Client()
    client.force_login(collector)
    text = client.get(reverse("work:debtors") + "?sort=name").content.decode()
    assert "Exposure / limit" in text
    assert "over the limit" in text
    collector.language = "ru"
    collector.save(update_fields=["language"])
    text = client.get(
        reverse("work:debtors") + "?sort=name", HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "сверх лимита" in text


def _credit_cell(page: str, name: str) -> str:
    """The text of the credit cell in the row of debtor `name`, tags removed."""
    row = re.search(rf"<tr>(?:(?!</tr>).)*>{re.escape(name)}</a>.*?</tr>", page, re.S)
    assert row is not None, name
    cell = re.search(
        r'<td class="num" data-label="[^"]*"><span class="credit-mark.*?</td>', row[0], re.S
    )
    assert cell is not None, row[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell[0])).strip()


@pytest.mark.parametrize(
    ("language", "over", "missing", "title"),
    [
        ("en", "over the limit", "rate missing",
         "No exchange rate for KZT: left out of the total."),
        ("ro", "peste limită", "lipsește cursul",
         "Nu există curs pentru KZT: lăsat în afara totalului."),
    ],
)  # fmt: skip
def test_the_cell_reads_exposure_limit_percent_and_its_badges(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    collector: User,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    language: str,
    over: str,
    missing: str,
    title: str,
) -> None:
    rules()
    over_limit = make_counterparty(collector=collector, name="Over Limit SRL")
    limit(over_limit, "1000")
    make_document(over_limit, "1500.00", due_date=date(2030, 1, 1))
    no_rate = make_counterparty(collector=collector, name="No Rate SRL")
    limit(no_rate, "1000")
    make_document(no_rate, "300.00", currency="KZT", due_date=date(2030, 1, 1))  # no KZT rate
    collector.language = language
    collector.save(update_fields=["language"])
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:debtors") + "?sort=name").content.decode()
    amount = {"en": ("1,500.00 RON", "1,000.00 RON"), "ro": ("1.500,00 RON", "1.000,00 RON")}
    exposure, cap = amount[language]
    assert _credit_cell(page, "Over Limit SRL") == f"{exposure} / {cap} (150%) {over}"
    cell = _credit_cell(page, "No Rate SRL")
    assert cell.endswith(missing) and over not in cell
    assert f'title="{title}"' in page
