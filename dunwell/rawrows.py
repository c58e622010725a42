"""Model rows read with plain SQL on hot paths (issue 13: the API's credit check under 5 ms).

Building an ORM query costs more Python time than the indexed read it sends; a hot path that
reads a handful of single rows writes their SQL once and turns each row into a model instance
with the same conversions the ORM applies (dates and decimals on SQLite, JSON, booleans).
Use it only where a profile says so; everywhere else the ORM is the way."""

# The SQL is built from model metadata and fixed text; values are passed as parameters.
# ruff: noqa: S608
from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

M = TypeVar("M", bound=Model)


def _db() -> BaseDatabaseWrapper:
    """The default database's connection of this thread, looked up once per call of a hot
    function rather than on every attribute (`django.db.connection` is a proxy that looks it
    up each time: about a quarter of a millisecond per credit check)."""
    return connections[DEFAULT_DB_ALIAS]


@cache
def _vendor() -> str:
    """The default database's kind, the same for every connection of the process (what the
    SQL is written for does not need this thread's connection looked up)."""
    return _db().vendor


Converter = Callable[[Any, Any, Any], Any]


@cache
def _shape(
    model: type[Model], vendor: str
) -> tuple[str, list[str], list[tuple[Any, list[Converter]]]]:
    """SELECT list, attribute names and per-column converters of `model` (once per process)."""
    db = _db()
    del vendor  # part of the cache key: the converters depend on the database
    quote = db.ops.quote_name
    fields = model._meta.concrete_fields
    columns = ", ".join(quote(str(f.column)) for f in fields)
    converters = []
    for f in fields:
        col = f.get_col(model._meta.db_table)
        converters.append((col, [*db.ops.get_db_converters(col), *f.get_db_converters(db)]))
    return columns, [f.attname for f in fields], converters


Query = tuple[str, Sequence[Any]]  # SQL with %s placeholders and its parameters


def select_query(model: type[Model], where: str, params: Sequence[Any], limit: int) -> Query:
    """The statement of `select_rows` (for `fetch_each`; read its rows with `as_instances`)."""
    db = _db()
    columns, _names, _converters = _shape(model, db.vendor)
    table = db.ops.quote_name(model._meta.db_table)
    return f"SELECT {columns} FROM {table} WHERE {where} LIMIT {int(limit)}", list(params)


def union_query(*queries: Query) -> Query:
    """One statement with the rows of each `select_query` in turn (UNION ALL of the same
    model's columns; read them with `as_instances`)."""
    sql = " UNION ALL ".join(f"SELECT * FROM ({q}) AS q{i}" for i, (q, _p) in enumerate(queries))
    return sql, [value for _q, params in queries for value in params]


def as_instances(model: type[M], rows: Sequence[Sequence[Any]]) -> list[M]:
    """Rows of a `select_query` of `model` as instances."""
    db = _db()
    _columns, names, converters = _shape(model, db.vendor)
    out = []
    for row in rows:
        values = []
        for value, (col, convs) in zip(row, converters, strict=True):
            for convert in convs:
                value = convert(value, col, db)
            values.append(value)
        out.append(model.from_db(db.alias, names, values))
    return out


def select_rows(model: type[M], where: str, params: Sequence[Any], limit: int) -> list[M]:
    """At most `limit` rows of `model` matching `where` (SQL after WHERE: conditions and
    ORDER BY, no LIMIT), as instances, in one statement."""
    sql, values = select_query(model, where, params, limit)
    with _db().cursor() as cursor:
        cursor.execute(sql, values)
        rows = cursor.fetchall()
    return as_instances(model, rows)


_EXPLICIT_ONLY = 1 << 62  # a prepare_threshold no statement reaches by being repeated


def _prepared_on_server() -> bool:
    """Whether the hot statements go through `server_cursors` (PostgreSQL) rather than
    Django's cursor (SQLite)."""
    return _vendor() == "postgresql"


@contextmanager
def server_cursors(db: BaseDatabaseWrapper, count: int) -> Iterator[list[Any]]:
    """`count` psycopg cursors of Django's connection that bind parameters on the server; a
    statement executed with `prepare=True` is prepared once per connection, so PostgreSQL
    parses and plans a hot statement once instead of on every call (planning was half of the
    credit check's database time). More than one go out together in pipeline mode (one round
    trip); one goes alone (the pipeline's bookkeeping costs more Python time than it saves).
    Django's error wrapping applies; the caller logs the statements (`log_statement`) where
    Django logs queries (tests, DEBUG)."""
    db.ensure_connection()
    db.validate_no_broken_transaction()
    raw = db.connection
    if raw.prepare_threshold is None and "prepare_threshold" not in (
        db.settings_dict.get("OPTIONS") or {}
    ):
        # Django leaves psycopg's automatic preparing off (None), which also refuses
        # `prepare=True`: allow the explicit kind only (no statement is prepared by count).
        raw.prepare_threshold = _EXPLICIT_ONLY
    with db.wrap_database_errors:
        if count == 1:  # one statement is one round trip already: no pipeline to manage
            yield [psycopg.Cursor(raw)]
            return
        with raw.pipeline():
            yield [psycopg.Cursor(raw) for _ in range(count)]


def log_statement(db: BaseDatabaseWrapper, sql: str, params: Sequence[Any], began: float) -> None:
    if db.queries_logged:
        db.queries_log.append(
            {"sql": f"{sql} -- {list(params)!r}", "time": f"{time.monotonic() - began:.3f}"}
        )


def fetch_each(queries: Sequence[Query]) -> list[list[tuple[Any, ...]]]:
    """The rows of each query, in order. On PostgreSQL the statements go in one round trip
    (pipeline mode) and each is prepared once per connection (`server_cursors`); elsewhere
    one after the other. Read-only statements only: with no transaction open each runs in its
    own (READ COMMITTED reads committed rows either way).

    A prepared statement may be planned once for any parameters (PostgreSQL's generic plan):
    use it for statements whose best plan does not depend on the values, such as reads of one
    counterparty's rows by an index that starts with the counterparty."""
    if not _prepared_on_server():
        out = []
        with _db().cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, list(params))
                out.append(cursor.fetchall())
        return out
    began = time.monotonic()
    db = _db()
    with server_cursors(db, len(queries)) as cursors:
        for cursor, (sql, params) in zip(cursors, queries, strict=True):
            cursor.execute(sql, list(params), prepare=True)
        results = [cursor.fetchall() for cursor in cursors]
    # Logged as the one round trip it is.
    log_statement(
        db, "; ".join(sql for sql, _params in queries), [v for _s, p in queries for v in p], began
    )
    return results


def select_one(model: type[M], where: str, params: Sequence[Any]) -> M | None:
    """The first row of `model` matching `where` (conditions and ORDER BY), or None."""
    rows = select_rows(model, where, params, 1)
    return rows[0] if rows else None


def as_date(value: Any) -> date | None:
    """A date from a raw aggregate or UNION column (SQLite gives those as text)."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def param_date(value: date) -> Any:
    """A date as a statement's parameter (PostgreSQL takes it as it is)."""
    if _vendor() == "postgresql":
        return value
    return _db().ops.adapt_datefield_value(value)


def param_datetime(value: datetime) -> Any:
    """An aware time as a statement's parameter (PostgreSQL takes it as it is)."""
    if _vendor() == "postgresql":
        return value
    return _db().ops.adapt_datetimefield_value(value)


def days_between(later: str, earlier: str) -> str:
    """SQL for the whole days from the date column `earlier` to `later`."""
    if _vendor() == "sqlite":
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
    return f"({later} - {earlier})"


def _insert_sql(
    db: BaseDatabaseWrapper, meta: Any, fields: Sequence[Any], rows: int, tail: str
) -> str:
    quote = db.ops.quote_name
    row = f"({', '.join(['%s'] * len(fields))})"
    return (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)})"
        f" VALUES {', '.join([row] * rows)}{tail}"
    )


def _write(db: BaseDatabaseWrapper, sql: str, values: list[Any], returning: bool) -> Any:
    """Run one writing statement (prepared once per connection on PostgreSQL); the first
    column of its first row when `returning`."""
    if _prepared_on_server():
        began = time.monotonic()
        with server_cursors(db, 1) as (cursor,):
            cursor.execute(sql, values, prepare=True)
            found = cursor.fetchone()[0] if returning else None
        log_statement(db, sql, values, began)
        return found
    with db.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchone()[0] if returning else None


def _new_fields(meta: Any) -> list[Any]:
    return [f for f in meta.concrete_fields if not f.primary_key]


def _values(db: BaseDatabaseWrapper, instance: Model, fields: Sequence[Any]) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(instance, True), db) for f in fields]


def _inserted(instance: Model, alias: str) -> None:
    instance._state.adding = False
    instance._state.db = alias


def insert_row(instance: Model) -> None:
    """INSERT one new model instance in one statement and set its primary key: what `save()`
    does for a new row of a model without signal receivers or save() of its own, without the
    ORM's compiler (the credit check's log row)."""
    meta = instance._meta
    fields = _new_fields(meta)
    db = _db()
    tail = f" RETURNING {db.ops.quote_name(str(meta.pk.column))}"
    sql = _insert_sql(db, meta, fields, 1, tail)
    instance.pk = _write(db, sql, _values(db, instance, fields), True)
    _inserted(instance, db.alias)


def reserve_ids(*models: type[Model]) -> list[int] | None:
    """The next primary key of each model, taken from its sequence in one statement
    (PostgreSQL), so that new rows that refer to each other can be written together
    (`insert_together`). None where the keys come only from the INSERTs (SQLite). A key
    reserved and not used leaves a gap, as a rolled-back INSERT does."""
    if not _prepared_on_server():
        return None
    sql = "SELECT " + ", ".join(["nextval(pg_get_serial_sequence(%s, %s))"] * len(models))
    params = [v for m in models for v in (m._meta.db_table, str(m._meta.pk.column))]
    began = time.monotonic()
    db = _db()
    with server_cursors(db, 1) as (cursor,):
        cursor.execute(sql, params, prepare=True)
        found = list(cursor.fetchone())
    log_statement(db, sql, params, began)
    return found


def insert_together(*groups: Sequence[Model], skip_conflicts: Sequence[type[Model]] = ()) -> None:
    """INSERT the new rows of several models in one statement, so that all or none are
    written without a transaction of their own (PostgreSQL: each group but the last in a
    data-modifying WITH). A row may refer to a row of an earlier group whose primary keys
    are set already (`reserve_ids`); the rows of a group without them get theirs from the
    database, not read back. Rows of the models in `skip_conflicts` that would
    break a unique constraint are left out (ON CONFLICT DO NOTHING). PostgreSQL only: SQLite
    has no data-modifying WITH."""
    parts: list[str] = []
    values: list[Any] = []
    db = _db()
    for instances in groups:
        if not instances:
            continue
        meta = instances[0]._meta
        keyed = {instance.pk is not None for instance in instances}
        if len(keyed) > 1:
            raise ValueError(f"{meta.label}: rows with and without their primary key")
        fields = list(meta.concrete_fields) if keyed == {True} else _new_fields(meta)
        tail = " ON CONFLICT DO NOTHING" if type(instances[0]) in skip_conflicts else ""
        parts.append(_insert_sql(db, meta, fields, len(instances), tail))
        values += [value for instance in instances for value in _values(db, instance, fields)]
    if not parts:
        return
    heads = [f"w{i} AS ({sql})" for i, sql in enumerate(parts[:-1])]
    _write(db, f"WITH {', '.join(heads)} {parts[-1]}" if heads else parts[-1], values, False)
    for instances in groups:
        for instance in instances:
            _inserted(instance, db.alias)


def insert_rows(instances: Sequence[Model], *, skip_conflicts: bool = False) -> None:
    """INSERT new instances of one model in one statement, without the ORM's compiler (the
    notices of an order that waits for approval). Their primary keys are not read back. With
    `skip_conflicts`, a row that would break a unique constraint is left out (ON CONFLICT DO
    NOTHING, on both databases), as `bulk_create(ignore_conflicts=True)`."""
    if not instances:
        return
    meta = instances[0]._meta
    fields = _new_fields(meta)
    db = _db()
    values = [value for instance in instances for value in _values(db, instance, fields)]
    tail = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
    _write(db, _insert_sql(db, meta, fields, len(instances), tail), values, False)
