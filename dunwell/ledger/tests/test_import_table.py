"""Rows that come from elsewhere than a file (API, 1C) go through the same engine; documents and
payments cancelled in accounting owe and pay nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from dunwell.accounts.models import User
from dunwell.ledger.importing import ImportRejected, Table, import_file, import_table
from dunwell.ledger.models import Company, Document, Payment

Writer = Callable[..., Path]


def table(headers: list[str], *rows: list[str]) -> Table:
    return Table(headers, iter(enumerate(rows)), len(rows))


@pytest.fixture
def debtor(company: Company, collector: User, write_csv: Writer) -> Company:
    import_file(
        "counterparties",
        write_csv("cp.csv", "external_id;name;country\nC1;Alpha SRL;RO\n"),
    )
    return company


DOC_HEADERS = ["external_id", "counterparty", "number", "date", "due_date", "amount", "currency"]


def test_a_table_is_imported_and_reimported_unchanged(debtor: Company) -> None:
    rows = [
        ["D1", "C1", "F-1", "2026-01-10", "2026-02-10", "100.00", "RON"],
        ["D2", "C1", "F-2", "2026-01-11", "2026-02-11", "50.50", "RON"],
    ]
    first = import_table("documents", table(DOC_HEADERS, *rows), display_name="api")
    assert (first.created, first.updated) == (2, 0)
    again = import_table("documents", table(DOC_HEADERS, *rows), display_name="api")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Document.objects.get(external_id="D2").open_amount == Decimal("50.50")


def test_a_bad_row_of_a_table_is_named_by_its_number_and_nothing_is_written(
    debtor: Company,
) -> None:
    rows = [
        ["D1", "C1", "F-1", "2026-01-10", "2026-02-10", "100.00", "RON"],
        ["D2", "C1", "F-2", "2026-01-11", "2026-02-11", "ten", "RON"],
        ["D3", "C9", "F-3", "2026-01-12", "2026-02-12", "5", "RON"],
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_table("documents", table(DOC_HEADERS, *rows), display_name="api")
    assert {(e.row, e.column) for e in rejected.value.errors} == {
        (1, "amount"),
        (2, "counterparty"),
    }
    assert not Document.objects.exists()


def test_a_cancelled_document_owes_nothing_and_its_payment_moves_on(debtor: Company) -> None:
    docs = [
        ["D1", "C1", "F-1", "2026-01-10", "2026-02-10", "100.00", "RON"],
        ["D2", "C1", "F-2", "2026-01-11", "2026-02-11", "80.00", "RON"],
    ]
    import_table("documents", table(DOC_HEADERS, *docs), display_name="api")
    pay_headers = ["external_id", "counterparty", "date", "amount", "currency"]
    import_table(
        "payments",
        table(pay_headers, ["P1", "C1", "2026-02-01", "100.00", "RON"]),
        display_name="api",
    )
    assert Document.objects.get(external_id="D1").open_amount == Decimal("0.00")
    cancelled = table([*DOC_HEADERS, "cancelled"], [*docs[0], "true"])
    result = import_table("documents", cancelled, display_name="api")
    assert result.updated == 1
    d1, d2 = Document.objects.order_by("external_id")
    assert d1.cancelled and d1.open_amount == Decimal("0.00")
    assert d2.open_amount == Decimal("0.00")  # the payment now pays the next document
    assert Payment.objects.get().unallocated == Decimal("20.00")


def test_a_cancelled_payment_pays_nothing_and_a_file_without_the_column_keeps_it(
    debtor: Company, write_csv: Writer
) -> None:
    import_table(
        "documents",
        table(DOC_HEADERS, ["D1", "C1", "F-1", "2026-01-10", "2026-02-10", "100.00", "RON"]),
        display_name="api",
    )
    pay_headers = ["external_id", "counterparty", "date", "amount", "currency", "cancelled"]
    import_table(
        "payments",
        table(pay_headers, ["P1", "C1", "2026-02-01", "60.00", "RON", "1"]),
        display_name="api",
    )
    payment = Payment.objects.get()
    assert payment.cancelled and payment.unallocated == Decimal("0.00")
    assert Document.objects.get().open_amount == Decimal("100.00")
    import_file(
        "payments",
        write_csv(
            "p.csv", "external_id;counterparty;date;amount;currency\nP1;C1;2026-02-01;60;RON\n"
        ),
    )
    assert Payment.objects.get().cancelled


def test_a_cancelled_payment_that_names_its_document_pays_nothing(debtor: Company) -> None:
    import_table(
        "documents",
        table(DOC_HEADERS, ["D1", "C1", "F-1", "2026-01-10", "2026-02-10", "100.00", "RON"]),
        display_name="api",
    )
    headers = ["external_id", "counterparty", "document", "date", "amount", "currency"]
    row = ["P1", "C1", "D1", "2026-02-01", "60.00", "RON"]
    import_table("payments", table(headers, row), display_name="api")
    assert Document.objects.get().open_amount == Decimal("40.00")
    import_table("payments", table([*headers, "cancelled"], [*row, "true"]), display_name="api")
    payment = Payment.objects.get()
    assert payment.cancelled and payment.unallocated == Decimal("0.00")
    assert not payment.allocations.exists()
    assert Document.objects.get().open_amount == Decimal("100.00")


@pytest.mark.usefixtures("subscriber")
def test_an_import_that_applied_its_rows_is_an_event_for_integrations(debtor: Company) -> None:
    from dunwell.outbox.models import Event

    rows = [["D1", "C1", "F-1", "2026-01-10", "2026-02-10", "100.00", "RON"]]
    import_table("documents", table(DOC_HEADERS, *rows), display_name="api push")
    event = Event.objects.filter(kind="import.finished", data__kind="documents").get()
    assert event.company_id == debtor.pk
    assert event.data == {
        "kind": "documents",
        "file": "api push",
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
