"""Documents' and payments' keys checked per statement (`dunwell/dbkeys.py`, ledger/0025): the
same guarantees as the foreign-key constraints they replace, on both databases."""

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

from dunwell.dbkeys import DECLARED, trigger_names
from dunwell.ledger.models import Contract, Counterparty, Document, Payment

importlib.import_module("dunwell.ledger.migrations.0025_keys_per_statement")

KEYS = {
    "ledger_document": {"counterparty_id", "contract_id"},
    "ledger_payment": {"counterparty_id", "contract_id", "document_id"},
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
    for row in (
        _document(cp, 1, counterparty_id=MISSING),
        _document(cp, 2, contract_id=MISSING),
        _payment(cp, 3, counterparty_id=MISSING),
        _payment(cp, 4, contract_id=MISSING),
        _payment(cp, 5, document_id=MISSING),
    ):
        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            row.save()
        if connection.vendor == "postgresql":
            assert f"=({MISSING}) is not present" in str(caught.value.__cause__.diag.message_detail)
    assert not Document.objects.exists()
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_one_bad_row_of_a_bulk_insert_writes_none(
    make_counterparty: Callable[..., Counterparty], make_contract: Callable[..., Contract]
) -> None:
    cp, other = make_counterparty(), make_counterparty()
    contract = make_contract(cp)
    rows = [_document(cp, n, contract=contract) for n in range(50)]
    rows += [_document(other, 50), _document(other, 51, contract_id=MISSING)]
    with pytest.raises(IntegrityError), transaction.atomic():
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
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=doc.pk).update(counterparty_id=MISSING)
    with pytest.raises(IntegrityError), transaction.atomic():
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
    for table, pk in (
        ("ledger_counterparty", cp.pk),
        ("ledger_contract", contract.pk),
        ("ledger_document", doc.pk),
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608
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
