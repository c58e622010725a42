"""A task and a legal case name their documents in their own row (`document_ids`, migrations
ladder/0015 and legal/0009), and document progress has no database key to its document
(ladder/0010: each check at commit locked the document). The invariants the keys used to guard
are kept by Django and by the engine, and checked here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder.engine import run
from dunwell.ladder.models import DocumentProgress, Policy, Task
from dunwell.ladder.services import policy_changed
from dunwell.ledger.models import Counterparty, Document
from dunwell.legal.models import LegalCase

pytestmark = pytest.mark.django_db
DUE = date(2026, 3, 2)  # a Monday


# The table whose rows name a document without a database key to it, and the two whose rows
# name their documents in an id array of their own.
LINKED = (DocumentProgress,)
ARRAYS = (Task, LegalCase)


def named_by(model: type[Task] | type[LegalCase]) -> list[tuple[int, int, int]]:
    """(row, its debtor, document) for every document id a task or a case names."""
    return [
        (pk, cp, doc)
        for pk, cp, ids in model.objects.values_list("id", "counterparty_id", "document_ids")
        for doc in ids
    ]


def task_links() -> list[tuple[int, int, int]]:
    return named_by(Task)


def without_document() -> dict[str, int]:
    """Rows of the linked tables, and ids named by tasks, whose document does not exist."""
    existing = Document.objects.values("pk")
    found = {m.__name__: m.objects.exclude(document_id__in=existing).count() for m in LINKED}
    known = set(Document.objects.values_list("pk", flat=True))
    for model in ARRAYS:
        found[model.__name__] = sum(1 for _r, _cp, doc in named_by(model) if doc not in known)
    return found


def up_to_legal() -> None:
    """The runs that take the documents due on DUE to the pressure scale's first legal step."""
    for n in (1, 3, 7, 10):
        run(DUE + timedelta(days=n))


def rows_of(documents: set[int]) -> dict[str, int]:
    found = {m.__name__: m.objects.filter(document_id__in=documents).count() for m in LINKED}
    for model in ARRAYS:
        found[model.__name__] = sum(1 for _r, _cp, doc in named_by(model) if doc in documents)
    return found


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


def test_a_run_names_for_every_task_only_open_documents_of_its_own_debtor(
    ledger: list[Document],
) -> None:
    run(DUE + timedelta(days=10))
    links = task_links()
    assert links, "the run should have created tasks with documents"
    owner = {d.pk: d.counterparty_id for d in ledger}
    assert all(owner[doc] == cp for _task, cp, doc in links)
    # distinct, as the field keeps them
    for ids in Task.objects.values_list("document_ids", flat=True):
        assert len(ids) == len(set(ids))
    # a task's documents read back as documents
    task = Task.objects.exclude(document_ids=[]).first()
    assert task is not None
    assert sorted(task.documents.values_list("pk", flat=True)) == sorted(task.document_ids)


def test_a_deleted_document_leaves_its_tasks_and_is_not_read_back(ledger: list[Document]) -> None:
    run(DUE + timedelta(days=10))
    task = Task.objects.exclude(document_ids=[]).first()
    assert task is not None
    gone = task.document_ids[0]
    Document.objects.filter(pk=gone).delete()
    task.refresh_from_db()
    assert gone in task.document_ids, "the id stays in the row"
    assert gone not in set(task.documents.values_list("pk", flat=True))


def test_a_task_whose_documents_were_all_deleted_is_not_closed_as_paid(
    ledger: list[Document],
) -> None:
    """As when the links went with their documents: a task without a document left is not
    "all paid"; one whose remaining documents are all paid is."""
    run(DUE + timedelta(days=10))
    tasks = list(Task.objects.filter(status="open").exclude(document_ids=[]).order_by("pk"))
    assert len(tasks) >= 2
    deleted, paid = tasks[0], tasks[-1]
    assert deleted.counterparty_id != paid.counterparty_id
    Document.objects.filter(pk__in=deleted.document_ids).delete()
    Document.objects.filter(pk__in=paid.document_ids).update(open_amount=0)
    run(DUE + timedelta(days=11))
    deleted.refresh_from_db()
    paid.refresh_from_db()
    assert deleted.status == "open"
    assert paid.status == "cancelled_paid"


NONE = {"DocumentProgress": 0, "LegalCase": 0, "Task": 0}


def test_the_runs_name_only_existing_documents_in_tasks_cases_and_progress(
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


def test_deleting_documents_in_bulk_takes_their_progress_and_the_ids_are_not_read_back(
    ledger: list[Document],
) -> None:
    up_to_legal()
    case = LegalCase.objects.order_by("pk").first()
    assert case is not None
    linked = set(case.documents.values_list("pk", flat=True))
    assert linked == set(case.document_ids)
    assert linked and LegalCase.objects.count() > 1
    named = rows_of(linked)
    assert named["Task"] and named["LegalCase"] == len(linked)
    Document.objects.filter(pk__in=linked).delete()
    # the tasks and the case keep the ids in their rows, but do not read them back
    kept = {**NONE, "Task": named["Task"], "LegalCase": len(linked)}
    assert rows_of(linked) == kept
    assert without_document() == kept
    assert not case.documents.exists()
    assert any(doc not in linked for _t, _cp, doc in task_links())
    assert any(doc not in linked for _c, _cp, doc in named_by(LegalCase)), "the others stay"


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


def test_a_case_opened_for_an_older_task_covers_only_its_documents_that_still_exist(
    ledger: list[Document], lawyer: User
) -> None:
    """A task written earlier (approved later, say) may name a document deleted since: the
    case does not cover it. The daily run's own tasks skip this check (`written_now`)."""
    from dunwell.ladder.services import create_manual_task
    from dunwell.legal.services import open_cases_for_tasks

    debtor = ledger[-1].counterparty
    docs = list(debtor.documents.order_by("pk"))
    assert len(docs) == 3
    task = create_manual_task(
        counterparty=debtor,
        assignee=lawyer,
        action="pretension",
        due_at=timezone.now(),
        title="Pretension",
        user=None,
        documents=docs,
    )
    Document.objects.filter(pk=docs[0].pk).delete()
    (case_id,) = open_cases_for_tasks([task.pk])
    kept = {d.pk for d in docs[1:]}
    case = LegalCase.objects.get(pk=case_id)
    assert set(case.document_ids) == kept, "the deleted document's id is left out"
    assert set(case.documents.values_list("pk", flat=True)) == kept
