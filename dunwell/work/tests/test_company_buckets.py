"""The debtor card's aging row and the debtor list's bucket filter follow the company's buckets
(insight.models.saved_edges), as the aging report does: the card said "90+" for a debt the aging
report put in "91–180", and a company on 15,45 read 1–30, 31–60 … on the card."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.insight.models import AgingBuckets
from dunwell.ledger.models import Counterparty, Document

TODAY = date(2026, 3, 31)


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel("2026-03-31 09:00:00+00:00", tick=False):
        yield


@pytest.fixture
def book(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> dict[str, Counterparty]:
    old = make_counterparty(name="Old SRL", collector=collector)
    make_document(old, "700.00", due_date=date(2025, 11, 21))  # 130 days overdue
    older = make_counterparty(name="Older SRL", collector=collector)
    make_document(older, "900.00", due_date=date(2025, 6, 1))  # 303 days
    young = make_counterparty(name="Young SRL", collector=collector)
    make_document(young, "300.00", due_date=date(2026, 3, 11))  # 20 days
    return {"old": old, "older": older, "young": young}


def signed_in(user: User, language: str = "en") -> Client:
    User.objects.filter(pk=user.pk).update(language=language)
    client = Client()
    client.force_login(user)
    return client


def aging_headings(client: Client, cp: Counterparty) -> list[str]:
    text = client.get(reverse("work:debtor", args=[cp.pk])).content.decode()
    table = text[text.index('<table class="data aging">') :]
    head = table[: table.index("</thead>")]
    return [h.split(">", 1)[1] for h in head.split("</th>")[1:-1]]


def names(client: Client, **params: str) -> list[str] | int:
    response = client.get(reverse("work:debtors"), {"sort": "name", **params})
    if response.status_code != 200:
        return response.status_code
    page = response.content.decode()
    return [n for n in ("Old SRL", "Older SRL", "Young SRL") if f">{n}</a>" in page]


def test_the_card_names_the_companys_buckets_as_the_aging_report_does(
    book: dict[str, Counterparty], collector: User
) -> None:
    client = signed_in(collector)
    headings = aging_headings(client, book["old"])
    assert headings == ["Not yet due", "1–30 days", "31–60 days", "61–90 days", "91–180 days",
                        "180+ days"]  # fmt: skip
    AgingBuckets.objects.create(edges="15,45")
    assert aging_headings(signed_in(collector, "ro"), book["old"]) == [
        "Nescadent",
        "1–15 zile",
        "16–45 de zile",
        "45+ de zile",
    ]


def test_the_list_filters_by_the_companys_buckets_and_old_links_still_work(
    book: dict[str, Counterparty], collector: User
) -> None:
    client = signed_in(collector)
    page = client.get(reverse("work:debtors"), {"sort": "name"}).content.decode()
    assert '<option value="91-180">91–180 days</option>' in page
    assert '<option value="180+">180+ days</option>' in page
    assert names(client, bucket="91-180") == ["Old SRL"]
    assert names(client, bucket="180+") == ["Older SRL"]
    # A link saved when the last bucket was "90+" still lists those more than 90 days late.
    assert names(client, bucket="90+") == ["Old SRL", "Older SRL"]
    page = client.get(reverse("work:debtors"), {"bucket": "90+"}).content.decode()
    assert '<option value="90+" selected>90+ days</option>' in page
    AgingBuckets.objects.create(edges="15,45")
    assert names(client, bucket="16-45") == ["Young SRL"]
    assert names(client, bucket="45+") == ["Old SRL", "Older SRL"]
    assert names(client, bucket="91-180") == 400  # not one of the company's buckets now
