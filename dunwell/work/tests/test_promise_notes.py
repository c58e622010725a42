"""A promise pauses only the documents it pays: the call card and the task page say what an
active promise covers, so that a task about the rest of the debt is not read as the promise
lost."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Policy, Task
from dunwell.ledger.models import Counterparty, Document

pytestmark = pytest.mark.usefixtures("frozen")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode()).replace("\u00a0", " ")


def step_task(cp: Counterparty, user: User, action: str, docs: list[Document]) -> Task:
    """A task as the daily run makes it: from a step, naming `docs`."""
    return Task.objects.create(
        counterparty=cp,
        assignee=user,
        action=action,
        title=f"{action} for {cp.name}",
        due_at=timezone.now(),
        key=f"test:{action}:{cp.pk}:{Task.objects.count()}",
        step=Policy.objects.get(code="standard").steps.first(),
        document_ids=[d.pk for d in docs],
    )


@pytest.fixture
def owing(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> tuple[Counterparty, list[Document]]:
    """Three overdue documents in RON (oldest first) and one overdue in EUR."""
    cp = make_counterparty(collector=collector)
    docs = [
        make_document(cp, "1000.00", due_date=date(2026, 1, 10)),
        make_document(cp, "2000.00", due_date=date(2026, 1, 20)),
        make_document(cp, "3000.00", due_date=date(2026, 2, 1)),
        make_document(cp, "400.00", currency="EUR", due_date=date(2026, 2, 2)),
    ]
    return cp, docs


def test_the_call_card_says_the_promise_covers_other_documents_than_the_call(
    owing: tuple[Counterparty, list[Document]], collector: User
) -> None:
    cp, docs = owing
    # Laid oldest first, 1 000 RON pays the oldest document only: the call is about the rest.
    ladder.record_promise(
        counterparty=cp, amount=Decimal("1000.00"), promised_date=date(2026, 3, 20), user=None,
        currency="RON",
    )  # fmt: skip
    call = step_task(cp, collector, "call", docs[1:])
    page = text_of(
        client_for(collector).get(reverse("work:call", args=[cp.pk]) + f"?task={call.pk}")
    )
    assert (
        "Promise: 1,000.00 RON by 20.03.2026 covers 1 of 4 overdue documents; "
        "this task is about the others." in page
    )


def test_the_task_page_says_what_a_promise_covers_in_the_readers_language(
    owing: tuple[Counterparty, list[Document]], collector: User
) -> None:
    cp, docs = owing
    ladder.record_promise(
        counterparty=cp, amount=Decimal("3000.00"), promised_date=date(2026, 3, 20), user=None,
        currency="RON",
    )  # fmt: skip
    letter = step_task(cp, collector, "letter", docs)
    url = reverse("work:task", args=[letter.pk])
    page = text_of(client_for(collector).get(url))
    assert (
        "Promise: 3,000.00 RON by 20.03.2026 covers 2 of 4 overdue documents; "
        "this task also names documents it does not cover." in page
    )
    collector.language = "ro"
    collector.save(update_fields=["language"])
    page = text_of(client_for(collector).get(url))
    assert "Promisiune: 3.000,00 RON până la 20.03.2026 acoperă 2 din 4 documente restante" in page


def test_no_line_for_a_promise_past_its_date_or_of_a_debtor_without_one(
    owing: tuple[Counterparty, list[Document]], collector: User
) -> None:
    cp, docs = owing
    call = step_task(cp, collector, "call", docs)
    url = reverse("work:call", args=[cp.pk]) + f"?task={call.pk}"
    assert "promise-note" not in text_of(client_for(collector).get(url))
    ladder.record_promise(
        counterparty=cp, amount=Decimal("1000.00"), promised_date=date(2026, 3, 1), user=None,
        currency="RON",
    )  # fmt: skip
    assert "promise-note" not in text_of(client_for(collector).get(url))
