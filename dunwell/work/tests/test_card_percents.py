"""The debtor card writes a contract's rates as the reader's language writes numbers: "0,1%"
and "12,5%" in Romanian and Russian, not the database's "0,1000%" / "12,50%"."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Contract, Counterparty

pytestmark = pytest.mark.django_db


def clauses(user: User, debtor: Counterparty) -> str:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    found = re.findall(r'<li class="clause">(.*?)</li>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", item) for item in found)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ro", ["avans 30%", "Penalitate: 0,1%", "plafon 12,5%"]),
        ("ru", ["0,1%", "12,5%", "30%"]),
        ("en", ["prepayment 30%", "Penalty: 0.1%", "cap 12.5%"]),
    ],
)
def test_the_contract_rates_read_as_the_language_writes_numbers(
    debtor: Counterparty, collector: User, language: str, expected: list[str]
) -> None:
    Contract.objects.filter(counterparty=debtor).update(
        penalty_cap_percent=Decimal("12.5"), prepayment_percent=Decimal("30")
    )
    collector.language = language
    collector.save()
    text = clauses(collector, debtor)
    for part in expected:
        assert part in text, text
    assert "0,1000" not in text and "0.1000" not in text and "12,50" not in text
