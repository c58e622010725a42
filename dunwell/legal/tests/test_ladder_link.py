"""The pressure scale's legal steps and the legal case are one piece of work: the daily run
opens the case with the first legal task, recording a step on the case completes the task, and
a legal task opened from "My day" leads to the case."""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.engine import run
from dunwell.ladder.models import Action, Task, TaskStatus
from dunwell.ledger.models import Counterparty, Document, Segment, TimelineEntry
from dunwell.legal import services
from dunwell.legal.models import CaseStage, LegalCase
from dunwell.outbox.models import Event

pytestmark = pytest.mark.django_db
DUE = date(2026, 3, 2)  # a Monday


def day(n: int) -> date:
    return DUE + timedelta(days=n)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def overdue(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    lawyer: User,
    director: User,
) -> Counterparty:
    cp = make_counterparty(name="Beton Grup SRL", collector=collector)
    make_document(cp, "1000.00", due_date=DUE)
    make_document(cp, "500.00", due_date=DUE)
    return cp


def manual_task(
    cp: Counterparty, action: str, lawyer: User, documents: Sequence[Document] = ()
) -> Task:
    """A task made by hand for the lawyer, due on DUE at 9:00."""
    return ladder.create_manual_task(
        counterparty=cp,
        assignee=lawyer,
        action=action,
        due_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        title=action,
        user=lawyer,
        documents=documents,
    )


def to_pretension(cp: Counterparty) -> Task:
    for n in (1, 3, 7, 10):
        run(day(n))
    return Task.objects.get(counterparty=cp, action=Action.PRETENSION)


def test_the_daily_run_opens_the_case_with_the_first_legal_task(
    overdue: Counterparty, lawyer: User
) -> None:
    run(day(7))
    assert not LegalCase.objects.exists()
    task = to_pretension(overdue)
    case = LegalCase.objects.get(counterparty=overdue)
    assert case.stage == CaseStage.NEW and case.lawyer == lawyer
    assert set(case.documents.all()) == set(task.documents.all())
    assert case.steps.get().kind == "case_opened"
    assert TimelineEntry.objects.filter(counterparty=overdue, kind="legal.case_opened").count() == 1
    overdue.refresh_from_db()
    assert overdue.legal
    for n in range(11, 45):  # later legal steps (court filing) reuse the open case
        run(day(n))
    assert LegalCase.objects.filter(counterparty=overdue).count() == 1


def test_a_key_customers_legal_task_opens_the_case_once_the_director_approves(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    director: User,
    lawyer: User,
) -> None:
    key = make_counterparty(collector=collector, segment=Segment.objects.get(code="key"))
    make_document(key, due_date=DUE)
    run(day(30))
    pretension = Task.objects.get(counterparty=key, action=Action.PRETENSION)
    assert pretension.status == TaskStatus.AWAITING_APPROVAL
    assert not LegalCase.objects.filter(counterparty=key).exists()
    ladder.approve_task(pretension, user=director)
    assert LegalCase.objects.filter(counterparty=key).count() == 1


def test_only_open_legal_tasks_open_a_case(
    overdue: Counterparty,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    lawyer: User,
) -> None:
    """`open_cases_for_tasks` is handed task ids: a call task, and a legal task already done or
    awaiting approval, open no case; the open legal task among them does."""
    others = [make_counterparty(name=f"Debtor {n}", collector=collector) for n in range(3)]
    for cp in others:
        make_document(cp, "100.00", due_date=DUE)

    call = manual_task(others[0], "call", lawyer)
    done = manual_task(others[1], "pretension", lawyer)
    Task.objects.filter(pk=done.pk).update(status=TaskStatus.DONE)
    waiting = manual_task(others[2], "court_filing", lawyer)
    Task.objects.filter(pk=waiting.pk).update(status=TaskStatus.AWAITING_APPROVAL)
    legal = manual_task(overdue, "hand_to_lawyer", lawyer)
    LegalCase.objects.all().delete()  # whatever creating them did: only the call below counts
    Counterparty.objects.update(legal=False)

    opened = services.open_cases_for_tasks([call.pk, done.pk, waiting.pk, legal.pk])

    assert list(LegalCase.objects.values_list("pk", "counterparty_id")) == [(opened[0], overdue.pk)]
    assert list(Counterparty.objects.filter(legal=True)) == [overdue]


def test_legal_tasks_add_to_an_open_case_only_the_documents_it_lacks(
    overdue: Counterparty,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    lawyer: User,
) -> None:
    """A debtor whose case is open (one document chosen by hand) and a debtor without one,
    each with two legal tasks sharing a document: the open case gains only what it lacked,
    the new case covers its tasks' documents once each, and a second call adds nothing."""
    first, second = overdue.documents.order_by("pk")
    third = make_document(overdue, "250.00", due_date=DUE)
    other = make_counterparty(name="Debtor without a case", collector=collector)
    own = [make_document(other, f"{n}00.00", due_date=DUE) for n in (1, 2, 3)]

    tasks = [
        manual_task(overdue, "pretension", lawyer, [first, second]),
        manual_task(overdue, "hand_to_lawyer", lawyer, [second, third]),
        manual_task(other, "pretension", lawyer, own[:2]),
        manual_task(other, "court_filing", lawyer, own[1:]),
    ]
    LegalCase.objects.all().delete()  # whatever creating them did: only the calls below count
    kept = services.open_case(overdue, lawyer, document_ids=[first.pk])

    opened = services.open_cases_for_tasks([t.pk for t in tasks])
    again = services.open_cases_for_tasks([t.pk for t in tasks])

    new = LegalCase.objects.get(counterparty=other)
    assert opened == again == sorted([kept.pk, new.pk])
    kept.refresh_from_db()
    assert sorted(kept.document_ids) == [first.pk, second.pk, third.pk]
    assert sorted(new.document_ids) == [d.pk for d in own]


@pytest.mark.usefixtures("subscriber")
def test_opening_cases_for_tasks_records_the_step_the_timeline_line_and_the_event(
    overdue: Counterparty,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    lawyer: User,
) -> None:
    """What each new case gets, with the tasks that opened it (the same on SQLite, written in
    Python, and on PostgreSQL, written by the database)."""
    other = make_counterparty(name="Second debtor", collector=collector)
    make_document(other, "100.00", due_date=DUE)

    tasks = [
        manual_task(overdue, "pretension", lawyer),
        manual_task(other, "pretension", lawyer),
        manual_task(overdue, "court_filing", lawyer),
    ]
    LegalCase.objects.all().delete()  # whatever creating them did: only the call below counts
    TimelineEntry.objects.filter(kind="legal.case_opened").delete()
    Event.objects.all().delete()

    services.open_cases_for_tasks([t.pk for t in tasks], lawyer)

    first, second = (
        LegalCase.objects.get(counterparty=overdue),
        LegalCase.objects.get(counterparty=other),
    )
    by_case = {first: [tasks[0].pk, tasks[2].pk], second: [tasks[1].pk]}
    for case, task_ids in by_case.items():
        step = case.steps.get()
        assert (step.kind, step.actor, step.summary, step.data) == (
            "case_opened",
            lawyer,
            "Legal case opened",
            {"tasks": task_ids},
        )
        line = TimelineEntry.objects.get(counterparty=case.counterparty, kind="legal.case_opened")
        assert (line.actor, line.summary, line.data) == (
            lawyer,
            "Legal case opened",
            {"case": case.pk, "tasks": task_ids},
        )
        assert line.at == step.at
    events = Event.objects.order_by("pk").values_list(
        "kind", "company_id", "counterparty_id", "data"
    )
    assert list(events) == [
        (
            "legal_case.stage_changed",
            case.company_id,
            case.counterparty_id,
            {"case": case.pk, "from": None, "to": "new"},
        )
        for case in sorted(by_case, key=lambda c: c.pk)
    ]


def test_recording_the_pretension_sent_completes_the_ladder_task(
    overdue: Counterparty, lawyer: User
) -> None:
    task = to_pretension(overdue)
    case = LegalCase.objects.get(counterparty=overdue)
    with time_machine.travel(datetime(2026, 3, 13, 9, tzinfo=UTC), tick=False):
        case = services.record_pretension_sent(case, lawyer, sent_on=day(11), channel="post")
    task.refresh_from_db()
    assert (task.status, task.done_by) == (TaskStatus.DONE, lawyer)
    # 30 days end on Sunday 12.04.2026 (Orthodox Easter; Monday too is a holiday in RO)
    assert day(11) + timedelta(days=30) == date(2026, 4, 12)
    assert task.deadline == case.response_due == date(2026, 4, 14)
    assert TimelineEntry.objects.filter(
        counterparty=overdue, kind="ladder.task_done", data__task=task.pk
    ).exists()
    assert case.steps.get(kind="pretension_sent").data["tasks_done"] == [task.pk]
    # the ladder's own deadline is the case's: the court step comes the day after it passes
    from_ladder = Task.objects.filter(counterparty=overdue, action=Action.COURT_FILING).exclude(
        key__startswith="manual:"
    )
    assert case.response_due is not None
    run(case.response_due)
    assert not from_ladder.exists()
    run(case.response_due + timedelta(days=1))
    assert from_ladder.count() == 1


def test_filing_the_lawsuit_completes_the_court_filing_tasks(
    overdue: Counterparty, lawyer: User
) -> None:
    to_pretension(overdue)
    case = LegalCase.objects.get(counterparty=overdue)
    case = services.record_pretension_sent(case, lawyer, sent_on=day(11), channel="post")
    task_id = case.deadlines.get().task_id
    assert task_id is not None
    response_task = Task.objects.get(pk=task_id)
    assert response_task.action == Action.COURT_FILING and response_task.status == "open"
    services.file_lawsuit(case, lawyer, court="Tribunalul Cluj", case_number="123/2026",
                          filed_on=day(45), principal=Decimal("1500.00"),
                          interest=Decimal("10.00"), state_fee=Decimal("100.00"))  # fmt: skip
    response_task.refresh_from_db()
    assert (response_task.status, response_task.done_by) == (TaskStatus.DONE, lawyer)


def test_completing_the_task_from_the_ladder_records_it_on_the_case(
    overdue: Counterparty, lawyer: User
) -> None:
    task = to_pretension(overdue)
    ladder.complete_task(task, user=lawyer, result="sent by hand")
    case = LegalCase.objects.get(counterparty=overdue)
    assert case.stage == CaseStage.PRETENSION_PREPARED
    assert case.steps.filter(kind="pretension_due", source_task_id=task.pk).exists()


def test_the_ladder_does_not_import_the_legal_app() -> None:
    ladder_dir = Path(ladder.__file__).parent
    for path in ladder_dir.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            assert not any(n.startswith("dunwell.legal") for n in names), path.name


@pytest.mark.parametrize(("who", "lands"), [("lawyer", "case"), ("collector", "case"),
                                            ("director", "case"),  # sees all, not the assignee
                                            ("teammate", None), ("outsider", None)])  # fmt: skip
def test_a_legal_task_leads_to_its_case(
    request: Any, overdue: Counterparty, who: str, lands: str | None
) -> None:
    task = to_pretension(overdue)
    case = LegalCase.objects.get(counterparty=overdue)
    response = client_for(request.getfixturevalue(who)).get(
        reverse("legal:case_for_task", args=[task.pk])
    )
    if lands is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("legal:case", args=[case.pk]) + f"?task={task.pk}"


def test_a_legal_task_without_a_case_leads_to_the_debtors_documents(
    overdue: Counterparty, lawyer: User
) -> None:
    task = ladder.create_manual_task(
        counterparty=overdue,
        assignee=lawyer,
        action="hand_to_lawyer",
        due_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        title="Hand over",
        user=lawyer,
    )
    response = client_for(lawyer).get(reverse("legal:case_for_task", args=[task.pk]))
    assert response["Location"] == reverse("legal:debtor_documents", args=[overdue.pk])


def test_the_case_page_lists_the_tasks_and_completes_a_hand_over(
    overdue: Counterparty,
    lawyer: User,
    collector: User,
    teammate: User,
    outsider: User,
    director: User,
) -> None:
    case = services.open_case(overdue, director, lawyer=lawyer)
    task = ladder.create_manual_task(
        counterparty=overdue,
        assignee=lawyer,
        action="hand_to_lawyer",
        due_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        title="Hand over the file",
        user=director,
    )
    page = client_for(lawyer).get(reverse("legal:case", args=[case.pk])).content.decode()
    assert "Hand over the file" in page and "Tasks of the pressure scale" in page
    url = reverse("legal:complete_task", args=[case.pk, task.pk])
    # the owner collector only looks (no legal staff); others do not even see the case
    assert client_for(collector).post(url, {"result": "x"}).status_code == 403
    for other in (teammate, outsider):
        assert client_for(other).post(url, {"result": "x"}).status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    response = client_for(lawyer).post(url, {"result": "file received"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.result, task.done_by) == (TaskStatus.DONE, "file received", lawyer)


def test_the_migration_opens_the_cases_the_ladder_left_without_one(
    overdue: Counterparty, lawyer: User
) -> None:
    """Databases where the run put debtors on the legal track before it opened cases."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("dunwell.legal.migrations.0002_cases_for_open_legal_tasks")
    task = ladder.create_manual_task(  # made without the run's hook, as before
        counterparty=overdue,
        assignee=lawyer,
        action="pretension",
        due_at=datetime(2026, 3, 12, 9, tzinfo=UTC),
        title="Pretension",
        user=None,
        documents=list(overdue.documents.all()),
    )
    assert not LegalCase.objects.exists()
    migration.open_missing_cases(apps, None)
    migration.open_missing_cases(apps, None)
    case = LegalCase.objects.get(counterparty=overdue)
    assert case.lawyer == lawyer and set(case.documents.all()) == set(task.documents.all())
    overdue.refresh_from_db()
    assert overdue.legal


def test_a_case_opened_for_a_task_in_two_currencies_is_in_the_debtors_main_one(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    lawyer: User,
) -> None:
    """A Russian debtor owing roubles and euros: the legal task has no currency of its own
    (its amounts are per currency), and the case it opens was in the company's lei, which the
    debtor does not owe. Its page then said the court fee's rule was unknown while the
    statement of claim priced it. The case is in roubles, and its page prices the fee."""
    cp = make_counterparty(name="ООО «Восток»", country="RU", language="ru", collector=collector)
    rub = make_document(cp, "200000.00", currency="RUB", due_date=DUE)
    eur = make_document(cp, "1000.00", currency="EUR", due_date=DUE)
    task = manual_task(cp, "pretension", lawyer, [rub, eur])
    # as the daily run writes a task over documents in two currencies
    Task.objects.filter(pk=task.pk).update(
        currency="", amount=0, amounts={"RUB": "200000.00", "EUR": "1000.00"}
    )
    LegalCase.objects.all().delete()  # whatever creating the task did: only the call counts

    (case_id,) = services.open_cases_for_tasks([task.pk])

    case = LegalCase.objects.get(pk=case_id)
    assert case.currency == "RUB"
    LegalCase.objects.filter(pk=case_id).update(stage=CaseStage.LAWSUIT_PREPARING)
    lawyer.language = "ru"
    lawyer.save(update_fields=["language"])
    page = client_for(lawyer).get(reverse("legal:case", args=[case_id])).content.decode()
    fee = page.split('id="court-fee">', 1)[1].split("</p>", 1)[0]
    assert "Государственная пошлина:" in fee and "RUB" in fee
    assert "333.21" in fee
    assert "RON" not in page.split('id="court-fee">', 1)[1].split("</article>", 1)[0]
