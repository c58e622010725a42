from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from dunwell.accounts.models import User
from dunwell.ladder.models import DailyRun, Task
from dunwell.ladder.tasks import claim_daily_run
from dunwell.ledger.models import Allocation, Counterparty, Document, Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def debtor(make_counterparty: Callable[..., Counterparty], collector: User) -> Counterparty:
    return make_counterparty(collector=collector)


def test_run_command_prints_the_summary(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    make_document(debtor, due_date=date(2026, 3, 2))
    out = StringIO()
    call_command("run", "--as-of", "2026-03-05", stdout=out, stderr=StringIO())
    assert "documents examined: 1" in out.getvalue() and "call: 1" in out.getvalue()
    assert Task.objects.count() == 1


def test_run_command_refuses_a_bad_shard() -> None:
    with pytest.raises(CommandError):
        call_command("run", "--shard", "3/2")


def test_simulate_writes_nothing_and_reports_per_day_and_collector(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    doc = make_document(debtor, due_date=date(2026, 3, 2))
    paid_early = make_document(debtor, due_date=date(2026, 3, 2))
    payment = Payment.objects.create(
        company=debtor.company, counterparty=debtor, external_id="P", date=date(2026, 2, 20),
        amount=paid_early.amount, currency="RON", unallocated=Decimal("0"),
    )  # fmt: skip
    Allocation.objects.create(
        payment=payment, document=paid_early, counterparty=debtor, amount=paid_early.amount,
        paid_on=date(2026, 2, 20),
    )  # fmt: skip
    out = StringIO()
    call_command(
        "simulate", "--policy", "Standard", "--from", "2026-03-01", "--to", "2026-03-15",
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    text = out.getvalue()
    assert "2026-03-05" in text and "colin: call: 2" in text and "shipments stopped: 1" in text
    assert Task.objects.count() == 0 and doc.open_amount == Decimal("1000.00")


def test_the_morning_run_is_claimed_once(
    debtor: Counterparty, make_document: Callable[..., Document],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    make_document(debtor, due_date=date(2026, 3, 2))
    with django_capture_on_commit_callbacks(execute=True):
        assert claim_daily_run(date(2026, 3, 5)) is True
        assert claim_daily_run(date(2026, 3, 5)) is False
    row = DailyRun.objects.get()
    assert row.finished_at is not None and row.summary["tasks_created"] == {"call": 1}
    assert Task.objects.count() == 1
