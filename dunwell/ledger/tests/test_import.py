"""The importer: every kind of bad input rejected precisely, idempotent re-imports, formats."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db.models import ProtectedError

from dunwell.accounts.models import User
from dunwell.ledger.importing import ImportRejected, import_file
from dunwell.ledger.models import (
    Allocation,
    ColumnMapping,
    Company,
    Contact,
    Contract,
    ContractInstalment,
    Counterparty,
    Document,
    ImportRun,
    Payment,
    TimelineEntry,
)

Writer = Callable[..., Path]

COUNTERPARTIES = (
    "external_id;name;tax_id;country;segment;collector\n"
    "C1;Alpha SRL;RO18547290;RO;key;colin\n"
    "C2;Beta LLC;7707083893;RU;;\n"
)
CONTRACTS = (
    "external_id,counterparty,number,date,currency,payment_days,payment_day_kind\n"
    "K1,C1,1/2025,2025-01-10,RON,1,banking\n"
    "K2,C2,7-Д,2025-02-01,RUB,30,calendar\n"
)
DOCUMENTS = (
    "external_id,counterparty,contract,number,date,due_date,amount,currency\n"
    'D1,C1,K1,F-1,31.12.2025,,"1 234,56",RON\n'
    "D2,C1,,F-2,2026-01-10,2026-02-10,100,RON\n"
    'D3,C2,K2,R-3,2026-01-05,,"2.000,00",RUB\n'
)


def ledger_snapshot() -> list[object]:
    return [
        list(Counterparty.objects.order_by("id").values()),
        list(Contract.objects.order_by("id").values()),
        list(Document.objects.order_by("id").values()),
        list(Payment.objects.order_by("id").values()),
        list(Allocation.objects.order_by("id").values()),
        TimelineEntry.objects.count(),
    ]


@pytest.fixture
def loaded(company: Company, collector: User, write_csv: Writer) -> Company:
    import_file("counterparties", write_csv("cp.csv", COUNTERPARTIES))
    import_file("contracts", write_csv("k.csv", CONTRACTS))
    import_file("documents", write_csv("d.csv", DOCUMENTS))
    return company


def test_counterparties_are_created_with_normalised_tax_ids(
    loaded: Company, collector: User
) -> None:
    alpha = Counterparty.objects.get(external_id="C1")
    assert alpha.tax_id == "18547290"
    assert alpha.segment.code == "key"
    assert alpha.collector == collector
    assert alpha.language == "ro" and alpha.time_zone == "Europe/Bucharest"
    beta = Counterparty.objects.get(external_id="C2")
    assert beta.segment.code == "standard" and beta.language == "ru"


def test_due_date_from_banking_day_terms_skips_the_new_year_holidays(loaded: Company) -> None:
    # K1: 1 banking day; 1-2 January are Romanian holidays, 3-4 January 2026 a weekend.
    assert Document.objects.get(external_id="D1").due_date == date(2026, 1, 5)
    assert Document.objects.get(external_id="D2").due_date == date(2026, 2, 10)
    assert Document.objects.get(external_id="D3").due_date == date(2026, 2, 4)
    assert Document.objects.get(external_id="D1").amount == Decimal("1234.56")
    assert Document.objects.get(external_id="D3").amount == Decimal("2000.00")


def test_reimport_of_the_same_file_changes_nothing(loaded: Company, write_csv: Writer) -> None:
    before = ledger_snapshot()
    result = import_file("documents", write_csv("d.csv", DOCUMENTS))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    result = import_file("counterparties", write_csv("cp.csv", COUNTERPARTIES))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert ledger_snapshot() == before


def test_updated_file_updates_only_changed_rows(loaded: Company, write_csv: Writer) -> None:
    changed = DOCUMENTS.replace("F-2,2026-01-10,2026-02-10,100,", "F-2,2026-01-10,2026-02-10,90,")
    changed += "D4,C2,,R-4,2026-01-06,2026-01-20,5,RUB\n"
    result = import_file("documents", write_csv("d2.csv", changed))
    assert (result.created, result.updated, result.unchanged) == (1, 1, 2)
    assert Document.objects.get(external_id="D2").amount == Decimal("90.00")
    assert Document.objects.count() == 4


def test_a_file_without_optional_columns_keeps_stored_values(
    loaded: Company, write_csv: Writer
) -> None:
    result = import_file(
        "counterparties", write_csv("n.csv", "external_id,name,country\nC1,Alpha SA,RO\n")
    )
    assert (result.created, result.updated) == (0, 1)
    alpha = Counterparty.objects.get(external_id="C1")
    assert alpha.name == "Alpha SA" and alpha.segment.code == "key" and alpha.collector is not None


def test_columns_a_file_does_not_carry_take_their_empty_value_or_keep_the_stored_one(
    loaded: Company, write_csv: Writer
) -> None:
    """A column missing from the file is staged with its empty-cell value: new rows get it,
    stored rows keep theirs, and a date of acceptance still marks a document accepted."""
    Document.objects.filter(external_id="D2").update(cancelled=True, kind="act", accepted=True)
    result = import_file(
        "documents",
        write_csv(
            "narrow.csv",
            "external_id,counterparty,number,date,due_date,amount,currency,accepted_on\n"
            "D2,C1,F-2,2026-01-10,2026-02-10,100,RON,\n"
            "D5,C1,F-5,2026-01-11,2026-02-11,10,RON,2026-01-12\n"
            "D6,C1,F-6,2026-01-11,2026-02-11,10,RON,\n",
        ),
    )
    assert (result.created, result.updated, result.unchanged) == (2, 0, 1)
    kept = Document.objects.get(external_id="D2")
    assert (kept.cancelled, kept.kind, kept.accepted) == (True, "act", True)
    accepted = Document.objects.get(external_id="D5")
    assert (accepted.kind, accepted.cancelled, accepted.accepted) == ("invoice", False, True)
    assert accepted.accepted_on == date(2026, 1, 12)
    plain = Document.objects.get(external_id="D6")
    assert (plain.kind, plain.cancelled, plain.accepted) == ("invoice", False, False)
    import_file(
        "payments",
        write_csv(
            "p.csv", "external_id,counterparty,date,amount,currency\nP9,C1,2026-01-20,5,RON\n"
        ),
    )
    Payment.objects.filter(external_id="P9").update(number="PP-9", payer="Alpha", cancelled=True)
    again = import_file(
        "payments",
        write_csv(
            "p2.csv",
            "external_id,counterparty,date,amount,currency\n"
            "P9,C1,2026-01-20,5,RON\nP10,C1,2026-01-21,6,RON\n",
        ),
    )
    assert (again.created, again.updated, again.unchanged) == (1, 0, 1)
    stored = Payment.objects.get(external_id="P9")
    assert (stored.number, stored.payer, stored.cancelled) == ("PP-9", "Alpha", True)
    new = Payment.objects.get(external_id="P10")
    assert (new.number, new.payer, new.cancelled) == ("", "", False)


def test_documents_and_payments_carry_their_counterpartys_company(
    loaded: Company, write_csv: Writer
) -> None:
    """No foreign-key constraint checks a document's or a payment's company (issue 15): the
    import keeps it equal to its counterparty's, rows of two companies in one file included,
    and a company with documents or payments cannot be deleted."""
    other = Company.objects.create(
        name="Other", code="other", country="RU", currency="RUB", calendar_country="RU"
    )
    import_file(
        "counterparties",
        write_csv("cp2.csv", "external_id;name;country;company\nC1;Gamma OOO;RU;other\n"),
    )
    result = import_file(
        "documents",
        write_csv(
            "d2.csv",
            "external_id,company,counterparty,number,date,due_date,amount,currency\n"
            "X1,other,C1,G-1,2026-01-10,2026-02-10,10,RUB\n"
            "X2,demo,C1,G-2,2026-01-10,2026-02-10,20,RON\n",
        ),
    )
    assert result.created == 2
    import_file(
        "payments",
        write_csv(
            "p2.csv",
            "external_id,company,counterparty,date,amount,currency\n"
            "Y1,other,C1,2026-01-20,4,RUB\nY2,demo,C1,2026-01-20,5,RON\n",
        ),
    )
    assert Document.objects.get(external_id="X1").counterparty.name == "Gamma OOO"
    assert Payment.objects.get(external_id="Y2").counterparty.name == "Alpha SRL"
    rows = [
        *Document.objects.values_list("company_id", "counterparty__company_id"),
        *Payment.objects.values_list("company_id", "counterparty__company_id"),
    ]
    assert len(rows) == 7 and all(own == its for own, its in rows), rows
    with pytest.raises(ProtectedError):
        other.delete()
    assert Document.objects.filter(company=other).count() == 1


def test_payments_allocate_and_write_the_timeline(loaded: Company, write_csv: Writer) -> None:
    payments = (
        "external_id,counterparty,document,date,amount,currency,payer\n"
        "P1,C1,D2,2026-01-20,150,RON,Alpha SRL\n"
        'P2,C2,,2026-01-21,"2 500,00",RUB,\n'
    )
    result = import_file("payments", write_csv("p.csv", payments))
    assert result.created == 2
    assert Document.objects.get(external_id="D2").open_amount == Decimal("0.00")
    assert Document.objects.get(external_id="D1").open_amount == Decimal("1184.56")
    assert Payment.objects.get(external_id="P2").unallocated == Decimal("500.00")
    entry = TimelineEntry.objects.filter(
        kind="ledger.import", counterparty__external_id="C2"
    ).first()
    assert entry is not None and entry.data["created"] == 1 and entry.data["kind"] == "payments"
    from django.utils import translation

    from dunwell.ledger.timeline import with_texts

    with translation.override("ru"):  # one level of brackets: the kind's own
        assert with_texts([entry])[0].text == "Импорт: платежи, файл p.csv: новых 1, изменено 0"
    with translation.override("ro"):  # a count after its label: no "1 noi"
        assert with_texts([entry])[0].text.endswith(": rânduri noi: 1, modificate: 0")
    again = import_file("payments", write_csv("p.csv", payments))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_payment_in_another_currency_than_its_document_is_rejected_without_a_contract(
    loaded: Company, write_csv: Writer
) -> None:
    before = ledger_snapshot()
    body = "external_id,counterparty,document,date,amount,currency\nP1,C1,D2,2026-01-20,150,EUR\n"
    with pytest.raises(ImportRejected) as caught:
        import_file("payments", write_csv("p.csv", body))
    assert [(e.row, e.column, e.reason) for e in caught.value.errors] == [
        (2, "currency", "currency EUR does not match the document's RON")
    ]
    assert ledger_snapshot() == before


BAD_DOCUMENTS = [
    ("D9,C9,,N,2026-01-01,,10,RON", "counterparty", "unknown counterparty 'C9'"),
    ("D9,C1,K9,N,2026-01-01,,10,RON", "contract", "unknown contract 'K9'"),
    ("D9,C1,K2,N,2026-01-01,,10,RUB", "contract", "contract 'K2' belongs to another counterparty"),
    ("D9,C1,K1,N,2026-01-01,,10,EUR", "currency", "currency EUR does not match the contract's RON"),
    # written as dates are, but no calendar has it: not "expected DD.MM.YYYY"
    ("D9,C1,,N,31.02.2026,,10,RON", "date", "no such date '31.02.2026' (written as dates are"),
    ("D9,C1,,N,next week,,10,RON", "date", "bad date 'next week' (expected DD.MM.YYYY"),
    ("D9,C1,,N,2026-01-01,,1O0,RON", "amount", "bad number '1O0'"),
    ("D9,C1,,N,2026-01-01,,-10,RON", "amount", "negative amount -10.00"),
    ("D9,C1,,N,2026-01-01,,10,XYZ", "currency", "not an ISO 4217 currency code: 'XYZ'"),
    ("D9,C1,,N,2026-01-01,,10,LEI", "currency", "not an ISO 4217 currency code: 'LEI'"),
    (
        "D9,C1,,N,2026-01-01,,12345678901234567.00,RON",
        "amount",
        "amount 12,345,678,901,234,567.00 is too large (at most 999,999,999,999,999.99)",
    ),
    (
        "D9,C1,,N,2026-01-01,,1234567890123456.00,RON",
        "amount",
        "amount 1,234,567,890,123,456.00 is too large (at most 999,999,999,999,999.99)",
    ),
    (
        "D9,C1,,N,2026-01-01,,123456789012345678901234567890.00,RON",
        "amount",
        "amount 123456789012345678901234567890.00 is too large (at most 999,999,999,999,999.99)",
    ),
    ("D9,C1,,N,2026-01-01,,١٠٠.٠٠,RON", "amount", "bad number '١٠٠.٠٠'"),
    ("D9,C1,,N,٠١.٠١.٢٠٢٦,,10,RON", "date", "bad date '٠١.٠١.٢٠٢٦'"),
    ("D9,C1,,N,31.12.9999,,10,RON", "date", "date '31.12.9999' is outside the years 1900-2100"),
    ("D9,C1,K1,N,31.12.9999,,10,RON", "date", "date '31.12.9999' is outside the years 1900-2100"),
    ("D9,C1,,N,0001-01-01,,10,RON", "date", "date '0001-01-01' is outside the years 1900-2100"),
    ("D9,C1,,N\x00,2026-01-01,,10,RON", "number", "the cell contains a NUL byte"),
    ("D9,C1,,N" + "x" * 10_001 + ",2026-01-01,,10,RON", "number", "cell longer than 10000"),
    ("D9,C1,,,2026-01-01,,10,RON", "number", "missing required value"),
    ("D9,C1,,N,2026-01-01,١٠,10,RON", "due_date", "bad date '١٠'"),
    ("D1,C1,,N,2026-01-01,,10,RON", "external_id", "duplicate external id 'D1' (first on row 2)"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_DOCUMENTS)
def test_each_bad_document_is_rejected_precisely_and_nothing_changes(
    loaded: Company, write_csv: Writer, row: str, column: str, reason: str
) -> None:
    before = ledger_snapshot()
    body = DOCUMENTS.replace("D1,", "DX,", 1) if "duplicate" not in reason else DOCUMENTS
    body = body.splitlines()[0] + "\n" + body.splitlines()[1] + "\n" + row + "\n"
    if "duplicate" in reason:
        body = DOCUMENTS.splitlines()[0] + "\nD1,C1,,A,2026-01-01,,1,RON\n" + row + "\n"
    path = write_csv("bad.csv", body)
    with pytest.raises(ImportRejected) as caught:
        import_file("documents", path)
    errors = caught.value.errors
    assert [(e.file, e.row, e.column) for e in errors] == [("bad.csv", 3, column)]
    assert errors[0].reason.startswith(reason)
    assert str(errors[0]).startswith(f"bad.csv:3:{column}: ")
    assert ledger_snapshot() == before


def test_bad_counterparty_rows_name_tax_id_segment_and_user(
    company: Company, write_csv: Writer
) -> None:
    body = (
        "external_id,name,tax_id,country,segment,collector\n"
        "C1,Alpha,7707083894,RU,,\n"
        "C2,Beta,,RO,vip,\n"
        "C3,Gamma,,RO,,nobody\n"
        "C4,Delta,,Romania,,\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_file("counterparties", write_csv("c.csv", body))
    got = [(e.row, e.column, e.reason.split(":")[0]) for e in caught.value.errors]
    assert got == [
        (2, "tax_id", "invalid INN '7707083894'"),
        (3, "segment", "unknown segment 'vip'"),
        (4, "collector", "unknown user 'nobody'"),
        (5, "country", "not an ISO 3166 country code"),
    ]
    assert not Counterparty.objects.exists()


def test_missing_required_column_is_reported_on_the_header_row(
    company: Company, write_csv: Writer
) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_file(
            "documents", write_csv("d.csv", "external_id,counterparty,date\nD1,C1,2026-01-01\n")
        )
    # No currency column is no error: the company's currency is used (1C reports).
    assert {(e.row, e.column) for e in caught.value.errors} == {
        (1, "number"),
        (1, "amount"),
    }


def test_partial_applies_valid_rows_and_writes_the_rejected_ones(
    loaded: Company, write_csv: Writer, tmp_path: Path
) -> None:
    body = (
        DOCUMENTS.splitlines()[0] + "\nD7,C1,,A,2026-01-01,,10,RON\nD8,C9,,B,2026-01-01,,10,RON\n"
    )
    out = tmp_path / "rejected.csv"
    result = import_file("documents", write_csv("p.csv", body), partial=True, rejected_out=out)
    assert (result.created, result.rejected) == (1, 1)
    assert Document.objects.filter(external_id="D7").exists()
    assert not Document.objects.filter(external_id="D8").exists()
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0][-1] == "reason"
    assert rows[1][:2] == ["D8", "C9"] and "unknown counterparty 'C9'" in rows[1][-1]


def test_windows_1251_with_semicolons_and_1c_russian_headers(
    company: Company, write_csv: Writer
) -> None:
    import_file(
        "counterparties",
        write_csv("c.csv", "Код;Наименование;ИНН;Страна\nC1;ООО Ромашка;7707083893;RU\n", "cp1251"),
    )
    body = (
        "Код;Контрагент;Договор;Номер;Дата;Срок оплаты;Сумма;Валюта\n"
        "D1;C1;;00000123;15.01.2026;14.02.2026;1 500,00;RUB\n"
    )
    result = import_file("documents", write_csv("d.csv", body, "cp1251"))
    assert result.created == 1
    doc = Document.objects.get(external_id="D1")
    assert doc.counterparty.name == "ООО Ромашка"
    assert (doc.number, doc.amount, doc.due_date) == (
        "00000123",
        Decimal("1500.00"),
        date(2026, 2, 14),
    )


def test_utf8_bom_ukrainian_and_romanian_headers(company: Company, write_csv: Writer) -> None:
    import_file(
        "counterparties",
        write_csv("c.csv", "\ufeffКод,Найменування,ЄДРПОУ,Країна\nU1,ТОВ Сонце,32855961,UA\n"),
    )
    import_file(
        "counterparties",
        write_csv("r.csv", "Cod;Denumire;Cod fiscal;Tara\nR1;Alfa SRL;RO18547290;RO\n"),
    )
    body = (
        "Cod;Partener;Nr document;Data;Scadență;Suma;Valuta\n"
        "F1;R1;F-1;05.01.2026;05.02.2026;1.234,56;RON\n"
    )
    import_file("documents", write_csv("f.csv", body))
    assert Counterparty.objects.get(external_id="U1").tax_id == "32855961"
    assert Document.objects.get(external_id="F1").amount == Decimal("1234.56")


def test_an_external_code_column_is_recognised_in_each_language(
    company: Company, write_csv: Writer
) -> None:
    import_file("counterparties", write_csv("c.csv", "external_id,name,country\nC1,Alpha,RO\n"))
    for n, header in enumerate(("Внешний код", "Зовнішній код", "Cod extern", "External ID")):
        body = f"{header};Контрагент;Номер;Дата;Сумма;Валюта\nX{n};C1;F-{n};05.01.2026;10,00;RON\n"
        import_file("documents", write_csv(f"d{n}.csv", body))
        assert Document.objects.get(external_id=f"X{n}").number == f"F-{n}"


def test_xlsx_file(company: Company, write_csv: Writer, tmp_path: Path) -> None:
    import_file("counterparties", write_csv("c.csv", "external_id,name,country\nC1,Alpha,RO\n"))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["external_id", "counterparty", "number", "date", "amount", "currency"])
    sheet.append([1001, "C1", "F-1", date(2026, 1, 5), 1234.56, "RON"])
    sheet.append(["1002", "C1", "F-2", "06.01.2026", "99,90", "RON"])
    path = tmp_path / "docs.xlsx"
    book.save(path)
    result = import_file("documents", path)
    assert result.created == 2
    doc = Document.objects.get(external_id="1001")
    assert (doc.date, doc.amount, doc.due_date) == (
        date(2026, 1, 5),
        Decimal("1234.56"),
        date(2026, 1, 5),
    )
    assert Document.objects.get(external_id="1002").amount == Decimal("99.90")


def test_saved_column_mapping_is_reused(company: Company, write_csv: Writer) -> None:
    from dunwell.ledger.importing.headers import header_signature

    headers = ["Ref", "Firm", "Land"]
    ColumnMapping.objects.create(
        kind="counterparties",
        signature=header_signature(headers),
        mapping={"Ref": "external_id", "Firm": "name", "Land": "country"},
    )
    result = import_file("counterparties", write_csv("c.csv", "Ref,Firm,Land\nC1,Alpha,RO\n"))
    assert result.created == 1 and Counterparty.objects.get().name == "Alpha"


def test_contacts_phones_are_normalised_with_the_counterparty_country(
    loaded: Company, write_csv: Writer
) -> None:
    body = (
        "external_id,counterparty,name,roles,phone,email\n"
        "P1,C1,Ana Pop,accountant|decides_payments,0721 234 567,ANA@alpha.ro\n"
        "P2,C2,Иван Петров,бухгалтер,8 (495) 123-45-67,\n"
    )
    assert import_file("contacts", write_csv("p.csv", body)).created == 2
    ana = Contact.objects.get(external_id="P1")
    assert ana.phone == "+40721234567" and ana.decides_payments and ana.accountant
    assert ana.email == "ana@alpha.ro"
    assert Contact.objects.get(external_id="P2").phone == "+74951234567"
    bad = "external_id,counterparty,name,phone\nP3,C1,X,12\n"
    with pytest.raises(ImportRejected) as caught:
        import_file("contacts", write_csv("b.csv", bad))
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "phone")]


def test_instalments_replace_the_schedule(loaded: Company, write_csv: Writer) -> None:
    body = "contract,due_date,amount\nK1,2026-03-01,100\nK1,2026-04-01,100\n"
    assert import_file("instalments", write_csv("i.csv", body)).created == 2
    again = import_file("instalments", write_csv("i.csv", body))
    assert (again.created, again.unchanged) == (0, 2)
    changed = import_file(
        "instalments", write_csv("i2.csv", "contract,due_date,amount\nK1,2026-03-01,200\n")
    )
    assert (changed.created, changed.deleted) == (1, 2)
    assert list(ContractInstalment.objects.values_list("amount", flat=True)) == [Decimal("200.00")]


def test_progress_is_reported_on_the_run(loaded: Company, write_csv: Writer) -> None:
    run = ImportRun.objects.create(kind="documents", file_name="d.csv")
    seen: list[tuple[int, int]] = []
    import_file(
        "documents",
        write_csv("d.csv", DOCUMENTS),
        run=run,
        progress=lambda d, t: seen.append((d, t)),
    )
    run.refresh_from_db()
    assert (run.rows_done, run.rows_total) == (3, 3)
    assert seen[-1] == (3, 3)


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("latin-1", "Müller GmbH"),
        ("cp1251", "ООО Ромашка"),
        ("utf-8", "Müller ООО"),
        ("utf-8-sig", "Ştefan SRL"),
        ("utf-16", "Ştefan ООО"),
    ],
)
def test_file_encoding_is_detected_and_names_stay_as_written(
    company: Company, write_csv: Writer, encoding: str, name: str
) -> None:
    body = f"external_id;name;country\nC1;{name};DE\nC2;{name} Zwei;DE\n"
    result = import_file("counterparties", write_csv("c.csv", body, encoding))
    assert result.created == 2
    assert Counterparty.objects.get(external_id="C1").name == name


def test_declared_encoding_reads_a_latin_2_file(company: Company, write_csv: Writer) -> None:
    body = "external_id;name;country\nC1;Łódź Sp. z o.o.;PL\n"
    import_file("counterparties", write_csv("c.csv", body, "iso-8859-2"), encoding="iso-8859-2")
    assert Counterparty.objects.get(external_id="C1").name == "Łódź Sp. z o.o."


def test_a_second_import_of_the_same_kind_waits_for_the_first_and_finds_it_unchanged(
    company: Company, collector: User, write_csv: Writer, settings: Any
) -> None:
    import threading
    import time

    from django.db import connection

    from dunwell.locks import exclusive

    settings.DATA_DIR = write_csv("x", "").parent
    taken, release = threading.Event(), threading.Event()

    def first_import_running() -> None:
        try:
            with exclusive(f"import-counterparties-{company.pk}", wait=True):
                taken.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=first_import_running)
    holder.start()
    assert taken.wait(30)
    timer = threading.Timer(0.5, release.set)
    timer.start()
    path = write_csv("c.csv", COUNTERPARTIES)
    started = time.monotonic()
    first = import_file("counterparties", path, company=company)
    assert time.monotonic() - started >= 0.4  # it waited for the running import
    holder.join(30)
    timer.join()
    second = import_file("counterparties", path, company=company)
    assert (first.created, second.created, second.unchanged) == (2, 0, 2)
    entries = TimelineEntry.objects.filter(kind="ledger.import").count()
    assert entries == 2  # one per counterparty, written by the first import only


def test_many_bad_rows_keep_the_first_n_messages_count_all_and_write_all_to_the_file(
    loaded: Company, write_csv: Writer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dunwell.ledger.importing.engine.MAX_ERRORS_KEPT", 5)
    header = DOCUMENTS.splitlines()[0]
    bad = [f"E{n},C9,,N{n},2026-01-01,,1O,RON" for n in range(3000)]
    body = header + "\n" + "\n".join(bad) + "\nD7,C1,,A,2026-01-01,,10,RON\n"
    out = tmp_path / "rejected.csv"
    result = import_file("documents", write_csv("p.csv", body), partial=True, rejected_out=out)
    assert (result.created, result.rejected, len(result.errors)) == (1, 3000, 5)
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert len(rows) == 3001
    assert rows[1][0] == "E0" and rows[-1][0] == "E2999"
    assert all("bad number '1O'" in row[-1] for row in rows[1:])
    with pytest.raises(ImportRejected) as caught:
        import_file("documents", write_csv("q.csv", body))
    assert (caught.value.rejected, len(caught.value.errors)) == (3000, 5)


def test_reasons_of_one_row_from_several_checks_are_joined_in_the_rejected_file(
    loaded: Company, write_csv: Writer, tmp_path: Path
) -> None:
    body = (
        DOCUMENTS.splitlines()[0] + "\nD8,C9,,B,2026-01-01,,10,RON\nD9,C1,K2,B,2026-01-01,,10,RUB\n"
    )
    out = tmp_path / "rejected.csv"
    result = import_file("documents", write_csv("p.csv", body), partial=True, rejected_out=out)
    assert result.rejected == 2
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["D8", "D9"]
    assert "unknown counterparty 'C9'" in rows[1][-1]
    assert "belongs to another counterparty" in rows[2][-1]


def test_error_memory_stays_bounded_however_many_rows_are_bad(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tracemalloc

    from dunwell.ledger.importing import engine
    from dunwell.ledger.importing.reasons import reason

    monkeypatch.setattr(engine, "MAX_ERRORS_KEPT", 10)
    rejections = engine._Rejections("big.csv")
    tracemalloc.start()
    try:
        for line in range(2, 100_002):
            rejections.add(line, "amount", reason("bad_number", value=f"'{line}x'"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    try:
        assert (len(rejections.errors), rejections.rows, rejections.messages) == (
            10,
            100_000,
            100_000,
        )
        assert peak < 2 * 1024 * 1024  # a per-line dict of messages took ~20 MB here
        first = next(rejections.reasons())
        assert first == (2, [("amount", reason("bad_number", value="'2x'"))])
    finally:
        rejections.close()


def test_the_accepted_years_are_configurable(
    loaded: Company, write_csv: Writer, settings: Any
) -> None:
    settings.DUNWELL_DATE_RANGE = "2000-2030"
    body = DOCUMENTS.splitlines()[0] + "\nD9,C1,,N,1999-12-31,,10,RON\n"
    with pytest.raises(ImportRejected) as caught:
        import_file("documents", write_csv("d.csv", body))
    assert [e.reason for e in caught.value.errors] == [
        "date '1999-12-31' is outside the years 2000-2030"
    ]
