"""The rows of a file that are already in the ledger as they are, found in SQL before a row is
parsed (issue 15: a re-import of an unchanged file of a million documents took 25–40 s, about
half of it parsing rows in Python and half rewriting the staging table).

PostgreSQL reads the file itself (`COPY … FORMAT csv`) into a table of raw cells. One join then
compares each raw row with the stored row of the same external id, cell by cell, against the
text the stored value would have in a file: `58785.33`, `2026-04-27`, the counterparty's
external id. A row counts as unchanged only when every cell the file carries is exactly that
text, and when the checks the import would make still pass on it (the contract and the
document belong to its counterparty and have its currency, the amount is allowed). Every other
row (new, changed, or only written differently: `58785.3`, `27.04.2026`, a space) goes the
whole way as before: parsed in Python, staged, resolved and applied. So this can only make an
import skip work, never change what it does.

Of the other rows, those whose every cell is in a canonical format are converted in SQL into
the staging rows the parser would make (canonical.py), when the file has no quote; only the
rest are parsed. On a first import (nothing stored yet) that is the whole step.

An empty due date cell (the import computes the date from the contract's terms) counts as
unchanged when the same computation (duedates.py) gives the stored date. Where the file has no
quote, PostgreSQL's reading is the csv module's: the rows to parse are handed over as it read
them, numbered by line, and Python does not read the file at all.

It stands aside (returns None, and the whole file goes the usual way) wherever the two readings
might differ: not PostgreSQL, not a UTF-8 CSV file, a file without an external id column, with
a company or tax id column, a column it does not know, a small file, a database not in UTF-8,
or a file PostgreSQL cannot read as CSV (a blank line, a row longer than the header). After the
usual path has parsed the remaining rows the engine checks that it skipped exactly the rows
found here (their number
and the characters in their cells: a quote inside a cell, `ООО "Ромашка"`, is a quote to
PostgreSQL and a character to the csv module) and that none of the parsed rows has the
external id of a skipped one; a file with a quote anywhere is always read. Otherwise it
imports the file again without this step (`Importer.execute`).
"""

# Table and column names below come from the fixed kind definitions; cell values are
# parameters: S608 does not apply.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.db import DatabaseError, transaction
from django.db.backends.utils import CursorWrapper

from dunwell.bulk import pg_settings
from dunwell.ledger.importing import canonical
from dunwell.ledger.importing.duedates import contract_due_dates
from dunwell.ledger.importing.kinds import KINDS as ALL_KINDS
from dunwell.ledger.importing.kinds import Field
from dunwell.ledger.models import Contract, Counterparty, Document, Payment
from dunwell.money import MAX_AMOUNT

# The raw cells: an unlogged table rather than a temporary one, so that the comparing join
# can run in parallel workers (a temporary table is its session's alone): 3.35 → 2.2 s at 1M
# rows. One per connection (`_raw`), so that concurrent imports do not meet; a crash can leave
# one behind, and the next import clears those of connections that are gone.
RAW_PREFIX = "dunwell_import_raw_"
KIND_OF_RAW = "UNLOGGED"
SAME = "dunwell_import_same"
# Below this many rows the usual path is fast enough: the step would cost more than it saves.
MIN_ROWS = 5_000
# At most this many rows to parse are handed over from PostgreSQL's reading; with more, Python
# reads the file (a file where most rows changed gains nothing from the step anyway).
HELD = 100_000
KINDS = ("documents", "payments")
# The records of a first or changed import that canonical.py converts in SQL.
CANON = "dunwell_import_canon"


@dataclass
class Converted:
    """The records (table CANON, by record number) whose cells are all canonical: staged by
    `stage_converted` from the raw table, which is kept for it, instead of parsed."""

    count: int
    conversion: canonical.Conversion
    raw: str


@dataclass
class Unchanged:
    """What the SQL found: `count` rows equal to the ledger, and the external id cells of the
    other rows (the ones to parse; "" for an empty cell)."""

    count: int
    records: int
    to_parse: set[str]
    # The characters in the cells of the unchanged rows, as PostgreSQL read them: the rows
    # Python skips must add up to the same (a quote inside a cell, `ООО "Ромашка"`, is a
    # quote to PostgreSQL and a character to Python's csv module).
    length: int
    quoted: bool  # whether the file has a `"` anywhere
    # The rows to parse as PostgreSQL read them, (record number, cells) in file order, when
    # its reading cannot differ from the csv module's (no quote in the file) and they are
    # few enough to hold (`HELD`); None otherwise. See `Importer.load`.
    rows: list[tuple[int, list[str]]] | None = None
    # With `rows`: the records converted in SQL instead (none of them is in `rows`).
    converted: Converted | None = None


class _Compare:
    """The WHERE clause that says a raw row equals its stored row `t` (module docstring)."""

    def __init__(self, kind: str, years: tuple[int, int], document_cell: str | None) -> None:
        self.kind = kind
        self.years = years
        self.document_cell = document_cell  # a payment's document column, if the file has one
        self.conditions: list[str] = []
        self.params: list[object] = []
        self.joins: list[str] = ["JOIN ledger_counterparty cp ON cp.id = t.counterparty_id"]
        self.due_cell: str | None = None  # a documents file's due date column

    @staticmethod
    def empty(cell: str) -> str:
        return f"COALESCE({cell}, '') = ''"

    def plain(self, cell: str, f: Field, stored: int) -> str:
        """A text cell the parser keeps as written: no surrounding white space (it strips
        what `str.isspace` calls space) and not longer than the field allows. The cell equals
        a stored value at most `stored` characters long, so the length is checked only where
        the field allows fewer."""
        plain = canonical.unspaced(cell)
        if stored <= f.max_length:
            return plain
        return f"({plain} AND char_length({cell}) <= {int(f.max_length)})"

    def text(self, cell: str, column: str, f: Field, default: str | None) -> None:
        """A text cell: exactly the stored text; an empty cell stands for `default` (None:
        the value is required, an empty cell is not this step's)."""
        same = f"({cell} = {column} AND {self.plain(cell, f, self.width(column))}"
        if f.choices:
            same += f" AND {cell} = ANY(%s)"
            self.params.append(list(f.choices))
        same += ")"
        if default is None:
            self.conditions.append(same)
        else:
            self.conditions.append(f"({same} OR ({self.empty(cell)} AND {column} = %s))")
            self.params.append(default)

    def day(self, cell: str, column: str, required: bool, computed: bool = False) -> None:
        low, high = self.years
        # `date::text` is YYYY-MM-DD under DateStyle ISO, which `find` sets (to_char costs
        # ten times as much).
        same = (
            f"({cell} = CAST({column} AS TEXT) "
            f"AND {column} BETWEEN '{int(low):04d}-01-01' AND '{int(high):04d}-12-31')"
        )
        if computed:
            # An empty cell: the import computes the date (`_computed_due_dates` checks it).
            self.conditions.append(f"({same} OR {self.empty(cell)})")
        elif required:
            self.conditions.append(same)
        else:
            self.conditions.append(f"({same} OR ({self.empty(cell)} AND {column} IS NULL))")

    def flag(self, cell: str, column: str, empty_means: bool) -> None:
        trues, falses = canonical.spelled(True), canonical.spelled(False)
        self.conditions.append(
            f"(({cell} = ANY(%s) AND {column}) OR ({cell} = ANY(%s) AND NOT {column}) "
            f"OR ({self.empty(cell)} AND {column} = %s))"
        )
        self.params += [trues, falses, empty_means]

    def amount(self, cell: str) -> None:
        positive = "t.amount > 0" if self.kind == "payments" else "t.amount >= 0"
        self.conditions.append(
            f"({cell} = CAST(t.amount AS TEXT) AND {positive} AND t.amount <= %s)"
        )
        self.params.append(MAX_AMOUNT)

    def currency(self, cell: str) -> None:
        self.conditions.append(f"({cell} = t.currency AND {cell} = ANY(%s))")
        self.params.append(canonical.kept_currency_codes())

    def reference(self, cell: str | None, f: Field) -> None:
        """A contract or document named by its external id (`cell`; None: the file has no such
        column): the stored one, still of the row's counterparty and currency (the import
        refuses the row otherwise). Without one the import stores none, except that a payment
        takes the contract of the document it names (Importer.resolve)."""
        name = f.name
        alias, table = {"contract": ("k", "ledger_contract"), "document": ("d", "ledger_document")}[
            name
        ]
        if name == "contract" and self.kind == "payments" and self.document_cell is not None:
            none = (
                f"t.contract_id IS NOT DISTINCT FROM "
                f"(CASE WHEN {self.empty(self.document_cell)} THEN NULL ELSE d.contract_id END)"
            )
        else:
            none = f"t.{name}_id IS NULL"
        if cell is None:
            self.conditions.append(none)
            return
        self.joins.append(f"LEFT JOIN {table} {alias} ON {alias}.id = t.{name}_id")
        plain = self.plain(cell, f, self.width(f"{alias}.external_id"))
        named = (
            f"({cell} = {alias}.external_id AND {plain} "
            f"AND {alias}.counterparty_id = t.counterparty_id AND {alias}.currency = t.currency)"
        )
        self.conditions.append(f"({named} OR ({self.empty(cell)} AND {none}))")

    def width(self, column: str) -> int:
        """The most characters column `alias.name` can hold."""
        alias, name = column.split(".")
        model = {
            "t": Payment if self.kind == "payments" else Document,
            "cp": Counterparty,
            "k": Contract,
            "d": Document,
        }[alias]
        length = getattr(model._meta.get_field(name), "max_length", None)
        assert length is not None, column
        return int(length)


def _clause(
    kind: str,
    plan: list[tuple[int, Field]],
    company_id: int,
    years: tuple[int, int],
) -> tuple[str, list[str], list[object], int, str | None] | None:
    """(WHERE, joins, params, index of the external id cell, the due date cell), or None when a
    column is not one this step can compare."""
    cells = {f.name: f"r.c{index}" for index, f in plan}
    if "counterparty" not in cells:
        return None  # every row would be refused (or named by tax id): not this step's
    compare = _Compare(kind, years, cells.get("document"))
    external = None
    for index, f in plan:
        cell = f"r.c{index}"
        name = f.name
        if name == "external_id":
            external = index
            compare.conditions.append(compare.plain(cell, f, compare.width("t.external_id")))
        elif name == "counterparty":
            compare.conditions.append(
                f"({cell} = cp.external_id AND "
                f"{compare.plain(cell, f, compare.width('cp.external_id'))} AND cp.company_id = %s)"
            )
            compare.params.append(company_id)
        elif name in {"contract", "document"}:
            compare.reference(cell, f)
        elif name == "kind" and kind == "documents":
            compare.text(cell, "t.kind", f, "invoice")
        elif name == "number":
            compare.text(cell, "t.number", f, None if f.required else "")
        elif name == "payer":
            compare.text(cell, "t.payer", f, "")
        elif name == "date":
            compare.day(cell, "t.date", required=True)
        elif name == "due_date":
            # An empty due date is computed from the contract's terms (checked afterwards).
            compare.day(cell, "t.due_date", required=True, computed=True)
            compare.due_cell = cell
        elif name == "accepted_on":
            compare.day(cell, "t.accepted_on", required=False)
        elif name == "amount":
            compare.amount(cell)
        elif name == "currency":
            compare.currency(cell)
        elif name in {"accepted", "cancelled"}:
            compare.flag(cell, f"t.{name}", empty_means=False)
        else:
            return None
    # A reference column the file does not carry: the import stores none (its staging column
    # is not one that keeps the stored value, kinds.py).
    for f in ALL_KINDS[kind].fields:
        if f.name in {"contract", "document"} and f.name not in cells:
            compare.reference(None, f)
    if external is None:
        return None
    if kind == "documents" and "due_date" not in cells:
        return None
    where = " AND ".join(compare.conditions)
    return where, compare.joins, compare.params, external, compare.due_cell


def _computed_due_dates(cursor: CursorWrapper) -> None:
    """The rows kept with an empty due date cell (`pending`) stay unchanged only where the
    import would compute the stored due date: the document date without a contract, else the
    contract's terms (`Importer._due_dates`, from the same stored values: the row's cells
    equal them)."""
    cursor.execute(
        f"SELECT x.ln, t.date, t.accepted_on, k.payment_days, k.payment_day_kind, "
        f"k.payment_from, cp.country, t.company_id, t.contract_id, t.due_date FROM {SAME} x "
        "JOIN ledger_document t ON t.id = x.id "
        "JOIN ledger_counterparty cp ON cp.id = t.counterparty_id "
        "LEFT JOIN ledger_contract k ON k.id = t.contract_id WHERE x.pending"
    )
    rows = cursor.fetchall()
    stored = {row[0]: row[-1] for row in rows}
    computed = [(row[0], row[1]) for row in rows if row[8] is None]
    computed += contract_due_dates(row[:8] for row in rows if row[8] is not None)
    differ = [ln for ln, due in computed if due != stored[ln]]
    if differ:
        cursor.execute(f"DELETE FROM {SAME} WHERE ln = ANY(%s)", [differ])


def find(
    cursor: CursorWrapper,
    *,
    kind: str,
    target: str,
    company_id: int,
    path: Path,
    encoding: str,
    delimiter: str,
    width: int,
    plan: list[tuple[int, Field]],
    years: tuple[int, int],
    empty: dict[str, object],
) -> Unchanged | None:
    """The unchanged rows of `path` (module docstring), or None where this step stands aside.
    Leaves the table SAME (the external ids of the unchanged rows) for `staged_overlap`. Of
    the other rows, those canonical.py converts (`empty`: the value of an empty cell by field)
    are left in table CANON for `stage_converted`."""
    if kind not in KINDS or encoding not in {"utf-8", "utf-8-sig"} or width < 1:
        return None
    cursor.execute("SELECT current_setting('server_encoding')")
    if cursor.fetchone()[0] != "UTF8":
        return None  # ascii() below is a code point only in UTF-8 databases
    clause = _clause(kind, plan, company_id, years)
    if clause is None:
        return None
    where, joins, params, external, due_cell = clause
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {target} WHERE company_id = %s)", [company_id])
    # Nothing stored yet: no row is unchanged, and every canonical one is converted in SQL.
    stored = bool(cursor.fetchone()[0])
    conversion = canonical.conversion(kind, plan, years, empty)
    if not stored and conversion is None:
        return None
    cells = [f"c{i}" for i in range(width)]
    columns = ", ".join(f"{c} TEXT" for c in cells)
    _clear_leftovers(cursor)
    raw = _raw(cursor)
    try:
        with transaction.atomic():
            cursor.execute(f"DROP TABLE IF EXISTS {raw}")
            # `ln` numbers the records in file order (COPY takes the default row by row; the
            # cache spares a sequence access per row: 0.4 s per million).
            ddl = f"TABLE {raw} (ln BIGINT GENERATED ALWAYS AS IDENTITY (CACHE 100000), {columns})"
            try:
                with transaction.atomic():
                    cursor.execute(f"CREATE {KIND_OF_RAW} {ddl}")
            except DatabaseError:
                # No right to create tables in the schema (PostgreSQL 15 no longer grants it
                # on `public` to every user): a temporary table, without the parallel join.
                cursor.execute(f"CREATE TEMP {ddl}")
            options = f"FORMAT csv, HEADER true, DELIMITER '{delimiter}'"
            with (
                path.open("rb") as handle,
                cursor.cursor.copy(
                    f"COPY {raw} ({', '.join(cells)}) FROM STDIN WITH ({options})"
                ) as copy,
            ):
                if encoding == "utf-8-sig":
                    handle.read(3)
                quoted = False
                while chunk := handle.read(1 << 20):
                    quoted = quoted or b'"' in chunk
                    copy.write(chunk)
            records = cursor.cursor.rowcount  # the records COPY read
    except (DatabaseError, cursor.db.Database.Error, UnicodeError):
        # PostgreSQL reads it otherwise than the csv module might (module docstring).
        cursor.execute(f"DROP TABLE IF EXISTS {raw}")
        return None
    cursor.execute(f"DROP TABLE IF EXISTS {SAME}")
    with pg_settings(
        cursor,
        DateStyle="ISO",
        enable_nestloop="off",
        work_mem="256MB",
        # The joins need row counts, not value histograms: a tenth of the usual sample.
        default_statistics_target="10",
    ):
        cursor.execute(f"ANALYZE {raw}")
        # The planner cannot estimate the WHERE and expects one row; the rows are the file's
        # and the joins want hashes, not a million index lookups (6.1 s against 4.3 s), kept
        # in memory (the hash of a million raw rows is about 100 MB; so is the anti-join
        # below). The stored rows meet their counterparty and contract first, then the raw
        # rows: joined the other way, the one-row estimate of the raw rows' join made the
        # planner hash its million wide rows to probe them with the counterparties (the
        # statement at 1M, median of 3 alternating: 3.50 → 3.17 s).
        characters = " + ".join(f"char_length(COALESCE(r.{c}, ''))" for c in cells)
        with pg_settings(cursor, join_collapse_limit="1"):  # the joins in the order written
            cursor.execute(
                f"CREATE TEMP TABLE {SAME} AS SELECT r.ln, t.id, t.external_id AS ext, "
                f"{_Compare.empty(due_cell) if due_cell else 'FALSE'} AS pending, "
                f"{characters} AS n FROM {target} t {' '.join(joins)} "
                f"JOIN {raw} r ON r.c{external} = t.external_id "
                f"WHERE t.company_id = %s AND {where} AND %s",
                [company_id, *cast(list[Any], params), stored],
            )
        # The due date check, the overlap check (staged_overlap) and the anti-join below need
        # its row count.
        cursor.execute(f"ANALYZE {SAME}")
        if due_cell is not None:
            # A few rows by key (26,392 of 1M in the benchmark's file): index lookups, not a
            # hash of every stored row.
            with pg_settings(cursor, enable_nestloop="on"):
                _computed_due_dates(cursor)
        # Stored rows are unique by external id: two raw rows on one stored row are the
        # same external id twice (counted over the row ids, a third cheaper than the texts;
        # `COUNT(DISTINCT …)` sorts them in memory, a quarter of a hashed `SELECT DISTINCT`).
        cursor.execute(f"SELECT COUNT(*), COUNT(DISTINCT id), COALESCE(SUM(n), 0) FROM {SAME}")
        count, distinct, length = cursor.fetchone()
        if count != distinct:  # an external id twice: the usual path names the rows
            drop(cursor)
            return None
        # The other records, by record: a second row with the external id of an unchanged one
        # is parsed too (and `staged_overlap` then sends the file the usual way).
        others = f"FROM {raw} r WHERE NOT EXISTS (SELECT 1 FROM {SAME} x WHERE x.ln = r.ln)"
        rows: list[tuple[int, list[str]]] | None = None
        converted = None
        if not quoted and count < records and conversion is not None:
            # The csv module reads the file as PostgreSQL did: the canonical records are
            # converted in SQL, the others handed to the parser (when few enough to hold).
            converted = _canonical(cursor, raw, others, conversion, records - count)
            if converted is not None:
                others += f" AND NOT EXISTS (SELECT 1 FROM {CANON} c WHERE c.ln = r.ln)"
        if count == records and not quoted:
            # Every record is one found unchanged (by record number: SAME has each once), and
            # the csv module reads the file as PostgreSQL did: nothing to parse.
            to_parse, rows = set(), []
        elif converted is None and (quoted or records - count > HELD):
            cursor.execute(f"SELECT COALESCE(r.c{external}, '') {others}")
            to_parse = {row[0] for row in cursor.fetchall()}
        else:
            # An empty unquoted cell is NULL to COPY and "" to the csv module.
            cursor.execute(
                f"SELECT r.ln, {', '.join(f'r.{c}' for c in cells)} {others} ORDER BY r.ln"
            )
            rows = [(ln, [c or "" for c in values]) for ln, *values in cursor.fetchall()]
            to_parse = {values[external] for _ln, values in rows}
    if converted is None:
        cursor.execute(f"DROP TABLE {raw}")
    return Unchanged(int(count), int(records), to_parse, int(length), quoted, rows, converted)


def _canonical(
    cursor: CursorWrapper, raw: str, others: str, conversion: canonical.Conversion, left: int
) -> Converted | None:
    """Table CANON: the records of `others` (`left` of them) whose cells are all canonical;
    None (and no table) when there are none, or when too many others would be left to hold."""
    cursor.execute(f"DROP TABLE IF EXISTS {CANON}")
    cursor.execute(
        f"CREATE TEMP TABLE {CANON} AS SELECT r.ln {others} AND {' AND '.join(conversion.where)}",
        cast(list[Any], conversion.where_params),
    )
    count = cursor.rowcount
    if count <= 0 or left - count > HELD:
        cursor.execute(f"DROP TABLE {CANON}")
        return None
    cursor.execute(f"ANALYZE {CANON}")
    return Converted(count, conversion, raw)


def stage_converted(
    cursor: CursorWrapper, stage: str, company_id: int, converted: Converted
) -> int:
    """Stage the canonical records (`find`) as the parser would have: one row each, numbered by
    its line in the file (the header is line 1). Drops the raw cells. Returns the rows staged."""
    conversion = converted.conversion
    columns = list(conversion.values)
    params: list[Any] = [company_id]
    for column in columns:
        params += conversion.value_params[column]
    values = ", ".join(conversion.values[c] for c in columns)
    with pg_settings(cursor, work_mem="256MB", enable_nestloop="off"):
        cursor.execute(
            f"INSERT INTO {stage} (line, company_id, {', '.join(columns)}) "
            f"SELECT r.ln + 1, %s, {values} FROM {converted.raw} r "
            f"JOIN {CANON} c ON c.ln = r.ln ORDER BY r.ln",
            params,
        )
        staged = cursor.rowcount
    cursor.execute(f"DROP TABLE {CANON}")
    cursor.execute(f"DROP TABLE {converted.raw}")
    return int(staged)


def _raw(cursor: CursorWrapper) -> str:
    """This connection's table of raw cells."""
    return f"{RAW_PREFIX}{int(cursor.cursor.connection.info.backend_pid)}"


def _clear_leftovers(cursor: CursorWrapper) -> None:
    """Drop the raw tables of connections that are gone (the process ended between the COPY
    and the end of `find`)."""
    cursor.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relkind = 'r' "
        "AND c.relnamespace = current_schema()::regnamespace AND c.relname ~ %s "
        "AND substr(c.relname, %s)::int NOT IN (SELECT pid FROM pg_stat_activity)",
        [f"^{RAW_PREFIX}[0-9]+$", len(RAW_PREFIX) + 1],
    )
    for (name,) in cursor.fetchall():
        try:
            with transaction.atomic():
                cursor.execute(f'DROP TABLE IF EXISTS "{name}"')
        except DatabaseError:
            continue  # another user's, or being dropped by another import: left alone


def staged_overlap(cursor: CursorWrapper, stage: str) -> bool:
    """Whether a parsed row has the external id of a row found unchanged (a duplicate that
    only the whole file shows)."""
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {stage} s JOIN {SAME} x ON x.ext = s.f_external_id)"
    )
    return bool(cursor.fetchone()[0])


def drop(cursor: CursorWrapper) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {_raw(cursor)}")
    cursor.execute(f"DROP TABLE IF EXISTS {SAME}")
    cursor.execute(f"DROP TABLE IF EXISTS {CANON}")
