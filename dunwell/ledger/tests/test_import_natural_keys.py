"""Files without ids (docs/import-formats.md, "Files without ids"): rows keyed by natural
keys, as 1C's standard reports give them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from dunwell.ledger.importing import ImportRejected, Table, import_file, import_table
from dunwell.ledger.models import Company, Contract, Counterparty, Document, Payment

Writer = Callable[..., Path]

SBER = "7707083893"
YANDEX = "7736207543"


@pytest.fixture
def rub(company: Company) -> Company:
    company.currency = "RUB"
    company.save()
    return company


@pytest.fixture
def debtors(rub: Company, write_csv: Writer) -> dict[str, Counterparty]:
    import_file(
        "counterparties",
        write_csv(
            "cp.csv",
            f'Наименование;ИНН;Страна\nООО «Ромашка»;{SBER};RU\nАО "Лютик";{YANDEX};RU\n'
            "ИП Сидоров;;RU\n",
        ),
    )
    return {c.name: c for c in Counterparty.objects.all()}


def messages(caught: pytest.ExceptionInfo[ImportRejected]) -> list[str]:
    return [str(e) for e in caught.value.errors]


REPORT = (
    "Контрагент;ИНН;Номер;Дата;Сумма\n"
    f"ООО Ромашка;{SBER};0000-000123;12.03.2026;1 234,50\n"
    f";{YANDEX};0000-000124;13.03.2026;99,00\n"
    'ооо "ромашка";;0000-000125;14.03.2026;10,00\n'
)


def test_a_windows_1251_1c_report_without_ids_imports_and_reimports_unchanged(
    debtors: dict[str, Counterparty], write_csv: Writer
) -> None:
    path = write_csv("report.csv", REPORT, "cp1251")
    first = import_file("documents", path)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    doc = Document.objects.get(number="0000-000123")
    assert doc.counterparty == debtors["ООО «Ромашка»"]
    assert (doc.date, doc.amount, doc.currency) == (date(2026, 3, 12), Decimal("1234.50"), "RUB")
    assert doc.external_id.startswith("nk:")
    # The third row names the counterparty by its name alone, spelt differently.
    assert Document.objects.get(number="0000-000125").counterparty == debtors["ООО «Ромашка»"]
    again = import_file("documents", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = import_file(
        "documents", write_csv("report.csv", REPORT.replace("1 234,50", "1 300,00"), "cp1251")
    )
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    doc.refresh_from_db()
    assert doc.amount == Decimal("1300.00")
    assert Document.objects.count() == 3


def test_the_generated_id_is_the_same_through_import_table(
    debtors: dict[str, Counterparty], write_csv: Writer
) -> None:
    import_file("documents", write_csv("report.csv", REPORT, "cp1251"))
    ids = set(Document.objects.values_list("external_id", flat=True))
    rows = Table(
        ["counterparty_tax_id", "number", "date", "amount"],
        iter([(1, [SBER, "0000-000123", "2026-03-12", "1234.50"])]),
        1,
    )
    result = import_table("documents", rows, display_name="api")
    assert (result.created, result.unchanged) == (0, 1)
    assert set(Document.objects.values_list("external_id", flat=True)) == ids


def test_two_rows_with_the_same_natural_key_reject_the_file_naming_both_rows(
    debtors: dict[str, Counterparty], write_csv: Writer
) -> None:
    path = write_csv(
        "report.csv",
        "Контрагент;ИНН;Номер;Дата;Сумма\n"
        f";{SBER};7;12.03.2026;1,00\n;{YANDEX};7;12.03.2026;2,00\n"
        f"ООО «Ромашка»;;7;12.03.2026;3,00\n",
        "cp1251",
    )
    with pytest.raises(ImportRejected) as caught:
        import_file("documents", path)
    assert messages(caught) == [
        "report.csv:4:Номер: duplicate of row 2: the same counterparty, number and date"
    ]
    assert not Document.objects.exists()


def test_an_unknown_counterparty_names_the_row_and_the_value(
    debtors: dict[str, Counterparty], write_csv: Writer
) -> None:
    path = write_csv(
        "report.csv",
        "Контрагент;ИНН;Номер;Дата;Сумма\nООО Василёк;;1;12.03.2026;1,00\n"
        ";7728168971;2;12.03.2026;1,00\n",
        "cp1251",
    )
    with pytest.raises(ImportRejected) as caught:
        import_file("documents", path)
    assert messages(caught) == [
        "report.csv:2:Контрагент: unknown counterparty 'ООО Василёк'",
        "report.csv:3:ИНН: no counterparty with the tax id '7728168971'",
    ]


def test_counterparties_are_keyed_by_tax_id_and_kpp_else_by_name(
    rub: Company, write_csv: Writer
) -> None:
    text = (
        "Наименование;ИНН;КПП;Страна\n"
        f"Сбер (Москва);{SBER};773601001;RU\n"
        f"Сбер (Самара);{SBER};631602001;RU\n"
        "ИП  «Сидоров»;;;RU\n"
    )
    first = import_file("counterparties", write_csv("cp.csv", text))
    assert first.created == 3
    again = import_file(
        "counterparties", write_csv("cp.csv", text.replace("ИП  «Сидоров»", 'ип "сидоров"'))
    )
    # Same normalised name: the same counterparty, renamed as the file writes it.
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    assert Counterparty.objects.count() == 3
    assert Counterparty.objects.filter(tax_id=SBER).count() == 2


def test_two_counterparty_rows_with_one_tax_id_and_no_kpp_are_refused(
    rub: Company, write_csv: Writer
) -> None:
    path = write_csv("cp.csv", f"name;tax_id;country\nA;{SBER};RU\nB;{SBER};RU\n")
    with pytest.raises(ImportRejected) as caught:
        import_file("counterparties", path)
    assert messages(caught) == ["cp.csv:3:tax_id: duplicate of row 2: the same tax id or name"]


def test_rows_loaded_with_ids_are_found_by_natural_key_and_keep_their_ids(
    rub: Company, write_csv: Writer
) -> None:
    import_file(
        "counterparties",
        write_csv("cp.csv", f"external_id;name;tax_id;country\nC-1;Ромашка;{SBER};RU\n"),
    )
    import_file(
        "documents",
        write_csv(
            "d.csv",
            "external_id;counterparty;number;date;amount;currency\nD-1;C-1;5;2026-03-01;10;RUB\n",
        ),
    )
    cp = import_file(
        "counterparties", write_csv("cp2.csv", f"name;tax_id;country\nРомашка;{SBER};RU\n")
    )
    assert (cp.created, cp.unchanged) == (0, 1)
    docs = import_file(
        "documents",
        write_csv("d2.csv", "counterparty;number;date;amount\nРомашка;5;01.03.2026;12\n"),
    )
    assert (docs.created, docs.updated) == (0, 1)
    assert Document.objects.get().external_id == "D-1"
    assert Document.objects.get().amount == Decimal("12.00")


def test_payments_by_payer_number_and_date_or_by_date_and_amount_allocated_to_the_named_document(
    debtors: dict[str, Counterparty], write_csv: Writer
) -> None:
    import_file("documents", write_csv("report.csv", REPORT, "cp1251"))
    statement = (
        "Плательщик;Номер;Дата;Сумма;Валюта;Документ расчетов\n"
        "ООО «Ромашка»;555;20.03.2026;10,00;руб.;"
        "Реализация товаров и услуг 0000-000125 от 14.03.2026 0:00:00\n"
        'АО "Лютик";;21.03.2026;99,00;643;0000-000124\n'
    )
    path = write_csv("bank.csv", statement, "cp1251")
    first = import_file("payments", path)
    assert first.created == 2
    numbered = Payment.objects.get(number="555")
    assert (numbered.counterparty.name, numbered.currency, numbered.payer) == (
        "ООО «Ромашка»",
        "RUB",
        "ООО «Ромашка»",
    )
    assert numbered.document == Document.objects.get(number="0000-000125")
    assert Document.objects.get(number="0000-000125").open_amount == 0
    assert Document.objects.get(number="0000-000124").open_amount == 0
    assert Document.objects.get(number="0000-000123").open_amount == Decimal("1234.50")
    again = import_file("payments", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_document_named_by_a_number_the_counterparty_does_not_have_is_an_error(
    debtors: dict[str, Counterparty], write_csv: Writer
) -> None:
    path = write_csv(
        "bank.csv",
        "Плательщик;Дата;Сумма;Документ расчетов\nООО «Ромашка»;20.03.2026;10,00;Счет 999\n",
        "cp1251",
    )
    with pytest.raises(ImportRejected) as caught:
        import_file("payments", path)
    assert messages(caught) == ["bank.csv:2:Документ расчетов: unknown document 'Счет 999'"]


def test_a_contract_named_as_1c_names_it_is_found_by_number_and_date(
    debtors: dict[str, Counterparty],
    make_contract: Callable[..., Contract],
    write_csv: Writer,
) -> None:
    romashka = debtors["ООО «Ромашка»"]
    contract = make_contract(romashka, number="12", date=date(2025, 2, 1), currency="RUB")
    make_contract(romashka, number="12", date=date(2024, 2, 1), currency="RUB")
    path = write_csv(
        "report.csv",
        "Контрагент;Договор;Номер;Дата;Сумма\n"
        "ООО «Ромашка»;Договор № 12 от 01.02.2025;A-1;12.03.2026;100\n",
        "cp1251",
    )
    import_file("documents", path)
    doc = Document.objects.get()
    assert doc.contract == contract
    assert doc.due_date == date(2026, 4, 11)  # the contract's 30 days


def test_contracts_without_ids_are_keyed_by_counterparty_number_and_date(
    debtors: dict[str, Counterparty], write_csv: Writer
) -> None:
    text = f"ИНН;Номер договора;Дата договора;Валюта\n{SBER};12;01.02.2025;RUB\n"
    assert import_file("contracts", write_csv("k.csv", text)).created == 1
    assert import_file("contracts", write_csv("k.csv", text)).unchanged == 1
    assert Contract.objects.get().external_id.startswith("nk:")


def test_a_file_with_an_id_column_still_needs_every_id(
    debtors: dict[str, Counterparty], write_csv: Writer
) -> None:
    path = write_csv(
        "d.csv", "external_id;counterparty;number;date;amount\n;ИП Сидоров;1;2026-03-01;5\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_file("documents", path)
    assert messages(caught) == ["d.csv:2:external_id: missing required value"]


def test_a_file_without_any_counterparty_column_is_refused(rub: Company, write_csv: Writer) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_file("documents", write_csv("d.csv", "number;date;amount\n1;2026-03-01;5\n"))
    assert messages(caught) == ["d.csv:1:counterparty: missing required column"]


def test_a_later_file_with_ids_adopts_the_rows_created_without_them(
    rub: Company, write_csv: Writer
) -> None:
    import_file("counterparties", write_csv("cp.csv", f"name;tax_id;country\nРомашка;{SBER};RU\n"))
    import_file("documents", write_csv("d.csv", f"ИНН;Номер;Дата;Сумма\n{SBER};5;01.03.2026;10\n"))
    import_file("payments", write_csv("p.csv", f"ИНН;Дата;Сумма\n{SBER};02.03.2026;4\n"))
    cp = import_file(
        "counterparties",
        write_csv("cp2.csv", f"external_id;name;tax_id;country\nGUID-C;Ромашка;{SBER};RU\n"),
    )
    docs = import_file(
        "documents",
        write_csv(
            "d2.csv",
            "external_id;counterparty;number;date;amount\nGUID-D;GUID-C;5;2026-03-01;11\n",
        ),
    )
    pays = import_file(
        "payments",
        write_csv("p2.csv", "external_id;counterparty;date;amount\nGUID-P;GUID-C;2026-03-02;4\n"),
    )
    assert (cp.created, docs.created, docs.updated, pays.created) == (0, 0, 1, 0)
    assert Counterparty.objects.get().external_id == "GUID-C"
    assert Document.objects.get().external_id == "GUID-D"
    assert Payment.objects.get().external_id == "GUID-P"
    assert Document.objects.get().open_amount == Decimal("7.00")


@pytest.mark.parametrize(
    ("kind", "headers", "fields"),
    [
        (
            "documents",
            [
                "Контрагент",
                "ИНН",
                "КПП",
                "Номер",
                "Дата",
                "Сумма",
                "Валюта",
                "Договор",
                "Срок оплаты",
            ],
            [
                "counterparty",
                "counterparty_tax_id",
                None,
                "number",
                "date",
                "amount",
                "currency",
                "contract",
                "due_date",
            ],
        ),
        (
            "documents",
            ["Контрагент", "ЄДРПОУ", "Номер", "Дата", "Сума", "Договір", "Термін оплати"],
            [
                "counterparty",
                "counterparty_tax_id",
                "number",
                "date",
                "amount",
                "contract",
                "due_date",
            ],
        ),
        (
            "payments",
            ["Плательщик", "ИНН", "Номер", "Дата", "Сумма", "Документ расчетов"],
            ["payer", "counterparty_tax_id", "number", "date", "amount", "document"],
        ),
        (
            "payments",
            ["Платник", "Номер", "Дата", "Сума", "Документ розрахунків"],
            ["payer", "number", "date", "amount", "document"],
        ),
    ],
)
def test_1c_report_headers_are_recognised(
    kind: str, headers: list[str], fields: list[str | None]
) -> None:
    from dunwell.ledger.importing.headers import recognise
    from dunwell.ledger.importing.kinds import KINDS

    mapping = recognise(kind, KINDS[kind].field_names, headers)
    assert [mapping.get(h) for h in headers] == fields


def test_a_counterparties_file_without_a_country_column_takes_the_companys(
    rub: Company, write_csv: Writer
) -> None:
    rub.country = "RU"
    rub.save()
    path = write_csv("cp.csv", f"Наименование;ИНН;КПП\nООО «Ромашка»;{SBER};773601001\n", "cp1251")
    import_file("counterparties", path)
    romashka = Counterparty.objects.get()
    assert (romashka.country, romashka.tax_id, romashka.time_zone) == (
        "RU",
        SBER,
        "Europe/Moscow",
    )
    assert import_file("counterparties", path).unchanged == 1


def test_without_a_country_column_and_a_known_company_the_column_is_required(
    rub: Company, write_csv: Writer
) -> None:
    Company.objects.create(
        code="other", name="Other", country="UA", currency="UAH", calendar_country="UA"
    )
    with pytest.raises(ImportRejected) as caught:
        import_file("counterparties", write_csv("cp.csv", "name;tax_id\nA;\n"))
    assert messages(caught) == ["cp.csv:1:country: missing required column"]
    path = write_csv("cp.csv", "name;country\nA;\n")
    with pytest.raises(ImportRejected) as caught:
        import_file("counterparties", path, company=rub)
    assert messages(caught) == ["cp.csv:2:country: missing required value"]
