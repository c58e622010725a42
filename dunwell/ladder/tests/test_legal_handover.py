"""The legal steps of the pressure scale open and advance the debtor's legal case."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dunwell.accounts.models import Role
from dunwell.ladder import services
from dunwell.legal.models import LegalCase

pytestmark = pytest.mark.django_db


def test_completing_a_hand_over_task_opens_one_case(make_user, make_counterparty) -> None:
    lawyer = make_user("lena", Role.LAWYER)
    debtor = make_counterparty()
    task = services.create_manual_task(
        counterparty=debtor,
        assignee=lawyer,
        action="hand_to_lawyer",
        due_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        title="Hand over to the lawyer",
        user=lawyer,
    )
    assert not LegalCase.objects.filter(counterparty=debtor).exists()
    services.complete_task(task, user=lawyer, result="documents handed over")
    assert LegalCase.objects.filter(counterparty=debtor).count() == 1


def test_completing_a_call_opens_no_case(make_user, make_counterparty, collector) -> None:
    debtor = make_counterparty(collector=collector)
    task = services.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="call",
        due_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        title="Call",
        user=collector,
    )
    services.complete_task(task, user=collector, result="promised to pay")
    assert not LegalCase.objects.filter(counterparty=debtor).exists()
