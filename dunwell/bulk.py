"""Writing many rows at once: COPY on PostgreSQL, executemany on SQLite. For the batch jobs
(the daily run, opening legal cases for its tasks), where building a model object per row costs
more than the database's own work."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from dunwell.idarray import IdArrayField, copy_text


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def pg_settings(cursor: CursorWrapper, **values: str) -> Iterator[None]:
    """PostgreSQL settings for the statements inside (in one transaction: the settings are
    local to it), then back to what they were: when the block is nested in an outer
    transaction, a local setting would otherwise last until that one ends. Nothing to set on
    SQLite (its planner has no such settings); the block still runs in one transaction."""
    with transaction.atomic():
        if cursor.db.vendor != "postgresql":
            yield
            return
        before = {}
        for name, value in values.items():
            cursor.execute(
                "SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value]
            )
            before[name] = cursor.fetchone()[0]
        try:
            yield
        finally:
            for name, value in before.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused for a batch's Python work, then set back as it was.

    A batch of the daily run holds hundreds of thousands of live objects at once (the rows
    it read, its drafts, the rows it writes). Every full collection walks all of them, and
    the first daily run at 1M documents spent 2.6 s of its 20 s in about 4,800 collections
    (`gc.callbacks`), none of which found much: its peak memory is the same without them.
    Objects are still freed by reference counting the moment they are dropped; only garbage
    held in reference cycles waits for the next collection after the block. Nested blocks
    leave the collector off until the outermost one ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def moment_text() -> Callable[[datetime | None], str | None]:
    """A function giving an aware moment's text as `insert` writes it, each distinct moment
    formatted once. A batch writes the same few moments (its own time, the tasks' windows)
    on every row; psycopg's COPY formats an aware datetime in 1.4 µs, three of them on each
    of 140,000 tasks: 0.6 s of the first daily run at 1M. ISO 8601 with its offset on
    PostgreSQL, Django's own UTC text on SQLite."""
    texts: dict[datetime, str] = {}
    postgres = is_postgres()

    def text(moment: datetime | None) -> str | None:
        if moment is None:
            return None
        found = texts.get(moment)
        if found is None:
            found = texts[moment] = moment.isoformat() if postgres else sqlite_value(moment)
        return found

    return text


def sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def insert(table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain tuples into `table` (our own table and column names only)."""
    if not rows:
        return
    cols = ", ".join(columns)
    with connection.cursor() as cursor:
        if is_postgres():
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({cols}) VALUES ({marks})",  # noqa: S608 - our own names
                [tuple(sqlite_value(v) for v in row) for row in rows],
            )


def insert_objects(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows given as {field name: value}; every other concrete field takes its default
    (what the model would store), JSON is serialised. No signals, no ids returned."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [str(f.column) for f in fields]
    now = timezone.now()
    defaults = {
        f.name: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }
    vendor = connection.vendor

    def column_text(field: models.Field) -> Callable[[Any], Any] | None:  # type: ignore[type-arg]
        if isinstance(field, models.JSONField):
            return json.dumps
        if isinstance(field, IdArrayField):
            return lambda ids: copy_text(ids, vendor)
        return None

    texts = [column_text(f) for f in fields]
    # every column's default, as written: the start of each row
    base = [
        defaults[f.name] if text is None else text(defaults[f.name])
        for f, text in zip(fields, texts, strict=True)
    ]
    position = {key: i for i, f in enumerate(fields) for key in (f.attname, f.name)}
    # Per shape of row (its keys, in order): each given value's column and text, looked up
    # once, not once per row and field. The first daily run at 1M writes 57,500 legal cases
    # of 35 columns through here, 7 of them given.
    plans: dict[tuple[str, ...], list[tuple[str, int, Callable[[Any], Any] | None]]] = {}
    out = []
    for row in rows:
        shape = tuple(row)
        plan = plans.get(shape)
        if plan is None:
            unknown = [key for key in shape if key not in position]
            if unknown:
                raise ValueError(f"{model.__name__} has no field {', '.join(unknown)}")
            plan = plans[shape] = [(key, position[key], texts[position[key]]) for key in shape]
        values = base.copy()
        for key, i, text in plan:
            value = row[key]
            if isinstance(value, models.Model):
                value = value.pk
            values[i] = value if text is None else text(value)
        out.append(tuple(values))
    insert(model._meta.db_table, columns, out)
