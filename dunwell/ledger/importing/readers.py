"""Streaming readers for CSV (`;`, `,` or tab) and XLSX (python-calamine). They yield (line
number as the user sees it, cells as text).

The encoding of a CSV file is the one the user declares, else detected (docs/import-formats.md):
a BOM says UTF-8 or UTF-16; text that decodes as UTF-8 is UTF-8; otherwise the file is in a
single-byte code page, told apart by how its non-ASCII bytes sit: Cyrillic words are runs of
them (Windows-1251), Latin letters with accents are single ones between ASCII letters
(`Müller`: ISO-8859-1). ISO-8859-2 files are read correctly only when declared."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import python_calamine

from dunwell.ledger.importing.reasons import read_error_text

SAMPLE_BYTES = 1 << 20


class ReadError(ValueError):
    """The file cannot be read at all (not a CSV/XLSX, unknown encoding, no header row): a code
    of reasons.READ_ERRORS and its parameters, worded for whoever reads it; `detail` keeps the
    library's own (English) words for the log."""

    def __init__(self, code: str, detail: str = "", **params: object) -> None:
        super().__init__(code, detail, params)
        self.code, self.detail, self.params = code, detail, params

    def __str__(self) -> str:
        return read_error_text(self.code, self.params)


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    total: int  # data rows, for the progress bar (an upper bound for CSV)
    encoding: str = ""  # the CSV encoding read (declared or detected); "" for spreadsheets
    delimiter: str = ""  # the CSV delimiter detected; "" for spreadsheets


# Encodings a user may declare (the web form's choices, `dunwell import --encoding`).
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-16": "UTF-16",
    "cp1251": "Windows-1251",
    "latin-1": "ISO-8859-1",
    "iso-8859-2": "ISO-8859-2",
}


def detect_encoding(sample: bytes) -> str:
    """The encoding of a CSV sample (module docstring)."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < len(sample) - 3:
            return _single_byte(sample)
    return "utf-8"


def _single_byte(sample: bytes) -> str:
    """Windows-1251 (1C's default) when most non-ASCII bytes stand next to another one (Cyrillic
    words), else ISO-8859-1 (accented letters inside Latin words)."""
    in_runs = alone = 0
    last = len(sample) - 1
    for i, byte in enumerate(sample):
        if byte < 0x80:
            continue
        before = i > 0 and sample[i - 1] >= 0x80
        after = i < last and sample[i + 1] >= 0x80
        if before or after:
            in_runs += 1
        else:
            alone += 1
    return "latin-1" if alone > in_runs else "cp1251"


def detect_delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def read_csv(path: Path, encoding: str | None = None) -> Table:
    with path.open("rb") as raw:
        sample = raw.read(SAMPLE_BYTES)
    if encoding is None:
        encoding = detect_encoding(sample)
    elif encoding not in ENCODINGS:
        raise ReadError("unknown_encoding", encoding=encoding, choices=", ".join(ENCODINGS))
    if not encoding.startswith("utf-16") and _looks_binary(sample):
        raise ReadError("binary")
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
        raise ReadError("empty_file") from None
    except UnicodeDecodeError as exc:
        handle.close()
        line = _undecodable_line(path, encoding)
        raise ReadError("not_text", str(exc), line=line, encoding=encoding) from None
    except csv.Error as exc:
        handle.close()
        raise _csv_error(exc, 1) from None
    if not has_content(headers):
        handle.close()
        raise ReadError("no_header")

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            line = reader.line_num
            for row in reader:
                if has_content(row):
                    yield line + 1, row
                line = reader.line_num
        except UnicodeDecodeError as exc:
            line = _undecodable_line(path, encoding)
            raise ReadError("not_text", str(exc), line=line, encoding=encoding) from None
        except csv.Error as exc:
            raise _csv_error(exc, reader.line_num) from None
        finally:
            handle.close()

    return Table(headers, rows(), total, encoding, delimiter)


# Every byte but the control ones that text does not hold (tab, line ends, form feed, DOS EOF
# stay out of the count).
NOT_CONTROL = bytes(b for b in range(256) if b >= 0x20 or b in (0x09, 0x0A, 0x0C, 0x0D, 0x1A))


def _looks_binary(sample: bytes) -> bool:
    """Whether the bytes are not text at all (a spreadsheet or archive named .csv): control
    bytes are rare in text (one NUL in a cell is that row's problem, not the file's), about one
    byte in eight in binary data."""
    control = len(sample.translate(None, NOT_CONTROL))
    return control > max(len(sample) // 20, 4)


def _undecodable_line(path: Path, encoding: str) -> int:
    """The first line of the file that is not `encoding` text: the text reader decodes ahead of
    the row it hands out, so its own line count is not where the bytes went wrong."""
    with path.open("rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode(encoding)
            except UnicodeDecodeError:
                return number
    return 1


def _csv_error(exc: csv.Error, line: int) -> ReadError:
    text = str(exc)
    if "NUL" in text:
        return ReadError("binary", text)
    if "field limit" in text:
        return ReadError("csv_cell_too_long", text, line=line, max=csv.field_size_limit())
    return ReadError("bad_csv", text, line=line)


def has_content(row: list[str]) -> bool:
    """Whether a row has a cell with something in it (a row of empty cells is left out)."""
    return any(cell.strip() for cell in row)


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


def preview_cell(value: object) -> object:
    """A spreadsheet cell as the upload preview shows it: a date (with its time, if any) and a
    number with a fraction stay values, for the page to write as its reader reads dates and
    amounts (`1200.5` is 1 200,50 in Russian); other cells as `cell_text`."""
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) else value
    if isinstance(value, date):
        return value
    if isinstance(value, float) and not value.is_integer():
        return Decimal(cell_text(value))
    return cell_text(value)


def read_xlsx(path: Path, cell: Callable[[object], Any] = cell_text) -> Table:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types per format
        raise ReadError("not_a_spreadsheet", str(exc)) from None
    try:
        sheet = workbook.get_sheet_by_index(0)
    except Exception as exc:
        raise ReadError("no_sheet", str(exc)) from None
    offset = (sheet.start or (0, 0))[0] + 1  # 1-based row of the first row calamine returns
    iterator = iter(sheet.iter_rows())
    try:
        headers = [cell_text(v) for v in next(iterator)]
    except StopIteration:
        raise ReadError("empty_file") from None
    except Exception as exc:  # a sheet whose cells calamine cannot decode
        raise ReadError("not_a_spreadsheet", str(exc)) from None
    if not any(headers):
        raise ReadError("no_header")

    def rows() -> Iterator[tuple[int, list[str]]]:
        for index, values in enumerate(iterator, start=offset + 1):
            cells = [cell(v) for v in values]
            if any(c != "" for c in cells):
                yield index, cells
        workbook.close()

    return Table(headers, rows(), max(sheet.height - 1, 0))


def read_table(
    path: Path, encoding: str | None = None, cell: Callable[[object], Any] = cell_text
) -> Table:
    """A CSV or spreadsheet; `encoding` (CSV only) overrides the detection; `cell` turns a
    spreadsheet's cell into what the rows hold (text unless told)."""
    with path.open("rb") as raw:
        magic = raw.read(4)
    if magic.startswith(b"PK\x03\x04") or path.suffix.lower() in {".xlsx", ".xls", ".ods"}:
        return read_xlsx(path, cell)
    return read_csv(path, encoding)


def file_encoding(path: Path) -> str:
    """The encoding a CSV file will be read in ("" for a spreadsheet), for the preview."""
    with path.open("rb") as raw:
        magic = raw.read(SAMPLE_BYTES)
    if magic.startswith(b"PK\x03\x04") or path.suffix.lower() in {".xlsx", ".xls", ".ods"}:
        return ""
    return detect_encoding(magic)


def sniff_preview(
    path: Path, limit: int = 10, encoding: str | None = None
) -> tuple[list[str], list[list[Any]]]:
    """Headers and the first rows, for the upload preview: a spreadsheet's cells as
    `preview_cell` keeps them, a CSV file's as the text it holds."""
    table = read_table(path, encoding, cell=preview_cell)
    preview: list[list[Any]] = []
    for _line, row in table.rows:
        preview.append(row)
        if len(preview) >= limit:
            break
    if hasattr(table.rows, "close"):
        table.rows.close()
    return table.headers, preview


__all__ = ["ENCODINGS", "ReadError", "Table", "file_encoding", "read_table", "sniff_preview"]
