"""Holds: which ladder tasks a grace, an agreement, a promise or a dispute keeps on hold."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from dunwell.accounts.models import User
from dunwell.ladder import services
from dunwell.ladder.holds import AGREEMENT, DISPUTE, GRACE, PROMISE, Hold, task_holds
from dunwell.ladder.models import Policy, PromiseStatus, Task
from dunwell.ledger.models import Counterparty, Document

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 8, tzinfo=UTC)


@pytest.fixture
def debtor(make_counterparty: Callable[..., Counterparty], collector: User) -> Counterparty:
    return make_counterparty(collector=collector)


def ladder_task(cp: Counterparty, docs: list[Document], key: str, action: str = "letter") -> Task:
    step = Policy.objects.get(code="standard").steps.first()
    return Task.objects.create(
        counterparty=cp,
        action=action,
        title=key,
        due_at=NOW,
        key=key,
        step=step,
        document_ids=[d.pk for d in docs],
    )


def holds() -> dict[str, Hold]:
    tasks = Task.objects.all()
    found = task_holds(tasks, TODAY)
    # The caller may pass the tasks' (id, counterparty) pairs it read (the worklist does).
    rows = list(tasks.filter(step__isnull=False).values_list("id", "counterparty_id"))
    assert task_holds(tasks, TODAY, rows=rows) == found
    return {t.title: found[t.pk] for t in Task.objects.filter(pk__in=list(found))}


def test_nothing_holds_a_task_without_grace_agreement_promise_or_dispute(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    ladder_task(debtor, [make_document(debtor)], "letter")
    assert holds() == {}


def test_a_full_promise_holds_the_tasks_of_the_documents_it_pays_until_its_date_plus_grace(
    debtor: Counterparty, make_document: Callable[..., Document], director: User
) -> None:
    old = make_document(debtor, "1000.00", due_date=date(2026, 1, 10))
    new = make_document(debtor, "500.00", due_date=date(2026, 2, 10))
    ladder_task(debtor, [old], "old")
    ladder_task(debtor, [new], "new")
    ladder_task(debtor, [old, new], "both")
    services.record_promise(
        counterparty=debtor, amount=Decimal("1000.00"), promised_date=date(2026, 3, 20),
        user=None, grace_days=2,
    )  # fmt: skip
    # oldest first: the promise pays `old` only; `new` and the task over both still escalate
    assert holds() == {"old": Hold(PROMISE, date(2026, 3, 22))}


def test_a_promise_in_another_currency_holds_nothing(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    doc = make_document(debtor, "1000.00", currency="EUR")
    ladder_task(debtor, [doc], "eur letter")
    services.record_promise(
        counterparty=debtor, amount=Decimal("5000.00"), promised_date=date(2026, 3, 20),
        user=None, currency="RON",
    )  # fmt: skip
    assert holds() == {}


def test_a_promise_past_its_date_or_broken_holds_nothing(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    doc = make_document(debtor, "100.00")
    ladder_task(debtor, [doc], "letter")
    past = services.record_promise(
        counterparty=debtor, amount=Decimal("100"), promised_date=date(2026, 3, 9), user=None
    )
    assert holds() == {}
    past.status = PromiseStatus.BROKEN
    past.save()
    assert holds() == {}


def test_an_open_dispute_holds_the_tasks_of_the_disputed_documents_only(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    disputed = make_document(debtor, "300.00")
    other = make_document(debtor, "200.00")
    ladder_task(debtor, [disputed], "disputed")
    ladder_task(debtor, [other], "other")
    dispute = services.register_dispute(
        counterparty=debtor, reason="quality", amount=Decimal("300.00"), user=None,
        documents=[disputed], deadline=date(2026, 3, 17),
    )  # fmt: skip
    assert holds() == {"disputed": Hold(DISPUTE, date(2026, 3, 17))}
    services.resolve_dispute(dispute, user=None, resolution="credit note issued")
    assert holds() == {}


def test_grace_and_an_active_agreement_hold_every_ladder_task_but_not_hand_made_ones(
    debtor: Counterparty, make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document], collector: User, director: User,
) -> None:  # fmt: skip
    ladder_task(debtor, [make_document(debtor)], "graced")
    services.set_grace(counterparty=debtor, until=date(2026, 3, 31), reason="key", user=director)
    other = make_counterparty(collector=collector)
    ladder_task(other, [make_document(other)], "agreed")
    services.create_manual_task(
        counterparty=other, assignee=collector, action="call", due_at=NOW, title="asked",
        user=None,
    )  # fmt: skip
    services.create_agreement(
        counterparty=other, signed_on=date(2026, 3, 1), user=None,
        instalments=[(date(2026, 4, 1), Decimal("10")), (date(2026, 5, 1), Decimal("10"))],
    )  # fmt: skip
    assert holds() == {
        "graced": Hold(GRACE, date(2026, 3, 31)),
        "agreed": Hold(AGREEMENT, date(2026, 5, 1)),
    }


def test_holds_take_a_fixed_number_of_queries(
    debtor: Counterparty, make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document], collector: User,
    django_assert_max_num_queries: object,
) -> None:  # fmt: skip
    for n in range(12):
        cp = make_counterparty(collector=collector)
        doc = make_document(cp, "100.00")
        ladder_task(cp, [doc], f"t{n}")
        services.record_promise(
            counterparty=cp, amount=Decimal("100"), promised_date=date(2026, 3, 20), user=None
        )
        services.register_dispute(
            counterparty=cp, reason="price", amount=Decimal("5"), user=None, documents=[doc]
        )
    with django_assert_max_num_queries(7):  # type: ignore[operator]
        assert len(task_holds(Task.objects.all(), TODAY)) == 12


def test_with_the_callers_rows_the_holds_reads_go_out_in_one_round_trip(
    debtor: Counterparty, make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document], collector: User, director: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The worklist passes its rows: graces, agreements, promises and disputes of their
    counterparties are sent together (on PostgreSQL one round trip), and the holds are the
    same as the queryset path's: a counterparty held whole keeps its grace, whatever it
    promised."""
    from dunwell import compiled
    from dunwell.ladder import holds as holds_module

    graced = make_counterparty(collector=collector)
    ladder_task(graced, [make_document(graced, "100.00")], "graced")
    services.set_grace(counterparty=graced, until=date(2026, 3, 31), reason="key", user=director)
    services.record_promise(
        counterparty=graced, amount=Decimal("100"), promised_date=date(2026, 3, 20), user=None
    )
    doc = make_document(debtor, "100.00")
    ladder_task(debtor, [doc], "promised")
    services.record_promise(
        counterparty=debtor, amount=Decimal("100"), promised_date=date(2026, 3, 20), user=None
    )
    sent: list[list[object]] = []
    real = compiled._send

    def spy(calls: list[tuple[object, tuple[object, ...]]]) -> object:
        sent.append([read for read, _args in calls])
        return real(calls)  # type: ignore[arg-type]

    monkeypatch.setattr(compiled, "_send", spy)
    assert holds() == {
        "graced": Hold(GRACE, date(2026, 3, 31)),
        "promised": Hold(PROMISE, date(2026, 3, 20)),
    }
    assert sent == [
        [
            holds_module.GRACES_OF,
            holds_module.AGREEMENTS_OF,
            holds_module.ACTIVE_PROMISES_OF,
            holds_module.OPEN_DISPUTES_OF,
        ]
    ]
