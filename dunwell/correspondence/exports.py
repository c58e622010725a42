"""The register of outgoing registered mail as an Excel file, for the post office."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dunwell.cells import append_row
from dunwell.correspondence.models import PaperLetter


def registered_mail_xlsx(letters: Iterable[PaperLetter]) -> bytes:
    """One row per letter: our number, date, addressee, the debtor's address when known, the
    tracking number; oldest first, as the post office's list is written."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Registered mail")[:31]
    append_row(
        sheet,
        [_("Number"), _("Date"), _("Addressee"), _("Address"), _("Tracking number")],
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows = sorted(letters, key=lambda letter: (letter.date, letter.our_number))
    for letter in rows:
        append_row(
            sheet,
            [
                letter.our_number,
                letter.date,
                letter.party,
                letter.counterparty.address,
                letter.tracking_number,
            ],
        )
    for column, width in (("A", 16), ("B", 12), ("C", 40), ("D", 60), ("E", 24)):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
