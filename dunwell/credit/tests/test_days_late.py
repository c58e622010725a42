"""One average days late: the debtor card and the committee's customer file read the same
figure over the same documents (work.selectors.days_late_query), under the same words."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.credit import committee
from dunwell.credit.models import CommitteeMeeting
from dunwell.credit.selectors import days_late
from dunwell.ledger.models import Counterparty
from dunwell.ledger.services import add_payment

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def card_figure(user: User, cp: Counterparty) -> str:
    """What the debtor card reads after 'Average days late:'."""
    page = client_for(user).get(reverse("work:debtor", args=[cp.pk])).content.decode()
    span = page[page.index('id="days-late"') :]
    return text(span[span.index(">") + 1 : span.index("</span>")]).split(": ", 1)[1]


def request_figure(user: User, cp: Counterparty, sales: User, meeting: CommitteeMeeting) -> str:
    """What the committee's customer file reads beside 'Average days late', on a request
    put on `meeting`'s agenda by its chair."""
    director = meeting.chair
    filed = committee.file_limit_request(
        sales, cp, kind="new_limit", currency="RON", requested_limit=Decimal("9000"),
        requested_term_days=30, justification="Seasonal orders",
    )  # fmt: skip
    committee.put_on_agenda(director, meeting, [filed.pk])
    page = client_for(user).get(reverse("credit:request", args=[filed.pk])).content.decode()
    box = page[page.index('class="facts customer-file-payments"') :]
    return text(box[box.index("<dd>") : box.index("</dd>")])


@pytest.fixture
def meeting(director: User, make_user: Callable[..., User]) -> CommitteeMeeting:
    member = make_user("fiona", Role.FINANCE)
    return committee.plan_meeting(
        director, day=date(2026, 12, 20), chair=director, members=[member]
    )


@pytest.fixture
def late_in_part(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Any], sales: User
) -> Counterparty:
    """Paid 800 of 1,000 on 09.02.2026, 136 days after the due date: still 200 open."""
    cp = make_counterparty(sales_manager=sales, name="Late In Part SRL")
    doc = make_document(cp, "1000.00", currency="RON", due_date=date(2025, 9, 26))
    add_payment(cp.company, cp, date(2026, 2, 9), Decimal("800"), "RON", "P-1", document=doc)
    return cp


@pytest.fixture
def early_in_full(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Any], sales: User
) -> Counterparty:
    """Paid 500 of 500 on 01.03.2026, nine days before the due date."""
    cp = make_counterparty(sales_manager=sales, name="Early In Full SRL")
    doc = make_document(cp, "500.00", currency="RON", due_date=date(2026, 3, 10))
    add_payment(cp.company, cp, date(2026, 3, 1), Decimal("500"), "RON", "P-2", document=doc)
    return cp


@time_machine.travel("2026-12-06 12:00", tick=False)
@pytest.mark.parametrize(
    ("language", "late", "early"),
    [
        ("ru", "136,0 (1 документ с оплатой)", "0,0 (1 документ с оплатой)"),
        ("en", "136.0 (1 document with a payment)", "0.0 (1 document with a payment)"),
    ],
)
def test_the_card_and_the_request_page_read_the_same_average_days_late(
    late_in_part: Counterparty,
    early_in_full: Counterparty,
    sales: User,
    director: User,
    meeting: CommitteeMeeting,
    language: str,
    late: str,
    early: str,
) -> None:
    """The card counted only documents paid in full: for a customer whose one payment left
    some of the document open it read '—' where the request page read 136 days late."""
    director.language = language
    director.save(update_fields=["language"])
    assert card_figure(director, late_in_part) == late
    assert request_figure(director, late_in_part, sales, meeting) == late
    assert card_figure(director, early_in_full) == early
    assert request_figure(director, early_in_full, sales, meeting) == early


@time_machine.travel("2026-12-06 12:00", tick=False)
def test_the_committee_reads_the_average_as_of_its_day(
    late_in_part: Counterparty, make_document: Callable[..., Any]
) -> None:
    later = make_document(late_in_part, "300.00", currency="RON", due_date=date(2026, 4, 1))
    add_payment(
        late_in_part.company, late_in_part, date(2026, 4, 11), Decimal("300"), "RON", "P-3",
        document=later,
    )  # fmt: skip
    assert days_late(late_in_part, date(2026, 2, 8)) == (None, 0)
    assert days_late(late_in_part, date(2026, 2, 9)) == (Decimal("136.0"), 1)
    assert days_late(late_in_part, date(2026, 12, 6)) == (Decimal("73.0"), 2)  # (136 + 10) / 2
