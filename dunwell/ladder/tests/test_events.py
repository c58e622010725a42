"""The business events integrations subscribe to (dunwell.outbox), emitted by the ladder's
services and the daily run in the transaction of the change, one per change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from dunwell.accounts.models import User
from dunwell.ladder import services
from dunwell.ladder.engine import run
from dunwell.ladder.models import Action, Task
from dunwell.ledger.models import Counterparty, Document, Payment
from dunwell.outbox.models import Event

# Events are written when a subscription lists their kind (outbox.services.wanted).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("subscriber")]
DUE = date(2026, 3, 2)


def day(n: int) -> date:
    return DUE + timedelta(days=n)


def events(kind: str) -> list[Event]:
    return list(Event.objects.filter(kind=kind).order_by("id"))


@pytest.fixture
def debtor(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    lawyer: User,
    director: User,
) -> Counterparty:
    cp = make_counterparty(collector=collector)
    make_document(cp, "1000.00", due_date=DUE)
    make_document(cp, "500.00", due_date=DUE)
    return cp


def test_the_daily_run_emits_one_task_created_per_task_and_none_on_a_rerun(
    debtor: Counterparty,
) -> None:
    run(day(1))
    created = events("task.created")
    tasks = list(Task.objects.order_by("id"))
    assert tasks and [e.data["task"] for e in created] == [t.pk for t in tasks]
    first = created[0]
    assert first.counterparty_id == debtor.pk and first.company_id == debtor.company_id
    assert first.data["action"] == tasks[0].action
    assert first.data["amounts"] == tasks[0].amounts
    run(day(1))
    assert len(events("task.created")) == len(created)


def test_completing_a_task_and_stopping_shipments_are_emitted(
    debtor: Counterparty, lawyer: User
) -> None:
    for n in (1, 3, 7, 10):
        run(day(n))
    stop = Task.objects.get(action=Action.STOP_SHIPMENTS)
    services.confirm_shipments_stopped(stop, user=lawyer, note="warehouse told")
    [changed] = events("stop_shipment.changed")
    assert changed.counterparty_id == debtor.pk
    assert changed.data["stop_shipments"] is True and changed.data["by"] == lawyer.username
    completed = events("task.completed")
    assert [e.data["task"] for e in completed] == [stop.pk]
    assert completed[0].data["status"] == "done" and completed[0].data["done_by"] == "lena"


def test_promises_made_kept_and_broken_are_emitted_once(
    debtor: Counterparty, collector: User, make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
) -> None:  # fmt: skip
    other = make_counterparty(collector=collector)
    make_document(other, "300.00", due_date=DUE)
    with time_machine.travel(datetime(2026, 3, 3, 9, tzinfo=UTC), tick=False):
        kept = services.record_promise(
            counterparty=debtor, amount=Decimal("1500"), promised_date=day(8), user=collector
        )
        broken = services.record_promise(
            counterparty=other, amount=Decimal("300"), promised_date=day(4), user=collector
        )
    assert [e.data["promise"] for e in events("promise.made")] == [kept.pk, broken.pk]
    assert events("promise.made")[0].data["amount"] == "1500.00"
    Payment.objects.create(
        company=debtor.company, counterparty=debtor, external_id="P1", date=day(5),
        amount=Decimal("1500"), currency="RON", unallocated=Decimal("0"),
    )  # fmt: skip
    for n in (5, 6, 7):
        run(day(n))
    assert [e.data["promise"] for e in events("promise.kept")] == [kept.pk]
    assert [e.data["promise"] for e in events("promise.broken")] == [broken.pk]
    assert events("promise.broken")[0].counterparty_id == other.pk


def test_a_dispute_opened_and_resolved_is_emitted(debtor: Counterparty, collector: User) -> None:
    dispute = services.register_dispute(
        counterparty=debtor, reason="quality", amount=Decimal("100"), user=collector
    )
    services.resolve_dispute(dispute, user=collector, resolution="credit note", rejected=False)
    [opened] = events("dispute.opened")
    [resolved] = events("dispute.resolved")
    assert opened.data == {
        "dispute": dispute.pk,
        "reason": "quality",
        "amount": "100.00",
        "currency": "RON",
        "status": "open",
        "resolution": "",
    }
    assert resolved.data["status"] == "resolved" and resolved.data["resolution"] == "credit note"


def test_a_change_that_is_rolled_back_emits_nothing(debtor: Counterparty) -> None:
    with pytest.raises(services.LadderError):
        services.register_dispute(
            counterparty=debtor, reason="quality", amount=Decimal("-1"), user=None
        )
    assert not Event.objects.exists()


def test_task_events_made_by_the_database_equal_those_made_in_python(
    debtor: Counterparty, collector: User
) -> None:
    """On PostgreSQL the daily run's task.created events are built by one INSERT … SELECT
    (events.TASK_EVENT_SQL); on SQLite, and for single tasks, in Python (`_task_event`). Both
    must give a webhook receiver the same data: timestamps with and without microseconds, a
    task without assignee, a done task, amounts in two currencies."""
    from django.db import connection

    from dunwell.ladder import events as ladder_events
    from dunwell.outbox.services import emit_many

    run(day(1))
    tasks = list(Task.objects.order_by("id"))
    assert len(tasks) >= 1
    first = tasks[0]
    first.due_at = datetime(2026, 3, 4, 9, 30, 15, 120000, tzinfo=UTC)
    first.assignee = None
    first.amounts = {"RON": "1500.00", "EUR": "20.50"}
    first.save()
    done = Task.objects.create(
        counterparty=debtor,
        action=Action.CALL,
        title="Call «Ромашка» — ș",
        due_at=datetime(2026, 3, 5, 12, 0, tzinfo=UTC),
        amount=Decimal("10.00"),
        currency="RON",
        amounts={"RON": "10.00"},
        status="done",
        result="reached",
        done_at=datetime(2026, 3, 5, 12, 0, 0, 1, tzinfo=UTC),
        done_by=collector,
        assignee=collector,
        key="events-sql-done",
    )
    ids = [t.pk for t in tasks] + [done.pk]
    Event.objects.all().delete()
    rows = Task.objects.filter(pk__in=ids).order_by("id").values(*ladder_events.TASK_FIELDS)
    # Made in Python under another kind that the subscription lists, to compare with.
    emit_many("task.completed", [ladder_events._task_event(r) for r in rows])
    expected = [(e.company_id, e.counterparty_id, e.data) for e in events("task.completed")]
    assert len(expected) == len(ids)
    ladder_events.tasks_created(ids)
    made = [(e.company_id, e.counterparty_id, e.data) for e in events("task.created")]
    assert made == expected
    if connection.vendor == "postgresql":
        assert made[0][2]["due_at"] == "2026-03-04T09:30:15.120000+00:00"
        assert made[-1][2]["done_at"] == "2026-03-05T12:00:00.000001+00:00"
        assert made[0][2]["assignee"] is None
