"""Rows found unchanged in SQL before parsing (importing/unchanged.py): the import does exactly
what it does without the step, and parses fewer rows."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Model

from dunwell.accounts.models import User
from dunwell.ledger.importing import ImportRejected, import_file, unchanged
from dunwell.ledger.importing import engine as importing_engine
from dunwell.ledger.models import Allocation, Company, Contract, Document, Payment

Writer = Callable[..., Path]

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the step reads the file with PostgreSQL's COPY"
)

COUNTERPARTIES = (
    "external_id;name;tax_id;country\nC1;Alpha SRL;RO18547290;RO\nC2;Beta LLC;7707083893;RU\n"
)
CONTRACTS = (
    "external_id,counterparty,number,date,currency,payment_days\n"
    "K1,C1,1/2025,2025-01-10,RON,30\n"
    "K2,C2,7-Д,2025-02-01,RUB,30\n"
    "K3,C1,2/2025,2025-03-01,EUR,15\n"
)
DOC_HEADER = (
    "external_id,kind,counterparty,contract,number,date,due_date,amount,currency,"
    "accepted,accepted_on\n"
)
DOCUMENTS = DOC_HEADER + (
    "D1,invoice,C1,K1,F-1,2026-01-10,2026-02-10,100.00,RON,,\n"
    "D2,invoice,C1,,F-2,2026-01-11,2026-02-11,200.50,RON,yes,2026-01-12\n"
    "D3,shipment,C2,K2,R-3,2026-01-05,2026-02-04,2000.00,RUB,0,\n"
    "D4,act,C1,K3,F-4,2026-01-06,2026-01-21,30.00,EUR,1,2026-01-07\n"
    "D5,,C2,,R-5,2026-01-07,2026-02-06,0.00,RUB,false,\n"
    "D6,invoice,C1,K1,F-6,2026-01-08,2026-02-07,1234.56,RON,true,\n"
    "D7,invoice,C2,K2,R-7,2026-01-09,2026-02-08,7.10,RUB,no,\n"
    "D8,invoice,C1,K1,F-8,2026-01-10,2026-02-09,8.00,RON,,\n"
)
PAYMENTS = "external_id,counterparty,contract,document,date,amount,currency,payer\n" + (
    "P1,C1,K1,D1,2026-02-01,50.00,RON,Alpha SRL\n"
    "P2,C2,,,2026-02-02,500.00,RUB,\n"
    "P3,C1,,D2,2026-02-03,10.00,RON,Alpha\n"
    "P4,C1,K1,,2026-02-04,20.00,RON,\n"
)


def _row(model: type[Model]) -> list[str]:
    names = []
    for f in model._meta.concrete_fields:
        if f.name in {"id", "updated_at", "company"}:
            continue
        related = f.related_model if f.is_relation else None
        names.append(f"{f.name}__external_id" if related is not None else f.name)
    return names


def snapshot() -> dict[str, Any]:
    """The ledger by external ids (row ids of new rows differ between runs)."""
    return {
        "documents": sorted(map(repr, Document.objects.values_list(*_row(Document)))),
        "payments": sorted(map(repr, Payment.objects.values_list(*_row(Payment)))),
        "allocations": sorted(map(repr, Allocation.objects.values_list(*_row(Allocation)))),
    }


def run(kind: str, path: Path, *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Import `path` with or without the step, report what it did (with the rows the parser
    read and the rows converted in SQL, canonical.py), then roll it back."""
    parsed = converted = 0
    parse = importing_engine._RowParser.parse
    stage_converted = unchanged.stage_converted

    def counting(self: Any, *args: Any) -> Any:
        nonlocal parsed
        parsed += 1
        return parse(self, *args)

    def converting(*args: Any) -> int:
        nonlocal converted
        staged = stage_converted(*args)
        converted += staged
        return staged

    monkeypatch.setattr(importing_engine._RowParser, "parse", counting)
    monkeypatch.setattr(unchanged, "stage_converted", converting)
    monkeypatch.setattr(unchanged, "MIN_ROWS", 0 if fast else 10**12)
    with transaction.atomic():
        try:
            result = import_file(kind, path, partial=True)
            outcome: Any = (result.created, result.updated, result.unchanged, result.rejected)
            outcome = (*outcome, [(e.row, e.column, e.reason) for e in result.errors])
        except ImportRejected as exc:
            outcome = ("rejected", [(e.row, e.column, e.reason) for e in exc.errors])
        state = snapshot()
        transaction.set_rollback(True)
    monkeypatch.undo()
    return {"outcome": outcome, "ledger": state, "parsed": parsed, "converted": converted}


@pytest.fixture
def stored(company: Company, collector: User, write_csv: Writer) -> Company:
    import_file("counterparties", write_csv("cp.csv", COUNTERPARTIES))
    import_file("contracts", write_csv("k.csv", CONTRACTS))
    import_file("documents", write_csv("d.csv", DOCUMENTS))
    import_file("payments", write_csv("p.csv", PAYMENTS))
    return company


def same_either_way(
    kind: str, path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], dict[str, Any]]:
    usual = run(kind, path, fast=False, monkeypatch=monkeypatch)
    fast = run(kind, path, fast=True, monkeypatch=monkeypatch)
    assert fast["outcome"] == usual["outcome"]
    assert fast["ledger"] == usual["ledger"]
    return usual, fast


@postgres_only
@pytest.mark.django_db(transaction=False)
def test_an_unchanged_file_is_imported_without_parsing_a_row(
    stored: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot()
    for kind, body in (("documents", DOCUMENTS), ("payments", PAYMENTS)):
        usual, fast = same_either_way(kind, write_csv(f"{kind}.csv", body), monkeypatch)
        rows = body.count("\n") - 1
        assert fast["outcome"] == (0, 0, rows, 0, [])
        assert usual["parsed"] == rows and fast["parsed"] == 0
    assert snapshot() == before


DOCUMENT_VARIANTS = {
    # written otherwise than stored: parsed, and still unchanged
    "spellings": DOCUMENTS.replace("D1,invoice", " D1,invoice")
    .replace("200.50", "200.5")
    .replace("2026-01-05", "05.01.2026")
    .replace("2026-02-09", "")
    .replace("D5,,C2", "D5,Invoice,C2")
    .replace(",0.00,", ",0,")
    .replace("RON,yes,", "RON,Yes,")
    .replace("F-6", " F-6"),
    # changed, new and refused rows among unchanged ones
    "changes": DOCUMENTS.replace("1234.56", "1234.57")
    .replace("C2,K2,R-7", "C2,K1,R-7")
    .replace("2026-01-07,2026-02-06", "2026-01-07,1899-02-06")
    .replace(
        "F-8,2026-01-10,2026-02-09,8.00,RON,,", "F-8,2026-01-10,2026-02-09,8.00,RON,,2026-01-11"
    )
    + "D9,invoice,C2,K2,R-9,2026-01-10,2026-02-09,9.00,RUB,,\n",
    # without the optional columns
    "fewer columns": "external_id,counterparty,number,date,due_date,amount,currency\n"
    + "".join(
        ",".join([c[0], c[2], c[4], c[5], c[6], c[7], c[8]]) + "\n"
        for c in (line.split(",") for line in DOCUMENTS.splitlines()[1:])
    ),
    # an external id twice: the usual path names the rows
    "duplicate": DOCUMENTS + "D3,shipment,C2,K2,R-3,2026-01-05,2026-02-04,2000.00,RUB,0,\n",
    "duplicate changed": DOCUMENTS + "D3,shipment,C2,K2,R-3,2026-01-05,2026-02-04,1.00,RUB,0,\n",
    # lines PostgreSQL reads otherwise than Python's csv module, or not at all
    "blank line": DOCUMENTS.replace("D4,", "\nD4,"),
    "longer row": DOCUMENTS.replace(
        "F-4,2026-01-06,2026-01-21,30.00,EUR,1,2026-01-07",
        "F-4,2026-01-06,2026-01-21,30.00,EUR,1,2026-01-07,x",
    ),
    "end of data marker": DOCUMENTS.replace("D8,", "\\.\nD8,"),
    "empty row": DOCUMENTS.replace("D8,", ",,,,,,,,,,\nD8,"),
    "quoted": DOCUMENTS.replace("F-6", '"F-6"').replace("R-7", '"R\n7"'),
    "semicolons": DOCUMENTS.replace(",", ";"),
    # a quote inside a cell is a character to the csv module and a quote to PostgreSQL,
    # which reads `F-"1"` as the stored `F-1`
    "quote inside a cell": DOCUMENTS.replace("F-1,", 'F-"1",'),
}


@postgres_only
@pytest.mark.parametrize("variant", sorted(DOCUMENT_VARIANTS))
def test_documents_import_the_same_with_and_without_the_step(
    variant: str, stored: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv("d.csv", DOCUMENT_VARIANTS[variant])
    usual, fast = same_either_way("documents", path, monkeypatch)
    if variant in {"spellings", "changes", "fewer columns", "quoted", "semicolons"}:
        assert fast["parsed"] < usual["parsed"], "the step found no unchanged row"


@postgres_only
def test_documents_stored_otherwise_than_a_file_would_say_are_parsed(
    stored: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows edited since the last import so that the import would refuse them or read them
    otherwise: the step does not call them unchanged."""
    Contract.objects.filter(external_id="K3").update(currency="USD")  # D4 now refused
    Document.objects.filter(external_id="D7").update(
        contract=Contract.objects.get(external_id="K1")
    )
    Document.objects.filter(external_id="D8").update(external_id="D8 ")
    Document.objects.filter(external_id="D2").update(number=" F-2")
    Document.objects.filter(external_id="D6").update(date="1850-01-08")  # out of the years
    # white space beyond ASCII that the parser strips too: a no-break space (1C exports carry
    # them), an ideographic space
    Document.objects.filter(external_id="D1").update(number="F-1\u00a0")
    Document.objects.filter(external_id="D3").update(number="\u3000R-3")
    body = (
        DOCUMENTS.replace("2026-01-08", "1850-01-08")
        .replace(",F-2,", ", F-2,")
        .replace(",F-1,", ",F-1\u00a0,")
        .replace(",R-3,", ",\u3000R-3,")
    )
    usual, fast = same_either_way("documents", write_csv("d.csv", body), monkeypatch)
    # parsed: the numbers with white space (D1, D2, D3) and the year out of range (D6);
    # converted in SQL: D4 (then refused for its contract's currency), D7 and D8
    assert (fast["parsed"], fast["converted"]) == (4, 3), fast
    assert usual["converted"] == 0
    assert usual["outcome"][1] >= 2  # the two numbers are stored stripped


PAYMENT_VARIANTS = {
    "no contract column": "external_id,counterparty,document,date,amount,currency,payer\n"
    + "".join(
        ",".join([c[0], c[1], c[3], c[4], c[5], c[6], c[7]]) + "\n"
        for c in (line.split(",") for line in PAYMENTS.splitlines()[1:])
    ),
    "no document column": "external_id,counterparty,contract,date,amount,currency\n"
    + "".join(
        ",".join([c[0], c[1], c[2], c[4], c[5], c[6]]) + "\n"
        for c in (line.split(",") for line in PAYMENTS.splitlines()[1:])
    ),
    "changes": PAYMENTS.replace("500.00", "400.00").replace("20.00", "20")
    + "P5,C2,K2,,2026-02-05,5.00,RUB,\n",
    # every row the stored one as PostgreSQL reads it; the payer is `Alpha "SRL"` to Python
    "quote inside a cell": PAYMENTS.replace("Alpha SRL", 'Alpha "SRL"'),
    "refused": PAYMENTS.replace("P4,C1,K1", "P4,C1,K2").replace("50.00,RON", "0.00,RON"),
}


@postgres_only
@pytest.mark.parametrize("variant", sorted(PAYMENT_VARIANTS))
def test_payments_import_the_same_with_and_without_the_step(
    variant: str, stored: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    usual, fast = same_either_way(
        "payments", write_csv("p.csv", PAYMENT_VARIANTS[variant]), monkeypatch
    )
    if variant != "quote inside a cell":
        assert fast["parsed"] < usual["parsed"]
    else:
        assert Payment.objects.get(external_id="P1").payer == "Alpha SRL"
        assert usual["outcome"][:3] == (0, 1, 3)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite path")
def test_sqlite_imports_without_the_step(
    stored: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the step ran on SQLite")

    monkeypatch.setattr(unchanged, "find", refuse)
    monkeypatch.setattr(unchanged, "MIN_ROWS", 0)
    result = import_file("documents", write_csv("d.csv", DOCUMENTS))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 8)


@postgres_only
def test_payments_stored_otherwise_than_a_file_would_say_are_parsed(
    stored: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    Contract.objects.filter(external_id="K1").update(currency="EUR")  # P1 and P4 refused
    usual, fast = same_either_way("payments", write_csv("p.csv", PAYMENTS), monkeypatch)
    # P1 and P4 are written canonically: converted in SQL, then refused by the resolving step
    assert usual["outcome"][3] == 2 and (fast["parsed"], fast["converted"]) == (0, 2), fast


@postgres_only
def test_a_file_without_quotes_is_not_read_again_in_python(
    stored: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a quote in the file PostgreSQL's reading is the csv module's: the rows to parse
    come from it (numbered by line as the csv reader numbers them), and Python reads no row of
    the file. With a quote Python reads the file."""
    read = importing_engine.Importer.read
    yielded = 0

    def counting(self: Any) -> Any:
        table = read(self)
        rows = table.rows

        def count() -> Any:
            nonlocal yielded
            for item in rows:
                yielded += 1
                yield item

        table.rows = count()
        return table

    monkeypatch.setattr(importing_engine.Importer, "read", counting)
    body = DOCUMENT_VARIANTS["changes"]
    usual, fast = same_either_way("documents", write_csv("d.csv", body), monkeypatch)
    # refused: a year out of range (parsed), a contract of another debtor (converted in SQL,
    # refused by the resolving step), with their line numbers; the other three converted
    assert (fast["parsed"], fast["converted"]) == (1, 4) and usual["outcome"][3] == 2
    monkeypatch.setattr(importing_engine.Importer, "read", counting)
    yielded = 0
    run("documents", write_csv("d.csv", body), fast=True, monkeypatch=monkeypatch)
    assert yielded == 0
    monkeypatch.setattr(importing_engine.Importer, "read", counting)
    run(
        "documents",
        write_csv("d.csv", body.replace("F-6", '"F-6"')),
        fast=True,
        monkeypatch=monkeypatch,
    )
    assert yielded == 9


@postgres_only
def test_empty_due_dates_are_unchanged_only_where_the_import_computes_the_stored_one(
    stored: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty due date cell: the import takes the document date without a contract, else the
    contract's term (here 30 calendar days, and 15 banking days on the Romanian calendar)."""
    Contract.objects.filter(external_id="K3").update(payment_day_kind="banking")
    body = (
        DOCUMENTS.replace("2026-01-10,2026-02-10", "2026-01-10,")  # D1, K1: computes 02-09
        .replace("2026-01-11,2026-02-11", "2026-01-11,")  # D2, no contract: 01-11
        .replace("2026-01-06,2026-01-21", "2026-01-06,")  # D4, K3 in banking days
        .replace("2026-01-10,2026-02-09", "2026-01-10,")  # D8, K1: the stored 02-09
    )
    path = write_csv("d.csv", body)
    usual, fast = same_either_way("documents", path, monkeypatch)
    assert usual["outcome"][:3] == (0, 3, 5)
    # D1, D2 and D4 converted in SQL (an empty due date is canonical); D8 is the stored row
    assert (fast["parsed"], fast["converted"]) == (0, 3)
    import_file("documents", path)
    assert Document.objects.get(external_id="D2").due_date.isoformat() == "2026-01-11"
    usual, fast = same_either_way("documents", path, monkeypatch)
    assert fast["outcome"][:3] == (0, 0, 8) and fast["parsed"] == 0


@postgres_only
def test_raw_tables_left_by_connections_that_are_gone_are_dropped(
    stored: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The raw cells go to an unlogged table per connection (parallel workers can read it); a
    process that died mid-import leaves its table, and the next import drops it. A live
    connection's table stays."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(pid) + 100000 FROM pg_stat_activity")
        gone = f"{unchanged.RAW_PREFIX}{cursor.fetchone()[0]}"
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() LIMIT 1")
        live = f"{unchanged.RAW_PREFIX}{cursor.fetchone()[0]}"
        for name in (gone, live):
            cursor.execute(f"CREATE UNLOGGED TABLE {name} (c0 TEXT)")
    monkeypatch.setattr(unchanged, "MIN_ROWS", 0)
    result = import_file("documents", write_csv("d.csv", DOCUMENTS))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 8)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname LIKE %s ORDER BY relname",
            [f"{unchanged.RAW_PREFIX}%"],
        )
        assert [row[0] for row in cursor.fetchall()] == [live]


@postgres_only
def test_without_the_right_to_create_a_table_the_raw_cells_go_to_a_temporary_one(
    stored: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unlogged table cannot be created (here: a statement PostgreSQL refuses, as it
    refuses CREATE to a user without the right on the schema): the step still runs, on a
    temporary table."""
    body = DOCUMENT_VARIANTS["changes"]
    with pytest.MonkeyPatch.context() as refusing:
        refusing.setattr(unchanged, "KIND_OF_RAW", "REFUSED")
        usual, fast = same_either_way("documents", write_csv("d.csv", body), monkeypatch)
    # 9 parsed if the step had stood aside
    assert (fast["parsed"], fast["converted"]) == (1, 4)


# --- rows converted in SQL (canonical.py) ------------------------------------------------

# A first import: nothing stored yet. Canonical rows and rows written otherwise, each line
# with the reason it goes one way or the other.
FIRST_DOCUMENTS = DOC_HEADER + (
    "N1,invoice,C1,K1,F-11,2026-03-01,2026-03-31,10.00,RON,yes,2026-03-02\n"  # converted
    "N2,,C1,,F-12,2024-02-29,2024-03-30,1.00,RON,,\n"  # a leap day: converted
    "N3,invoice,C1,,F-13,2026-02-29,,1.00,RON,,\n"  # no such day: parsed, refused
    "N4,invoice,C1,,F-14,2026-04-31,,1.00,RON,,\n"  # no such day: parsed, refused
    "N5,invoice,C2,K2,R-15,05.03.2026,,2.00,RUB,,\n"  # DD.MM.YYYY: parsed
    "N6,invoice,C1,,F-16,2101-01-01,,1.00,RON,,\n"  # after the years: parsed, refused
    "N7,invoice,C1,,F-17,1900-01-01,1900-01-31,1.00,RON,,\n"  # the first year: converted
    "N8,invoice,C1,K1,F-18,2026-03-01,,1234.5,RON,,\n"  # one decimal: parsed
    "N9,invoice,C1,K1,F-19,2026-03-01,,1 234.56,RON,,\n"  # a space in the figure: parsed
    "N10,invoice,C1,,F-20,2026-03-01,,-5.00,RON,,\n"  # negative: parsed, refused
    "N11,invoice,C1,,F-21,2026-03-01,,1234567890123456.00,RON,,\n"  # too large: refused
    "N12,invoice,C1,,F-22,2026-03-01,,999999999999999.99,RON,,\n"  # the largest: converted
    f"N13,invoice,C1,,{'F' * 65},2026-03-01,,1.00,RON,,\n"  # number too long: refused
    "N14,invoice,C1,,F-24\u00a0,2026-03-01,,1.00,RON,,\n"  # a no-break space: parsed
    "N15,invoice,C2,,R-25,2026-03-01,,1.00,rub,,\n"  # lower case currency: parsed
    "N16,invoice,C2,,R-26,2026-03-01,,1.00,руб.,,\n"  # a currency word: parsed
    "N17,invoice,C1,,F-27,2026-03-01,,1.00,XYZ,,\n"  # no such currency: parsed, refused
    "N18,Invoice,C1,,F-28,2026-03-01,,1.00,RON,,\n"  # a choice in capitals: parsed
    "N19,credit,C1,,F-29,2026-03-01,,1.00,RON,,\n"  # not a choice: parsed, refused
    "N20,invoice,C1,,F-30,2026-03-01,,1.00,RON,да,\n"  # a yes in Russian: parsed
    "N21,invoice,C1,,F-31,2026-03-01,,1.00,RON,maybe,\n"  # not yes or no: refused
    ",invoice,C1,,F-32,2026-03-01,,1.00,RON,,\n"  # no external id: parsed, refused
    "N23,invoice,C9,,F-33,2026-03-01,,1.00,RON,,\n"  # no such debtor: refused when resolved
    "N1,invoice,C1,K1,F-34,2026-03-01,,1.00,RON,,\n"  # N1 twice: refused when resolved
    "N25,invoice,C1,,,2026-03-01,,1.00,RON,,\n"  # no number: parsed, refused
    "N26,act,C1,K3,F-36,2026-03-01,2026-03-16,00012.00,,0,\n"  # no currency: converted
    "N27,invoice,C1,,F-37,2026-3-01,,0.00,RON,,\n"  # a one-digit month: parsed
    "N28,shipment,C2,K2,R-38,2026-03-01,2026-03-31,0.00,RUB,false,2026-03-05\n"  # converted
)
FIRST_PAYMENTS = (
    "external_id,counterparty,contract,document,number,date,amount,currency,payer,cancelled\n"
    + (
        "Q1,C1,K1,D1,PP-1,2026-02-01,50.00,RON,Alpha SRL,\n"  # converted
        "Q2,C2,,,,2026-02-02,500.00,RUB,,no\n"  # converted (an empty number and payer)
        "Q3,C1,,D2,PP-3,2026-02-03,0.00,RON,,\n"  # nothing paid: parsed, refused
        "Q4,C1,K1,,PP-4,2026-02-04,20,RON, Alpha,\n"  # a plain figure, a space: parsed
        "Q5,C1,K1,,PP-5,2026-02-05,20.00,RON,,yes\n"  # cancelled: converted
        "Q6,C1,K2,,PP-6,2026-02-06,20.00,RON,,\n"  # another's contract: refused
        "Q7,C2,K2,D1,PP-7,2026-02-07,7.00,RUB,,\n"  # another's document: refused
    )
)


@pytest.fixture
def debtors(company: Company, collector: User, write_csv: Writer) -> Company:
    """Counterparties and contracts, no document or payment yet."""
    import_file("counterparties", write_csv("cp.csv", COUNTERPARTIES))
    import_file("contracts", write_csv("k.csv", CONTRACTS))
    return company


@postgres_only
def test_a_first_import_of_canonical_rows_converts_every_row_in_sql(
    debtors: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for kind, body in (("documents", DOCUMENTS), ("payments", PAYMENTS)):
        path = write_csv(f"{kind}.csv", body)
        usual, fast = same_either_way(kind, path, monkeypatch)
        rows = body.count("\n") - 1
        assert fast["outcome"] == (rows, 0, 0, 0, [])
        assert (fast["parsed"], fast["converted"]) == (0, rows)
        assert (usual["parsed"], usual["converted"]) == (rows, 0)
        import_file(kind, path)  # the payments name the documents


@postgres_only
def test_a_first_import_converts_exactly_the_canonical_rows(
    debtors: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both ways give the same rows, the same errors on the same lines; the parser reads
    only the rows written otherwise."""
    usual, fast = same_either_way("documents", write_csv("d.csv", FIRST_DOCUMENTS), monkeypatch)
    converted = {"N1", "N2", "N7", "N12", "N23", "N26", "N28"}
    rows = FIRST_DOCUMENTS.count("\n") - 1
    assert (fast["parsed"], fast["converted"]) == (rows - len(converted) - 1, len(converted) + 1)
    refused = {row for row, _column, _reason in usual["outcome"][-1]}
    lines = {line.split(",")[0]: n for n, line in enumerate(FIRST_DOCUMENTS.splitlines(), 1)}
    assert {lines[k] for k in ("N3", "N4", "N6", "N10", "N11", "N13", "N17", "N19")} <= refused
    assert {lines["N21"], lines["N23"], lines[""], lines["N25"]} <= refused
    assert not {lines[k] for k in ("N2", "N5", "N7", "N12", "N26", "N28")} & refused
    with transaction.atomic():
        import_file("documents", write_csv("d.csv", FIRST_DOCUMENTS), partial=True)
        documents = {d.external_id: d for d in Document.objects.all()}
        transaction.set_rollback(True)
    # read as the parser reads them
    assert documents["N9"].amount == Decimal("1234.56")
    assert documents["N16"].currency == "RUB"
    assert documents["N18"].kind == "invoice" and documents["N20"].accepted
    # converted: the values the parser would give
    assert str(documents["N12"].amount) == "999999999999999.99"
    assert documents["N26"].currency == "EUR" and documents["N26"].amount == 12
    assert documents["N28"].accepted is False and str(documents["N28"].accepted_on) == "2026-03-05"
    assert documents["N1"].accepted and documents["N2"].kind == "invoice"


@postgres_only
def test_payments_of_a_first_import_convert_exactly_the_canonical_rows(
    debtors: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file("documents", write_csv("d.csv", DOCUMENTS))
    usual, fast = same_either_way("payments", write_csv("p.csv", FIRST_PAYMENTS), monkeypatch)
    assert (fast["parsed"], fast["converted"]) == (2, 5)
    assert {row for row, _column, _reason in usual["outcome"][-1]} == {4, 7, 8}  # Q3, Q6, Q7
    with transaction.atomic():
        import_file("payments", write_csv("p.csv", FIRST_PAYMENTS), partial=True)
        payments = {p.external_id: p for p in Payment.objects.all()}
        transaction.set_rollback(True)
    assert payments["Q2"].number == "" and payments["Q2"].payer == ""
    assert payments["Q5"].cancelled and not payments["Q1"].cancelled
    assert payments["Q4"].payer == "Alpha" and payments["Q4"].amount == 20


FIRST_VARIANTS = {
    # an acceptance date without an acceptance column: accepted
    "no acceptance column": "external_id,counterparty,number,date,due_date,amount,currency,"
    "accepted_on\n"
    "A1,C1,F-1,2026-01-10,2026-02-10,100.00,RON,2026-01-12\n"
    "A2,C1,F-2,2026-01-10,2026-02-10,100.00,RON,\n",
    # a quote: the parser reads every row
    "quoted": FIRST_DOCUMENTS.replace("F-11", '"F-11"'),
    "fewer columns": DOCUMENT_VARIANTS["fewer columns"],
    "semicolons": FIRST_DOCUMENTS.replace(",", ";"),
}


@postgres_only
@pytest.mark.parametrize("variant", sorted(FIRST_VARIANTS))
def test_first_imports_are_the_same_with_and_without_the_step(
    variant: str, debtors: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = FIRST_VARIANTS[variant]
    usual, fast = same_either_way("documents", write_csv("d.csv", body), monkeypatch)
    if variant == "quoted":
        assert fast["converted"] == 0
    else:
        assert fast["converted"] > 0
    if variant == "no acceptance column":
        assert fast["converted"] == 2
        with transaction.atomic():
            import_file("documents", write_csv("d.csv", body))
            assert list(Document.objects.order_by("external_id").values_list("accepted")) == [
                (True,),
                (False,),
            ]
            transaction.set_rollback(True)


@postgres_only
def test_with_too_many_rows_left_to_parse_the_parser_reads_every_row(
    debtors: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More rows written otherwise than `HELD`: none is converted, all are parsed."""
    with pytest.MonkeyPatch.context() as holding:
        holding.setattr(unchanged, "HELD", 2)
        usual, fast = same_either_way("documents", write_csv("d.csv", FIRST_DOCUMENTS), monkeypatch)
    assert fast["converted"] == 0 and fast["parsed"] == usual["parsed"]


@postgres_only
def test_converted_rows_are_not_lost_when_the_two_readings_count_differently(
    debtors: Company, write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The converted rows are known only by PostgreSQL's reading. Where Python counts other
    records than PostgreSQL read (here: made to count one more), the file is imported again
    the usual way instead of losing them."""
    read = importing_engine.Importer.read

    def miscounting(self: Any) -> Any:
        table = read(self)
        table.total += 1
        return table

    path = write_csv("d.csv", FIRST_DOCUMENTS)
    usual = run("documents", path, fast=False, monkeypatch=monkeypatch)
    monkeypatch.setattr(importing_engine.Importer, "read", miscounting)
    fast = run("documents", path, fast=True, monkeypatch=monkeypatch)
    assert fast["converted"] == 0 and fast["parsed"] == usual["parsed"]
    assert fast["outcome"] == usual["outcome"] and fast["ledger"] == usual["ledger"]
