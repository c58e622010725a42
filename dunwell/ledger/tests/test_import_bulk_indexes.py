"""An import that at least doubles a table (a first load) builds the table's indexes once after
its insert instead of entry by entry (dunwell/dbindex.py `built_after`, issue 15): the
documents' and their numbers' trigram index, the payments', the allocations'. The same rows
come out; a smaller import leaves the indexes alone, and a failed write gives them back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from dunwell import dbindex
from dunwell.ledger.importing import engine, import_file
from dunwell.ledger.models import Allocation, Company, Contact, Counterparty, Document, Payment
from dunwell.search.models import DocumentNumber

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="index builds: PostgreSQL"),
]

Writer = Callable[..., Path]
TABLE, NUMBERS_INDEXES = engine.BUILT_AFTER["documents"][1]
assert NUMBERS_INDEXES is not None
(INDEX,) = NUMBERS_INDEXES
COUNTERPARTIES = "external_id;name;tax_id;country\nC1;Alpha SRL;RO18547290;RO\n"
HEADER = "external_id,counterparty,number,date,due_date,amount,currency\n"


def _documents(first: int, last: int) -> str:
    return HEADER + "".join(
        f"D{n},C1,FV-{n:05d},2026-01-05,2026-02-05,{n},RON\n" for n in range(first, last + 1)
    )


def _payments(first: int, last: int) -> str:
    """Each payment pays its document and half the next one's number in money."""
    return "external_id,counterparty,document,date,amount,currency\n" + "".join(
        f"P{n},C1,{'D' + str(n) if n % 2 else ''},2026-02-01,{n + n // 2},RON\n"
        for n in range(first, last + 1)
    )


def _indexes(*tables: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [list(tables)]
        )
        return dict(cursor.fetchall())


def _definition() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [INDEX])
        row = cursor.fetchone()
    return row[0] if row else None


def _analyze() -> None:
    """The planner's estimate of the numbers' table, as autovacuum would keep it."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every statement the block below runs, in order."""
    seen: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


@pytest.fixture
def bulk_from_ten(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bulk write from 10 rows on, so that a test file is a bulk load."""
    monkeypatch.setattr(dbindex, "BULK_ROWS", 10)


def _index_statements(seen: list[str]) -> list[str]:
    return [s.split(" ON ")[0] for s in seen if s.startswith(("DROP INDEX", "CREATE INDEX"))]


def test_a_load_that_doubles_the_documents_builds_the_numbers_index_once_after_it(
    company: Company, write_csv: Writer, bulk_from_ten: None, statements: list[str]
) -> None:
    before = _definition()
    assert before is not None
    indexes = _indexes("ledger_document", TABLE)
    import_file("counterparties", write_csv("cp.csv", COUNTERPARTIES))
    _analyze()
    statements.clear()
    result = import_file("documents", write_csv("d.csv", _documents(1, 40)))

    assert result.created == 40
    # Every index of the documents but the primary key and the external id's unique one, and
    # the numbers' trigram index, dropped before the insert and built after it.
    rebuilt = {name for name, ddl in indexes.items() if "UNIQUE" not in ddl and "_pkey" not in name}
    assert len(rebuilt) >= 5 and INDEX in rebuilt
    done = _index_statements(statements)
    assert {s.split('"')[1] for s in done if s.startswith("DROP")} == rebuilt
    assert {s.split()[2] for s in done if s.startswith("CREATE")} == rebuilt
    insert = next(i for i, s in enumerate(statements) if s.startswith("INSERT INTO ledger_doc"))
    assert all(s.startswith("DROP") for s in done[: len(rebuilt)])
    assert max(i for i, s in enumerate(statements) if s.startswith("DROP INDEX")) < insert
    assert min(i for i, s in enumerate(statements) if s.startswith("CREATE INDEX")) > insert
    # The same indexes as the migrations made, and the trigram one holds every number.
    assert _indexes("ledger_document", TABLE) == indexes
    assert _definition() == before
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT document_id FROM search_documentnumber "
            "WHERE UPPER(number::text) LIKE %s",
            ["%V-0003%"],
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        assert INDEX in plan
        cursor.execute(
            "SELECT COUNT(*) FROM search_documentnumber WHERE UPPER(number::text) LIKE %s",
            ["%V-0003%"],
        )
        assert cursor.fetchone()[0] == 10  # FV-00030 … FV-00039
    assert DocumentNumber.objects.count() == Document.objects.count() == 40


def _ledger() -> list[tuple[Any, ...]]:
    return [
        *Document.objects.order_by("external_id").values_list("external_id", "open_amount"),
        *Payment.objects.order_by("external_id").values_list("external_id", "unallocated"),
        *Allocation.objects.order_by("payment__external_id", "document__external_id").values_list(
            "payment__external_id", "document__external_id", "amount", "closes_document"
        ),
    ]


def test_a_first_load_of_payments_builds_the_indexes_it_writes_after(
    company: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch, statements: list[str]
) -> None:
    """On a first load of payments, the payments' and the allocations' inserts and the
    documents' open amounts take the bulk path, and the ledger they leave is the one a
    day-by-day import leaves (same open amounts, credit and allocations); the indexes are the
    migrations' again."""
    import_file("counterparties", write_csv("cp.csv", COUNTERPARTIES))
    import_file("documents", write_csv("d.csv", _documents(1, 40)))
    tables = ("ledger_payment", "ledger_allocation", "ledger_document")
    indexes = _indexes(*tables)
    sid = transaction.savepoint()
    import_file("payments", write_csv("p.csv", _payments(1, 30)))
    daily = _ledger()
    transaction.savepoint_rollback(sid)
    assert Payment.objects.count() == 0
    assert not any(s.startswith("DROP INDEX") for s in statements)

    monkeypatch.setattr(dbindex, "BULK_ROWS", 10)
    _analyze()
    statements.clear()
    import_file("payments", write_csv("p.csv", _payments(1, 30)))

    dropped = [s.split('"')[1] for s in statements if s.startswith("DROP INDEX")]
    assert set(dropped) == {
        name for name, ddl in indexes.items() if "UNIQUE" not in ddl
    }  # the primary keys and the external ids' unique indexes stay
    assert len(dropped) == len(set(dropped))  # each once
    assert {"document_open_by_debtor", "allocation_paid_on"} <= set(dropped)
    # the open amounts' update runs without the documents' indexes
    drop = statements.index('DROP INDEX "document_open_by_debtor"')
    settle = next(
        i
        for i, s in enumerate(statements)
        if s.startswith("UPDATE ledger_document SET open_amount = r.rem")
    )
    build = next(i for i, s in enumerate(statements) if "INDEX document_open_by_debtor" in s[:40])
    assert drop < settle < build
    assert _indexes(*tables) == indexes
    assert _ledger() == daily
    assert len(daily) > 70  # 40 documents, 30 payments, their allocations


def test_a_load_smaller_than_the_table_keeps_the_index_in_place(
    company: Company, write_csv: Writer, bulk_from_ten: None, statements: list[str]
) -> None:
    import_file("counterparties", write_csv("cp.csv", COUNTERPARTIES))
    import_file("documents", write_csv("d1.csv", _documents(1, 40)))
    _analyze()
    statements.clear()
    result = import_file("documents", write_csv("d2.csv", _documents(1, 60)))

    assert (result.created, result.unchanged) == (20, 40)  # 20 new rows on a table of 40
    assert _index_statements(statements) == []
    assert DocumentNumber.objects.filter(number="FV-00060").exists()


def test_a_daily_file_keeps_the_index_in_place_even_on_an_empty_table(
    company: Company, write_csv: Writer, statements: list[str]
) -> None:
    """Below BULK_ROWS no import takes the table's exclusive lock, whatever the table holds."""
    import_file("counterparties", write_csv("cp.csv", COUNTERPARTIES))
    _analyze()
    statements.clear()
    assert import_file("documents", write_csv("d.csv", _documents(1, 40))).created == 40
    assert _index_statements(statements) == []


def test_a_failed_write_gives_the_index_back() -> None:
    before = _definition()
    with (  # noqa: PT012
        pytest.raises(DatabaseError),
        connection.cursor() as cursor,
        dbindex.built_after(cursor, TABLE, (INDEX,)),
    ):
        assert _definition() is None
        cursor.execute("SELECT 1 / 0")
    # The caller's transaction goes on, with the index as it was.
    assert _definition() == before


def test_a_table_never_analysed_counts_as_empty() -> None:
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute("CREATE TEMP TABLE bulk_probe (n integer)")
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass('bulk_probe')")
        assert cursor.fetchone()[0] == -1
        assert dbindex.doubles(cursor, "bulk_probe", dbindex.BULK_ROWS)
        assert not dbindex.doubles(cursor, "bulk_probe", dbindex.BULK_ROWS - 1)
        assert not dbindex.doubles(cursor, "", dbindex.BULK_ROWS)


def test_a_first_load_of_counterparties_and_contacts_builds_their_search_indexes_after(
    company: Company, write_csv: Writer, bulk_from_ten: None, statements: list[str]
) -> None:
    indexes = _indexes("ledger_counterparty", "ledger_contact")
    parties = "external_id;name;tax_id;country\n" + "".join(
        f"C{n};Lumina {n} SRL;;RO\n" for n in range(1, 13)
    )
    contacts = "external_id,counterparty,name,phone\n" + "".join(
        f"K{n},C{n},Ana Pop {n},0721 234 5{n:02d}\n" for n in range(1, 13)
    )
    _analyze()
    assert import_file("counterparties", write_csv("cp.csv", parties)).created == 12
    assert import_file("contacts", write_csv("k.csv", contacts)).created == 12

    dropped = {s.split('"')[1] for s in statements if s.startswith("DROP INDEX")}
    assert {"search_cp_name_trgm", "search_contact_phone_trgm"} <= dropped
    assert _indexes("ledger_counterparty", "ledger_contact") == indexes
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql, index in [
            (Counterparty.objects.filter(name__icontains="mina 1"), "search_cp_name_trgm"),
            (Contact.objects.filter(phone__contains="2345"), "search_contact_phone_trgm"),
        ]:
            query, params = sql.query.sql_with_params()
            cursor.execute(f"EXPLAIN {query}", params)
            assert index in " ".join(row[0] for row in cursor.fetchall())
    assert Counterparty.objects.filter(name__icontains="mina 1").count() == 4  # 1, 10, 11, 12
    assert Contact.objects.filter(phone__contains="2345").count() == 12
