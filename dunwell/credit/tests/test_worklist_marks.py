"""The collector's worklist marks a debtor over its credit limit or with shipments stopped
(issue 13, item 7), computed for the whole page at once: the page's queries do not grow with
its rows. `work` does not import `credit`: credit registers its marks at start-up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.credit.selectors import worklist_marks
from dunwell.ladder import services as ladder
from dunwell.ledger.models import Counterparty
from dunwell.work.selectors import ROW_MARKS

pytestmark = pytest.mark.django_db
URL = reverse("work:worklist")


def _task(cp: Counterparty, user: User, title: str) -> None:
    ladder.create_manual_task(
        counterparty=cp,
        assignee=user,
        action="call",
        due_at=timezone.now(),
        title=title,
        user=None,
    )


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _row_of(page: str, title: str) -> str:
    start = page.index(title)
    return page[page.rfind("<tr", 0, start) : page.index("</tr>", start)]


def test_credit_registers_its_marks_with_the_worklist() -> None:
    assert worklist_marks in ROW_MARKS


def test_a_debtor_over_its_limit_is_marked_and_one_under_it_is_not(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    collector: User,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
) -> None:
    rules()
    over = make_counterparty(collector=collector, name="Over Limit SRL")
    under = make_counterparty(collector=collector, name="Under Limit SRL")
    limit(over, "1000")
    limit(under, "5000")
    for cp in (over, under):
        make_document(cp, "1500.00", due_date=date(2030, 1, 1))
        _task(cp, collector, f"Ring {cp.name}")
    page = _client(collector).get(URL).content.decode()
    over_row = _row_of(page, "Ring Over Limit SRL")
    assert "over the limit" in over_row
    assert "1,500.00" in over_row and "1,000.00" in over_row  # the tooltip's figures
    assert "over the limit" not in _row_of(page, "Ring Under Limit SRL")


def test_the_mark_is_in_the_collectors_language(
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
    _task(cp, collector, "Ring them")
    collector.language = "ru"
    collector.save(update_fields=["language"])
    row = _row_of(_client(collector).get(URL).content.decode(), "Ring them")
    assert "сверх лимита" in row


def test_stopped_shipments_are_marked_without_a_limit(
    make_counterparty: Callable[..., Counterparty], collector: User
) -> None:
    stopped = make_counterparty(collector=collector, name="Stopped SRL")
    Counterparty.objects.filter(pk=stopped.pk).update(stop_shipments=True)
    free = make_counterparty(collector=collector, name="Free SRL")
    _task(stopped, collector, "Ring Stopped SRL")
    _task(free, collector, "Ring Free SRL")
    page = _client(collector).get(URL).content.decode()
    assert "Shipments stopped" in _row_of(page, "Ring Stopped SRL")
    assert "Shipments stopped" not in _row_of(page, "Ring Free SRL")


def test_the_pages_queries_do_not_grow_with_its_rows(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    collector: User,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
) -> None:
    rules(default_limit="500")
    client = _client(collector)

    def add(n: int) -> None:
        for _ in range(n):
            cp = make_counterparty(collector=collector)
            limit(cp, "1000")
            make_document(cp, "1500.00", due_date=date(2030, 1, 1))
            _task(cp, collector, f"Ring {cp.name}")

    add(2)
    client.get(URL)  # warm: the day's rates are cached after the first page
    with CaptureQueriesContext(connection) as few:
        page = client.get(URL).content.decode()
    assert page.count("over the limit") == 2
    add(10)
    with CaptureQueriesContext(connection) as many:
        page = client.get(URL).content.decode()
    assert page.count("over the limit") == 12
    assert len(many) == len(few)


def test_only_the_owner_collector_sees_the_row_and_its_mark(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    collector: User,
    teammate: User,
    outsider: User,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
) -> None:
    rules()
    cp = make_counterparty(collector=collector, name="Over Limit SRL")
    limit(cp, "1000")
    make_document(cp, "1500.00", due_date=date(2030, 1, 1))
    _task(cp, collector, "Ring them")
    assert "over the limit" in _client(collector).get(URL).content.decode()
    for other in (teammate, outsider):
        page = _client(other).get(URL).content.decode()
        assert "Ring them" not in page
        assert "over the limit" not in page
