"""One unfinished task per debtor and step: documents that reach a step while the debtor's task
of that step is still unfinished from an earlier day join it (docs/pressure-scale.md). Before,
a lawyer got a new "pretension" task for the same debtor every week new documents reached the
step (nine for one debtor of the demo, eight of them open)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import translation

from dunwell.accounts.models import Role, User
from dunwell.ladder import services
from dunwell.ladder.engine import run
from dunwell.ladder.models import Action, Task, TaskStatus
from dunwell.ledger.models import Counterparty, Document, Segment, TimelineEntry
from dunwell.ledger.timeline import with_texts
from dunwell.legal.models import LegalCase

pytestmark = pytest.mark.django_db

FIRST = date(2026, 3, 3)  # a Tuesday
WEEK = timedelta(days=7)
PRETENSION = "Pretension (claim letter) with the contract's period"


def run_on(day: date) -> None:
    with time_machine.travel(datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=5)):
        run(day)


def tasks(action: str) -> list[tuple[str, list[int], dict[str, str]]]:
    return sorted(
        (str(t.status), sorted(t.document_ids), t.amounts)
        for t in Task.objects.filter(action=action)
    )


@pytest.fixture
def lawyer(make_user: Callable[..., User]) -> User:
    return make_user("lena", Role.LAWYER)


@pytest.fixture
def debtor(
    make_counterparty: Callable[..., Counterparty], collector: User, lawyer: User
) -> Counterparty:
    return make_counterparty(collector=collector)


def test_documents_reaching_the_pretension_a_week_later_join_the_open_pretension(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    # +11 on the first Tuesday: the pretension and the stop of shipments (day +10) fire
    first = make_document(debtor, "1000.00", due_date=FIRST - timedelta(days=11))
    run_on(FIRST)
    # a week later a second document is at +11 too; the first pretension is not sent yet
    second = make_document(debtor, "400.00", due_date=FIRST + WEEK - timedelta(days=11))
    run_on(FIRST + WEEK)
    both = sorted([first.pk, second.pk])
    assert tasks(Action.PRETENSION) == [("open", both, {"RON": "1400.00"})]
    assert tasks(Action.STOP_SHIPMENTS) == [("open", both, {"RON": "1400.00"})]
    task = Task.objects.get(action=Action.PRETENSION)
    assert task.amount == 1400 and task.currency == "RON"
    # the debtor's legal case covers the second document as well
    case = LegalCase.objects.get(counterparty=debtor)
    assert sorted(case.document_ids) == both
    # a re-run of the day changes nothing
    run_on(FIRST + WEEK)
    assert tasks(Action.PRETENSION) == [("open", both, {"RON": "1400.00"})]


def test_the_timeline_says_the_pretension_took_the_new_document(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    make_document(debtor, "1000.00", due_date=FIRST - timedelta(days=11))
    run_on(FIRST)
    make_document(debtor, "400.00", due_date=FIRST + WEEK - timedelta(days=11))
    run_on(FIRST + WEEK)
    run_on(FIRST + WEEK)
    entries = list(
        TimelineEntry.objects.filter(counterparty=debtor, kind="ladder.step_covers_more")
    )
    assert len(entries) == 2  # the pretension and the stop of shipments, once each
    with translation.override("en"):
        texts = sorted(e.text for e in with_texts(entries))
    assert texts[0] == (
        f"The unfinished task “{PRETENSION}” now also covers 1 more document "
        "(400.00\xa0RON) that reached its step"
    ), texts
    with translation.override("ro"):
        texts = sorted(e.text for e in with_texts(entries))
    assert texts[0] == (
        "Sarcina neterminată „Notificare de plată cu termenul din contract” cuprinde acum "
        "încă 1 document (400,00\xa0RON) ajuns la pasul ei"
    ), texts


def test_a_pretension_already_sent_does_not_take_new_documents(
    debtor: Counterparty, make_document: Callable[..., Document], lawyer: User
) -> None:
    """New debts after the letter was sent need a claim of their own: a new task."""
    first = make_document(debtor, "1000.00", due_date=FIRST - timedelta(days=11))
    run_on(FIRST)
    with time_machine.travel(datetime(2026, 3, 4, 9, 0, tzinfo=UTC)):
        services.complete_task(
            Task.objects.get(action=Action.PRETENSION), user=lawyer, result="Sent"
        )
    second = make_document(debtor, "400.00", due_date=FIRST + WEEK - timedelta(days=11))
    run_on(FIRST + WEEK)
    assert tasks(Action.PRETENSION) == [
        ("done", [first.pk], {"RON": "1000.00"}),
        ("open", [second.pk], {"RON": "400.00"}),
    ]


def test_an_approved_step_is_not_widened_a_waiting_one_is(
    debtor: Counterparty, make_document: Callable[..., Document], director: User
) -> None:
    """Key customers' legal steps wait for the director. Documents may join a step still
    waiting (the director decides on all of them), not one the director already approved."""
    debtor.segment = Segment.objects.get(code="key")
    debtor.save()
    first = make_document(debtor, "1000.00", due_date=FIRST - timedelta(days=31))
    run_on(FIRST)
    waiting = Task.objects.filter(status=TaskStatus.AWAITING_APPROVAL).order_by("id").first()
    assert waiting is not None
    action = waiting.action
    second = make_document(debtor, "400.00", due_date=FIRST + WEEK - timedelta(days=31))
    run_on(FIRST + WEEK)
    both = sorted([first.pk, second.pk])
    assert tasks(action) == [("awaiting_approval", both, {"RON": "1400.00"})]
    with time_machine.travel(datetime(2026, 3, 11, 9, 0, tzinfo=UTC)):
        services.approve_task(Task.objects.get(action=action), user=director)
    third = make_document(debtor, "50.00", due_date=FIRST + 2 * WEEK - timedelta(days=31))
    run_on(FIRST + 2 * WEEK)
    assert tasks(action) == [
        ("awaiting_approval", [third.pk], {"RON": "50.00"}),
        ("open", both, {"RON": "1400.00"}),
    ]


def test_amounts_in_two_currencies_stay_apart(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    make_document(debtor, "1000.00", due_date=FIRST - timedelta(days=11))
    run_on(FIRST)
    make_document(debtor, "300.00", due_date=FIRST + WEEK - timedelta(days=11), currency="EUR")
    run_on(FIRST + WEEK)
    [(_status, docs, amounts)] = tasks(Action.PRETENSION)
    assert len(docs) == 2 and amounts == {"EUR": "300.00", "RON": "1000.00"}
    task = Task.objects.get(action=Action.PRETENSION)
    assert task.amount == 0 and task.currency == ""


def test_no_task_to_stop_shipments_that_are_stopped_already(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    """The demo's sales manager had "Stop shipments" tasks for debtors whose card said
    "Shipments stopped" (stopped by an earlier task that was done)."""
    Counterparty.objects.filter(pk=debtor.pk).update(stop_shipments=True)
    make_document(debtor, "1000.00", due_date=FIRST - timedelta(days=11))
    with time_machine.travel(datetime(2026, 3, 3, 5, 0, tzinfo=UTC)):
        summary = run(FIRST)
    assert tasks(Action.STOP_SHIPMENTS) == []
    assert summary.skipped["shipments already stopped"] == 1
    assert [status for status, *_ in tasks(Action.PRETENSION)] == ["open"]
    # shipments may go again (the credit page lifts the stop): the next documents bring it back
    Counterparty.objects.filter(pk=debtor.pk).update(stop_shipments=False)
    second = make_document(debtor, "400.00", due_date=FIRST + WEEK - timedelta(days=11))
    run_on(FIRST + WEEK)
    assert tasks(Action.STOP_SHIPMENTS) == [("open", [second.pk], {"RON": "400.00"})]


# --- calls: the open call of the same step for the same person takes the documents ----------

SECOND_CALL = "Second-level call to the person who decides payments"
FRIENDLY_CALL = "First friendly call"


def calls() -> list[tuple[str, str, str, list[int], dict[str, str]]]:
    return sorted(
        (t.step.name if t.step else t.title, str(t.status),
         t.assignee.username if t.assignee else "-", sorted(t.document_ids), t.amounts)
        for t in Task.objects.filter(action=Action.CALL).select_related("step", "assignee")
    )  # fmt: skip


@pytest.fixture
def second_call(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> tuple[Document, Document]:
    """Tuesday 3 March: the first document is at +3, the second-level call. The second
    document, due that Tuesday, arrives on Wednesday (+1, the friendly call) and reaches +3 on
    Friday. Returns (first, second)."""
    first = make_document(debtor, "1000.00", due_date=FIRST - timedelta(days=3))
    run_on(FIRST)
    second = make_document(debtor, "500.00", due_date=FIRST)
    run_on(FIRST + timedelta(days=1))
    return first, second


def test_documents_reaching_a_call_step_join_the_debtors_open_call_of_that_step(
    second_call: tuple[Document, Document], debtor: Counterparty
) -> None:
    """Before, a collector found one "second-level call" per week of new documents for one
    debtor (three of them for one debtor of the demo, all open)."""
    first, second = second_call
    run_on(FIRST + timedelta(days=3))  # Friday: the second document at +3
    assert calls() == [
        (FRIENDLY_CALL, "open", "colin", [second.pk], {"RON": "500.00"}),
        (SECOND_CALL, "open", "colin", sorted([first.pk, second.pk]), {"RON": "1500.00"}),
    ]
    run_on(FIRST + timedelta(days=3))  # a re-run of the day changes nothing
    assert len(calls()) == 2
    [entry] = with_texts(
        list(TimelineEntry.objects.filter(counterparty=debtor, kind="ladder.step_covers_more"))
    )
    with translation.override("en"):
        assert entry.text == (
            f"The unfinished task “{SECOND_CALL}” now also covers 1 more document "
            "(500.00\xa0RON) that reached its step"
        )


def test_a_call_already_made_does_not_take_new_documents(
    second_call: tuple[Document, Document], collector: User
) -> None:
    first, second = second_call
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=UTC)):
        services.complete_task(
            Task.objects.get(step__name=SECOND_CALL), user=collector, result="no_answer"
        )
    run_on(FIRST + timedelta(days=3))
    assert [(name, status, docs) for name, status, _who, docs, _a in calls()] == [
        (FRIENDLY_CALL, "open", [second.pk]),
        (SECOND_CALL, "done", [first.pk]),
        (SECOND_CALL, "open", [second.pk]),
    ]


def test_an_open_call_of_another_person_does_not_take_them(
    second_call: tuple[Document, Document], make_user: Callable[..., User]
) -> None:
    """Calls are one per person: the supervisor took over the first call, the collector
    still gets the new one."""
    first, second = second_call
    Task.objects.filter(step__name=SECOND_CALL).update(assignee=make_user("sue", Role.SUPERVISOR))
    run_on(FIRST + timedelta(days=3))
    assert [(name, who, docs) for name, _status, who, docs, _a in calls()] == [
        (FRIENDLY_CALL, "colin", [second.pk]),
        (SECOND_CALL, "colin", [second.pk]),
        (SECOND_CALL, "sue", [first.pk]),
    ]


def test_an_approved_stop_of_shipments_takes_the_later_documents(
    debtor: Counterparty, make_document: Callable[..., Document], director: User
) -> None:
    """Stopping shipments acts on the debtor, not on its documents: once the director approved
    it, documents reaching the step later join the open task instead of asking the director
    again. sales1's day in the demo listed "Stop shipments (director approves)" three times
    for one debtor, on three dates, none of them done."""
    debtor.segment = Segment.objects.get(code="key")
    debtor.save()
    first = make_document(debtor, "1000.00", due_date=FIRST - timedelta(days=31))
    run_on(FIRST)
    stop = Task.objects.get(action=Action.STOP_SHIPMENTS)
    assert stop.status == TaskStatus.AWAITING_APPROVAL
    with time_machine.travel(datetime(2026, 3, 4, 9, 0, tzinfo=UTC)):
        services.approve_task(stop, user=director)
    second = make_document(debtor, "400.00", due_date=FIRST + WEEK - timedelta(days=31))
    run_on(FIRST + WEEK)
    third = make_document(debtor, "50.00", due_date=FIRST + 2 * WEEK - timedelta(days=31))
    run_on(FIRST + 2 * WEEK)
    assert tasks(Action.STOP_SHIPMENTS) == [
        ("open", sorted([first.pk, second.pk, third.pk]), {"RON": "1450.00"})
    ]
    entries = TimelineEntry.objects.filter(counterparty=debtor, kind="ladder.step_covers_more")
    with translation.override("ru"):
        texts = [e.text for e in with_texts(list(entries)) if "отгруз" in e.text]
    assert len(texts) == 2, texts
