"""Indexes and pages of the tables written in bulk (issue 15: every index entry costs the import
and the daily run a share of each row they write):

- `drop_redundant_index` (migrations): drop a single-column index that no read needs, because
  a composite index already serves its reads or because nothing but a rare cascade reads by
  that column. Only the index goes: the column's foreign key stays as it is, so a large table's
  constraint is not re-validated. Reversing the migration creates the index again under the
  same name.
- `index_when_set` (models): index a nullable key only over the rows that have one.
- `fillfactor` (migrations): keep room on each page for heap-only updates.
- `built_after` (bulk writers): drop a table's index before a write that at least doubles the
  table and build it once after, as PostgreSQL's "Populating a Database" advises."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import migrations, models, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Q


def drop_redundant_index(table: str, index: str, column: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f'DROP INDEX IF EXISTS "{index}"',
        f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("{column}")',
    )


def index_when_set(field: str, name: str) -> models.Index:
    """An index of a nullable key over the rows that have one. Bulk writers (the daily run,
    imports) leave keys such as "done by" or "who" empty, and a plain index would get an entry
    for each empty key that no lookup reads. Equality and `IN` lookups (Django's `SET_NULL`
    cascade, "tasks done by") still use it; the field itself is declared `db_index=False`."""
    return models.Index(fields=[field], condition=Q(**{f"{field}__isnull": False}), name=name)


def fillfactor(table: str, value: int | None, previous: int | None) -> migrations.RunPython:
    """Set how full PostgreSQL fills a table's pages (`None`: its default, 100), so that an
    update of columns no index covers can stay on its page (a heap-only update, no new index
    entries); reversed to `previous`. Pages already written keep their rows until a VACUUM FULL
    or CLUSTER rewrites them. SQLite has no such setting."""

    def setter(target: int | None):
        def apply(apps, schema_editor) -> None:
            if schema_editor.connection.vendor != "postgresql":
                return
            setting = f"SET (fillfactor = {target})" if target else "RESET (fillfactor)"
            schema_editor.execute(f'ALTER TABLE "{table}" {setting}')

        return apply

    return migrations.RunPython(setter(value), setter(previous))


def doubles(cursor: CursorWrapper, table: str, rows: int) -> bool:
    """Whether writing `rows` new rows at least doubles `table`, by the planner's estimate of
    its size (no count: that would scan it). PostgreSQL only; SQLite keeps no such estimate
    and has no index `built_after` would help with."""
    if not table or cursor.db.vendor != "postgresql" or rows < BULK_ROWS:
        return False
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [table])
    found = cursor.fetchone()
    # -1: never analysed nor vacuumed (a new table), taken as empty.
    return found is not None and rows >= max(float(found[0]), 0)


# Below this, entry-by-entry upkeep of an index costs less than the exclusive lock and the
# whole-table build would: the daily files of an ERP stay under it.
BULK_ROWS = 50_000


@contextmanager
def built_after(
    cursor: CursorWrapper, table: str, indexes: tuple[str, ...] | None = None
) -> Iterator[None]:
    """Drop `indexes` of `table` (None: every index that is neither unique nor a constraint's),
    run the block, then create them again from their stored definitions (`pg_indexes`), all
    inside a savepoint: when the block fails, the savepoint's rollback gives the indexes back,
    so nothing outside ever sees the table without them. Unique indexes stay: they are what
    rejects a duplicate row, and an upsert's conflict target.

    An index kept entry by entry costs a descent of its tree per written row (a GIN trigram
    index a dozen entries per row, merged from its pending list); built once, its entries are
    sorted in memory (`maintenance_work_mem`) and written in order. The cost is an exclusive
    lock on `table` until the caller's transaction ends: its readers wait for the write, which
    is why only writes `doubles` allows (a first load, not a day's file) take this path."""
    if indexes == () or not table or cursor.db.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=cursor.db.alias):
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = to_regclass(%s) AND NOT i.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
            "AND (%s OR c.relname = ANY(%s)) ORDER BY c.relname",
            [table, indexes is None, list(indexes or ())],
        )
        definitions = cursor.fetchall()
        for name, _definition in definitions:
            cursor.execute(f'DROP INDEX "{name}"')
        yield
        for _name, definition in definitions:
            cursor.execute(definition)
