"""Scenario tests of the daily run, written from DESIGN §1 points 2–7 and 9."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection

from dunwell.accounts.models import Role, User
from dunwell.ladder import engine, services
from dunwell.ladder.engine import parse_shard, run
from dunwell.ladder.models import (
    Action,
    DocumentProgress,
    LadderEvent,
    PromiseStatus,
    Task,
    TaskStatus,
)
from dunwell.ledger.models import Counterparty, Document, Segment, TimelineEntry

pytestmark = pytest.mark.django_db
DUE = date(2026, 3, 2)  # a Monday


def day(n: int) -> date:
    return DUE + timedelta(days=n)


def tasks(**filters: object) -> list[tuple[str, str]]:
    return sorted(
        (t.action, t.assignee.username if t.assignee else "-")
        for t in Task.objects.filter(**filters).select_related("assignee")
    )


def state() -> tuple[Any, ...]:
    return (
        sorted(Task.objects.values_list("key", "status", "assignee_id", "due_at")),
        sorted(DocumentProgress.objects.values_list("document_id", "step_order", "next_due_on")),
        TimelineEntry.objects.count(),
        sorted(Counterparty.objects.values_list("id", "stop_shipments", "legal")),
    )


@pytest.fixture
def staff(collector: User, supervisor: User, lawyer: User, director: User) -> dict[str, User]:
    return {
        "collector": collector,
        "supervisor": supervisor,
        "lawyer": lawyer,
        "director": director,
    }


@pytest.fixture
def debtor(make_counterparty: Callable[..., Counterparty], staff: dict[str, User]) -> Counterparty:
    return make_counterparty(collector=staff["collector"])


@pytest.fixture
def invoices(debtor: Counterparty, make_document: Callable[..., Document]) -> list[Document]:
    return [
        make_document(debtor, "1000.00", due_date=DUE),
        make_document(debtor, "500.00", due_date=DUE),
    ]


# §1.3 regulation: day +1 notifies manager and supervisor; one task per counterparty
def test_day_one_notifies_the_supervisor_and_asks_the_collector_to_call(
    invoices: list[Document],
) -> None:
    summary = run(day(1))
    assert tasks() == [("call", "colin"), ("notify_supervisor", "sofia")]
    call = Task.objects.get(action=Action.CALL)
    assert set(call.documents.all()) == set(invoices) and call.amount == Decimal("1500.00")
    assert summary.documents_examined == 2 and summary.tasks_created["call"] == 1


def test_nothing_happens_before_the_first_step(invoices: list[Document]) -> None:
    run(DUE)
    assert Task.objects.count() == 0


# §1.2 a level-2 call happens at a set hour, in the debtor's time, on a working day
def test_level_two_call_lands_in_the_debtors_window(invoices: list[Document]) -> None:
    run(day(3))  # Thursday 5 March 2026, Bucharest is UTC+2
    call = Task.objects.get(action=Action.CALL)
    assert call.window_start == datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
    assert call.window_end == datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    assert "decides payments" in call.instructions


def test_level_two_call_skips_a_public_holiday(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    make_document(debtor, due_date=date(2026, 4, 28))
    run(date(2026, 5, 1))  # +3 is Labour Day (Friday): the call moves to Monday 4 May
    call = Task.objects.get(action=Action.CALL)
    assert call.window_start == datetime(2026, 5, 4, 7, 0, tzinfo=UTC)  # 10:00 EEST


# §1.3 day +10: pretension by the lawyer, shipments stop; then court when the period passes
def test_day_ten_pretension_for_the_lawyer_and_stop_shipments(
    invoices: list[Document],
    debtor: Counterparty,
    lawyer: User,
    make_contract: Callable[..., object],
) -> None:
    for n in (1, 3, 7):
        run(day(n))
    run(day(10))
    assert tasks(step__days=10) == [("pretension", "lena"), ("stop_shipments", "colin")]
    debtor.refresh_from_db()
    # on the legal track at once; shipments stop when the collector confirms it on the task
    assert debtor.legal and not debtor.stop_shipments
    stop = Task.objects.get(action=Action.STOP_SHIPMENTS)
    services.confirm_shipments_stopped(stop, user=stop.assignee)  # type: ignore[arg-type]
    debtor.refresh_from_db()
    assert debtor.stop_shipments
    pretension = Task.objects.get(action=Action.PRETENSION)
    with time_machine.travel(datetime(2026, 3, 12, 9, tzinfo=UTC), tick=False):
        services.complete_task(pretension, user=lawyer, result="sent")
    pretension.refresh_from_db()
    assert pretension.deadline == date(2026, 4, 11)  # 30 days by default
    run(date(2026, 4, 11))
    assert not Task.objects.filter(action=Action.COURT_FILING).exists()
    run(date(2026, 4, 12))
    assert tasks(action=Action.COURT_FILING) == [("court_filing", "lena")]


# §1.4 key customers: management grace; legal steps need the director
def test_key_customer_within_grace_gets_no_call(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document],
    collector: User, director: User,
) -> None:  # fmt: skip
    key = make_counterparty(collector=collector, segment=Segment.objects.get(code="key"))
    make_document(key, due_date=DUE)
    services.set_grace(counterparty=key, until=day(20), reason="seasonal", user=director)
    for n in range(0, 21):
        run(day(n))
    assert Task.objects.count() == 0
    run(day(21))  # grace over: the ladder resumes where the debt stands now (day +15 letter)
    assert tasks() == [("letter", "colin")]


def test_key_customer_legal_steps_wait_for_the_director(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document],
    collector: User, director: User, lawyer: User,
) -> None:  # fmt: skip
    key = make_counterparty(collector=collector, segment=Segment.objects.get(code="key"))
    make_document(key, due_date=DUE)
    run(day(30))
    pretension = Task.objects.get(action=Action.PRETENSION)
    assert (
        pretension.status == TaskStatus.AWAITING_APPROVAL and pretension.approval_role == "director"
    )
    stop = Task.objects.get(action=Action.STOP_SHIPMENTS)
    key.refresh_from_db()
    assert not key.stop_shipments
    services.approve_task(stop, user=director)
    key.refresh_from_db()
    assert not key.stop_shipments  # approved; stopped once someone confirms it
    services.confirm_shipments_stopped(stop, user=collector)
    key.refresh_from_db()
    assert key.stop_shipments


def test_new_customer_is_reminded_before_the_due_date(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document],
    collector: User,
) -> None:  # fmt: skip
    new = make_counterparty(collector=collector, segment=Segment.objects.get(code="new"))
    make_document(new, due_date=DUE)
    run(day(-3))
    assert tasks() == [("email", "colin")]


# §1.6 a promise pauses the ladder; a broken promise resumes it at once
def test_promise_pauses_and_broken_promise_resumes_at_once(
    invoices: list[Document], debtor: Counterparty, collector: User
) -> None:
    run(day(1))
    with time_machine.travel(datetime(2026, 3, 3, 9, tzinfo=UTC), tick=False):
        services.record_promise(
            counterparty=debtor, amount=Decimal("1500"), promised_date=day(8), user=collector
        )
    for n in range(2, 9):
        run(day(n))
    assert tasks(step__days__gt=1) == []
    run(day(9))  # the morning after the promised date: broken, the ladder resumes at once
    promise = debtor.promises.get()
    assert promise.status == PromiseStatus.BROKEN
    assert tasks(step__trigger="event") == [("call", "colin")]
    assert tasks(step__days__gt=1) == [("letter", "colin")]


def test_payment_covering_the_promise_keeps_it_and_cancels_paid_tasks(
    invoices: list[Document], debtor: Counterparty, collector: User
) -> None:
    run(day(1))
    with time_machine.travel(datetime(2026, 3, 3, 9, tzinfo=UTC), tick=False):
        services.record_promise(
            counterparty=debtor, amount=Decimal("1500"), promised_date=day(8), user=collector
        )
    from dunwell.ledger.models import Payment

    Payment.objects.create(
        company=debtor.company, counterparty=debtor, external_id="P1", date=day(5),
        amount=Decimal("1500"), currency="RON", unallocated=Decimal("0"),
    )  # fmt: skip
    Document.objects.filter(counterparty=debtor).update(open_amount=0)
    run(day(6))
    assert debtor.promises.get().status == PromiseStatus.KEPT
    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.CANCELLED_PAID}


# §1.7 disputes first: the disputed amount is held out; resolution asks for a payment date
def test_disputed_amount_is_held_out_and_resolution_fires_its_step(
    invoices: list[Document], debtor: Counterparty, collector: User
) -> None:
    dispute = services.register_dispute(
        counterparty=debtor, reason="quality", amount=Decimal("1000"), user=collector,
        documents=[invoices[0]],
    )  # fmt: skip
    run(day(1))
    call = Task.objects.get(action=Action.CALL)
    assert list(call.documents.all()) == [invoices[1]] and call.amount == Decimal("500.00")
    with time_machine.travel(datetime(2026, 3, 4, 9, tzinfo=UTC), tick=False):
        services.resolve_dispute(dispute, user=collector, resolution="replaced the goods")
    run(day(2))
    resolved = Task.objects.get(step__event="dispute_resolved")
    assert resolved.assignee == collector and invoices[0] in resolved.documents.all()
    assert LadderEvent.objects.get().processed_at is not None


# §1.8 repayment schedule: a missed instalment fires its step
def test_missed_instalment_fires_its_step(
    invoices: list[Document], debtor: Counterparty, collector: User
) -> None:
    services.create_agreement(
        counterparty=debtor, signed_on=day(1), user=collector,
        instalments=[(day(5), Decimal("500")), (day(20), Decimal("1000"))],
    )  # fmt: skip
    run(day(3))
    assert Task.objects.count() == 0  # an active agreement pauses the ladder
    run(day(6))
    assert tasks(step__event="instalment_missed") == [("call", "colin")]


def test_an_agreement_pauses_the_debt_of_its_currency_only(
    invoices: list[Document], debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    """A schedule of the lei debt does not pay the euro one: the euro invoice goes on up the
    ladder (a task naming it alone), the lei invoices wait for the instalments."""
    euro = make_document(debtor, "800.00", currency="EUR", due_date=DUE)
    services.create_agreement(
        counterparty=debtor, signed_on=day(1), user=None, currency="RON",
        instalments=[(day(5), Decimal("500")), (day(20), Decimal("1000"))],
    )  # fmt: skip
    run(day(3))
    made = Task.objects.filter(step__isnull=False)
    assert made.exists()
    assert all(task.document_ids == [euro.pk] for task in made)


# §1.9 fresh eyes: a reassigned debtor's next tasks go to the new collector
def test_reassigned_debtor_next_step_goes_to_the_new_collector(
    invoices: list[Document], debtor: Counterparty, make_user: Callable[..., User]
) -> None:
    run(day(1))
    fresh = make_user("fresh", Role.COLLECTOR)
    Counterparty.objects.filter(pk=debtor.pk).update(collector=fresh)
    run(day(3))
    assert tasks(step__days=3) == [("call", "fresh")]


# DESIGN §3: idempotent, catch-up, shards
def test_second_run_for_the_same_date_changes_nothing(invoices: list[Document]) -> None:
    run(day(3))
    before = state()
    summary = run(day(3))
    assert state() == before and summary.documents_examined == 0


def test_a_week_of_downtime_fires_once_what_is_due_now(invoices: list[Document]) -> None:
    run(day(1))
    summary = run(day(11))  # down from day +2 to +10
    assert tasks(step__days__gt=1) == [("pretension", "lena"), ("stop_shipments", "colin")]
    assert summary.skipped["stale step (catch-up)"] == 2 * 2  # +3 and +7, two documents
    assert len(set(Task.objects.values_list("key", flat=True))) == Task.objects.count()


def test_daily_runs_fire_every_step_exactly_once(invoices: list[Document]) -> None:
    for n in range(-5, 25):
        run(day(n))
        run(day(n))
    assert [a for a, _who in tasks()] == sorted(
        ["notify_supervisor", "call", "call", "letter", "pretension", "stop_shipments"]
    )


def test_shards_together_equal_one_run(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document],
    collector: User, lawyer: User, supervisor: User,
) -> None:  # fmt: skip
    for n in range(12):
        cp = make_counterparty(collector=collector)
        for k in range(n % 3 + 1):
            make_document(cp, due_date=DUE - timedelta(days=k * 4))
    run(day(3))
    one = state()[:2]
    Task.objects.all().delete()
    DocumentProgress.objects.all().delete()
    for k in (1, 2, 3):
        run(day(3), shard=(k, 3), batch_size=2)
    assert state()[:2][1] == one[1]
    keys = sorted(k for k, *_rest in state()[0])
    assert keys == sorted(k for k, *_rest in one[0])


def test_parse_shard_rejects_nonsense() -> None:
    assert parse_shard("2/4") == (2, 4)
    for bad in ("0/2", "3/2", "x", "1/0"):
        with pytest.raises(ValueError):
            parse_shard(bad)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is a PostgreSQL setting")
def test_the_run_switches_jit_off_and_puts_the_session_setting_back(
    invoices: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    def jit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit')")
            return str(cursor.fetchone()[0])

    seen: list[str] = []
    real = engine._cancel_paid

    def spy(shard: tuple[int, int], summary: engine.RunSummary) -> None:
        seen.append(jit())
        real(shard, summary)

    monkeypatch.setattr(engine, "_cancel_paid", spy)
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")
    run(day(3))
    assert seen == ["off"]
    assert jit() == "on"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_the_runs_planner_settings_hold_for_their_statements_only(
    invoices: list[Document],
) -> None:
    names = ("parallel_tuple_cost", "enable_hashjoin", "enable_mergejoin")
    PROBE = engine.PENDING_SQL.lstrip()[:40]  # noqa: N806 - the statement's start

    def settings() -> tuple[str, ...]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(f"current_setting('{n}')" for n in names))
            return tuple(cursor.fetchone())

    seen: list[tuple[str, ...]] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().startswith(("SELECT t.id, t.counterparty_id, t.title", PROBE)):
            seen.append(settings())
        return execute(sql, params, many, context)

    before = settings()
    assert before == ("0.1", "on", "on")
    with connection.execute_wrapper(spy):
        summary = run(day(3))
    assert sum(summary.tasks_created.values()) > 0
    # the open tasks' probes, then the counterparties to examine
    assert seen == [("0", "off", "off"), ("0", "on", "on")]
    assert settings() == before


def test_each_debtor_gets_one_timeline_entry_listing_the_tasks_the_run_created(
    debtor: Counterparty,
    invoices: list[Document],
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    staff: dict[str, User],
) -> None:
    """One entry per debtor and run: its summary names the steps, its JSON each task with
    its documents' count and its amounts per currency, in the order of the tasks."""
    other = make_counterparty(collector=staff["collector"])
    make_document(other, "300.00", due_date=DUE, currency="EUR")
    make_document(other, "200.00", due_date=DUE, currency="RON")
    made_on: list[set[int]] = []
    for on in (day(1), day(10)):
        before = set(Task.objects.values_list("pk", flat=True))
        run(on)
        made_on.append(set(Task.objects.values_list("pk", flat=True)) - before)
    entries = list(TimelineEntry.objects.filter(kind="ladder.tasks_created").order_by("id"))
    assert len(entries) == 4  # two debtors, two days
    expected = []
    for ids in made_on:
        for cp in sorted((debtor, other), key=lambda c: c.pk):
            made = list(
                Task.objects.filter(counterparty=cp, pk__in=ids)
                .select_related("step")
                .order_by("id")
            )
            assert made
            names = {t.pk: t.step.name if t.step else "" for t in made}
            assert all(names.values())
            expected.append(
                (
                    cp.pk,
                    "; ".join(names[t.pk] for t in made)[:1000],
                    {
                        "tasks": [
                            {
                                "task": t.pk,
                                "title": names[t.pk],
                                "step": t.step_id,
                                "action": t.action,
                                "documents": len(t.document_ids),
                                "amounts": t.amounts,
                                "status": t.status,
                            }
                            for t in made
                        ]
                    },
                )
            )
    assert [(e.counterparty_id, e.summary, e.data) for e in entries] == expected
    # the debtor in two currencies: its tasks keep each currency apart
    assert any(
        t["amounts"] == {"EUR": "300.00", "RON": "200.00"}
        for e in entries
        if e.counterparty_id == other.pk
        for t in e.data["tasks"]
    )
