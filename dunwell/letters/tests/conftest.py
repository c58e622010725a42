from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder.models import Policy, Task
from dunwell.ledger.models import Contact, Counterparty, Document
from dunwell.letters.models import Wording
from dunwell.letters.services import current_wording
from dunwell.letters.situation import Situation, situation

NOW = "2026-03-10 09:00:00+02:00"
TODAY = date(2026, 3, 10)


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def debtor(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    make_contract: Callable[..., Any],
    collector: User,
) -> Counterparty:
    """A Romanian debtor of `collector`: two invoices in RON under a contract with a penalty
    clause, one in EUR; a decider with an email and an accountant who opted out."""
    cp = make_counterparty(
        collector=collector, name="Fabrica Nord SRL", address="Str. Mare 1, Iasi"
    )
    contract = make_contract(cp, penalty_rate="0.1", penalty_cap_percent="10")
    make_document(cp, "1500.00", contract=contract, due_date=date(2026, 2, 4), number="F-101")
    make_document(cp, "700.00", contract=contract, due_date=date(2026, 4, 4), number="F-102")
    make_document(cp, "300.00", currency="EUR", due_date=date(2026, 1, 20), number="F-EU-7")
    Contact.objects.create(
        counterparty=cp,
        name="Ana Pop",
        position="Director financiar",
        email="ana@nord.example",
        decides_payments=True,
    )
    Contact.objects.create(
        counterparty=cp,
        name="Ion Rusu",
        email="ion@nord.example",
        accountant=True,
        email_opt_out=True,
    )
    return cp


@pytest.fixture
def letter_task(debtor: Counterparty, collector: User) -> Task:
    policy = Policy.objects.get(code="standard")
    step = policy.steps.get(action="letter")
    return Task.objects.create(
        counterparty=debtor,
        assignee=collector,
        action="letter",
        title=f"{step.name} — {debtor.name}",
        instructions=step.instructions,
        due_at=timezone.now(),
        key=f"test:letter:{debtor.pk}",
        step=step,
    )


def wording_of(kind: str, language: str) -> Wording:
    found = current_wording(kind, language)
    assert found is not None
    return found


def situation_of(counterparty_id: int) -> Situation:
    found = situation(counterparty_id)
    assert found is not None
    return found
