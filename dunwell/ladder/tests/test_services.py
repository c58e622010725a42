from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from dunwell.accounts.models import User
from dunwell.ladder import services
from dunwell.ladder.models import (
    Action,
    CounterpartyPolicy,
    DisputeStatus,
    Event,
    LadderEvent,
    Policy,
    PromiseStatus,
    Task,
    TaskStatus,
)
from dunwell.ledger.models import Counterparty, Document, TimelineEntry

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def debtor(make_counterparty: Callable[..., Counterparty], collector: User) -> Counterparty:
    return make_counterparty(collector=collector)


@time_machine.travel(NOW, tick=False)
def test_record_promise_writes_the_promise_and_the_timeline(
    debtor: Counterparty, make_document: Callable[..., Document], collector: User
) -> None:
    doc = make_document(debtor)
    promise = services.record_promise(
        counterparty=debtor, amount=Decimal("500"), promised_date=date(2026, 3, 15),
        user=collector, documents=[doc], promised_by="Ion Popescu", grace_days=2,
    )  # fmt: skip
    assert promise.status == PromiseStatus.ACTIVE and promise.currency == "RON"
    assert list(promise.documents.all()) == [doc]
    assert TimelineEntry.objects.filter(
        counterparty=debtor, kind="ladder.promise_recorded"
    ).exists()


def test_promise_for_another_counterpartys_document_is_refused(
    debtor: Counterparty, make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document], collector: User,
) -> None:  # fmt: skip
    other_doc = make_document(make_counterparty())
    with pytest.raises(services.LadderError):
        services.record_promise(
            counterparty=debtor, amount=Decimal("1"), promised_date=date(2026, 3, 15),
            user=collector, documents=[other_doc],
        )  # fmt: skip


@time_machine.travel(NOW, tick=False)
def test_resolving_a_dispute_records_the_event_once(debtor: Counterparty, collector: User) -> None:
    dispute = services.register_dispute(
        counterparty=debtor, reason="quality", amount=Decimal("200"), user=collector
    )
    services.resolve_dispute(dispute, user=collector, resolution="credit note issued")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED
    event = LadderEvent.objects.get()
    assert event.kind == Event.DISPUTE_RESOLVED and event.occurred_on == date(2026, 3, 10)
    with pytest.raises(services.LadderError):
        services.resolve_dispute(dispute, user=collector, resolution="again")


@time_machine.travel(NOW, tick=False)
def test_completing_a_pretension_starts_the_contracts_claim_period(
    debtor: Counterparty, make_document: Callable[..., Document],
    make_contract: Callable[..., object], lawyer: User,
) -> None:  # fmt: skip
    contract = make_contract(debtor, pretension_days=15)
    doc = make_document(debtor, contract=contract)
    task = services.create_manual_task(
        counterparty=debtor, assignee=lawyer, action=Action.PRETENSION, due_at=NOW,
        title="Pretension", user=lawyer, documents=[doc],
    )  # fmt: skip
    services.complete_task(task, user=lawyer, result="sent by registered mail")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.deadline == date(2026, 3, 25)
    with pytest.raises(services.LadderError):
        services.skip_task(task, user=lawyer, reason="closed already")


@time_machine.travel(NOW, tick=False)
def test_manual_call_back_in_thirty_minutes_and_only_a_manager_skips_it(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    due = NOW + timedelta(minutes=30)
    task = services.create_manual_task(
        counterparty=debtor, assignee=collector, action=Action.CALL, due_at=due,
        title="Call back", user=collector,
    )  # fmt: skip
    assert task.status == TaskStatus.OPEN and task.due_at == due and task.step is None
    with pytest.raises(services.LadderError):
        services.skip_task(task, user=collector, reason="they paid")
    services.skip_task(task, user=supervisor, reason="they paid")
    assert Task.objects.get().status == TaskStatus.SKIPPED


def _awaiting(debtor: Counterparty, action: str) -> Task:
    task = Task.objects.create(
        counterparty=debtor, action=action, title="Stop", due_at=NOW, key=f"t:{action}",
        status=TaskStatus.AWAITING_APPROVAL, approval_role="director",
    )  # fmt: skip
    return task


def test_only_the_approval_role_can_approve_and_shipments_stop_only_when_confirmed(
    debtor: Counterparty, collector: User, director: User
) -> None:
    task = _awaiting(debtor, Action.STOP_SHIPMENTS)
    with pytest.raises(services.LadderError):
        services.approve_task(task, user=collector)
    services.approve_task(task, user=director, comment="ok")
    debtor.refresh_from_db()
    assert debtor.stop_shipments is False  # approved: now someone has to apply it
    assert Task.objects.get().status == TaskStatus.OPEN
    services.confirm_shipments_stopped(task, user=director, note="warehouse told")
    debtor.refresh_from_db()
    assert debtor.stop_shipments is True
    assert Task.objects.get().status == TaskStatus.DONE
    entry = TimelineEntry.objects.get(counterparty=debtor, kind="ladder.shipments_stopped")
    assert entry.actor == director and "warehouse told" in entry.summary


def test_a_supervisor_decides_only_for_their_own_teams_debtors(
    debtor: Counterparty, make_user: Callable[..., User], supervisor: User
) -> None:
    task = Task.objects.create(
        counterparty=debtor, action=Action.STOP_SHIPMENTS, title="Stop", due_at=NOW, key="t:s",
        status=TaskStatus.AWAITING_APPROVAL, approval_role="supervisor",
    )  # fmt: skip
    other = make_user("oleg", "supervisor")
    with pytest.raises(services.LadderError):
        services.approve_task(task, user=other)
    with pytest.raises(services.LadderError):
        services.skip_task(task, user=other, reason="not mine")
    services.approve_task(task, user=supervisor)
    assert Task.objects.get().status == TaskStatus.OPEN


def test_rejection_needs_a_comment(debtor: Counterparty, director: User) -> None:
    task = _awaiting(debtor, Action.PRETENSION)
    with pytest.raises(services.LadderError):
        services.reject_task(task, user=director, comment=" ")
    services.reject_task(task, user=director, comment="they are strategic")
    assert Task.objects.get().status == TaskStatus.REJECTED


def test_grace_needs_management(debtor: Counterparty, collector: User, director: User) -> None:
    with pytest.raises(services.LadderError):
        services.set_grace(counterparty=debtor, until=date(2026, 4, 1), reason="x", user=collector)
    grace = services.set_grace(
        counterparty=debtor, until=date(2026, 4, 1), reason="seasonal", user=director
    )
    assert grace.approved_by == director


def test_assign_policy_overrides_and_clears(debtor: Counterparty, director: User) -> None:
    key = Policy.objects.get(code="key")
    services.assign_policy(counterparty=debtor, policy=key, user=director)
    assert CounterpartyPolicy.objects.get(counterparty=debtor).policy == key
    services.assign_policy(counterparty=debtor, policy=None, user=director)
    assert not CounterpartyPolicy.objects.exists()


def test_agreement_with_instalments(debtor: Counterparty, collector: User) -> None:
    agreement = services.create_agreement(
        counterparty=debtor, signed_on=date(2026, 3, 1), user=collector,
        instalments=[(date(2026, 4, 1), Decimal("100")), (date(2026, 3, 15), Decimal("50"))],
    )  # fmt: skip
    assert agreement.total == Decimal("150")
    assert [i.due_date for i in agreement.instalments.all()] == [
        date(2026, 3, 15),
        date(2026, 4, 1),
    ]
