"""The notice to the person who must settle a dispute says what is disputed: the documents and
the customer's words as the collector wrote them, so the settler need not open the card."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.ladder.models import Dispute
from dunwell.ledger.models import Counterparty, Document
from dunwell.work.models import Notification

pytestmark = pytest.mark.usefixtures("frozen")


def register(collector: User, debtor: Counterparty, data: dict[str, object]) -> None:
    client = Client()
    client.force_login(collector)
    client.post(
        reverse("work:call", args=[debtor.pk]),
        {"outcome": "dispute", "dispute_reason": "quality", "dispute_currency": "RON", **data},
    )


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ru", "Документы: {numbers}. Заметка: Коробки пришли мятыми"),
        ("en", "Documents: {numbers}. Note: Коробки пришли мятыми"),
    ],
)
def test_the_settler_reads_the_documents_and_the_note(
    language: str,
    said: str,
    debtor: Counterparty,
    collector: User,
    make_user: Callable[..., User],
    make_document: Callable[..., Document],
) -> None:
    sales = make_user("vlad", Role.SALES, language=language)
    Counterparty.objects.filter(pk=debtor.pk).update(sales_manager=sales)
    second = make_document(debtor, "300.00", due_date=date(2026, 2, 10), number="AVZ-2")
    first = debtor.documents.order_by("due_date").first()
    assert first is not None
    register(
        collector,
        debtor,
        {
            "dispute_amount": "400",
            "dispute_documents": [second.pk, first.pk],
            "note": "Коробки пришли мятыми",
        },
    )
    assert Dispute.objects.filter(counterparty=debtor).exists()
    notice = Notification.objects.get(recipient=sales)
    numbers = ", ".join(sorted([first.number, second.number]))
    assert notice.text(language).endswith(said.format(numbers=numbers))


def test_without_documents_or_note_the_notice_says_neither(
    debtor: Counterparty, collector: User, make_user: Callable[..., User]
) -> None:
    sales = make_user("vlad", Role.SALES)
    Counterparty.objects.filter(pk=debtor.pk).update(sales_manager=sales)
    register(collector, debtor, {"dispute_amount": "400"})
    text = Notification.objects.get(recipient=sales).text("en")
    assert text.endswith("; settle it by 17.03.2026.")
    assert "Documents" not in text and "Note" not in text
