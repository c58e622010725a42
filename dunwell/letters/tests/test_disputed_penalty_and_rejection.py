"""A letter's penalty line leaves out what an open dispute holds, as the pretension does
(`legal.selectors.disputed_shares`), and a rejected objection reads as rejected, not as
"settled"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dunwell.ladder import services as ladder
from dunwell.ledger.models import Document
from dunwell.letters.drafting import Sender, draft

from .conftest import situation_of, wording_of

pytestmark = pytest.mark.django_db


def dispute(debtor: Any, user: Any, amount: str, *numbers: str) -> Any:
    return ladder.register_dispute(
        counterparty=debtor,
        reason="quality",
        amount=Decimal(amount),
        user=user,
        documents=list(Document.objects.filter(counterparty=debtor, number__in=numbers)),
    )


def body(debtor: Any, language: str) -> str:
    s = situation_of(debtor.pk)
    s.language = language
    wording = wording_of("firm", language)
    return draft(s, wording.subject, wording.body, Sender("Colin")).body


def test_a_document_disputed_in_full_bears_no_penalty_in_the_letter(
    debtor: Any, collector: Any, frozen: Any
) -> None:
    # F-101 (1,500 RON, 34 days late) is the contract's only overdue document.
    assert "the penalty accrued as of 10.03.2026 is" in body(debtor, "en")
    dispute(debtor, collector, "1500", "F-101")
    assert situation_of(debtor.pk).penalty.by_currency == {}
    assert "penalty accrued" not in body(debtor, "en")


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "Under the contract, the penalty accrued as of 10.03.2026 is {amount}."),
        ("ro", "Conform contractului, penalitățile calculate la 10.03.2026 sunt de {amount}."),
    ],
)
def test_a_document_disputed_in_part_bears_the_penalty_on_the_rest(
    debtor: Any, collector: Any, frozen: Any, language: str, line: str
) -> None:
    full = situation_of(debtor.pk).penalty.by_currency["RON"]
    dispute(debtor, collector, "500", "F-101")
    rest = situation_of(debtor.pk).penalty.by_currency["RON"]
    # The daily penalty on 1,000 of the 1,500 RON: two thirds of it.
    assert rest == (full * 2 / 3).quantize(Decimal("0.01"))
    amount = {"en": f"{rest:,.2f}\u00a0RON", "ro": f"{rest:.2f}\u00a0RON".replace(".", ",")}
    assert line.format(amount=amount[language]) in body(debtor, language)


@pytest.mark.parametrize(
    ("language", "rejected", "settled"),
    [
        (
            "en",
            "(500.00\u00a0RON) was rejected on 10.03.2026: The goods were fine.",
            "was settled on",
        ),
        (
            "ro",
            "(500,00\u00a0RON) a fost respinsă la 10.03.2026: The goods were fine.",
            "soluționată la",
        ),
        ("ru", "(500,00\u00a0RON) отклонено 10.03.2026: The goods were fine.", "урегулировано"),
        ("uk", "(500,00\u00a0RON) відхилено 10.03.2026: The goods were fine.", "врегульовано"),
    ],
)
def test_a_rejected_objection_reads_as_rejected(
    debtor: Any, collector: Any, frozen: Any, language: str, rejected: str, settled: str
) -> None:
    closed = dispute(debtor, collector, "500", "F-101")
    ladder.resolve_dispute(closed, user=collector, resolution="The goods were fine", rejected=True)
    text = body(debtor, language)
    assert rejected in text
    assert settled not in text


def test_the_composer_lists_a_rejected_dispute_as_rejected(
    client: Any, collector: Any, debtor: Any, letter_task: Any, frozen: Any
) -> None:
    from django.urls import reverse

    closed = dispute(debtor, collector, "500", "F-101")
    ladder.resolve_dispute(closed, user=collector, resolution="The goods were fine", rejected=True)
    collector.language = "ro"
    collector.save(update_fields=["language"])
    client.force_login(collector)
    page = client.get(
        f"{reverse('letters:compose')}?counterparty={debtor.pk}&task={letter_task.pk}"
    ).content.decode()
    assert "500,00\u00a0RON · respinsă 10.03.2026: The goods were fine" in page
    assert "soluționată 10.03.2026" not in page
