"""Excel export of a debtor's open documents."""

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
    """The debtor list as on screen (same filters and sort): one row per debtor and currency
    (amounts are never added across currencies), read from the database in batches."""
    from dunwell.work.listing import page_details

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Debtors")[:31])
    headers = [
        _("Debtor"),
        _("Tax id"),
        _("Country"),
        _("Segment"),
        _("Collector"),
        _("Currency"),
        _("Total due"),
        _("Overdue"),
        _("Oldest due date"),
        _("Days overdue"),
        _("Has a promise"),
        _("In dispute"),
        _("On the legal track"),
    ]
    lay_out(sheet, headers)
    append_row(sheet, headers)
    yes, no = _("yes"), _("no")
    batch: list[Counterparty] = []

    def flush() -> None:
        for cp in page_details(batch, today):
            fixed = [cp.name, cp.tax_id, cp.country, str(cp.segment), str(cp.collector or "")]
            flags = [
                cp.oldest_open_due,  # type: ignore[attr-defined]
                cp.days_overdue,  # type: ignore[attr-defined]
                yes if cp.has_promise else no,  # type: ignore[attr-defined]
                yes if cp.in_dispute else no,  # type: ignore[attr-defined]
                yes if cp.legal else no,
            ]
            total = cp.total_due  # type: ignore[attr-defined]
            overdue = cp.overdue  # type: ignore[attr-defined]
            currencies = total.currencies or [""]
            for currency in currencies:
                amounts = (
                    [currency, total.get(currency).amount, overdue.get(currency).amount]
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
