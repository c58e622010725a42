"""Exported cells are data, never formulas (OWASP CSV injection): one home for every XLSX and
CSV export. A text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written as
a string cell in XLSX and with a leading `'` in CSV, so a spreadsheet never evaluates it.

Numbers, dates and other non-text values pass through unchanged."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """The value for csv.writer: a formula-like text gets a leading `'`."""
    return "'" + value if looks_like_formula(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """The values for `sheet.append`: a formula-like text becomes a cell typed as string.

    Works for write-only and ordinary worksheets (openpyxl accepts cells in `append`)."""
    row: list[Any] = []
    for value in values:
        if looks_like_formula(value):
            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row


def append_row(sheet: Worksheet | Any, values: Iterable[Any]) -> None:
    sheet.append(xlsx_row(sheet, values))


__all__ = ["FORMULA_STARTS", "append_row", "csv_cell", "csv_row", "looks_like_formula", "xlsx_row"]
