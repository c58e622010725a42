"""Task documents have no database foreign key to their task (the daily run writes them in the
same transaction as the task), and task documents, document progress and legal case links
none to their document (migrations ladder/0010, legal/0005: each check at commit locked the
document). The invariants the keys used to guard are kept by Django and by the engine, and
checked here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder.engine import run
from dunwell.ladder.models import DocumentProgress, Policy, Task, TaskDocument
from dunwell.ladder.services import policy_changed
from dunwell.ledger.models import Counterparty, Document
from dunwell.legal.models import LegalCase

pytestmark = pytest.mark.django_db
DUE = date(2026, 3, 2)  # a Monday


def orphans() -> int:
    """Task documents whose task does not exist."""
    return TaskDocument.objects.exclude(task_id__in=Task.objects.values("pk")).count()


# The three tables whose rows name a document without a database key to it.
LINKED = (TaskDocument, DocumentProgress, LegalCase.documents.through)


def without_document() -> dict[str, int]:
    """Rows of the three tables that name a document which does not exist."""
    existing = Document.objects.values("pk")
    return {m.__name__: m.objects.exclude(document_id__in=existing).count() for m in LINKED}


def up_to_legal() -> None:
    """The runs that take the documents due on DUE to the pressure scale's first legal step."""
    for n in (1, 3, 7, 10):
        run(DUE + timedelta(days=n))


def rows_of(documents: set[int]) -> dict[str, int]:
    return {m.__name__: m.objects.filter(document_id__in=documents).count() for m in LINKED}


@pytest.fixture
def ledger(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    supervisor: User,
    lawyer: User,
) -> list[Document]:
    docs = []
    for n in range(6):
        cp = make_counterparty(collector=collector)
        for k in range(n % 3 + 1):
            docs.append(make_document(cp, "100.00", due_date=DUE - timedelta(days=k * 4)))
    return docs


def test_a_run_links_every_task_to_existing_documents_and_leaves_no_orphans(
    ledger: list[Document],
) -> None:
    run(DUE + timedelta(days=10))
    links = list(TaskDocument.objects.values_list("task__counterparty_id", "document_id"))
    assert links, "the run should have created tasks with documents"
    owner = {d.pk: d.counterparty_id for d in ledger}
    # a task only covers open documents of its own debtor
    assert all(owner[doc] == cp for cp, doc in links)
    assert orphans() == 0


def test_deleting_a_task_removes_its_task_documents(ledger: list[Document]) -> None:
    run(DUE + timedelta(days=10))
    task = Task.objects.filter(pk__in=TaskDocument.objects.values("task_id")).first()
    assert task is not None
    others = TaskDocument.objects.exclude(task=task).count()
    task.delete()
    assert not TaskDocument.objects.filter(task_id=task.pk).exists()
    assert TaskDocument.objects.count() == others
    assert orphans() == 0


def test_deleting_tasks_in_bulk_or_with_their_debtor_leaves_no_orphans(
    ledger: list[Document],
) -> None:
    run(DUE + timedelta(days=10))
    debtor = ledger[-1].counterparty
    debtor.delete()
    assert orphans() == 0
    Task.objects.filter(action="call").delete()
    assert orphans() == 0
    Task.objects.all().delete()
    assert TaskDocument.objects.count() == 0


def test_deleting_a_document_removes_its_task_documents(ledger: list[Document]) -> None:
    run(DUE + timedelta(days=10))
    link = TaskDocument.objects.first()
    assert link is not None
    Document.objects.filter(pk=link.document_id).delete()
    assert not TaskDocument.objects.filter(document_id=link.document_id).exists()
    assert Task.objects.filter(pk=link.task_id).exists()


NONE = {"TaskDocument": 0, "DocumentProgress": 0, "LegalCase_documents": 0}


def test_the_runs_write_links_progress_and_case_links_only_for_existing_documents(
    ledger: list[Document],
) -> None:
    up_to_legal()
    assert all(rows_of({d.pk for d in ledger}).values()), "every kind of row should be written"
    assert LegalCase.objects.exists()
    assert without_document() == NONE


def test_deleting_a_debtor_takes_its_documents_rows_in_all_three_tables(
    ledger: list[Document],
) -> None:
    up_to_legal()
    case = LegalCase.objects.first()
    assert case is not None
    debtor = case.counterparty
    theirs = set(debtor.documents.values_list("pk", flat=True))
    others = {d.pk for d in ledger} - theirs
    assert all(rows_of(theirs).values())
    before = rows_of(others)
    debtor.delete()
    assert rows_of(theirs) == NONE
    assert rows_of(others) == before
    assert without_document() == NONE


def test_deleting_documents_in_bulk_takes_their_rows_in_all_three_tables(
    ledger: list[Document],
) -> None:
    up_to_legal()
    case = LegalCase.objects.order_by("pk").first()
    assert case is not None
    linked = set(case.documents.values_list("pk", flat=True))
    assert linked and LegalCase.objects.count() > 1
    Document.objects.filter(pk__in=linked).delete()
    assert rows_of(linked) == NONE
    assert without_document() == NONE
    assert LegalCase.documents.through.objects.exists(), "the other cases' links stay"
    assert TaskDocument.objects.exists()


def test_a_changed_policy_marks_exactly_its_documents_due(ledger: list[Document]) -> None:
    """Progress has no index by policy (ladder/0011): the read that used it still finds the
    policy's rows and only those."""
    run(DUE + timedelta(days=10))
    later = DUE + timedelta(days=60)
    DocumentProgress.objects.update(next_due_on=later)
    policy = DocumentProgress.objects.values_list("policy", flat=True).first()
    assert policy is not None
    other = Policy.objects.create(name="Other", code="other")
    moved = ledger[-1].counterparty_id
    DocumentProgress.objects.filter(counterparty_id=moved).update(policy=other)
    policy_changed(Policy.objects.get(pk=policy))
    today = timezone.localdate()
    rows = list(DocumentProgress.objects.values_list("counterparty_id", "next_due_on"))
    assert {cp for cp, _on in rows if cp == moved}, "the moved debtor keeps progress rows"
    assert all((on == later) if cp == moved else (on == today) for cp, on in rows)


def test_the_reads_by_debtor_find_exactly_its_documents_progress(
    ledger: list[Document], make_document: Callable[..., Document]
) -> None:
    """Progress has no index by counterparty (ladder/0013): the recheck of a debtor, of many,
    and of a segment's debtors find their rows through the documents, and only theirs."""
    from dunwell.ladder import engine, nightly, services

    run(DUE + timedelta(days=10))
    later, on = DUE + timedelta(days=60), DUE + timedelta(days=11)
    cps = sorted({d.counterparty_id for d in ledger})
    assert DocumentProgress.objects.filter(counterparty_id=cps[2]).count() == 3

    def due_debtors() -> list[int]:
        rows = DocumentProgress.objects.values_list("counterparty_id", "next_due_on")
        return sorted({cp for cp, day in rows if day == on})

    for recheck, debtors in (
        (lambda: services.recheck(cps[2], on), [cps[2]]),
        (lambda: engine._recheck([cps[0], cps[4]], on), [cps[0], cps[4]]),
        (lambda: nightly._recheck([cps[5], cps[1], cps[5]], on), [cps[1], cps[5]]),
    ):
        DocumentProgress.objects.update(next_due_on=later)
        recheck()
        assert due_debtors() == debtors
        assert DocumentProgress.objects.filter(next_due_on=on).count() == sum(
            Document.objects.filter(counterparty_id=cp).count() for cp in debtors
        )
