"""One call task per debtor, day and assignee: two documents of a debtor at two call steps the
same day give one call, the later step's, covering both; an open call task of the debtor for
that day takes the new call's documents instead of a second call (docs/pressure-scale.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from dunwell.accounts.models import Role, User
from dunwell.ladder import services
from dunwell.ladder.engine import run
from dunwell.ladder.models import Action, DocumentProgress, PolicyStep, Task
from dunwell.ledger.models import Counterparty, Document, TimelineEntry
from dunwell.ledger.timeline import with_texts

pytestmark = pytest.mark.django_db

TUESDAY = date(2026, 3, 3)  # the run's day
MORNING = datetime(2026, 3, 3, 5, 0, tzinfo=UTC)  # 07:00 in Bucharest


def run_on_tuesday() -> None:
    with time_machine.travel(MORNING, tick=False):
        run(TUESDAY)


FRIENDLY = "First friendly call"
SECOND = "Second-level call to the person who decides payments"


def calls() -> list[tuple[str, str, list[int], dict[str, str]]]:
    return sorted(
        (t.step.name if t.step else t.title, t.assignee.username if t.assignee else "-",
         sorted(t.document_ids), t.amounts)
        for t in Task.objects.filter(action=Action.CALL).select_related("step", "assignee")
    )  # fmt: skip


@pytest.fixture
def debtor(make_counterparty: Callable[..., Counterparty], collector: User) -> Counterparty:
    return make_counterparty(collector=collector)


@pytest.fixture
def two_steps(debtor: Counterparty, make_document: Callable[..., Document]) -> list[Document]:
    """On Tuesday 3 March one document is at +1 (friendly call), the other at +3 (second-level
    call), both of the standard policy."""
    return [
        make_document(debtor, "1000.00", due_date=date(2026, 3, 2)),
        make_document(debtor, "500.00", due_date=date(2026, 2, 28)),
    ]


def test_two_call_steps_the_same_day_give_one_call_of_the_later_step(
    two_steps: list[Document],
) -> None:
    first, second = two_steps
    summary = run(TUESDAY)
    assert calls() == [
        (SECOND, "colin", sorted([first.pk, second.pk]), {"RON": "1500.00"}),
    ]
    assert summary.tasks_created["call"] == 1
    # the friendly call is recorded as reached: it does not come back tomorrow
    friendly = PolicyStep.objects.get(policy__code="standard", name=FRIENDLY)
    progress = DocumentProgress.objects.get(document=first)
    assert progress.step_order == friendly.order and progress.reached_on == TUESDAY
    run(TUESDAY + timedelta(days=1))
    run(TUESDAY)  # a re-run of the same day changes nothing
    assert len(calls()) == 1
    # letters and notices stay as they were: the notice for the document at +1
    assert Task.objects.filter(action=Action.NOTIFY_SUPERVISOR).count() == 1


def test_calls_for_two_people_stay_two(
    two_steps: list[Document], debtor: Counterparty, make_user: Callable[..., User]
) -> None:
    debtor.sales_manager = make_user("sam", Role.SALES)
    debtor.save()
    PolicyStep.objects.filter(policy__code="standard", name=FRIENDLY).update(
        assignee_role="sales_manager"
    )
    run(TUESDAY)
    assert [(name, who) for name, who, _docs, _amounts in calls()] == [
        (FRIENDLY, "sam"),
        (SECOND, "colin"),
    ]


@pytest.fixture
def call_back(
    debtor: Counterparty, make_document: Callable[..., Document], collector: User
) -> tuple[Document, Document]:
    """A call-back due Tuesday 14:00 about one document (`other`); the run of Tuesday brings
    another document (`doc`) to the friendly call. Returns (doc, other)."""
    doc = make_document(debtor, "1000.00", due_date=date(2026, 3, 2))
    other = make_document(debtor, "200.00", due_date=date(2026, 3, 20))
    task = services.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action=Action.CALL,
        due_at=datetime(2026, 3, 3, 12, 0, tzinfo=UTC),  # 14:00 in Bucharest
        title="Call back",
        user=collector,
        documents=[other],
    )
    Task.objects.filter(pk=task.pk).update(amounts={"RON": "200.00"})
    return doc, other


def test_an_open_call_the_same_day_takes_the_new_calls_documents(
    call_back: tuple[Document, Document],
) -> None:
    doc, other = call_back
    with time_machine.travel(MORNING, tick=False):
        summary = run(TUESDAY)
    assert calls() == [("Call back", "colin", sorted([doc.pk, other.pk]), {"RON": "1200.00"})]
    assert summary.tasks_created["call"] == 0
    assert Task.objects.filter(action=Action.NOTIFY_SUPERVISOR).count() == 1


def test_the_debtors_timeline_says_the_open_call_took_the_documents(
    call_back: tuple[Document, Document], debtor: Counterparty
) -> None:
    """Before, the call-back silently grew by a document: nothing on the timeline said so."""
    run_on_tuesday()
    run_on_tuesday()  # a re-run adds nothing and says nothing again
    entries = list(
        TimelineEntry.objects.filter(counterparty=debtor, kind="ladder.call_covers_more")
    )
    assert len(entries) == 1
    with translation.override("en"):
        assert [e.text for e in with_texts(entries)] == [
            "Call back now also covers 1 document (1,000.00\xa0RON) that reached "
            "First friendly call"
        ]
    with translation.override("ru"):
        [text] = [e.text for e in with_texts(entries)]
    assert text == (
        "Call back теперь включает ещё 1 документ (1\xa0000,00\xa0RON), дошедший до шага "
        "«Первый дружеский звонок»"
    ), text


def test_an_open_call_on_another_day_does_not_take_it(
    debtor: Counterparty, make_document: Callable[..., Document], collector: User
) -> None:
    make_document(debtor, "1000.00", due_date=date(2026, 3, 2))
    services.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action=Action.CALL,
        due_at=datetime(2026, 3, 4, 12, 0, tzinfo=UTC),
        title="Call back",
        user=collector,
    )
    run_on_tuesday()
    assert [name for name, *_rest in calls()] == ["Call back", FRIENDLY]


def test_amounts_in_two_currencies_stay_apart(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    make_document(debtor, "1000.00", due_date=date(2026, 3, 2), currency="EUR")
    make_document(debtor, "500.00", due_date=date(2026, 2, 28))
    run(TUESDAY)
    ((name, _who, docs, amounts),) = calls()
    assert name == SECOND and len(docs) == 2
    assert amounts == {"EUR": "1000.00", "RON": "500.00"}
    assert Task.objects.get(action=Action.CALL).amount == Decimal("0")
