"""How an import writes its rows: changed rows updated, new rows inserted in file order, and a
row written or deleted by someone else between the import's reading and its writing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dunwell.ledger.importing import engine, import_file
from dunwell.ledger.models import Company, Counterparty, Document

Writer = Callable[..., Path]

COUNTERPARTIES = "external_id;name;tax_id;country\nC1;Alpha SRL;RO18547290;RO\n"
HEADER = "external_id,counterparty,number,date,due_date,amount,currency\n"
FIRST = HEADER + (
    "D1,C1,F-1,2026-01-05,2026-02-05,100,RON\nD2,C1,F-2,2026-01-10,2026-02-10,200,RON\n"
)
# D2's amount changed, D1 unchanged, D4 and D3 new (in that order in the file)
SECOND = HEADER + (
    "D1,C1,F-1,2026-01-05,2026-02-05,100,RON\n"
    "D4,C1,F-4,2026-01-20,2026-02-20,400,RON\n"
    "D2,C1,F-2,2026-01-10,2026-02-10,250,RON\n"
    "D3,C1,F-3,2026-01-15,2026-02-15,300,RON\n"
)


@pytest.fixture
def first(company: Company, write_csv: Writer) -> Writer:
    import_file("counterparties", write_csv("cp.csv", COUNTERPARTIES))
    import_file("documents", write_csv("d1.csv", FIRST))
    return write_csv


@pytest.fixture
def before_write(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Callable[[], None]]]:
    """Actions run just before the import writes its rows (after it resolved them)."""
    actions: list[Callable[[], None]] = []
    original = engine.Importer._write_rows

    def write_rows(self: engine.Importer, *args: Any, **kwargs: Any) -> None:
        for action in actions:
            action()
        original(self, *args, **kwargs)

    monkeypatch.setattr(engine.Importer, "_write_rows", write_rows)
    yield actions


def _documents() -> dict[str, tuple[Decimal, Decimal]]:
    return {
        d.external_id: (d.amount, d.open_amount)
        for d in Document.objects.filter(external_id__startswith="D")
    }


def test_changed_rows_are_updated_and_new_rows_get_ids_in_file_order(first: Writer) -> None:
    d1 = Document.objects.get(external_id="D1")
    d2 = Document.objects.get(external_id="D2")
    result = import_file("documents", first("d2.csv", SECOND))
    assert (result.created, result.updated, result.unchanged) == (2, 1, 1)
    assert _documents() == {
        "D1": (Decimal("100.00"), Decimal("100.00")),
        "D2": (Decimal("250.00"), Decimal("250.00")),
        "D3": (Decimal("300.00"), Decimal("300.00")),
        "D4": (Decimal("400.00"), Decimal("400.00")),
    }
    after1 = Document.objects.get(pk=d1.pk)
    after2 = Document.objects.get(pk=d2.pk)
    assert after1.updated_at == d1.updated_at  # unchanged rows are not written
    assert after2.updated_at > d2.updated_at
    d4, d3 = (Document.objects.get(external_id=e) for e in ("D4", "D3"))
    assert d2.pk < d4.pk < d3.pk  # new rows numbered in the file's order


def test_a_row_written_meanwhile_with_the_same_external_id_is_updated_not_duplicated(
    first: Writer, company: Company, before_write: list[Callable[[], None]]
) -> None:
    alpha = Counterparty.objects.get(external_id="C1")

    def someone_enters_d3() -> None:
        Document.objects.create(
            company=company,
            counterparty=alpha,
            external_id="D3",
            number="typed by hand",
            date=date(2026, 1, 1),
            due_date=date(2026, 1, 1),
            amount=Decimal("1"),
            open_amount=Decimal("1"),
            currency="RON",
        )

    before_write.append(someone_enters_d3)
    import_file("documents", first("d2.csv", SECOND))
    assert Document.objects.filter(external_id="D3").count() == 1
    d3 = Document.objects.get(external_id="D3")
    assert (d3.number, d3.amount, d3.open_amount) == ("F-3", Decimal("300.00"), Decimal("300.00"))
    assert _documents()["D4"] == (Decimal("400.00"), Decimal("400.00"))


def test_a_stored_row_deleted_meanwhile_is_written_anew(
    first: Writer, before_write: list[Callable[[], None]]
) -> None:
    def someone_deletes_d2() -> None:
        Document.objects.filter(external_id="D2").delete()

    before_write.append(someone_deletes_d2)
    result = import_file("documents", first("d2.csv", SECOND))
    assert result.updated == 1
    assert _documents() == {
        "D1": (Decimal("100.00"), Decimal("100.00")),
        "D2": (Decimal("250.00"), Decimal("250.00")),
        "D3": (Decimal("300.00"), Decimal("300.00")),
        "D4": (Decimal("400.00"), Decimal("400.00")),
    }
