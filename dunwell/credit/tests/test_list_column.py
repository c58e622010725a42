"""The debtor list's credit column: exposure against limit and a breach mark for every row of
a page, with a number of queries that does not grow with the page."""

from __future__ import annotations

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
