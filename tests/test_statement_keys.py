"""Keys checked per statement (`dunwell/dbkeys.py`): documents and payments (ledger/0025), the
daily run's tasks, timeline entries, legal cases and case steps (ladder/0014, ledger/0026,
legal/0008). The same guarantees as the foreign-key constraints they replace, on both
databases."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.dbkeys import DECLARED, trigger_names
from dunwell.ladder.models import Task
from dunwell.ledger.models import Contract, Counterparty, Document, Payment, TimelineEntry
from dunwell.legal.models import CaseStep, LegalCase

for _migration in (
    "ledger.migrations.0025_keys_per_statement",
    "ledger.migrations.0026_timeline_keys_per_statement",
    "ladder.migrations.0014_task_keys_per_statement",
    "legal.migrations.0008_case_keys_per_statement",
):
    importlib.import_module(f"dunwell.{_migration}")

KEYS = {
    "ledger_document": {"counterparty_id", "contract_id"},
    "ledger_payment": {"counterparty_id", "contract_id", "document_id"},
    "ledger_timelineentry": {"counterparty_id", "actor_id"},
    "ladder_task": {"counterparty_id", "assignee_id", "step_id", "done_by_id", "approver_id"},
    "legal_legalcase": {"company_id", "counterparty_id", "lawyer_id", "opened_by_id"},
    "legal_casestep": {"case_id", "actor_id"},
}
MISSING = 987_654_321


def _triggers() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
            )
        else:
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        return set(cursor.fetchall())


@pytest.mark.django_db
def test_every_declared_key_has_its_triggers_and_no_row_by_row_constraint() -> None:
    assert {table: {c for c, _p in keys} for table, keys in DECLARED.items()} == KEYS
    present = _triggers()
    for table, keys in DECLARED.items():
        missing = trigger_names(table, keys, connection.vendor) - present
        assert not missing, f"{table}: triggers missing (a table rebuilt?): {sorted(missing)}"
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        keyed = {c["columns"][0] for c in constraints.values() if c["foreign_key"]}
        assert not keyed & KEYS[table], f"{table}: still a foreign-key constraint per row"


def _document(cp: Counterparty, n: int, **extra: Any) -> Document:
    return Document(
        company=cp.company,
        counterparty=cp,
        external_id=f"K{n}",
        kind="invoice",
        number=f"K-{n}",
        date=date(2026, 1, 5),
        due_date=date(2026, 2, 4),
        amount=Decimal("10.00"),
        open_amount=Decimal("10.00"),
        currency="RON",
        **extra,
    )


def _payment(cp: Counterparty, n: int, **extra: Any) -> Payment:
    return Payment(
        company=cp.company,
        counterparty=cp,
        external_id=f"P{n}",
        date=date(2026, 2, 1),
        amount=Decimal("5.00"),
        unallocated=Decimal("5.00"),
        currency="RON",
        **extra,
    )


@pytest.mark.django_db
def test_a_row_whose_key_is_missing_is_refused(make_counterparty: Callable[..., Counterparty]):
    cp = make_counterparty()
    for row, key in (
        (_document(cp, 1, counterparty_id=MISSING), "ledger_document.counterparty_id"),
        (_document(cp, 2, contract_id=MISSING), "ledger_document.contract_id"),
        (_payment(cp, 3, counterparty_id=MISSING), "ledger_payment.counterparty_id"),
        (_payment(cp, 4, contract_id=MISSING), "ledger_payment.contract_id"),
        (_payment(cp, 5, document_id=MISSING), "ledger_payment.document_id"),
    ):
        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            row.save()
        assert key in str(caught.value), caught.value
        if connection.vendor == "postgresql":
            assert f"=({MISSING}) is not present" in str(caught.value.__cause__.diag.message_detail)
    assert not Document.objects.exists()
    assert not Payment.objects.exists()


def _task(cp: Counterparty, **keys: Any) -> Task:
    return Task(counterparty=cp, action="call", title="Call", due_at=timezone.now(), **keys)


def _entry(cp: Counterparty, **keys: Any) -> TimelineEntry:
    return TimelineEntry(counterparty=cp, at=timezone.now(), kind="x", summary="x", **keys)


def _case(cp: Counterparty, **keys: Any) -> LegalCase:
    return LegalCase(company=cp.company, counterparty=cp, opened_at=timezone.now(), **keys)


@pytest.mark.django_db
def test_the_daily_runs_rows_whose_key_is_missing_are_refused(
    make_counterparty: Callable[..., Counterparty], collector: User
) -> None:
    cp, fresh = make_counterparty(), make_counterparty()  # fresh: no open case
    case = _case(cp, lawyer=collector)
    case.save()
    step = CaseStep(case=case, kind="note", at=timezone.now(), summary="x", actor=collector)
    step.save()
    rows = [
        *(
            (_task(cp, **{key: MISSING}), f"ladder_task.{key}")
            for key in ("counterparty_id", "assignee_id", "step_id", "done_by_id", "approver_id")
        ),
        *(
            (_entry(cp, **{key: MISSING}), f"ledger_timelineentry.{key}")
            for key in ("counterparty_id", "actor_id")
        ),
        *(
            (_case(fresh, **{key: MISSING}), f"legal_legalcase.{key}")
            for key in ("company_id", "counterparty_id", "lawyer_id", "opened_by_id")
        ),
        (
            CaseStep(case_id=MISSING, kind="note", at=timezone.now(), summary="x"),
            "legal_casestep.case_id",
        ),
        (
            CaseStep(case=case, kind="note", at=timezone.now(), summary="x", actor_id=MISSING),
            "legal_casestep.actor_id",
        ),
    ]
    for row, key in rows:
        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            row.save()
        assert key in str(caught.value), caught.value
    assert not Task.objects.exists()
    assert not TimelineEntry.objects.filter(kind="x").exists()
    assert list(LegalCase.objects.all()) == [case]
    assert list(CaseStep.objects.all()) == [step]
    # The same rows with their keys present are written.
    _task(cp, assignee=collector, done_by=collector, approver=collector).save()
    _entry(cp, actor=collector).save()
    assert Task.objects.get().assignee == collector
    assert TimelineEntry.objects.get(kind="x").actor == collector


@pytest.mark.django_db
def test_one_bad_row_of_a_bulk_insert_writes_none(
    make_counterparty: Callable[..., Counterparty], make_contract: Callable[..., Contract]
) -> None:
    cp, other = make_counterparty(), make_counterparty()
    contract = make_contract(cp)
    rows = [_document(cp, n, contract=contract) for n in range(50)]
    rows += [_document(other, 50), _document(other, 51, contract_id=MISSING)]
    with pytest.raises(IntegrityError, match="ledger_document.contract_id"), transaction.atomic():
        Document.objects.bulk_create(rows)
    assert not Document.objects.exists()
    Document.objects.bulk_create(rows[:-1])
    assert Document.objects.filter(contract=contract).count() == 50
    assert Document.objects.filter(counterparty=other).count() == 1


@pytest.mark.django_db
def test_a_key_changed_to_a_missing_row_is_refused_other_changes_pass(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document]
) -> None:
    cp, other = make_counterparty(), make_counterparty()
    doc = make_document(cp)
    pay = _payment(cp, 1, document=doc)
    pay.save()
    with (
        pytest.raises(IntegrityError, match="ledger_document.counterparty_id"),
        transaction.atomic(),
    ):
        Document.objects.filter(pk=doc.pk).update(counterparty_id=MISSING)
    with pytest.raises(IntegrityError, match="ledger_payment.document_id"), transaction.atomic():
        Payment.objects.filter(pk=pay.pk).update(document_id=MISSING)
    Document.objects.filter(pk=doc.pk).update(open_amount=Decimal("4.00"), counterparty=other)
    Payment.objects.filter(pk=pay.pk).update(document=None, counterparty=other)
    doc.refresh_from_db()
    pay.refresh_from_db()
    assert (doc.counterparty_id, doc.open_amount) == (other.pk, Decimal("4.00"))
    assert (pay.counterparty_id, pay.document_id) == (other.pk, None)


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite: a parent is deleted through Django"
)


def _delete_refused(table: str, pk: int, key: str) -> None:
    """Deleting the row by SQL fails on the key `key` (child table.column) that still names it."""
    with (
        pytest.raises(IntegrityError, match=key),
        connection.cursor() as cursor,
        transaction.atomic(),
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608


@postgres_only
@pytest.mark.django_db
def test_a_referenced_row_deleted_by_sql_is_refused(
    make_counterparty: Callable[..., Counterparty],
    make_contract: Callable[..., Contract],
    make_document: Callable[..., Document],
) -> None:
    cp = make_counterparty()
    contract = make_contract(cp)
    doc = make_document(cp)
    _payment(cp, 1, document=doc, contract=contract).save()
    for table, pk, key in (
        ("ledger_counterparty", cp.pk, "ledger_document.counterparty_id"),
        ("ledger_contract", contract.pk, "ledger_payment.contract_id"),
        ("ledger_document", doc.pk, "ledger_payment.document_id"),
    ):
        _delete_refused(table, pk, key)
    assert Counterparty.objects.filter(pk=cp.pk).exists()
    assert Contract.objects.filter(pk=contract.pk).exists()
    assert Document.objects.filter(pk=doc.pk).exists()


@pytest.mark.django_db
def test_deleting_through_django_still_cascades_clears_and_protects(
    make_counterparty: Callable[..., Counterparty],
    make_contract: Callable[..., Contract],
    make_document: Callable[..., Document],
) -> None:
    cp, other = make_counterparty(), make_counterparty()
    contract = make_contract(cp)
    named, dated = make_document(cp), make_document(cp, contract=contract)
    pay = _payment(cp, 1, document=named, contract=contract)
    pay.save()
    with pytest.raises(ProtectedError):
        contract.delete()
    named.delete()
    pay.refresh_from_db()
    assert pay.document_id is None
    dated.delete()
    contract.delete()
    pay.refresh_from_db()
    assert pay.contract_id is None
    make_document(cp)
    _payment(other, 2).save()
    cp.delete()
    assert not Document.objects.exists()
    assert list(Payment.objects.values_list("counterparty_id", flat=True)) == [other.pk]


@postgres_only
@pytest.mark.django_db
def test_a_user_still_named_by_the_daily_runs_rows_is_not_deleted_by_sql(
    make_counterparty: Callable[..., Counterparty],
    make_user: Callable[..., User],
    collector: User,
) -> None:
    cp, actor = make_counterparty(), make_user("olga")

    for key in ("assignee", "done_by", "approver"):
        task = _task(cp, **{key: collector})
        task.save()
        _delete_refused("accounts_user", collector.pk, f"ladder_task.{key}_id")
        task.delete()
    _entry(cp, actor=actor).save()
    _delete_refused("accounts_user", actor.pk, "ledger_timelineentry.actor_id")
    case = _case(cp, lawyer=collector)
    case.save()
    _delete_refused("accounts_user", collector.pk, "legal_legalcase.lawyer_id")
    CaseStep(case=case, kind="note", at=timezone.now(), summary="x").save()
    _delete_refused("legal_legalcase", case.pk, "legal_casestep.case_id")
    # Through Django: the keys are cleared or the rows deleted first.
    actor.delete()
    assert TimelineEntry.objects.get(kind="x").actor_id is None
    case.delete()
    assert not CaseStep.objects.exists()


def _in_thread(work: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as error:  # noqa: BLE001 - handed to the test
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@postgres_only  # SQLite has one writer at a time
@pytest.mark.django_db(transaction=True)
def test_a_delete_racing_an_insert_waits_for_it_and_fails(
    installation_data: None, make_counterparty: Callable[..., Counterparty]
) -> None:
    cp = make_counterparty()
    inserted, commit = threading.Event(), threading.Event()
    writer_errors: list[BaseException] = []
    deleter_errors: list[BaseException] = []

    def write() -> None:
        with transaction.atomic():
            Document.objects.bulk_create([_document(cp, n) for n in range(3)])
            inserted.set()
            commit.wait(30)

    def delete() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM ledger_counterparty WHERE id = %s", [cp.pk])

    writer = _in_thread(write, writer_errors)
    assert inserted.wait(30)
    deleter = _in_thread(delete, deleter_errors)
    time.sleep(0.5)
    assert deleter.is_alive(), "the delete did not wait for the writer's lock"
    commit.set()
    writer.join(30)
    deleter.join(30)
    assert not writer_errors
    assert [type(e) for e in deleter_errors] == [IntegrityError]
    assert Counterparty.objects.filter(pk=cp.pk).exists()
    assert Document.objects.filter(counterparty=cp).count() == 3


@postgres_only  # SQLite has one writer at a time
@pytest.mark.django_db(transaction=True)
def test_an_insert_racing_a_delete_waits_for_it_and_fails(
    installation_data: None, make_counterparty: Callable[..., Counterparty]
) -> None:
    cp = make_counterparty()
    deleted, commit = threading.Event(), threading.Event()
    writer_errors: list[BaseException] = []
    deleter_errors: list[BaseException] = []

    def delete() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM ledger_counterparty WHERE id = %s", [cp.pk])
            deleted.set()
            commit.wait(30)

    def write() -> None:
        _payment(cp, 1).save()

    deleter = _in_thread(delete, deleter_errors)
    assert deleted.wait(30)
    writer = _in_thread(write, writer_errors)
    time.sleep(0.5)
    assert writer.is_alive(), "the insert did not wait for the delete"
    commit.set()
    deleter.join(30)
    writer.join(30)
    assert not deleter_errors
    assert [type(e) for e in writer_errors] == [IntegrityError]
    assert not Counterparty.objects.filter(pk=cp.pk).exists()
    assert not Payment.objects.exists()
