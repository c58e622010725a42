"""Reading rate-series CSV files (dunwell/interest/data/). Pure Python: no Django import.

Format, one header line then one row per value:

    series,effective_from,value,source
    ru_key_rate,2024-07-29,18.00,https://cbr.ru/hd_base/KeyRate/

`value` is in percent (per year; for `ua_cpi` the index in % of the previous month with
`effective_from` the first day of the month). A `source` starting with "UNVERIFIED" marks a
value we could not check against the official table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from dunwell.interest.calc.types import RateBook, gettext_noop

DATA_DIR = Path(__file__).resolve().parent / "data"
SERIES_FILE = DATA_DIR / "series.csv"
COLUMNS = ("series", "effective_from", "value", "source")
SERIES_COLUMNS = ("code", "name", "source", "update_cycle_days")


class RateFileError(ValueError):
    """A bad rate file, naming the file, row (1 = header) and column."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params)


@dataclass(frozen=True)
class RateRow:
    series: str
    effective_from: date
    value: Decimal
    source: str


@dataclass(frozen=True)
class SeriesRow:
    code: str
    name: str
    source: str
    update_cycle_days: int


def _reader(name: str, text: str, columns: tuple[str, ...]) -> csv.DictReader[str]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = tuple(reader.fieldnames or ())
    missing = [c for c in columns if c not in header]
    if missing:
        raise RateFileError(
            gettext_noop("%(file)s, row 1: missing column %(column)s (expected: %(expected)s)."),
            file=name,
            column=missing[0],
            expected=",".join(columns),
        )
    return reader


def parse_fx_code(code: str) -> tuple[str, str] | None:
    """ "fx_eur_ron" -> ("EUR", "RON"): an exchange-rate series, created on first import."""
    parts = code.split("_")
    if (
        len(parts) != 3
        or parts[0] != "fx"
        or not all(len(p) == 3 and p.isalpha() for p in parts[1:])
    ):
        return None
    return parts[1].upper(), parts[2].upper()


def parse_rates(name: str, text: str, known_series: Iterable[str] | None = None) -> list[RateRow]:
    """All rows of a rate file, or RateFileError on the first bad cell."""
    known = set(known_series) if known_series is not None else None
    rows: list[RateRow] = []
    seen: dict[tuple[str, date], int] = {}
    for number, raw in enumerate(_reader(name, text, COLUMNS), start=2):
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue
        series = (raw["series"] or "").strip()
        if not series or (
            known is not None and series not in known and parse_fx_code(series) is None
        ):
            raise RateFileError(
                gettext_noop("%(file)s, row %(row)s, column series: unknown series %(value)r."),
                file=name,
                row=number,
                value=series,
            )
        try:
            day = date.fromisoformat((raw["effective_from"] or "").strip())
        except ValueError:
            raise RateFileError(
                gettext_noop(
                    "%(file)s, row %(row)s, column effective_from: %(value)r is not a date "
                    "YYYY-MM-DD."
                ),
                file=name,
                row=number,
                value=raw["effective_from"],
            ) from None
        try:
            value = Decimal((raw["value"] or "").strip())
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise RateFileError(
                gettext_noop("%(file)s, row %(row)s, column value: %(value)r is not a number."),
                file=name,
                row=number,
                value=raw["value"],
            ) from None
        key = (series, day)
        if key in seen:
            raise RateFileError(
                gettext_noop(
                    "%(file)s, row %(row)s, column effective_from: %(series)s on %(day)s is "
                    "already on row %(first)s."
                ),
                file=name,
                row=number,
                series=series,
                day=day.isoformat(),
                first=seen[key],
            )
        seen[key] = number
        rows.append(RateRow(series, day, value, (raw["source"] or "").strip()))
    return rows


def parse_series(name: str, text: str) -> list[SeriesRow]:
    out = []
    for number, raw in enumerate(_reader(name, text, SERIES_COLUMNS), start=2):
        try:
            cycle = int((raw["update_cycle_days"] or "").strip())
        except ValueError:
            raise RateFileError(
                gettext_noop(
                    "%(file)s, row %(row)s, column update_cycle_days: %(value)r is not a whole "
                    "number."
                ),
                file=name,
                row=number,
                value=raw["update_cycle_days"],
            ) from None
        out.append(
            SeriesRow(
                (raw["code"] or "").strip(),
                (raw["name"] or "").strip(),
                (raw["source"] or "").strip(),
                cycle,
            )
        )
    return out


def shipped_series() -> list[SeriesRow]:
    return parse_series(SERIES_FILE.name, SERIES_FILE.read_text(encoding="utf-8"))


def shipped_rates() -> list[RateRow]:
    """Every value of every shipped data file."""
    known = [s.code for s in shipped_series()]
    rows: list[RateRow] = []
    for path in sorted(DATA_DIR.glob("*.csv")):
        if path == SERIES_FILE:
            continue
        rows += parse_rates(path.name, path.read_text(encoding="utf-8"), known)
    return rows


def shipped_ratebook() -> RateBook:
    """A RateBook straight from the data files (tests, and callers without a database)."""
    series: dict[str, list[tuple[date, Decimal]]] = {}
    for row in shipped_rates():
        series.setdefault(row.series, []).append((row.effective_from, row.value))
    return RateBook(series)
