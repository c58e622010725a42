from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import time_machine

from dunwell.accounts.models import User
from dunwell.ledger.models import Contact, Counterparty, Document

# A fixed Tuesday morning in Bucharest: tests never depend on today's date.
NOW = "2026-03-10 09:00:00+02:00"
TODAY = date(2026, 3, 10)


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def debtor(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    make_contract: Callable[..., Any],
    collector: User,
) -> Counterparty:
    """A debtor of `collector` with one overdue and one not yet due invoice and a decider."""
    cp = make_counterparty(collector=collector)
    contract = make_contract(cp, penalty_rate="0.1", penalty_cap_percent="10", claims_days=5)
    make_document(cp, "1500.00", contract=contract, due_date=date(2026, 2, 4))
    make_document(cp, "700.00", contract=contract, due_date=date(2026, 4, 4))
    Contact.objects.create(counterparty=cp, name="Ana Pop", phone="+40721000000", accountant=True)
    return cp
