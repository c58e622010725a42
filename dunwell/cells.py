"""Exported cells are data, never formulas (OWASP CSV injection): one home for every XLSX and
CSV export. A text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written as
a string cell in XLSX and with a leading `'` in CSV, so a spreadsheet never evaluates it.

Numbers and dates stay numbers and dates, shown as the pages show them: an amount with its
places and thousands grouped (`#,##0.00`: a spreadsheet in Russian shows 14 588 901,57, in
English 14,588,901.57), a date in the language's short form (`dd.mm.yyyy`), instead of
`General` (14588901.57, 0.5 for 0.50) and ISO dates; a `Money` is its amount with its currency
written by the format (`#,##0.00 "EUR"`: still a number to add up). Integers (counts, days)
stay `General`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.formats import get_format
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dunwell.money import Money

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# A sign, then only digits, spaces and separators: a number or a phone as the file wrote it
# ("-5", "-1 234,50", "+37369123456"), which a spreadsheet reads as a value, not a formula.
_SIGNED_NUMBER = re.compile(r"[+-]?\d[\d ,.]*")


def looks_like_formula(value: object) -> bool:
    """A text a spreadsheet would run ("=HYPERLINK(…)", "-2+3", "@SUM(…)"). A signed number is
    not one: the rejected rows' file quoted "-5" and "+37369123456", so the file corrected and
    imported again read "'-5" as no amount (docs/security.md, "Exports")."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and _SIGNED_NUMBER.fullmatch(value) is None
    )


def csv_cell(value: Any) -> Any:
    """The value for csv.writer: a formula-like text gets a leading `'`."""
    return "'" + value if looks_like_formula(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]


# Django's date format characters and the spreadsheet's (the rest is written as it is).
_DATE_PARTS = {"d": "dd", "j": "d", "m": "mm", "n": "m", "Y": "yyyy", "y": "yy"}


def date_pattern() -> str:
    """The active language's short date (`SHORT_DATE_FORMAT`, d.m.Y) as a spreadsheet's."""
    return "".join(_DATE_PARTS.get(c, c) for c in str(get_format("SHORT_DATE_FORMAT")))


def number_pattern(value: Decimal) -> str | None:
    """Thousands grouped and the value's own places: money two (three for a dinar), a rate one.
    A sum the database computed can carry more (SQLite: 47713.5600000000); its trailing zeros
    are not places."""
    if not value.is_finite():
        return None
    written = max(0, -int(value.as_tuple().exponent))
    needed = max(0, -int(value.normalize().as_tuple().exponent)) if value else 0
    places = min(max(min(written, 2), needed), 6)
    return "#,##0." + "0" * places if places else "#,##0"


def money_pattern(money: Money) -> str | None:
    """An amount's pattern with its currency after it, as the pages write money."""
    pattern = number_pattern(money.amount)
    return f'{pattern} "{money.currency}"' if pattern else None


# A write-only sheet writes each row as it is appended, so one cell per column and format is
# reused row after row, kept on the sheet: the format is looked up once, not per amount. The
# styled cells still make a large export about 1.6× as long as an unformatted one (openpyxl's
# path for a cell; bench/RESULTS.md, thirty-fourth part).
REUSED = "_dunwell_formatted_cells"


def _reused(sheet: Any, column: int, pattern: str) -> Any:
    cells = sheet.__dict__.setdefault(REUSED, {})
    cell = cells.get((column, pattern))
    if cell is None:
        cell = cells[(column, pattern)] = WriteOnlyCell(sheet)
        cell.number_format = pattern
    return cell


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """The values for `sheet.append`: a formula-like text becomes a cell typed as string, an
    amount or a date a cell with its format (module docstring).

    Works for write-only and ordinary worksheets (openpyxl accepts cells in `append`)."""
    row: list[Any] = []
    write_only = bool(getattr(sheet.parent, "write_only", False))
    days = ""
    for column, value in enumerate(values):
        if isinstance(value, str):  # SafeString and other subclasses too
            if looks_like_formula(value):
                cell = WriteOnlyCell(sheet, value)
                cell.data_type = "s"
                row.append(cell)
            else:
                row.append(value)
            continue
        kind = type(value)
        if kind is Money:
            pattern = money_pattern(value)
            value = value.amount
        elif kind is Decimal:
            pattern = number_pattern(value)
        elif kind is date or kind is datetime:
            days = days or date_pattern()
            pattern = days if kind is date else None if value.tzinfo else days + " hh:mm"
        else:
            pattern = None
        if pattern is None:
            row.append(value)
            continue
        if write_only:
            cell = _reused(sheet, column, pattern)
            cell.value = value
        else:
            cell = WriteOnlyCell(sheet, value)
            cell.number_format = pattern
        row.append(cell)
    return row


def append_row(sheet: Worksheet | Any, values: Iterable[Any]) -> None:
    sheet.append(xlsx_row(sheet, values))


# A column is at least as wide as an amount of hundreds of millions with its places and groups
# (123 456 789,12): at 12 a spreadsheet showed ######## for a total in roubles or hryvnias.
NARROWEST = 15


def lay_out(sheet: Worksheet | Any, headers: list[Any], *, first: int = 36, above: int = 0) -> None:
    """Columns wide enough for their headings (and the first, the debtor's name, for a name)
    and for a large amount, and the headings kept in view while the rows scroll (`above`: rows
    written before them, a title). A write-only sheet takes both only before its first row."""
    for column, heading in enumerate(headers, 1):
        width = max(NARROWEST, min(len(str(heading)) + 2, 30))
        sheet.column_dimensions[get_column_letter(column)].width = (
            max(first, width) if column == 1 else width
        )
    sheet.freeze_panes = f"A{above + 2}"


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    """An XLSX file `name` for the browser to save (every page's "Export to Excel")."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


__all__ = [
    "FORMULA_STARTS",
    "append_row",
    "csv_cell",
    "csv_row",
    "date_pattern",
    "lay_out",
    "looks_like_formula",
    "money_pattern",
    "number_pattern",
    "xlsx_response",
    "xlsx_row",
    "XLSX_TYPE",
]
