"""A task's page lists the task's own documents and says what the debtor owes in all: a letter
task naming 175 433 of 432 056 MDL overdue read as if that were the whole debt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder.models import Policy, Task
from dunwell.ledger.models import Counterparty, Document

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.mark.parametrize(
    ("language", "heading", "debt"),
    [
        (
            "en",
            "Documents of this task",
            "All the debtor's documents: overdue 400.00 EUR + 1,500.00 RON, "
            "open 400.00 EUR + 2,200.00 RON.",
        ),
        (
            "ru",
            "Документы этой задачи",
            "Все документы должника: просрочено 400,00 EUR + 1 500,00 RON, "
            "открыто 400,00 EUR + 2 200,00 RON.",
        ),
    ],
)
def test_the_task_page_says_the_debtors_whole_debt(
    debtor: Counterparty, collector: User, make_document: Callable[..., Document],
    language: str, heading: str, debt: str,
) -> None:  # fmt: skip
    euro = make_document(debtor, "400.00", currency="EUR", due_date=date(2026, 2, 20))
    task = Task.objects.create(
        counterparty=debtor, assignee=collector, action="letter", title="Euro letter",
        due_at=timezone.now(), key="test:euro", document_ids=[euro.pk],
        step=Policy.objects.get(code="standard").steps.first(),
    )  # fmt: skip
    collector.language = language
    collector.save()
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert heading in page
    assert debt in page.replace("\xa0", " ")
