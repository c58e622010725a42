"""Excel exports of the work pages: a debtor's open documents, the debtor list."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dunwell.cells import append_row, lay_out
from dunwell.ledger.models import Counterparty
from dunwell.work.selectors import open_documents_for_export


def open_documents_xlsx(counterparty: Counterparty, today: date) -> bytes:
    """One row per open document, streamed from the database in batches."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Open documents")[:31]
    headers = [
        _("Number"),
        _("Kind"),
        _("Date"),
        _("Due date"),
        _("Days overdue"),
        _("Amount"),
        _("Open amount"),
        _("Currency"),
        _("Accepted on"),
        _("Contract"),
    ]
    lay_out(sheet, headers, first=16)
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for doc in open_documents_for_export(counterparty).iterator(chunk_size=2000):
        append_row(
            sheet,
            [
                doc.number,
                doc.get_kind_display(),
                doc.date,
                doc.due_date,
                max((today - doc.due_date).days, 0),
                doc.amount,
                doc.open_amount,
                doc.currency,
                doc.accepted_on if doc.accepted else None,
                doc.contract.number if doc.contract else "",
            ],
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def debtor_list_xlsx(rows: Any, today: date) -> bytes:
    """The debtor list as on screen (same filters and sort, the same columns, in the user's
    language): one row per debtor and currency (amounts are never added across currencies),
    read from the database in batches. Amounts carry their currency (`cells.money_pattern`).

    The credit column is the one the page shows: exposure against the limit in force, in the
    limit's currency, from the `credit_mark` that the credit app's page column sets on each
    row (`listing.PAGE_COLUMNS`); empty where it set none. The status badges are yes/no
    columns headed by the badges' own words."""
    from dunwell.work.listing import column_labels, page_details

    labels = column_labels()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Debtors")[:31])
    headers = [
        _("Debtor"),
        _("Tax id"),
        labels["country"],
        labels["segment"],
        labels["collector"],
        _("Currency"),
        labels["total"],
        labels["overdue"],
        _("Oldest due date"),
        labels["days"],
        _("Exposure"),
        _("Credit limit"),
        # xgettext:no-python-format
        _("Of the limit, %"),
        _("Over the limit"),
        _("Left out of the exposure: no exchange rate"),
        labels["stopped"],
        labels["legal"],
        labels["dispute"],
        labels["promise"],
    ]
    lay_out(sheet, headers)
    append_row(sheet, headers)
    yes, no = _("yes"), _("no")
    batch: list[Counterparty] = []

    def flush() -> None:
        for cp in page_details(batch, today):
            fixed = [cp.name, cp.tax_id, cp.country, str(cp.segment), str(cp.collector or "")]
            mark = getattr(cp, "credit_mark", None)
            credit = (
                [
                    mark.exposure,
                    mark.limit,
                    mark.percent,
                    (yes if mark.over else no) if mark.limit is not None else "",
                    ", ".join(mark.missing_rates),
                ]
                if mark is not None
                else [None, None, None, "", ""]
            )
            flags = [
                cp.oldest_open_due,  # type: ignore[attr-defined]
                cp.days_overdue,  # type: ignore[attr-defined]
                *credit,
                yes if cp.stop_shipments else no,
                yes if cp.legal else no,
                yes if cp.in_dispute else no,  # type: ignore[attr-defined]
                yes if cp.has_promise else no,  # type: ignore[attr-defined]
            ]
            total = cp.total_due  # type: ignore[attr-defined]
            overdue = cp.overdue  # type: ignore[attr-defined]
            currencies = total.currencies or [""]
            for currency in currencies:
                amounts = (
                    [currency, total.get(currency), overdue.get(currency)]
                    if currency
                    else ["", None, None]
                )
                append_row(sheet, [*fixed, *amounts, *flags])
        batch.clear()

    for cp in rows.iterator(chunk_size=EXPORT_BATCH):
        batch.append(cp)
        if len(batch) >= EXPORT_BATCH:
            flush()
    flush()
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPORT_BATCH = 1000
