"""A letter's contract terms write the penalty rate and its cap as the letter's language
writes numbers (Russian and Romanian "2,5%", English "2.5%"), trailing zeros dropped."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dunwell.ledger.models import Contract
from dunwell.letters.drafting import Sender, draft

from .conftest import situation_of, wording_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "rate", "cap"),
    [("ru", "0,05%", "2,5%"), ("ro", "0,05%", "2,5%"), ("en", "0.05%", "2.5%")],
)
def test_the_penalty_rate_and_cap_read_as_the_language_writes_numbers(
    debtor: Any, frozen: Any, language: str, rate: str, cap: str
) -> None:
    Contract.objects.filter(counterparty=debtor).update(
        penalty_rate=Decimal("0.0500"), penalty_cap_percent=Decimal("2.50")
    )
    debtor.language = language
    debtor.save()
    wording = wording_of("firm", language)
    facts = draft(situation_of(debtor.pk), wording.subject, wording.body, Sender("Colin")).facts
    terms = next(line for line in facts.splitlines() if rate in line)
    assert cap in terms, terms
