"""Exports are data: a text that a spreadsheet would run as a formula is written as text, in
every XLSX and CSV export (aging, debtor documents, rejected import rows)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dunwell.accounts.models import User
from dunwell.cells import append_row, csv_row
from dunwell.insight.export import to_csv
from dunwell.insight.selectors import aging
from dunwell.ledger.importing import import_file
from dunwell.ledger.models import Company, Counterparty, Document

EVIL = '=HYPERLINK("http://evil.example/","Click me")'
QUOTED_EVIL = '"' + EVIL.replace('"', '""') + '"'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_like_text_is_a_string_cell_and_a_quoted_csv_cell(start: str) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    append_row(sheet, [start + "1+1", 5, "plain"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    loaded = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert loaded is not None
    assert loaded["A1"].data_type == "s"
    assert loaded["A1"].value == start + "1+1"
    assert loaded["B1"].value == 5
    assert csv_row([start + "1+1", 5, "plain", -3]) == ["'" + start + "1+1", 5, "plain", -3]


def test_a_signed_number_or_phone_is_written_as_the_file_had_it() -> None:
    """The rejected rows' file is corrected and imported again: "-5" quoted as "'-5" read as no
    amount, "+37369123456" as no phone. A sign before anything but a plain number still is."""
    values = ["-5", "-1 234,50", "+37369123456", "-2+3", "-cmd|' /C calc'!A0", "+1e3"]
    assert csv_row(values) == [
        "-5",
        "-1 234,50",
        "+37369123456",
        "'-2+3",
        "'-cmd|' /C calc'!A0",
        "'+1e3",
    ]


def test_aging_xlsx_export_writes_a_hyperlink_name_as_text(
    client: Client,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    director: User,
) -> None:
    make_document(make_counterparty(name=EVIL), "100.00", due_date=date(2026, 1, 10))
    client.force_login(director)
    response = client.get(reverse("insight:aging_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row if EVIL in str(cell.value)]
    assert len(cells) == 1 and str(cells[0].value).startswith(EVIL)
    assert cells[0].data_type == "s"


def test_aging_csv_export_prefixes_a_hyperlink_name_with_a_quote(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    company: Company,
) -> None:
    make_document(make_counterparty(name=EVIL), "100.00", due_date=date(2026, 1, 10))
    report = aging(date(2026, 3, 31), today=date(2026, 3, 31))
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    cells = [cell for row in rows for cell in row if EVIL in cell]
    assert len(cells) == 1 and cells[0].startswith("'" + EVIL)


def test_debtor_export_writes_a_formula_document_number_as_text(
    client: Client,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    debtor = make_counterparty(collector=collector)
    make_document(debtor, "100.00", number=EVIL, due_date=date(2026, 1, 10))
    client.force_login(collector)
    response = client.get(reverse("work:debtor_export", args=[debtor.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == EVIL]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_rejected_rows_file_quotes_formula_cells(company: Company, tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text(
        "external_id;name;tax_id;country;segment;collector\n"
        "C1;" + QUOTED_EVIL + ";;RO;;nobody-such\n",
        encoding="utf-8",
    )
    out = tmp_path / "rejected.csv"
    result = import_file("counterparties", source, partial=True, rejected_out=out)
    assert result.rejected == 1
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[1][1] == "'" + EVIL


def test_amounts_and_dates_keep_their_places_and_the_language_s_short_date() -> None:
    """A write-only sheet (the large exports) and an ordinary one write the same formats; the
    cells reused across rows of a write-only sheet still carry each row's own value."""
    from datetime import datetime
    from decimal import Decimal

    from django.utils import translation

    for write_only in (True, False):
        workbook = Workbook(write_only=write_only)
        sheet = workbook.create_sheet("x") if write_only else workbook.active
        with translation.override("ru"):
            for n in range(3):
                append_row(
                    sheet,
                    ["A", Decimal(f"{n}1234.50"), Decimal("72.4"), date(2026, 1, n + 1), 7],
                )
        buffer = io.BytesIO()
        workbook.save(buffer)
        rows = list(load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0].iter_rows())
        assert [[c.value for c in row] for row in rows] == [
            ["A", 1234.5, 72.4, datetime(2026, 1, 1), 7],
            ["A", 11234.5, 72.4, datetime(2026, 1, 2), 7],
            ["A", 21234.5, 72.4, datetime(2026, 1, 3), 7],
        ]
        for row in rows:
            assert [c.number_format for c in row] == [
                "General",
                "#,##0.00",  # 1 234,50 in a Russian spreadsheet, not 1234.5
                "#,##0.0",
                "dd.mm.yyyy",  # as the pages write dates, not 2026-01-01
                "General",  # a count
            ]


def test_the_aging_and_debtor_exports_read_as_the_pages_do(
    client: Client,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    director: User,
) -> None:
    make_document(make_counterparty(name="ООО «Ромашка»"), "1234.50", due_date=date(2026, 1, 10))
    director.language = "ru"
    director.save(update_fields=["language"])
    client.force_login(director)
    aging_book = load_workbook(io.BytesIO(client.get(reverse("insight:aging_export")).content))
    rows = list(aging_book.active.iter_rows())
    title = rows[0][0].value
    assert title.startswith("Старение долга на ") and "." in title and "-" not in title
    # Under the title, what the report was built with (the as-of day, buckets, currency),
    # then the headings and the rows.
    at = next(
        n for n, row in enumerate(rows) if str(row[0].value or "").startswith("ООО «Ромашка»")
    )
    first = rows[at]
    amounts = [c for c in first[2:-1] if c.value]
    assert amounts and all(c.number_format == "#,##0.00" for c in amounts)
    # the names fit their column and the headings stay in view below the title
    assert aging_book.active.column_dimensions["A"].width >= 30
    assert aging_book.active.freeze_panes == f"A{at + 1}"  # below the headings (row `at`)
    debtors = load_workbook(io.BytesIO(client.get(reverse("work:debtors_export")).content))
    head, row = list(debtors.active.iter_rows())[:2]
    columns = {cell.value: n for n, cell in enumerate(head)}
    assert row[columns["Всего к оплате"]].value == 1234.5
    # the amount says its currency, as the page does (still a number)
    assert row[columns["Всего к оплате"]].number_format == '#,##0.00 "RON"'
    due = row[columns["Самый ранний срок оплаты"]]
    assert (due.value.date(), due.number_format) == (date(2026, 1, 10), "dd.mm.yyyy")
    assert debtors.active.freeze_panes == "A2"
    assert debtors.active.column_dimensions["I"].width >= len("Самый ранний срок оплаты")


def test_a_formula_in_a_string_subclass_is_still_text() -> None:
    """Template output is a `SafeString`, a subclass of `str`: the guard is not by exact type."""
    from django.utils.safestring import mark_safe

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    append_row(sheet, [mark_safe("=1+1")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    loaded = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert loaded is not None
    assert (loaded["A1"].value, loaded["A1"].data_type) == ("=1+1", "s")


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        ("47713.5600000000", "#,##0.00"),  # a sum SQLite computed: its zeros are not places
        ("100.10", "#,##0.00"),
        ("0.00", "#,##0.00"),
        ("72.4", "#,##0.0"),  # a rate
        ("1.234", "#,##0.000"),  # a dinar's three places
        ("12", "#,##0"),
    ],
)
def test_an_amount_shows_its_own_places(value: str, pattern: str) -> None:
    from decimal import Decimal

    from dunwell.cells import number_pattern

    assert number_pattern(Decimal(value)) == pattern


def test_money_is_a_number_with_its_currency_in_the_format() -> None:
    from decimal import Decimal

    from dunwell.cells import money_pattern
    from dunwell.money import Money

    assert money_pattern(Money(Decimal("1234.50"), "EUR")) == '#,##0.00 "EUR"'
    assert money_pattern(Money(Decimal("1.234"), "KWD")) == '#,##0.000 "KWD"'
