"""Streaming readers for CSV (UTF-8 with or without BOM, or Windows-1251; `;`, `,` or tab)
and XLSX (python-calamine). They yield (line number as the user sees it, cells as text)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import python_calamine

SAMPLE_BYTES = 1 << 20


class ReadError(ValueError):
    """The file cannot be read at all (not a CSV/XLSX, unknown encoding)."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    total: int  # data rows, for the progress bar (an upper bound for CSV)


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (BOM stripped) when the sample decodes as UTF-8, else Windows-1251 (1C's default)."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < len(sample) - 3:
            return "cp1251"
    return "utf-8"


def detect_delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def read_csv(path: Path) -> Table:
    with path.open("rb") as raw:
        sample = raw.read(SAMPLE_BYTES)
    encoding = detect_encoding(sample)
    text = sample.decode(encoding, errors="ignore")
    first_line = text.split("\n", 1)[0]
    delimiter = detect_delimiter(first_line)
    total = max(_count_lines(path) - 1, 0)

    handle = path.open(encoding=encoding, newline="")
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        handle.close()
        return Table([], iter(()), 0)
    except (UnicodeDecodeError, csv.Error) as exc:
        handle.close()
        raise ReadError(str(exc)) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            line = reader.line_num
            for row in reader:
                if (row and row[0].strip()) or any(cell.strip() for cell in row):
                    yield line + 1, row
                line = reader.line_num
        except UnicodeDecodeError as exc:
            raise ReadError(
                f"line {reader.line_num + 1}: not {encoding} text ({exc.reason})"
            ) from None
        except csv.Error as exc:
            raise ReadError(f"line {reader.line_num}: {exc}") from None
        finally:
            handle.close()

    return Table(headers, rows(), total)


def _count_lines(path: Path) -> int:
    count = 0
    last = b"\n"
    with path.open("rb") as raw:
        while chunk := raw.read(1 << 22):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV export would carry."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(round(value, 10))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


def read_xlsx(path: Path) -> Table:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except Exception as exc:  # calamine raises its own error types per format
        raise ReadError(f"not a readable spreadsheet: {exc}") from None
    offset = (sheet.start or (0, 0))[0] + 1  # 1-based row of the first row calamine returns
    iterator = iter(sheet.iter_rows())
    try:
        headers = [cell_text(v) for v in next(iterator)]
    except StopIteration:
        return Table([], iter(()), 0)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for index, values in enumerate(iterator, start=offset + 1):
            cells = [cell_text(v) for v in values]
            if any(cells):
                yield index, cells
        workbook.close()

    return Table(headers, rows(), max(sheet.height - 1, 0))


def read_table(path: Path) -> Table:
    with path.open("rb") as raw:
        magic = raw.read(4)
    if magic.startswith(b"PK\x03\x04") or path.suffix.lower() in {".xlsx", ".xls", ".ods"}:
        return read_xlsx(path)
    return read_csv(path)


def sniff_preview(path: Path, limit: int = 10) -> tuple[list[str], list[list[str]]]:
    """Headers and the first rows, for the upload preview."""
    table = read_table(path)
    preview: list[list[str]] = []
    for _line, row in table.rows:
        preview.append(row)
        if len(preview) >= limit:
            break
    if hasattr(table.rows, "close"):
        table.rows.close()
    return table.headers, preview


__all__ = ["ReadError", "Table", "read_table", "sniff_preview"]
