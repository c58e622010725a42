"""Fixtures for the aging report: a small ledger with payments through the ledger services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from dunwell.ledger.models import Company, Counterparty, Document, Payment
from dunwell.ledger.services import add_payment


@pytest.fixture
def pay(company: Company) -> Callable[..., Payment]:
    counter = {"n": 0}

    def make(document: Document, amount: str, on: date, **extra: Any) -> Payment:
        counter["n"] += 1
        return add_payment(
            company,
            document.counterparty,
            on,
            Decimal(amount),
            document.currency,
            f"PAY{counter['n']:05d}",
            document=document,
            **extra,
        )

    return make


@pytest.fixture
def owned(make_counterparty: Callable[..., Counterparty], collector: Any) -> Counterparty:
    """A counterparty of the collector fixture."""
    return make_counterparty(collector=collector)
