"""Rows written in the canonical formats, converted in SQL instead of Python (issue 15: reading
and parsing a million documents in Python took 11–13 s of a 45–68 s import).

PostgreSQL has already read the file into a table of raw cells (unchanged.py). A row whose
every cell is in the form the parser's fast paths take as written (`58785.33`, `2026-04-27`,
a known currency code, a text without surrounding white space that fits its field, a choice
spelled as stored, a yes/no word the parser knows) is converted here with one statement, into
the same staging row the parser would have made. Any other row, including every row the
parser would refuse, is handed to the parser as before, so a file's errors, their row numbers
and the rows staged are the same either way; this only moves work. Where a column is one this
step does not know, it stands aside (None) and every row is parsed.
"""

# The SQL is assembled from field names and constants of kinds.py; the constant lists are
# parameters: S608 does not apply.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dunwell.ledger.importing.kinds import KINDS, Field
from dunwell.ledger.importing.natural import CURRENCY_WORDS
from dunwell.ledger.parsing import ParseError, parse_bool
from dunwell.money import MAX_AMOUNT, currency_codes

# The kinds whose rows this step converts (the value of an empty cell comes from the engine's
# EMPTY_CELL, passed in, so that both read one table).
KINDS_CONVERTED = ("documents", "payments")
_BOOL_SPELLINGS = ("0", "1", "false", "true", "no", "yes")
# The parser's _PLAIN_MONEY: at most MAX_AMOUNT, never negative, so no figure is read in SQL
# to check it.
_MONEY = r"^[0-9]{1,15}\.[0-9]{2}$"
assert Decimal("9" * 15 + ".99") == MAX_AMOUNT


def space_codes() -> str:
    """The code points Python's `str.strip` removes (the parser strips every cell), as a
    PostgreSQL array literal."""
    codes = (str(c) for c in range(0x110000) if chr(c).isspace())
    return "'{" + ",".join(codes) + "}'::int[]"


# A cell that starts or ends with such a character. `ascii()` is a text's first code point
# (0 for an empty text); compared with a constant array through a hash, it costs a tenth of
# a regular expression per cell (0.25 s per million cells).
SPACES = space_codes()


def spelled(value: bool) -> list[str]:
    """The spellings of a yes/no cell read as `value`, asked of the parser itself."""
    out = []
    for text in _BOOL_SPELLINGS:
        try:
            if parse_bool(text) is value:
                out.append(text)
        except ParseError:
            continue
    return out


def kept_currency_codes() -> list[str]:
    """Codes the parser keeps as written and accepts (`RUB`, not `РУБ`)."""
    return [c for c in currency_codes() if CURRENCY_WORDS.get(c, c) == c]


def unspaced(cell: str) -> str:
    """A non-empty cell the parser's `strip` leaves as it is."""
    return f"NOT (ascii({cell}) = ANY({SPACES}) OR ascii(right({cell}, 1)) = ANY({SPACES}))"


@dataclass
class Conversion:
    """Which raw rows are canonical (`where`) and the staging values of one (`values`, by
    staging column), each with its parameters in order."""

    where: list[str] = field(default_factory=list)
    where_params: list[object] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    value_params: dict[str, list[object]] = field(default_factory=dict)

    def condition(self, sql: str, *params: object) -> None:
        self.where.append(sql)
        self.where_params.extend(params)

    def value(self, column: str, sql: str, *params: object) -> None:
        self.values[column] = sql
        self.value_params[column] = list(params)


def iso_days(years: tuple[int, int]) -> list[str]:
    """Every day of the import's years as `YYYY-MM-DD`: an ISO date the parser takes as
    written is one of them. PostgreSQL looks a cell up in the list through a hash (a tenth of
    a regular expression and the arithmetic that tells a real day, 1.3 s per million cells)."""
    day, last = date(int(years[0]), 1, 1), date(int(years[1]), 12, 31)
    out = []
    while day <= last:
        out.append(day.isoformat())
        day += timedelta(days=1)
    return out


def conversion(
    kind: str,
    plan: list[tuple[int, Field]],
    years: tuple[int, int],
    empty: dict[str, object],
) -> Conversion | None:
    """The conversion of a file whose cell `r.c{index}` is read as `plan`'s field, or None
    where a column is not one this step knows (module docstring). `empty` is the value of an
    empty cell by field (the engine's EMPTY_CELL)."""
    if kind not in KINDS_CONVERTED:
        return None
    out = Conversion()
    names = {f.name for _i, f in plan}
    if "external_id" not in names or "counterparty" not in names:
        return None  # natural keys, or a counterparty named by tax id: the parser's
    trues, falses = spelled(True), spelled(False)
    days: list[str] | None = None
    for index, f in plan:
        cell = f"r.c{index}"
        name, column = f.name, f"f_{f.name}"
        required = f.required or name in {"external_id", "counterparty"}
        default = empty.get(name)
        if name in {"external_id", "counterparty", "contract", "document", "number", "payer"}:
            if f.choices:
                return None
            plain = f"({unspaced(cell)} AND char_length({cell}) <= {int(f.max_length)})"
            keep = cell if default is None else f"COALESCE({cell}, %s)"
            out.value(column, keep, *([] if default is None else [default]))
        elif name == "kind":
            assert all(c == c.lower() for c in f.choices), f.choices
            plain = f"{cell} = ANY(%s)"
            out.value(column, f"COALESCE({cell}, %s)", default)
            out.condition(f"({cell} IS NULL OR {plain})", list(f.choices))
            continue
        elif name == "currency":
            plain = f"{cell} = ANY(%s)"
            out.value(column, cell)
            out.condition(f"({cell} IS NULL OR {plain})", kept_currency_codes())
            continue
        elif f.type == "date" and name in {"date", "due_date", "accepted_on"}:
            days = days or iso_days(years)
            plain = f"{cell} = ANY(%s)"
            out.value(column, f"CAST({cell} AS DATE)")
            out.condition(f"({cell} IS {'NOT NULL AND' if required else 'NULL OR'} {plain})", days)
            continue
        elif f.type == "money" and name == "amount":
            plain = f"{cell} ~ '{_MONEY}'"
            if kind == "payments":
                plain += f" AND {cell} ~ '[1-9]'"  # a payment of 0.00 is refused
            out.value(column, f"CAST({cell} AS NUMERIC(18, 2))")
            out.condition(f"({cell} IS NOT NULL AND {plain})")
            continue
        elif f.type == "bool" and name in {"accepted", "cancelled"}:
            out.value(column, f"COALESCE({cell} = ANY(%s), %s)", trues, default)
            out.condition(f"({cell} IS NULL OR {cell} = ANY(%s))", trues + falses)
            continue
        else:
            return None
        out.condition(f"({cell} IS {'NOT NULL AND' if required else 'NULL OR'} {plain})")
    # A field the file does not carry: its empty-cell value (the parser's `absent`), except
    # that a document with an acceptance date and no acceptance column is accepted.
    for f in KINDS[kind].fields:
        if f.name in names:
            continue
        if kind == "documents" and f.name == "accepted" and "accepted_on" in names:
            accepted_on = next(i for i, g in plan if g.name == "accepted_on")
            out.value("f_accepted", f"(r.c{accepted_on} IS NOT NULL)")
        elif f.name in empty:
            out.value(f"f_{f.name}", "%s", empty[f.name])
    return out
