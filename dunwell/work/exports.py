"""Excel export of a debtor's open documents."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dunwell.cells import append_row
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
    for column in ("C", "D", "I"):
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    for column in ("F", "G"):
        for cell in sheet[column][1:]:
            cell.number_format = "#,##0.00"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
