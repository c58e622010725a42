"""The import engine: read → parse rows in Python (types, required values, tax ids) → stream
into a temporary staging table in batches (COPY on PostgreSQL, executemany on SQLite) →
resolve references and validate set-based in SQL → apply with set-based upserts in one
transaction → reallocate the affected counterparties → one timeline entry per counterparty.

Nothing touches the ledger tables before the apply transaction, so a rejected import
changes nothing, and a crash mid-way leaves the ledger as it was (re-running is safe: the
upsert is keyed on the external id).
"""

# Table and column names in the SQL below come from the fixed kind definitions, never from
# the file: S608 does not apply.
# ruff: noqa: S608
from __future__ import annotations

import contextlib
import csv
import heapq
import itertools
import json
import re
import tempfile
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from dunwell.accounts.models import User
from dunwell.cells import csv_row
from dunwell.dbindex import built_after, doubles
from dunwell.ledger.allocation import reallocate_query
from dunwell.ledger.importing import natural, unchanged
from dunwell.ledger.importing.duedates import contract_due_dates
from dunwell.ledger.importing.headers import header_signature, recognise
from dunwell.ledger.importing.kinds import KINDS, NATURAL_KEY_KINDS, Field, Kind
from dunwell.ledger.importing.readers import ReadError, Table, has_content, read_table
from dunwell.ledger.importing.reasons import (
    CODED_HEADER,
    Reason,
    encode,
    read_params,
    reason,
    render,
    with_column,
)
from dunwell.ledger.models import ColumnMapping, Company, Counterparty, ImportRun
from dunwell.ledger.parsing import ParseError, parse_bool, parse_date, parse_decimal, parse_money
from dunwell.ledger.phones import PhoneError, read_phone
from dunwell.ledger.taxids import TaxIdError, normalize_tax_id
from dunwell.locks import exclusive
from dunwell.money import MAX_AMOUNT, is_currency_code
from dunwell.outbox.models import EventKind
from dunwell.outbox.services import emit

BATCH = 20_000
MAX_ERRORS_KEPT = 10_000
STAGE = "dunwell_import_stage"
# The longest cell read (docs/import-formats.md); longer cells are refused with row and column.
MAX_CELL_CHARS = 10_000
# Whole-number columns (days): larger figures are typos and would overflow date arithmetic.
MAX_DAYS = 36_500
# A staging row to write: new (no target yet) or different from its target. New rows are not
# flagged with an UPDATE, which would rewrite the whole staging table on a first import.
CHANGED = "(target_id IS NULL OR changed)"
UNIQUE_VIOLATION = "23505"
# A non-negative amount with exactly two decimals and at most 15 integer digits (ASCII only).
_PLAIN_MONEY = re.compile(r"\d{1,15}\.\d\d", re.ASCII).fullmatch

LANGUAGE_BY_COUNTRY = {"RU": "ru", "UA": "uk", "RO": "ro", "MD": "ro", "BY": "ru", "KZ": "ru"}
ZONE_BY_COUNTRY = {
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "RO": "Europe/Bucharest",
    "MD": "Europe/Chisinau",
    "BY": "Europe/Minsk",
    "KZ": "Asia/Almaty",
    "DE": "Europe/Berlin",
    "PL": "Europe/Warsaw",
    "BG": "Europe/Sofia",
    "HU": "Europe/Budapest",
    "FR": "Europe/Paris",
    "IT": "Europe/Rome",
    "AT": "Europe/Vienna",
    "NL": "Europe/Amsterdam",
    "CZ": "Europe/Prague",
    "GB": "Europe/London",
}
ROLE_WORDS = {
    "orders": "orders",
    "accepts": "accepts",
    "accountant": "accountant",
    "decides_payments": "decides_payments",
    "signs": "signs",
    "заказывает": "orders",
    "принимает": "accepts",
    "бухгалтер": "accountant",
    "решает оплату": "decides_payments",
    "подписывает": "signs",
    "замовляє": "orders",
    "приймає": "accepts",
    "вирішує оплату": "decides_payments",
    "підписує": "signs",
    "comenzi": "orders",
    "receptie": "accepts",
    "contabil": "accountant",
    "decide plati": "decides_payments",
    "semneaza": "signs",
}
# The value an empty cell of an optional column stands for (set while parsing, so that the
# database does not rewrite the staging table to fill defaults).
EMPTY_CELL: dict[str, dict[str, Any]] = {
    "counterparties": {"tax_id": "", "address": ""},
    "contacts": {
        "position": "",
        "phone": "",
        "phone_alt": "",
        "email": "",
        "language": "",
        "notes": "",
    },
    "contracts": {
        "payment_days": 0,
        "payment_day_kind": "calendar",
        "payment_from": "document",
        "prepayment_percent": Decimal(0),
        "prepayment_days": 0,
        "penalty_period": "day",
        "penalty_from_day": 1,
        "pretension_days": 30,
        "governing_law": "",
    },
    "documents": {"kind": "invoice", "accepted": False, "cancelled": False},
    "payments": {"payer": "", "number": "", "cancelled": False},
    "orders": {"status": "confirmed", "invoiced_amount": Decimal(0)},
    "deals": {"name": "", "payment_days": 0},
}
ROLES = ("orders", "accepts", "accountant", "decides_payments", "signs")


@dataclass(frozen=True)
class RowError:
    """Why a row is rejected: a code and its parameters (reasons.py), worded when read."""

    file: str
    row: int
    column: str
    why: Reason

    @property
    def code(self) -> str:
        return self.why.code

    @property
    def params(self) -> dict[str, Any]:
        return self.why.params

    @property
    def reason(self) -> str:
        """The reason in the active language."""
        return render(*self.why)

    def stored(self) -> dict[str, Any]:
        """As an import keeps it (ImportRun.errors): no text, read in the reader's language."""
        return {"row": self.row, "column": self.column, "code": self.code, "params": self.params}

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.reason}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    deleted: int = 0


class ImportRejected(Exception):
    """The file has bad rows and the import was all-or-nothing: nothing was changed."""

    def __init__(self, errors: list[RowError], rejected: int | None = None) -> None:
        super().__init__(f"{len(errors)} error(s); first: {errors[0] if errors else '-'}")
        self.errors = errors
        self.rejected = len({e.row for e in errors}) if rejected is None else rejected


def import_date_range() -> tuple[int, int]:
    """The years an imported date may fall in: setting/env DUNWELL_DATE_RANGE, "1900-2100"."""
    text = str(getattr(settings, "DUNWELL_DATE_RANGE", "1900-2100"))
    low, _sep, high = text.partition("-")
    try:
        years = int(low), int(high)
    except ValueError:
        raise ImproperlyConfigured(
            f"DUNWELL_DATE_RANGE: expected YYYY-YYYY, got {text!r}"
        ) from None
    if not 1 <= years[0] <= years[1] <= 9800:  # + MAX_DAYS stays within date.max
        raise ImproperlyConfigured(f"DUNWELL_DATE_RANGE: expected YYYY-YYYY, got {text!r}")
    return years


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _sql_type(f: Field) -> str:
    return {
        "money": "NUMERIC(18,2)",
        "decimal": "NUMERIC(18,4)",
        "int": "BIGINT",
        "date": "DATE",
        "bool": "BOOLEAN",
    }.get(f.type, "TEXT")


# Staging columns a file without ids fills while parsing (natural.py): the key text after the
# counterparty, the normalised counterparty name, and the number/date read from references.
NATURAL_COLUMNS = [
    ("nk", "TEXT"),
    ("nk_name", "TEXT"),
    ("ref_k_number", "TEXT"),
    ("ref_k_date", "DATE"),
    ("ref_d_number", "TEXT"),
    ("ref_d_date", "DATE"),
]


def _stage_columns(kind: Kind, natural_keys: bool = False) -> list[tuple[str, str]]:
    columns = [("line", "BIGINT PRIMARY KEY"), ("company_id", "BIGINT")]
    for f in kind.fields:
        if f.type == "roles":
            columns += [(f"r_{role}", "BOOLEAN") for role in ROLES]
        else:
            columns.append((f"f_{f.name}", _sql_type(f)))
    if natural_keys:
        columns += NATURAL_COLUMNS
    return columns


RESOLVED = [
    ("target_id", "BIGINT"),
    ("changed", "BOOLEAN"),
    ("cp_id", "BIGINT"),
    ("cp_country", "TEXT"),
    ("old_cp_id", "BIGINT"),
    ("contract_id", "BIGINT"),
    ("k_cp_id", "BIGINT"),
    ("k_currency", "TEXT"),
    ("document_id", "BIGINT"),
    ("d_cp_id", "BIGINT"),
    ("d_contract_id", "BIGINT"),
    ("d_currency", "TEXT"),
    ("segment_id", "BIGINT"),
    ("collector_id", "BIGINT"),
    ("sales_manager_id", "BIGINT"),
    ("stage_id", "BIGINT"),
    ("owner_id", "BIGINT"),
    # a contact's extensions, read off its phones ("069 12 34 56 доб. 12"): _check_phones
    ("x_phone_ext", "TEXT DEFAULT ''"),
    ("x_phone_alt_ext", "TEXT DEFAULT ''"),
]


class _Rejections:
    """Row errors in bounded memory: the first MAX_ERRORS_KEPT messages, the counts, a bitmap of
    the bad line numbers (one bit per line of the file), and every message spilled to a
    temporary file, read back in line order for the rejected-rows file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.keep = MAX_ERRORS_KEPT
        self.errors: list[RowError] = []
        self.messages = 0  # all messages, kept or not
        self.rows = 0  # distinct bad lines
        self._bits = bytearray()
        spill = tempfile.NamedTemporaryFile(prefix="dunwell-rejections-", delete=False)  # noqa: SIM115
        self._spill = spill
        self._path = Path(spill.name)
        # The spill file is a series of runs, each in ascending line order (the row checks
        # go through the file in order, each SQL check reports in order): offsets of each start.
        self._runs: list[int] = [0]
        self._last = -1

    def add(self, row: int, column: str, why: Reason) -> None:
        self.messages += 1
        byte, bit = divmod(row, 8)
        if byte >= len(self._bits):
            self._bits.extend(bytes(byte - len(self._bits) + 1))
        if not self._bits[byte] & (1 << bit):
            self._bits[byte] |= 1 << bit
            self.rows += 1
        if row < self._last:
            self._runs.append(self._spill.tell())
        self._last = row
        # One line per message: JSON escapes the line breaks a column name may hold.
        text = json.dumps([column, why.code, why.params], ensure_ascii=False)
        self._spill.write(f"{row}\t{text}\n".encode())
        if len(self.errors) < self.keep:
            self.errors.append(RowError(self.file, row, column, why))

    def __bool__(self) -> bool:
        return self.rows > 0

    def bad_lines(self) -> Iterator[int]:
        """The bad line numbers, ascending."""
        for byte, value in enumerate(self._bits):
            if value:
                for bit in range(8):
                    if value & (1 << bit):
                        yield byte * 8 + bit

    def _run(self, start: int, end: int | None) -> Iterator[tuple[int, tuple[str, Reason]]]:
        with self._path.open("rb") as handle:
            handle.seek(start)
            while end is None or handle.tell() < end:
                raw = handle.readline()
                if not raw:
                    break
                line, _tab, text = raw.decode().rstrip("\n").partition("\t")
                column, code, params = json.loads(text)
                yield int(line), (column, Reason(code, params))

    def reasons(self) -> Iterator[tuple[int, list[tuple[str, Reason]]]]:
        """(line, its messages) in line order, merged from the spill file's runs."""
        self._spill.flush()
        ends: list[int | None] = [*self._runs[1:], None]
        merged = heapq.merge(
            *(self._run(start, end) for start, end in zip(self._runs, ends, strict=True)),
            key=lambda item: item[0],
        )
        current = -1
        texts: list[tuple[str, Reason]] = []
        for line, text in merged:
            if line != current and texts:
                yield current, texts
                texts = []
            current = line
            texts.append(text)
        if texts:
            yield current, texts

    def close(self) -> None:
        self._spill.close()
        self._path.unlink(missing_ok=True)


class _RowParser:
    """Turns file rows into staging tuples for one kind and one header mapping."""

    def __init__(self, kind: Kind, headers: list[str], mapping: dict[str, str]) -> None:
        self.kind = kind
        self.header_of: dict[str, str] = {}
        self.plan: list[tuple[int, Field]] = []
        index_of = {h: i for i, h in enumerate(headers)}
        for header, name in mapping.items():
            if name and name in kind.field_names and header in index_of:
                self.header_of[name] = header
                self.plan.append((index_of[header], kind.get(name)))
        # A payments file with a payer but no counterparty column (a 1C bank statement): the
        # payer names the counterparty.
        names = set(self.header_of)
        if (
            kind.name == "payments"
            and "payer" in names
            and not names & {"counterparty", "counterparty_tax_id"}
        ):
            self.header_of["counterparty"] = self.header_of["payer"]
            self.plan.append((index_of[self.header_of["payer"]], kind.get("counterparty")))
        present = set(self.header_of)
        # No external_id column: rows are keyed by natural keys (natural.py); with the column,
        # every row needs its id.
        self.natural = kind.name in NATURAL_KEY_KINDS and "external_id" not in present
        self.required = {f.name for f in kind.fields if f.required}
        if kind.name in NATURAL_KEY_KINDS and not self.natural:
            self.required.add("external_id")
        if kind.name == "counterparties" and "country" in present:
            self.required.add("country")
        # The country of counterparties in a file without a country column (Importer.execute).
        self.default_country: str | None = None
        self.slots = list(kind.fields)
        self.sqlite = connection.vendor == "sqlite"
        self.empty = EMPTY_CELL.get(kind.name, {})
        # A column the file does not carry at all is staged with its empty-cell value, so that
        # the database does not rewrite every staging row to fill it (issue 15: 3.9 s for a
        # million payments without a number column). A row that exists keeps its stored value
        # instead: Importer.apply copies it over this one.
        self.absent = {name: value for name, value in self.empty.items() if name not in present}
        self.company_id: int | None = None
        self.steps = [
            (index, f, self._converter(f), f.name in self.required) for index, f in self.plan
        ]
        self.has_roles = any(f.type == "roles" for f in self.slots)
        self.slot_names = [f.name for f in self.slots]
        self.has_counterparty = "counterparty" in kind.field_names

    def column(self, name: str) -> str:
        return self.header_of.get(name, name)

    def header_index(self, name: str) -> int:
        """The position in a row of the cell read as field `name`."""
        return next(index for index, f in self.plan if f.name == name)

    def parse(self, line: int, row: list[str], errors: _Rejections) -> tuple[Any, ...] | None:
        values: dict[str, Any] = {}
        ok = True
        width = len(row)
        empty = self.empty
        for index, f, convert, required in self.steps:
            text = row[index].strip() if index < width else ""
            if len(text) > MAX_CELL_CHARS:
                errors.add(line, self.column(f.name), reason("cell_too_long", n=MAX_CELL_CHARS))
                ok = False
                continue
            if "\x00" in text:
                errors.add(line, self.column(f.name), reason("nul_byte"))
                ok = False
                continue
            if not text:
                if required:
                    errors.add(line, self.column(f.name), reason("missing_value"))
                    ok = False
                elif f.name in empty:
                    values[f.name] = empty[f.name]
                continue
            try:
                values[f.name] = convert(f, text)
            except ParseError as exc:
                errors.add(line, self.column(f.name), exc.args[0])
                ok = False
        if self.default_country is not None:
            values["country"] = self.default_country
        if (
            ok
            and self.has_counterparty
            and not (values.get("counterparty") or values.get("counterparty_tax_id"))
        ):
            errors.add(line, self.column("counterparty"), reason("missing_value"))
            ok = False
        if ok:
            ok = self._row_rules(line, values, errors)
        if not ok:
            return None
        extra = self._natural(values) if self.natural else None
        if self.absent:
            values = {**self.absent, **values}
        if self.has_roles:
            out: list[Any] = [line, self.company_id]
            for f in self.slots:
                if f.type == "roles":
                    roles = values.get(f.name)
                    out += [None if roles is None else (role in roles) for role in ROLES]
                else:
                    out.append(values.get(f.name))
        else:
            get = values.get
            out = [line, self.company_id, *[get(name) for name in self.slot_names]]
        if extra is not None:
            out += extra
        if self.sqlite:
            out = [_sqlite_value(v) for v in out]
        return tuple(out)

    def _converter(self, f: Field) -> Callable[[Field, str], Any]:
        """The conversion of one field, with fast paths for the canonical formats (plain
        `1234.56`, ISO dates, short plain text); anything else goes the general way."""
        if f.type == "money":
            general = self._convert

            def money(f: Field, text: str) -> Any:
                if _PLAIN_MONEY(text):
                    return Decimal(text)
                return general(f, text)

            return money
        if f.type == "date":
            general = self._convert

            low, high = import_date_range()

            def iso_date(f: Field, text: str) -> Any:
                value = None
                if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
                    with contextlib.suppress(ValueError):
                        value = date.fromisoformat(text)
                if value is None:
                    value = general(f, text)
                if not low <= value.year <= high:
                    raise ParseError(
                        reason("date_out_of_range", value=repr(text), low=low, high=high)
                    )
                return value

            return iso_date
        if f.type in {"text", "upper", "lower"}:
            limit = f.max_length
            choices = frozenset(f.choices)
            general = self._convert
            case = {"upper": str.upper, "lower": str.lower}.get(f.type)

            def plain(f: Field, text: str) -> Any:
                value = case(text) if case is not None else text
                if len(value) <= limit and (not choices or value in choices):
                    return value
                return general(f, text)

            return plain
        return self._convert

    def _convert(self, f: Field, text: str) -> Any:
        kind = f.type
        if kind == "money":
            try:
                number = parse_decimal(text)
            except ParseError:
                raise ParseError(reason("bad_number", value=repr(text))) from None
            if abs(number) > MAX_AMOUNT:  # checked before rounding: 30 digits overflow it
                raise ParseError(reason("amount_too_large", value=text, max=str(MAX_AMOUNT)))
            try:
                return parse_money(text)
            except ParseError:
                raise ParseError(reason("bad_number", value=repr(text))) from None
        if kind == "decimal":
            try:
                return parse_decimal(text)
            except ParseError:
                raise ParseError(reason("bad_number", value=repr(text))) from None
        if kind == "int":
            try:
                number = parse_decimal(text)
            except ParseError:
                number = Decimal("0.5")
            if number != number.to_integral_value() or number < 0:
                raise ParseError(reason("not_whole_days", value=repr(text)))
            if number > MAX_DAYS:
                raise ParseError(reason("too_many_days", value=text, max=MAX_DAYS))
            return int(number)
        if kind == "date":
            try:
                return parse_date(text)
            except ParseError:
                raise ParseError(reason("bad_date", value=repr(text))) from None
        if kind == "bool":
            try:
                return parse_bool(text)
            except ParseError:
                raise ParseError(reason("not_yes_no", value=repr(text))) from None
        if kind == "roles":
            roles = set()
            for word in text.replace("|", ",").replace(";", ",").split(","):
                word = " ".join(word.lower().split())
                if not word:
                    continue
                if word not in ROLE_WORDS:
                    raise ParseError(reason("unknown_contact_role", value=repr(word)))
                roles.add(ROLE_WORDS[word])
            return roles
        if kind == "upper":
            text = text.upper()
        elif kind == "lower":
            text = text.lower()
        if len(text) > f.max_length:
            raise ParseError(reason("too_long", n=f.max_length))
        if f.choices and text not in f.choices:
            raise ParseError(
                reason("unknown_choice", value=repr(text), choices=", ".join(f.choices))
            )
        return text

    def _natural(self, values: dict[str, Any]) -> list[Any]:
        """The natural-key columns of a row (NATURAL_COLUMNS). A counterparty's generated id
        is known here; the other kinds' need their counterparty's id (SQL, `_natural_keys`)."""
        kind = self.kind.name
        name: str | None
        if kind == "counterparties":
            key = natural.counterparty_key(
                values["country"],
                values.get("tax_id") or "",
                values.get("kpp") or "",
                values["name"],
            )
            values["external_id"] = natural.generated_id(key)
            name = natural.normalize_name(values["name"])
        else:
            name = natural.normalize_name(values.get("counterparty") or "") or None
            if kind == "payments":
                key = natural.payment_key(values.get("number"), values["date"], values["amount"])
            else:
                key = natural.dated_key(values["number"], values["date"])
        k_number = k_date = d_number = d_date = None
        if values.get("contract"):
            k_number, k_date = natural.parse_reference(values["contract"])
        if values.get("document"):
            d_number, d_date = natural.parse_reference(values["document"])
        return [key, name, k_number, k_date, d_number, d_date]

    def _row_rules(self, line: int, values: dict[str, Any], errors: _Rejections) -> bool:
        kind = self.kind.name
        if values.get("currency"):
            values["currency"] = natural.currency_code(values["currency"])
        amount = values.get("amount")
        if amount is not None:
            if kind == "payments" and amount <= 0:
                errors.add(line, self.column("amount"), reason("amount_not_positive"))
                return False
            if amount < 0:
                errors.add(
                    line, self.column("amount"), reason("negative_amount", value=str(amount))
                )
                return False
            if amount > MAX_AMOUNT:
                # At most 15 digits before the decimal mark (dunwell.money.MAX_AMOUNT): SQLite
                # would store a larger figure as a float and every page showing it would fail.
                errors.add(
                    line,
                    self.column("amount"),
                    reason("amount_too_large", value=str(amount), max=str(MAX_AMOUNT)),
                )
                return False
        if "currency" in values and not is_currency_code(values["currency"]):
            errors.add(
                line,
                self.column("currency"),
                reason("bad_currency", value=repr(values["currency"])),
            )
            return False
        if kind == "counterparties":
            country = values.get("country", "")
            if len(country) != 2 or not country.isalpha():
                errors.add(
                    line,
                    self.column("country"),
                    reason("bad_country", value=repr(country)),
                )
                return False
            if values.get("tax_id"):
                try:
                    values["tax_id"] = normalize_tax_id(country, values["tax_id"])
                except TaxIdError as exc:
                    errors.add(line, self.column("tax_id"), reason(exc.code, **exc.params))
                    return False
            zone = values.get("time_zone")
            if zone and zone not in _zones():
                errors.add(
                    line,
                    self.column("time_zone"),
                    reason("unknown_time_zone", value=repr(zone)),
                )
                return False
        if kind == "documents" and values.get("accepted_on") and "accepted" not in values:
            values["accepted"] = True
        if kind == "orders":
            return self._order_rules(line, values, errors)
        if kind == "deals":
            return self._deal_rules(line, values, errors)
        return True

    def _deal_rules(self, line: int, values: dict[str, Any], errors: _Rejections) -> bool:
        """A probability is a percentage; payment terms are not negative."""
        probability = values.get("probability")
        if probability is not None and not 0 <= probability <= 100:
            errors.add(
                line,
                self.column("probability"),
                reason("bad_probability", value=str(probability)),
            )
            return False
        days = values.get("payment_days")
        if days is not None and days < 0:
            errors.add(
                line,
                self.column("payment_days"),
                reason("negative_days", value=str(days)),
            )
            return False
        return True

    def _order_rules(self, line: int, values: dict[str, Any], errors: _Rejections) -> bool:
        """An order is invoiced for at most its amount, never for a negative sum."""
        invoiced = values.get("invoiced_amount")
        if invoiced is None:
            return True
        column = self.column("invoiced_amount")
        if invoiced < 0:
            errors.add(line, column, reason("negative_amount", value=str(invoiced)))
            return False
        if invoiced > values["amount"]:
            errors.add(
                line,
                column,
                reason("invoiced_too_much", value=str(invoiced), amount=str(values["amount"])),
            )
            return False
        return True


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


class _ReadAgain(Exception):
    """The unchanged rows found in SQL and the rows read in Python differ: import again."""


class Importer:
    def __init__(
        self,
        kind: Kind,
        path: Path | None,
        *,
        company: Company | None,
        partial: bool,
        mapping: dict[str, str] | None,
        user: User | None,
        run: ImportRun | None,
        progress: Callable[[int, int], None] | None,
        display_name: str | None = None,
        encoding: str | None = None,
        table: Table | None = None,
    ) -> None:
        self.kind = kind
        self.encoding = encoding
        self.path = path
        self.table = table
        self.company = company
        self.partial = partial
        self.mapping = mapping
        self.user = user
        self.run = run
        self.progress = progress
        self.file = display_name or (path.name if path is not None else kind.name)
        self.errors = _Rejections(self.file)
        self.postgres = connection.vendor == "postgresql"
        self.result = ImportResult()
        self._names_ready = False  # the counterparties-by-name table of this import
        self.skipped = 0  # rows found unchanged before parsing (unchanged.py)
        self.skipped_length = 0  # the characters in their cells

    # --- reading ---------------------------------------------------------------------------

    def resolve_mapping(self, headers: list[str]) -> dict[str, str]:
        if self.mapping is not None:
            return dict(self.mapping)
        saved = ColumnMapping.objects.filter(
            kind=self.kind.name, signature=header_signature(headers)
        ).first()
        if saved is not None:
            return dict(saved.mapping)
        return recognise(self.kind.name, self.kind.field_names, headers)

    def _report(self, done: int, total: int) -> None:
        if self.run is not None:
            ImportRun.objects.filter(pk=self.run.pk).update(
                rows_done=done, rows_total=total, progress_at=timezone.now()
            )
        if self.progress is not None:
            self.progress(done, total)

    def load(
        self,
        cursor: CursorWrapper,
        table: Table,
        parser: _RowParser,
        skip: unchanged.Unchanged | None = None,
    ) -> int:
        """Parse and stage the rows; with `skip`, only the rows whose external id cell is one
        of `skip.to_parse` (the others are in the ledger as they are: unchanged.py). Returns
        the rows read; `self.skipped` counts the rows left out."""
        columns = _stage_columns(self.kind, parser.natural)
        names = [c for c, _t in columns]
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        ddl = ", ".join(f"{c} {t}" for c, t in columns + RESOLVED)
        cursor.execute(f"CREATE TEMP TABLE {STAGE} ({ddl})")
        total = max(table.total, 1)
        done = 0
        batch: list[tuple[Any, ...]] = []
        insert = (
            f"INSERT INTO {STAGE} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
        )
        self._report(0, table.total)

        def flush() -> None:
            if not batch:
                return
            if self.postgres:
                with cursor.cursor.copy(f"COPY {STAGE} ({', '.join(names)}) FROM STDIN") as copy:
                    for values in batch:
                        copy.write_row(values)
            else:
                cursor.executemany(insert, batch)
            batch.clear()

        self.skipped = self.skipped_length = 0
        rows: Iterable[tuple[int, list[str]]] = table.rows
        if skip is not None and skip.converted is not None and skip.records != table.total:
            raise _ReadAgain  # the converted rows are found only by PostgreSQL's reading
        if skip is not None and skip.rows is not None and skip.records == table.total:
            # No quote in the file, and PostgreSQL read a record on every line after the header
            # (no line it took for other than a row): its reading is the csv module's, record
            # k is line k + 1, and Python need not read the file at all (unchanged.py).
            if hasattr(table.rows, "close"):
                table.rows.close()
            self.skipped, self.skipped_length = skip.count, skip.length
            done = skip.count
            if skip.converted is not None:
                # The rows in canonical formats, converted in SQL (canonical.py).
                assert parser.company_id is not None
                done += unchanged.stage_converted(cursor, STAGE, parser.company_id, skip.converted)
                self._report(done, max(total, done))
            # (a row of empty cells is left out, as the csv reader leaves it out)
            rows = ((number + 1, row) for number, row in skip.rows if has_content(row))
            skip = None  # every row left is one to parse
        external = parser.header_index("external_id") if skip is not None else -1
        to_parse = skip.to_parse if skip is not None else set()
        for line, row in rows:
            done += 1
            if external >= 0 and (row[external] if external < len(row) else "") not in to_parse:
                self.skipped += 1
                self.skipped_length += sum(map(len, row))
                if done % BATCH == 0:
                    self._report(done, max(total, done))
                continue
            values = parser.parse(line, row, self.errors)
            if values is not None:
                batch.append(values)
            if len(batch) >= BATCH:
                flush()
                self._report(done, max(total, done))
        flush()
        self._report(done, max(table.total, done))
        return done

    # --- resolving and checking (SQL) ------------------------------------------------------

    def _sql_errors(
        self, cursor: CursorWrapper, sql: str, column: str, why: Callable[..., Reason]
    ) -> None:
        cursor.execute(sql)
        while rows := cursor.fetchmany(BATCH):
            for row in rows:
                self.errors.add(int(row[0]), column, why(*row[1:]))

    @property
    def default_company(self) -> Company | None:
        if self.company is not None:
            return self.company
        companies = list(Company.objects.all()[:2])
        return companies[0] if len(companies) == 1 else None

    def resolve(self, cursor: CursorWrapper, parser: _RowParser) -> None:
        present = set(parser.header_of)
        col = parser.column
        # Company: the file's code, else the one given, else the only one.
        if "company" in present:
            cursor.execute(
                f"UPDATE {STAGE} SET company_id = (SELECT c.id FROM ledger_company c "
                f"WHERE c.code = {STAGE}.f_company) WHERE f_company IS NOT NULL"
            )
            self._sql_errors(
                cursor,
                f"SELECT line, f_company FROM {STAGE} WHERE f_company IS NOT NULL "
                "AND company_id IS NULL ORDER BY line",
                col("company"),
                lambda v: reason("unknown_company", value=repr(v)),
            )
        if self.default_company is None:
            self._sql_errors(
                cursor,
                f"SELECT line FROM {STAGE} WHERE company_id IS NULL AND f_company IS NULL "
                "ORDER BY line",
                col("company"),
                lambda: reason("which_company"),
            )
        kind = self.kind.name
        names = self.kind.field_names
        self._resolve_references(cursor, names, parser.natural)
        if "counterparty" in names:
            by_tax = "counterparty_tax_id" in present
            # A counterparty may also be named by its tax id when that id is unique: in a
            # tax id column (1C reports: `Контрагент;ИНН`) or in the counterparty column.
            sources = ["f_counterparty_tax_id"] if by_tax else []
            if "counterparty" in present:
                sources.append("f_counterparty")
            for source in sources:
                cursor.execute(
                    f"UPDATE {STAGE} SET cp_id = c.id, cp_country = c.country FROM ("
                    "SELECT company_id, tax_id, MIN(id) AS id, MIN(country) AS country "
                    "FROM ledger_counterparty WHERE tax_id <> '' GROUP BY company_id, tax_id "
                    f"HAVING COUNT(*) = 1) c WHERE {STAGE}.cp_id IS NULL "
                    f"AND c.company_id = {STAGE}.company_id AND c.tax_id = {STAGE}.{source}"
                )
            if parser.natural:
                self._counterparties_by_name(cursor)
            if by_tax:
                self._sql_errors(
                    cursor,
                    f"SELECT line, f_counterparty_tax_id FROM {STAGE} WHERE cp_id IS NULL "
                    "AND company_id IS NOT NULL AND f_counterparty_tax_id IS NOT NULL "
                    "ORDER BY line",
                    col("counterparty_tax_id"),
                    lambda v: reason("no_counterparty_with_tax_id", value=repr(v)),
                )
            self._sql_errors(
                cursor,
                f"SELECT line, f_counterparty FROM {STAGE} WHERE cp_id IS NULL "
                "AND company_id IS NOT NULL "
                + ("AND f_counterparty_tax_id IS NULL " if by_tax else "")
                + "ORDER BY line",
                col("counterparty"),
                lambda v: reason("unknown_counterparty", value=repr(v)),
            )
        if parser.natural:
            for name in ("contract", "document"):
                if name in names:
                    self._by_reference(cursor, name)
        if "currency" in names:
            # No currency (no column, or an empty cell): the named document's, the contract's,
            # else the company's (1C reports often carry none).
            sources = [
                c for c, n in (("d_currency", "document"), ("k_currency", "contract")) if n in names
            ]
            sources.append(
                f"(SELECT c.currency FROM ledger_company c WHERE c.id = {STAGE}.company_id)"
            )
            cursor.execute(
                f"UPDATE {STAGE} SET f_currency = COALESCE({', '.join(sources)}, NULL) "
                "WHERE f_currency IS NULL"
            )
        if "contract" in names:
            self._sql_errors(
                cursor,
                f"SELECT line, f_contract FROM {STAGE} WHERE f_contract IS NOT NULL "
                "AND contract_id IS NULL AND company_id IS NOT NULL ORDER BY line",
                col("contract"),
                lambda v: reason("unknown_contract", value=repr(v)),
            )
            if kind == "instalments":
                cursor.execute(f"UPDATE {STAGE} SET cp_id = k_cp_id")
            else:
                self._sql_errors(
                    cursor,
                    f"SELECT line, f_contract FROM {STAGE} WHERE contract_id IS NOT NULL "
                    "AND cp_id IS NOT NULL AND k_cp_id <> cp_id ORDER BY line",
                    col("contract"),
                    lambda v: reason("contract_of_another", value=repr(v)),
                )
                self._sql_errors(
                    cursor,
                    f"SELECT line, f_currency, k_currency FROM {STAGE} "
                    "WHERE contract_id IS NOT NULL AND k_currency <> f_currency ORDER BY line",
                    col("currency"),
                    lambda v, k: reason("contract_currency", value=v, contract=k),
                )
        if "document" in names:
            self._sql_errors(
                cursor,
                f"SELECT line, f_document FROM {STAGE} WHERE f_document IS NOT NULL "
                "AND document_id IS NULL AND company_id IS NOT NULL ORDER BY line",
                col("document"),
                lambda v: reason("unknown_document", value=repr(v)),
            )
            self._sql_errors(
                cursor,
                f"SELECT line, f_document FROM {STAGE} WHERE document_id IS NOT NULL "
                "AND cp_id IS NOT NULL AND d_cp_id <> cp_id ORDER BY line",
                col("document"),
                lambda v: reason("document_of_another", value=repr(v)),
            )
            # A payment is in the currency of the document it names, contract column or not.
            self._sql_errors(
                cursor,
                f"SELECT line, f_currency, d_currency FROM {STAGE} "
                "WHERE document_id IS NOT NULL AND d_currency <> f_currency ORDER BY line",
                col("currency"),
                lambda v, d: reason("document_currency", value=v, document=d),
            )
            # The contract of the named document, when the payment names none.
            cursor.execute(
                f"UPDATE {STAGE} SET contract_id = d_contract_id "
                "WHERE contract_id IS NULL AND d_cp_id = cp_id"
            )
        if kind == "counterparties":
            cursor.execute(
                f"UPDATE {STAGE} SET segment_id = (SELECT s.id FROM ledger_segment s "
                f"WHERE s.code = {STAGE}.f_segment) WHERE f_segment IS NOT NULL"
            )
            self._sql_errors(
                cursor,
                f"SELECT line, f_segment FROM {STAGE} WHERE f_segment IS NOT NULL "
                "AND segment_id IS NULL ORDER BY line",
                col("segment"),
                lambda v: reason("unknown_segment", value=repr(v)),
            )
            for role in ("collector", "sales_manager"):
                cursor.execute(
                    f"UPDATE {STAGE} SET {role}_id = (SELECT u.id FROM accounts_user u "
                    f"WHERE u.username = {STAGE}.f_{role}) WHERE f_{role} IS NOT NULL"
                )
                self._sql_errors(
                    cursor,
                    f"SELECT line, f_{role} FROM {STAGE} WHERE f_{role} IS NOT NULL "
                    f"AND {role}_id IS NULL ORDER BY line",
                    col(role),
                    lambda v: reason("unknown_user", value=repr(v)),
                )
        if kind == "deals":
            self._deal_references(cursor, parser)
        if parser.natural:
            self._natural_keys(cursor, parser)
        elif "external_id" in names:
            scope = "cp_id" if kind == "contacts" else "company_id"
            self._sql_errors(
                cursor,
                f"SELECT line, f_external_id, first FROM (SELECT line, f_external_id, "
                f"MIN(line) OVER (PARTITION BY {scope}, f_external_id) AS first "
                f"FROM {STAGE}) x WHERE line > first ORDER BY line",
                col("external_id"),
                lambda v, first: reason("duplicate_external_id", value=repr(v), row=first),
            )
        if kind == "contacts":
            self._check_phones(cursor, parser)
        if kind == "documents":
            self._due_dates(cursor)

    def _deal_references(self, cursor: CursorWrapper, parser: _RowParser) -> None:
        """A deal's stage by its code in its company's pipeline (the shipped default stages
        are created for a company that has none), its owner by username."""
        from dunwell.ledger.deals import ensure_default_stages

        col = parser.column
        cursor.execute(f"SELECT DISTINCT company_id FROM {STAGE} WHERE company_id IS NOT NULL")
        ensure_default_stages(row[0] for row in cursor.fetchall())
        cursor.execute(
            f"UPDATE {STAGE} SET stage_id = (SELECT s.id FROM ledger_dealstage s "
            f"WHERE s.company_id = {STAGE}.company_id AND s.code = {STAGE}.f_stage)"
        )
        self._sql_errors(
            cursor,
            f"SELECT line, f_stage FROM {STAGE} WHERE stage_id IS NULL "
            "AND company_id IS NOT NULL ORDER BY line",
            col("stage"),
            lambda v: reason("unknown_deal_stage", value=repr(v)),
        )
        if "owner" in parser.header_of:
            cursor.execute(
                f"UPDATE {STAGE} SET owner_id = (SELECT u.id FROM accounts_user u "
                f"WHERE u.username = {STAGE}.f_owner) WHERE f_owner IS NOT NULL"
            )
            self._sql_errors(
                cursor,
                f"SELECT line, f_owner FROM {STAGE} WHERE f_owner IS NOT NULL "
                "AND owner_id IS NULL ORDER BY line",
                col("owner"),
                lambda v: reason("unknown_user", value=repr(v)),
            )

    def _deal_stage_dates(self, cursor: CursorWrapper, present: set[str]) -> None:
        """The day a deal entered its stage: the file's when given; else, for a deal staying
        on its stage, the stored day; else (a new deal, or one moved to another stage) today."""
        today = timezone.localdate()
        stored = (
            f"(SELECT t.stage_entered_on FROM ledger_deal t WHERE t.id = {STAGE}.target_id "
            f"AND t.stage_id = {STAGE}.stage_id)"
        )
        given = "f_stage_entered_on, " if "stage_entered_on" in present else ""
        cursor.execute(
            f"UPDATE {STAGE} SET f_stage_entered_on = COALESCE({given}{stored}, %s)", [today]
        )

    # --- files without ids (natural keys) --------------------------------------------------

    def _name_table(self, cursor: CursorWrapper) -> None:
        """A temporary table of the counterparties of the companies being imported, by
        normalised name (names that two counterparties share are left out: ambiguous). One
        pass over the counterparties, not over the rows."""
        cursor.execute(f"SELECT DISTINCT company_id FROM {STAGE} WHERE company_id IS NOT NULL")
        companies = [row[0] for row in cursor.fetchall()]
        seen: dict[tuple[int, str], tuple[Any, ...] | None] = {}
        for company_id, name, pk, external_id, country in Counterparty.objects.filter(
            company_id__in=companies
        ).values_list("company_id", "name", "id", "external_id", "country"):
            key = (company_id, natural.normalize_name(name))
            seen[key] = None if key in seen else (*key, pk, external_id, country)
        cursor.execute("DROP TABLE IF EXISTS dunwell_import_names")
        cursor.execute(
            "CREATE TEMP TABLE dunwell_import_names (company_id BIGINT, name_key TEXT, "
            "id BIGINT, external_id TEXT, country TEXT)"
        )
        rows = [row for row in seen.values() if row is not None]
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                "INSERT INTO dunwell_import_names VALUES (%s, %s, %s, %s, %s)",
                rows[start : start + BATCH],
            )
        self._names_ready = True

    @staticmethod
    def _exists(cursor: CursorWrapper, sql: str) -> bool:
        cursor.execute(sql)
        return cursor.fetchone() is not None

    def _counterparties_by_name(self, cursor: CursorWrapper) -> None:
        """Counterparties named by their name alone (1C reports), matched normalised."""
        cursor.execute(
            f"SELECT 1 FROM {STAGE} WHERE cp_id IS NULL AND nk_name IS NOT NULL "
            "AND company_id IS NOT NULL LIMIT 1"
        )
        if cursor.fetchone() is None:
            return
        self._name_table(cursor)
        cursor.execute(
            f"UPDATE {STAGE} SET cp_id = n.id, cp_country = n.country FROM dunwell_import_names n "
            f"WHERE {STAGE}.cp_id IS NULL AND n.company_id = {STAGE}.company_id "
            f"AND n.name_key = {STAGE}.nk_name"
        )

    def _by_reference(self, cursor: CursorWrapper, name: str) -> None:
        """A contract or document named as 1C prints it ("Договор № 12 от 01.02.2025",
        "Реализация товаров и услуг 0000-000123 от 12.03.2026", or a bare number): found by
        number (and date when given) among its counterparty's, when exactly one matches;
        else by the whole text as the number."""
        if name == "contract":
            table, ref, sets = (
                "ledger_contract",
                "ref_k",
                {"contract_id": "id", "k_cp_id": "counterparty_id", "k_currency": "currency"},
            )
        else:
            table, ref, sets = (
                "ledger_document",
                "ref_d",
                {
                    "document_id": "id",
                    "d_cp_id": "counterparty_id",
                    "d_contract_id": "contract_id",
                    "d_currency": "currency",
                },
            )
        target = next(iter(sets))
        picks = ", ".join(f"MIN(t.{db}) AS {st}" for st, db in sets.items())
        assign = ", ".join(f"{st} = r.{st}" for st in sets)
        for number, dated in ((f"s.{ref}_number", True), (f"s.f_{name}", False)):
            if not dated and not self._exists(
                cursor,
                f"SELECT 1 FROM {STAGE} WHERE {target} IS NULL AND f_{name} IS NOT NULL "
                "AND cp_id IS NOT NULL LIMIT 1",
            ):
                break
            when_dated = f"AND (s.{ref}_date IS NULL OR t.date = s.{ref}_date) " if dated else ""
            cursor.execute(
                f"UPDATE {STAGE} SET {assign} FROM (SELECT s.line, {picks} FROM {STAGE} s "
                f"JOIN {table} t ON t.counterparty_id = s.cp_id AND t.number = {number} "
                f"{when_dated}WHERE s.{target} IS NULL AND s.f_{name} IS NOT NULL "
                f"GROUP BY s.line HAVING COUNT(*) = 1) r WHERE r.line = {STAGE}.line"
            )

    def _natural_keys(self, cursor: CursorWrapper, parser: _RowParser) -> None:
        """External ids of a file without ids: the existing row with the same natural key
        keeps its id; a new row gets `nk:` + MD5 of its key (natural.py). Two rows of the
        file with the same key are refused, naming both rows."""
        kind = self.kind.name
        col = parser.column
        if kind == "counterparties":
            unknown = (
                "NOT EXISTS (SELECT 1 FROM ledger_counterparty t WHERE t.company_id = "
                f"{STAGE}.company_id AND t.external_id = {STAGE}.f_external_id)"
            )
            # A counterparty loaded earlier with its accounting id, found by tax id (unique
            # in the country) or, without a tax id, by normalised name.
            cursor.execute(
                f"UPDATE {STAGE} SET f_external_id = c.ext FROM (SELECT company_id, country, "
                "tax_id, MIN(external_id) AS ext FROM ledger_counterparty WHERE tax_id <> '' "
                "AND SUBSTR(external_id, 1, 3) <> 'nk:' GROUP BY company_id, country, tax_id "
                f"HAVING COUNT(*) = 1) c WHERE c.company_id = {STAGE}.company_id "
                f"AND c.country = {STAGE}.f_country AND c.tax_id = {STAGE}.f_tax_id AND {unknown}"
            )
            cursor.execute(
                f"SELECT 1 FROM {STAGE} WHERE COALESCE(f_tax_id, '') = '' AND {unknown} LIMIT 1"
            )
            if cursor.fetchone() is not None:
                if not self._names_ready:
                    self._name_table(cursor)
                cursor.execute(
                    f"UPDATE {STAGE} SET f_external_id = n.external_id FROM "
                    f"dunwell_import_names n WHERE n.company_id = {STAGE}.company_id "
                    f"AND n.name_key = {STAGE}.nk_name AND COALESCE({STAGE}.f_tax_id, '') = '' "
                    f"AND {unknown}"
                )
            what, column = (
                "tax_id_or_name",
                col("tax_id" if "tax_id" in parser.header_of else "name"),
            )
        else:
            table = {
                "contracts": "ledger_contract",
                "documents": "ledger_document",
                "payments": "ledger_payment",
            }[kind]
            numbered = f"AND COALESCE({STAGE}.f_number, '') <> ''" if kind == "payments" else ""
            # The row loaded earlier (with its accounting id or a generated one) with the same
            # counterparty, number and date keeps its id.
            cursor.execute(
                f"UPDATE {STAGE} SET f_external_id = t.ext FROM (SELECT counterparty_id, "
                f"number, date, MIN(external_id) AS ext FROM {table} WHERE counterparty_id IN "
                f"(SELECT cp_id FROM {STAGE}) GROUP BY counterparty_id, number, date) t "
                f"WHERE t.counterparty_id = {STAGE}.cp_id AND t.number = {STAGE}.f_number "
                f"AND t.date = {STAGE}.f_date {numbered}"
            )
            if kind == "payments" and self._exists(
                cursor, f"SELECT 1 FROM {STAGE} WHERE COALESCE(f_number, '') = '' LIMIT 1"
            ):
                cursor.execute(
                    f"UPDATE {STAGE} SET f_external_id = t.ext FROM (SELECT counterparty_id, "
                    f"date, amount, MIN(external_id) AS ext FROM {table} WHERE counterparty_id "
                    f"IN (SELECT cp_id FROM {STAGE}) GROUP BY counterparty_id, date, amount) t "
                    f"WHERE t.counterparty_id = {STAGE}.cp_id AND t.date = {STAGE}.f_date "
                    f"AND t.amount = {STAGE}.f_amount AND COALESCE({STAGE}.f_number, '') = ''"
                )
            tag = {"contracts": "k", "documents": "d", "payments": "p"}[kind]
            cursor.execute(
                f"UPDATE {STAGE} SET f_external_id = '{natural.PREFIX}' || "
                f"MD5(c.external_id || '|{tag}|' || {STAGE}.nk) FROM ledger_counterparty c "
                f"WHERE c.id = {STAGE}.cp_id AND {STAGE}.f_external_id IS NULL"
            )
            what = "payer_number_date" if kind == "payments" else "counterparty_number_date"
            column = col("number" if "number" in parser.header_of else "date")
        self._sql_errors(
            cursor,
            f"SELECT line, first FROM (SELECT line, MIN(line) OVER (PARTITION BY company_id, "
            f"f_external_id) AS first FROM {STAGE} WHERE f_external_id IS NOT NULL) x "
            "WHERE line > first ORDER BY line",
            column,
            lambda first: reason("duplicate_key", row=first, key=what),
        )
        cursor.execute("DROP TABLE IF EXISTS dunwell_import_names")

    def _adopt_natural_rows(self, cursor: CursorWrapper) -> None:
        """A file WITH ids for rows created without them (`nk:` ids): the row with the same
        natural key takes the file's id, instead of a second row being created (a ledger
        first loaded from 1C reports, then kept by the 1C connector with 1C's GUIDs). A
        counterparty is matched by tax id and country only. A pair is adopted only when the
        file row and the `nk:` row match each other alone."""
        target = self.kind.target
        # Not a range ("nk:" <= id < "nk;"): PostgreSQL's linguistic collations ignore the
        # punctuation that range relies on.
        nk_rows = "SUBSTR(t.external_id, 1, 3) = 'nk:'"
        cursor.execute(f"SELECT DISTINCT company_id FROM {STAGE} WHERE company_id IS NOT NULL")
        companies = [row[0] for row in cursor.fetchall()]
        if not companies:
            return
        cursor.execute(
            f"SELECT 1 FROM {target} t WHERE t.company_id IN "
            f"({', '.join(['%s'] * len(companies))}) AND {nk_rows} LIMIT 1",
            companies,
        )
        if cursor.fetchone() is None:
            return
        if self.kind.name == "counterparties":
            match = "t.country = s.f_country AND t.tax_id = s.f_tax_id AND s.f_tax_id <> ''"
        elif self.kind.name == "payments":
            match = (
                "t.counterparty_id = s.cp_id AND t.date = s.f_date AND ("
                "(t.number <> '' AND t.number = s.f_number) OR "
                "(t.number = '' AND COALESCE(s.f_number, '') = '' AND t.amount = s.f_amount))"
            )
        else:
            match = "t.counterparty_id = s.cp_id AND t.number = s.f_number AND t.date = s.f_date"
        cursor.execute("DROP TABLE IF EXISTS dunwell_import_adopt")
        cursor.execute(
            "CREATE TEMP TABLE dunwell_import_adopt AS SELECT s.line AS line, t.id AS id, "
            f"s.f_external_id AS ext FROM {STAGE} s JOIN {target} t ON t.company_id = "
            f"s.company_id AND {nk_rows} AND {match} WHERE NOT EXISTS (SELECT 1 FROM {target} "
            "x WHERE x.company_id = s.company_id AND x.external_id = s.f_external_id)"
        )
        cursor.execute("DROP TABLE IF EXISTS dunwell_import_adopted")
        cursor.execute(
            "CREATE TEMP TABLE dunwell_import_adopted AS SELECT id, MIN(ext) AS ext "
            "FROM dunwell_import_adopt WHERE line IN (SELECT line FROM dunwell_import_adopt "
            "GROUP BY line HAVING COUNT(*) = 1) GROUP BY id HAVING COUNT(*) = 1"
        )
        cursor.execute(
            f"UPDATE {target} SET external_id = (SELECT a.ext FROM dunwell_import_adopted a "
            f"WHERE a.id = {target}.id) WHERE id IN (SELECT id FROM dunwell_import_adopted)"
        )
        cursor.execute("DROP TABLE dunwell_import_adopt")
        cursor.execute("DROP TABLE dunwell_import_adopted")

    def _resolve_references(
        self, cursor: CursorWrapper, names: list[str], natural_keys: bool
    ) -> None:
        """Counterparty, contract and document by external id in one pass over the staging
        table. On PostgreSQL the table is written again with the found ids (a new table from
        one join, then its key): an UPDATE of every staging row wrote each row a second time
        and its key entry with it (1M documents + 791k payments: 6.4 s against 2.5 s plus
        0.5 s for the key, issue 15). The resolved columns are empty before this pass, so a
        row with no reference found keeps them empty either way."""
        joins = [
            (
                "counterparty",
                "ledger_counterparty",
                {"cp_id": "id", "cp_country": "country"},
            ),
            (
                "contract",
                "ledger_contract",
                {"contract_id": "id", "k_cp_id": "counterparty_id", "k_currency": "currency"},
            ),
            (
                "document",
                "ledger_document",
                {
                    "document_id": "id",
                    "d_cp_id": "counterparty_id",
                    "d_contract_id": "contract_id",
                    "d_currency": "currency",
                },
            ),
        ]
        joins = [j for j in joins if j[0] in names]
        if not joins:
            return
        froms, found, resolved = [f"{STAGE} s"], [], {}
        for n, (name, table, cols) in enumerate(joins):
            alias = f"t{n}"
            froms.append(
                f"LEFT JOIN {table} {alias} ON {alias}.company_id = s.company_id "
                f"AND {alias}.external_id = s.f_{name}"
            )
            resolved.update({st: f"{alias}.{db}" for st, db in cols.items()})
            found.append(f"{alias}.id IS NOT NULL")
        if self.postgres:
            columns = _stage_columns(self.kind, natural_keys) + RESOLVED
            rebuilt = ", ".join(
                f"CAST({resolved[c]} AS {t}) AS {c}" if c in resolved else f"s.{c}"
                for c, t in columns
                if c != "line"
            )
            cursor.execute(
                f"CREATE TEMP TABLE {STAGE}_resolved AS SELECT s.line, {rebuilt} "
                f"FROM {' '.join(froms)}"
            )
            cursor.execute(f"DROP TABLE {STAGE}")
            cursor.execute(f"ALTER TABLE {STAGE}_resolved RENAME TO {STAGE}")
            cursor.execute(f"ALTER TABLE {STAGE} ADD PRIMARY KEY (line)")
            return
        selects = ["s.line"] + [f"{db} AS {st}" for st, db in resolved.items()]
        sets = [f"{st} = r.{st}" for st in resolved]
        cursor.execute(
            f"UPDATE {STAGE} SET {', '.join(sets)} FROM (SELECT {', '.join(selects)} "
            f"FROM {' '.join(froms)} WHERE {' OR '.join(found)}) r WHERE r.line = {STAGE}.line"
        )

    def _check_phones(self, cursor: CursorWrapper, parser: _RowParser) -> None:
        """Each phone in E.164, read with the debtor's country as the contact form reads it
        (`phones.read_phone`): an extension written after it ("доб. 12", "int. 12") is kept
        apart (x_phone_ext, x_phone_alt_ext; '' unless written)."""
        present = [p for p in ("phone", "phone_alt") if p in parser.header_of]
        if not present:
            return
        cursor.execute(
            f"SELECT line, cp_country, {', '.join('f_' + p for p in present)} FROM {STAGE} "
            "WHERE cp_id IS NOT NULL ORDER BY line"
        )
        updates: list[tuple[Any, ...]] = []
        for line, country, *phones in cursor.fetchall():
            fixed: list[str] = []
            extensions: list[str] = []
            for name, value in zip(present, phones, strict=True):
                try:
                    phone, extension = read_phone(value or "", country or "")
                except PhoneError:
                    self.errors.add(
                        line,
                        parser.column(name),
                        reason("bad_phone", value=repr(value)),
                    )
                    phone, extension = value or "", ""
                fixed.append(phone)
                extensions.append(extension)
            # a phone stored as the file wrote it, without an extension, is not rewritten
            if fixed != phones or any(extensions):
                updates.append((line, *fixed, *extensions))
        self._set_stage(
            cursor,
            [(f"f_{p}", "TEXT") for p in present] + [(f"x_{p}_ext", "TEXT") for p in present],
            updates,
        )

    def _due_dates(self, cursor: CursorWrapper) -> None:
        """Documents without a due date: from the contract's terms, else the document date."""
        cursor.execute(
            f"UPDATE {STAGE} SET f_due_date = f_date "
            "WHERE f_due_date IS NULL AND contract_id IS NULL"
        )
        cursor.execute(
            f"SELECT s.line, s.f_date, s.f_accepted_on, k.payment_days, k.payment_day_kind, "
            f"k.payment_from, s.cp_country, s.company_id FROM {STAGE} s "
            "JOIN ledger_contract k ON k.id = s.contract_id WHERE s.f_due_date IS NULL"
        )
        rows = cursor.fetchall()
        if not rows:
            return
        self._set_stage(
            cursor,
            [("f_due_date", "DATE")],
            [
                (line, due if self.postgres else due.isoformat())
                for line, due in contract_due_dates(rows)
            ],
        )

    def _set_stage(
        self, cursor: CursorWrapper, columns: list[tuple[str, str]], rows: list[tuple[Any, ...]]
    ) -> None:
        """Write values computed in Python back into staging rows: `rows` are (line, value
        per column). On PostgreSQL one COPY and one join instead of a round trip per row
        (300,000 contacts' phones: 13.6 s of single-row UPDATEs); SQLite runs in process."""
        if not rows:
            return
        names = [name for name, _type in columns]
        if not self.postgres:
            cursor.executemany(
                f"UPDATE {STAGE} SET {', '.join(f'{n} = %s' for n in names)} WHERE line = %s",
                [(*values, line) for line, *values in rows],
            )
            return
        work = f"{STAGE}_computed"
        cursor.execute(f"DROP TABLE IF EXISTS {work}")
        cursor.execute(
            f"CREATE TEMP TABLE {work} (line BIGINT PRIMARY KEY, "
            + ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
            + ")"
        )
        with cursor.cursor.copy(f"COPY {work} (line, {', '.join(names)}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
        cursor.execute(f"ANALYZE {work}")
        cursor.execute(
            f"UPDATE {STAGE} SET {', '.join(f'{n} = w.{n}' for n in names)} FROM {work} w "
            f"WHERE w.line = {STAGE}.line"
        )
        cursor.execute(f"DROP TABLE {work}")

    # --- applying --------------------------------------------------------------------------

    def apply(self, cursor: CursorWrapper, parser: _RowParser) -> None:
        if self.kind.name == "instalments":
            self._apply_instalments(cursor)
            return
        kind = self.kind
        target = kind.target
        if kind.name in NATURAL_KEY_KINDS and not parser.natural:
            self._adopt_natural_rows(cursor)
        key = "cp_id" if kind.name == "contacts" else "company_id"
        tkey = "counterparty_id" if kind.name == "contacts" else "company_id"
        cp_col = "counterparty_id" if kind.name != "counterparties" else "id"
        present = set(parser.header_of)
        columns = list(kind.columns)
        # Columns the file does not carry keep their stored values. They are copied in the
        # same pass that finds each row's stored one (a staging row is rewritten once, not
        # twice: issue 15's re-import); a new row keeps the empty-cell value the parser staged
        # (_RowParser.absent), or NULL for the defaults below.
        kept = [(st, db) for st, db, source in columns if source and source not in present]
        cursor.execute(
            f"UPDATE {STAGE} SET target_id = t.id, old_cp_id = t.{cp_col}"
            + "".join(f", {st} = t.{db}" for st, db in kept)
            + f" FROM {target} t "
            f"WHERE t.{tkey} = {STAGE}.{key} AND t.external_id = {STAGE}.f_external_id"
        )
        # Rows that already exist: none for new rows (a push of new invoices), and then the
        # passes that compare with the stored rows are skipped (each would scan the table).
        targets = cursor.rowcount != 0
        if kind.name == "deals":
            self._deal_stage_dates(cursor, present)
        defaults = _defaults(kind.name)
        if defaults:
            sets = ", ".join(f"{st} = COALESCE({st}, {value})" for st, value in defaults.items())
            empty = " OR ".join(f"{st} IS NULL" for st in defaults)
            cursor.execute(f"UPDATE {STAGE} SET {sets} WHERE {empty}")
        distinct = "IS DISTINCT FROM" if self.postgres else "IS NOT"
        differs = " OR ".join(f"t.{db} {distinct} {STAGE}.{st}" for st, db, _s in columns)
        if targets:
            cursor.execute(
                f"UPDATE {STAGE} SET changed = TRUE WHERE target_id IS NOT NULL AND EXISTS "
                f"(SELECT 1 FROM {target} t WHERE t.id = {STAGE}.target_id AND ({differs}))"
            )
        cursor.execute(
            f"SELECT SUM(CASE WHEN target_id IS NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN changed AND target_id IS NOT NULL THEN 1 ELSE 0 END), "
            f"COUNT(*) FROM {STAGE}"
        )
        created, updated, total = (int(v or 0) for v in cursor.fetchone())
        self.result.created, self.result.updated = created, updated
        self.result.unchanged = total - created - updated
        if not created and not updated:
            return

        now = timezone.now()
        db_cols = [db for _st, db, _s in columns]
        stage_cols = [f"{STAGE}.{st}" for st, _db, _s in columns]
        extra_db, extra_stage = _insert_extras(kind.name)
        all_db = [tkey if kind.name != "contacts" else "counterparty_id", "external_id"]
        all_stage = [f"{STAGE}.{key}", f"{STAGE}.f_external_id"]
        insert_cols = all_db + db_cols + extra_db
        insert_vals = all_stage + stage_cols + extra_stage
        params: list[Any] = []
        if kind.name in {"counterparties", "documents", "payments", "orders", "deals"}:
            insert_cols.append("updated_at")
            insert_vals.append("%s")
            params.append(now)
        if kind.name == "counterparties":
            insert_cols.append("created_at")
            insert_vals.append("%s")
            params.append(now)
        updates = list(db_cols)
        if kind.name in {"documents", "payments"}:
            updates += extra_db
        if kind.name in {"counterparties", "documents", "payments", "orders", "deals"}:
            updates.append("updated_at")
        if kind.name == "contacts":
            cursor.execute(
                f"UPDATE {target} SET {', '.join(f'{db} = s.{st}' for st, db, _x in columns)} "
                f"FROM {STAGE} s WHERE s.target_id = {target}.id AND s.changed"
            )
            with self._built_after(cursor, created):
                cursor.execute(
                    f"INSERT INTO {target} ({', '.join(insert_cols)}) "
                    f"SELECT {', '.join(insert_vals)} FROM {STAGE} WHERE target_id IS NULL",
                    params,
                )
        else:
            self._write_rows(cursor, insert_cols, insert_vals, updates, params, created, updated)
        if self.postgres and created > 10_000:
            # A bulk load outruns autovacuum's statistics; the next joins (reallocation, the
            # next file's lookups) would otherwise be planned for an empty table.
            cursor.execute(f"ANALYZE {target}")
        if kind.name == "counterparties":
            cursor.execute(
                f"UPDATE {STAGE} SET cp_id = t.id FROM {target} t "
                f"WHERE t.company_id = {STAGE}.company_id AND t.external_id = {STAGE}.f_external_id"
            )
        if kind.name in {"documents", "payments"}:
            appended = ""
            if kind.name == "documents":
                # New documents of debtors that nothing else in this import touched: no
                # existing row of theirs changed, none moved away from them.
                moved = f"target_id IS NOT NULL AND {STAGE}.changed"
                appended = (
                    f"SELECT s.cp_id, t.id FROM {STAGE} s JOIN {target} t "
                    "ON t.company_id = s.company_id AND t.external_id = s.f_external_id "
                    "WHERE s.target_id IS NULL AND s.cp_id NOT IN ("
                    f"SELECT cp_id FROM {STAGE} WHERE {moved} AND cp_id IS NOT NULL UNION "
                    f"SELECT old_cp_id FROM {STAGE} WHERE {moved} AND old_cp_id IS NOT NULL)"
                )
            reallocate_query(
                f"SELECT cp_id AS id FROM {STAGE} WHERE {CHANGED} UNION "
                f"SELECT old_cp_id FROM {STAGE} WHERE {CHANGED} AND old_cp_id IS NOT NULL",
                appended_sql=appended,
            )
        self._timeline(cursor, now)

    def _write_rows(
        self,
        cursor: CursorWrapper,
        insert_cols: list[str],
        insert_vals: list[str],
        updates: list[str],
        params: list[Any],
        created: int,
        updated: int,
    ) -> None:
        """Changed rows by an UPDATE, new rows by a plain INSERT. `INSERT … ON CONFLICT DO
        UPDATE` over all of them cost a speculative insertion per row (an arbiter probe, a
        confirmation record): 1M new documents 12.9–13.4 s against 9.7–11.4 s plain (issue
        15). A row with the same external id written meanwhile by another writer (the import
        lock keeps imports of one kind and company apart; a document entered by hand is not)
        fails the plain INSERT: the statement is then run as the upsert, as before."""
        target = self.kind.target
        new_rows = f"{STAGE}.target_id IS NULL"
        if updated:
            # The same values as the INSERT's: each column's staging expression, its
            # parameter with it (`updated_at`'s).
            values = dict(zip(insert_cols, insert_vals, strict=True))
            placed = iter(params)
            param_of = {c: next(placed) for c, v in values.items() if v == "%s"}
            cursor.execute(
                f"UPDATE {target} SET {', '.join(f'{c} = {values[c]}' for c in updates)} "
                f"FROM {STAGE} WHERE {STAGE}.target_id = {target}.id AND {STAGE}.changed",
                [param_of[c] for c in updates if c in param_of],
            )
            if cursor.rowcount < updated:
                # A stored row went meanwhile (deleted by hand): written anew, as the upsert did.
                new_rows = (
                    f"({new_rows} OR ({STAGE}.changed AND NOT EXISTS "
                    f"(SELECT 1 FROM {target} t WHERE t.id = {STAGE}.target_id)))"
                )
                created += 1
        if not created:
            return
        select = (
            f"INSERT INTO {target} ({', '.join(insert_cols)}) "
            f"SELECT {', '.join(insert_vals)} FROM {STAGE} WHERE {new_rows} "
            # In file order: new rows get their ids (the allocation's last tie-break) in
            # the order of the file, whatever the staging updates did to the row order.
            f"ORDER BY {STAGE}.line"
        )
        with self._built_after(cursor, created):
            try:
                with transaction.atomic():
                    cursor.execute(select, params)
            except IntegrityError as error:
                if self.postgres and getattr(error.__cause__, "sqlstate", None) != UNIQUE_VIOLATION:
                    raise
                cursor.execute(
                    f"{select} ON CONFLICT (company_id, external_id) DO UPDATE SET "
                    + ", ".join(f"{c} = excluded.{c}" for c in updates),
                    params,
                )

    @contextlib.contextmanager
    def _built_after(self, cursor: CursorWrapper, created: int) -> Iterator[None]:
        """The inserting statement inside, with the indexes of each table it at least doubles
        built after it (BUILT_AFTER)."""
        with contextlib.ExitStack() as rebuilt:
            for table, indexes in BUILT_AFTER.get(self.kind.name, ()):
                if doubles(cursor, table, created):
                    rebuilt.enter_context(built_after(cursor, table, indexes))
            yield

    def _apply_instalments(self, cursor: CursorWrapper) -> None:
        cursor.execute(
            f"UPDATE {STAGE} SET target_id = (SELECT MIN(i.id) FROM ledger_contractinstalment i "
            f"WHERE i.contract_id = {STAGE}.contract_id AND i.due_date = {STAGE}.f_due_date "
            f"AND i.amount = {STAGE}.f_amount)"
        )
        cursor.execute(f"UPDATE {STAGE} SET changed = TRUE WHERE target_id IS NULL")
        cursor.execute(
            "DELETE FROM ledger_contractinstalment WHERE contract_id IN "
            f"(SELECT contract_id FROM {STAGE}) AND id NOT IN "
            f"(SELECT target_id FROM {STAGE} WHERE target_id IS NOT NULL)"
        )
        self.result.deleted = max(cursor.rowcount, 0)
        cursor.execute(
            "INSERT INTO ledger_contractinstalment (contract_id, due_date, amount) "
            f"SELECT contract_id, f_due_date, f_amount FROM {STAGE} WHERE target_id IS NULL"
        )
        self.result.created = max(cursor.rowcount, 0)
        cursor.execute(f"SELECT COUNT(*) FROM {STAGE}")
        self.result.unchanged = int(cursor.fetchone()[0]) - self.result.created
        if self.result.created or self.result.deleted:
            cursor.execute(f"UPDATE {STAGE} SET changed = TRUE")
            self._timeline(cursor, timezone.now())

    def _timeline(self, cursor: CursorWrapper, now: Any) -> None:
        summary = _("Import of %(kind)s from %(file)s") % {
            "kind": self.kind.name,
            "file": self.file,
        }
        run_id = self.run.pk if self.run is not None else None
        prefix = json.dumps({"kind": self.kind.name, "file": self.file, "run": run_id})[:-1]
        data = (
            "%s || ', \"created\": ' || CAST(c AS TEXT) || ', \"updated\": ' "
            "|| CAST(u AS TEXT) || '}'"
        )
        if self.postgres:
            data = f"CAST({data} AS jsonb)"
        cursor.execute(
            "INSERT INTO ledger_timelineentry (counterparty_id, at, actor_id, kind, summary, data) "
            f"SELECT cp_id, %s, %s, 'ledger.import', %s || ': +' || CAST(c AS TEXT) || ' ~' "
            f"|| CAST(u AS TEXT), {data} FROM (SELECT cp_id, "
            "SUM(CASE WHEN target_id IS NULL THEN 1 ELSE 0 END) AS c, "
            f"SUM(CASE WHEN target_id IS NULL THEN 0 ELSE 1 END) AS u FROM {STAGE} WHERE {CHANGED} "
            # by debtor: the entries' ids in a set order, their (debtor, time) index filled in
            # order
            "GROUP BY cp_id) x ORDER BY cp_id",
            [now, self.user.pk if self.user else None, summary, prefix],
        )

    # --- the whole run ---------------------------------------------------------------------

    def read(self) -> Table:
        if self.table is not None:
            return self.table
        assert self.path is not None
        try:
            size = self.path.stat().st_size
        except OSError as exc:
            raise ImportRejected(
                [RowError(self.file, 0, "", reason("file_unreadable", **read_params(exc)))]
            ) from None
        limit = getattr(settings, "IMPORT_MAX_BYTES", 100 * 1024 * 1024)
        if size > limit:  # before reading a byte of it
            raise ImportRejected([RowError(self.file, 0, "", reason("file_too_large", max=limit))])
        try:
            return read_table(self.path, self.encoding)
        except (ReadError, OSError) as exc:
            raise ImportRejected(
                [RowError(self.file, 0, "", reason("file_unreadable", **read_params(exc)))]
            ) from None

    def execute(self) -> ImportResult:
        try:
            return self._execute(prefilter=True)
        except _ReadAgain:
            # The rows found unchanged and the rows parsed do not add up (unchanged.py): the
            # whole file again, every row parsed.
            self.errors.close()
            self.errors = _Rejections(self.file)
            self.result = ImportResult()
            return self._execute(prefilter=False)

    def _unchanged(
        self, cursor: CursorWrapper, table: Table, parser: _RowParser
    ) -> unchanged.Unchanged | None:
        if not (
            self.postgres
            and self.path is not None
            and table.encoding
            and table.total >= unchanged.MIN_ROWS
            and parser.company_id is not None
        ):
            return None
        return unchanged.find(
            cursor,
            kind=self.kind.name,
            target=self.kind.target,
            company_id=parser.company_id,
            path=self.path,
            encoding=table.encoding,
            delimiter=table.delimiter,
            width=len(table.headers),
            plan=parser.plan,
            years=import_date_range(),
            empty=dict(parser.empty),
        )

    def _execute(self, prefilter: bool) -> ImportResult:
        table = self.read()
        mapping = self.resolve_mapping(table.headers)
        parser = _RowParser(self.kind, table.headers, mapping)
        default = self.default_company
        parser.company_id = default.pk if default is not None else None
        missing = [
            f.name for f in self.kind.fields if f.required and f.name not in parser.header_of
        ]
        if self.kind.name == "counterparties" and "country" not in parser.header_of:
            # No country column: the company's, when the file is for one known company.
            if default is None or "company" in parser.header_of:
                missing.append("country")
            else:
                parser.default_country = default.country
        if "counterparty_tax_id" in self.kind.field_names and not {
            "counterparty",
            "counterparty_tax_id",
        } & set(parser.header_of):
            missing.insert(0, "counterparty")
        if missing:
            raise ImportRejected(
                [RowError(self.file, 1, name, reason("missing_column")) for name in missing]
            )
        with connection.cursor() as cursor:
            if self.postgres:
                _large_temp_buffers(cursor)
            try:
                skip = self._unchanged(cursor, table, parser) if prefilter else None
                self.load(cursor, table, parser, skip)
                if self.postgres:
                    # Temporary tables are never auto-analysed; the joins below need row counts.
                    cursor.execute(f"ANALYZE {STAGE}")
                if skip is not None and (
                    self.skipped != skip.count
                    or self.skipped_length != skip.length
                    or unchanged.staged_overlap(cursor, STAGE)
                ):
                    raise _ReadAgain
                with transaction.atomic():
                    if self.postgres:
                        # Check foreign keys statement by statement: deferred to COMMIT, the
                        # millions of row-level checks of a bulk load queue up in memory and
                        # ran ~3 minutes at 1M rows.
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                        # Sorts and hash joins over a million staging rows: keep them in memory.
                        cursor.execute("SET LOCAL work_mem = '128MB'")
                    self.resolve(cursor, parser)
                    if self.errors and not self.partial:
                        raise ImportRejected(
                            sorted(self.errors.errors, key=lambda e: (e.row, e.column)),
                            self.errors.rows,
                        )
                    if self.errors:
                        bad = self.errors.bad_lines()
                        while chunk := list(itertools.islice(bad, BATCH)):
                            cursor.executemany(
                                f"DELETE FROM {STAGE} WHERE line = %s", [(n,) for n in chunk]
                            )
                    self.apply(cursor, parser)
                self.result.unchanged += self.skipped
            finally:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
                if self.postgres:
                    unchanged.drop(cursor)
        self.result.rejected = self.errors.rows
        self.result.errors = sorted(self.errors.errors, key=lambda e: (e.row, e.column))
        return self.result

    def write_rejected(self, out: Path, coded: bool = False) -> None:
        """The rejected rows as they were in the file, with a `reason` column in the active
        language; `coded`, with the reasons' codes instead (reasons.CODED_HEADER), for a file
        kept and worded when someone downloads it."""
        assert self.path is not None, "rejected rows are written for files only"
        table = read_table(self.path, self.encoding)
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(csv_row([*table.headers, CODED_HEADER if coded else _("reason")]))
            reasons = self.errors.reasons()
            pending = next(reasons, None)
            for line, row in table.rows:
                while pending is not None and pending[0] < line:
                    pending = next(reasons, None)
                if pending is not None and pending[0] == line:
                    if coded:
                        text = encode(pending[1])
                    else:
                        text = "; ".join(with_column(c, render(*r)) for c, r in pending[1])
                    writer.writerow(csv_row([*row, text]))


# Indexes built once after an insert that at least doubles their table (a first load), instead
# of entry by entry (`dunwell.dbindex.built_after`; None: every index but the unique ones): the
# written table's (the counterparties' and contacts' trigram indexes of the search among them)
# and, for documents, their numbers' trigram index (search/0002's table, filled by the
# documents' trigger).
BUILT_AFTER: dict[str, tuple[tuple[str, tuple[str, ...] | None], ...]] = {
    "counterparties": (("ledger_counterparty", None),),
    "contacts": (("ledger_contact", None),),
    "documents": (
        ("ledger_document", None),
        ("search_documentnumber", ("search_documentnumber_trgm",)),
    ),
    "payments": (("ledger_payment", None),),
}


def _large_temp_buffers(cursor: CursorWrapper) -> None:
    """Temporary tables live in the session's own buffers (8 MB by default): a million-row
    staging table and the reallocation's work tables then go through the disk on every pass.
    PostgreSQL allows the change only before the session first touches a temporary table."""
    try:
        with transaction.atomic():
            cursor.execute("SET temp_buffers = '256MB'")
    except DatabaseError:
        pass  # this session already used temporary tables: keep its setting


def _country_case(mapping: dict[str, str], default: str) -> str:
    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in mapping.items())
    return f"(CASE f_country {whens} ELSE '{default}' END)"


def _defaults(kind: str) -> dict[str, str]:
    """SQL for the value a NOT NULL column takes when the file leaves it empty."""
    if kind == "counterparties":
        return {
            "f_tax_id": "''",
            "f_language": _country_case(LANGUAGE_BY_COUNTRY, "en"),
            "f_time_zone": _country_case(ZONE_BY_COUNTRY, "UTC"),
            "segment_id": "(SELECT id FROM ledger_segment WHERE code = 'standard')",
            "f_address": "''",
        }
    if kind == "contacts":
        defaults = {f"r_{role}": "FALSE" for role in ROLES}
        defaults.update(
            {
                f"f_{n}": "''"
                for n in ("position", "phone", "phone_alt", "email", "language", "notes")
            }
        )
        return defaults
    if kind == "contracts":
        return {
            "f_payment_days": "0",
            "f_payment_day_kind": "'calendar'",
            "f_payment_from": "'document'",
            "f_prepayment_percent": "0",
            "f_prepayment_days": "0",
            "f_penalty_period": "'day'",
            "f_penalty_from_day": "1",
            "f_pretension_days": "30",
            "f_governing_law": "''",
        }
    if kind == "documents":
        return {"f_kind": "'invoice'", "f_accepted": "FALSE", "f_cancelled": "FALSE"}
    if kind == "payments":
        return {"f_payer": "''", "f_number": "''", "f_cancelled": "FALSE"}
    if kind == "orders":
        return {"f_status": "'confirmed'", "f_invoiced_amount": "0"}
    if kind == "deals":
        return {"f_name": "''", "f_payment_days": "0"}
    return {}


def _insert_extras(kind: str) -> tuple[list[str], list[str]]:
    """Columns set on insert and on update besides the file's: the open amounts start whole
    (reallocate fixes them in the same transaction); payments' and documents' company."""
    if kind == "documents":
        return ["open_amount"], [f"{STAGE}.f_amount"]
    if kind == "payments":
        # Most payments end fully allocated: starting them at 0 lets the reallocation rewrite
        # only the payments left with credit (a row is updated only when its value changes).
        return ["unallocated"], ["0"]
    if kind == "contacts":
        return ["abusive"], ["FALSE"]
    if kind == "counterparties":
        return ["stop_shipments", "legal", "written_off"], ["FALSE", "FALSE", "FALSE"]
    return [], []


def import_file(
    kind: str,
    path: Path,
    *,
    company: Company | None = None,
    partial: bool = False,
    mapping: dict[str, str] | None = None,
    user: User | None = None,
    run: ImportRun | None = None,
    progress: Callable[[int, int], None] | None = None,
    rejected_out: Path | None = None,
    rejected_coded: bool = False,
    display_name: str | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Import one file of `kind` (docs/import-formats.md).

    All-or-nothing unless `partial`: with any bad row it raises ImportRejected and changes
    nothing. With `partial` the valid rows are applied and the bad ones written, with a
    `reason` column, to `rejected_out` (`rejected_coded`: the reasons' codes, for a file
    kept and worded for its reader, reasons.reworded). Idempotent on (company, external id).
    `encoding` (CSV only, one of readers.ENCODINGS) overrides the detection.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {', '.join(KINDS)}")
    importer = _importer_class(kind)(
        KINDS[kind],
        Path(path),
        company=company,
        partial=partial,
        mapping=mapping,
        user=user,
        run=run,
        progress=progress,
        display_name=display_name,
        encoding=encoding,
    )
    return _execute(importer, rejected_out, rejected_coded)


def import_table(
    kind: str,
    table: Table,
    *,
    display_name: str,
    company: Company | None = None,
    partial: bool = False,
    user: User | None = None,
    run: ImportRun | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import rows that did not come from a file (the API's push, the 1C connector) through
    the same parsing, checks and upserts as `import_file`: `table.headers` are field names
    of the kind, each row is (its number in errors, cells as text). All-or-nothing unless
    `partial`, as for a file."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {', '.join(KINDS)}")
    importer = _importer_class(kind)(
        KINDS[kind],
        None,
        company=company,
        partial=partial,
        mapping={name: name for name in table.headers},
        user=user,
        run=run,
        progress=progress,
        display_name=display_name,
        table=table,
    )
    return _execute(importer, None)


def _importer_class(kind: str) -> type[Importer]:
    if kind == "users":
        # Users are few: checked and applied in a plain loop (importing/users.py).
        from dunwell.ledger.importing.users import UsersImporter

        return UsersImporter
    return Importer


def _execute(
    importer: Importer, rejected_out: Path | None, rejected_coded: bool = False
) -> ImportResult:
    company = importer.company
    # One import per kind and company at a time: a second upload of the same file waits for
    # the first and then finds its rows unchanged (no double counts, no duplicate timeline).
    lock = f"import-{importer.kind.name}-{company.pk if company is not None else 'any'}"
    with exclusive(lock, wait=True):
        try:
            result = importer.execute()
            if rejected_out is not None and importer.errors:
                importer.write_rejected(rejected_out, rejected_coded)
        finally:
            importer.errors.close()
    target = importer.default_company
    emit(
        EventKind.IMPORT_FINISHED,
        company_id=target.pk if target is not None else None,
        kind=importer.kind.name,
        file=importer.file,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        rejected=result.rejected,
    )
    return result


def iter_errors(errors: Sequence[RowError]) -> Iterator[str]:
    for error in errors:
        yield str(error)
