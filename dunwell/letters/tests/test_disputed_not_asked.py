"""A letter never asks for what an open dispute holds (DESIGN §1.7): the total overdue it asks
for leaves the disputed amount out, laid over the documents as the ladder lays it, per
currency, and the letter says what is disputed and that it is not asked for."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from dunwell.ladder import services as ladder
from dunwell.ledger.models import Document
from dunwell.letters.drafting import Sender, draft

from .conftest import situation_of, wording_of

pytestmark = pytest.mark.django_db


def dispute(debtor: Any, user: Any, amount: str, *numbers: str, currency: str = "RON") -> Any:
    return ladder.register_dispute(
        counterparty=debtor,
        reason="quality",
        amount=Decimal(amount),
        user=user,
        currency=currency,
        documents=list(Document.objects.filter(counterparty=debtor, number__in=numbers)),
    )


def composed(client: Any, user: Any, debtor: Any, task: Any, language: str) -> str:
    debtor.language = language
    debtor.save(update_fields=["language"])
    client.force_login(user)
    page = client.get(f"{reverse('letters:compose')}?counterparty={debtor.pk}&task={task.pk}")
    assert page.status_code == 200
    return str(page.context["form"].initial["body"])


@pytest.mark.parametrize(
    ("language", "asked", "disputed_line", "document_line"),
    [
        (
            "en",
            "Total overdue: 300.00\u00a0EUR + 1,000.00\u00a0RON.",
            "Total in RON: 2,200.00\u00a0RON, of which 500.00\u00a0RON is disputed and not "
            "asked for until your objection is settled.",
            "due 04.02.2026: 1,500.00\u00a0RON (34 days overdue; 500.00\u00a0RON disputed)",
        ),
        (
            "ro",
            "Total restant: 300,00\u00a0EUR + 1.000,00\u00a0RON.",
            "Total în RON: 2.200,00\u00a0RON, din care suma de 500,00\u00a0RON este contestată "
            "și nu vă este solicitată până la soluționarea obiecției dumneavoastră.",
            "scadentă 04.02.2026: 1.500,00\u00a0RON (34 de zile de întârziere; contestat: "
            "500,00\u00a0RON)",
        ),
    ],
)
def test_the_letter_asks_for_the_overdue_debt_less_the_disputed_amount(
    client: Any,
    collector: Any,
    debtor: Any,
    letter_task: Any,
    frozen: Any,
    language: str,
    asked: str,
    disputed_line: str,
    document_line: str,
) -> None:
    dispute(debtor, collector, "500", "F-101")
    body = composed(client, collector, debtor, letter_task, language)
    assert asked in body
    assert disputed_line in body
    assert document_line in body


def test_a_dispute_without_documents_lies_on_the_oldest_of_its_currency_only(
    debtor: Any, collector: Any, frozen: Any
) -> None:
    # 1,800 RON: the overdue F-101 (1,500) in full, then 300 of F-102, not due yet; the EUR
    # debt is still asked for in full.
    dispute(debtor, collector, "1800")
    s = situation_of(debtor.pk)
    s.language = "en"
    assert [str(m) for m in s.total_overdue] == ["300.00 EUR"]
    body = draft(s, *texts("firm"), Sender("Colin")).body
    assert "Total overdue: 300.00\u00a0EUR." in body
    assert "of which 1,800.00\u00a0RON is disputed and not asked for" in body


def test_a_settled_dispute_is_asked_for_again(debtor: Any, collector: Any, frozen: Any) -> None:
    settled = dispute(debtor, collector, "500", "F-101")
    ladder.resolve_dispute(settled, user=collector, resolution="Rejected: the goods were fine")
    s = situation_of(debtor.pk)
    s.language = "en"
    body = draft(s, *texts("firm"), Sender("Colin")).body
    assert "Total overdue: 300.00\u00a0EUR + 1,500.00\u00a0RON." in body
    assert "disputed" not in body


def texts(kind: str) -> tuple[str, str]:
    wording = wording_of(kind, "en")
    return wording.subject, wording.body
