"""Foreign keys checked once per statement instead of once per row (issue 15).

PostgreSQL checks a foreign key with one lookup per written row, and each lookup locks the row
it finds (`FOR KEY SHARE`). An import of 1M documents makes 2M such lookups, one of 791,120
payments 2M more. In a rolled-back INSERT of the same rows, the checks took 6.6 s of 19.3 s
(documents) and 9.3 s of 13.3 s (payments); the first daily run's COMMIT, which checked the
keys of 140,000 tasks, their timeline entries, 57,500 legal cases and their steps, took 3.1 s
and now 0.9 s (bench/RESULTS.md, twenty-fourth part).

`statement_keys(table, keys)` (a migration operation) replaces such keys, declared
`db_constraint=False` on the model, with triggers that keep the same guarantees:

- **a written row's key exists.** After each INSERT statement, the distinct keys of the rows it
  wrote (its transition table) are looked up and locked `FOR KEY SHARE` in one query: once per
  parent instead of once per row, in id order (the order in which the allocation engine locks
  counterparties `FOR UPDATE`, so the two cannot deadlock on them). An UPDATE checks, row by
  row, only the rows whose key changed, as PostgreSQL's own check does.
- **a referenced row is not deleted.** After each DELETE on the parent table, the statement
  fails if a row still refers to a deleted one. Django's cascade (`on_delete`) deletes or
  clears the referring rows first, as before.
- **no race between the two.** The writer's lock makes a concurrent delete of the parent wait
  until the writer commits, and the delete's check then sees the new rows (read committed:
  each check takes a fresh snapshot). A parent deleted first makes the writer's lookup wait,
  then miss it.

Both fail with SQLSTATE 23503 (`foreign_key_violation`), which Django raises as
`IntegrityError`, immediately rather than at COMMIT. Not covered: TRUNCATE of a parent (only
tests and benchmarks truncate, and they name every table) and a change of a parent's id (the
product never changes one). SQLite (one writer at a time, no statement triggers) gets row
triggers for the written rows' keys only: its triggers cannot wait for the end of a transaction,
and Django's flush of a test database deletes parents before children. A parent deleted there
relies on Django's `on_delete`, the only way the product deletes one. A migration that rebuilds
a table on SQLite drops its triggers: `tests/test_statement_keys.py` checks that every
declared key has them.
"""

# Identifiers below come from migrations, never from users: S608 does not apply.
# ruff: noqa: S608
from __future__ import annotations

from collections.abc import Sequence

from django.db import migrations

Key = tuple[str, str]  # (column, parent table)

# Tables whose keys are checked per statement, for the schema test: {table: keys}.
DECLARED: dict[str, tuple[Key, ...]] = {}


def _insert_function(table: str, keys: Sequence[Key]) -> str:
    variables = "".join(f"    k{i} bigint[];\n" for i in range(len(keys)))
    gather = ", ".join(
        f"array_agg(DISTINCT {column}) FILTER (WHERE {column} IS NOT NULL)" for column, _p in keys
    )
    into = ", ".join(f"k{i}" for i in range(len(keys)))
    checks = "".join(
        f"""    IF k{i} IS NOT NULL AND (
        SELECT count(*) FROM (SELECT 1 FROM {parent} p WHERE p.id IN (SELECT unnest(k{i}))
                              ORDER BY p.id FOR KEY SHARE OF p) x) <> cardinality(k{i}) THEN
        PERFORM dunwell_key_missing('{table}', '{column}', '{parent}', k{i});
    END IF;
"""
        for i, (column, parent) in enumerate(keys)
    )
    return f"""CREATE OR REPLACE FUNCTION {table}_keys_ins() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
{variables}BEGIN
    SELECT {gather} INTO {into} FROM new_rows;
{checks}    RETURN NULL;
END $$"""


def _update_function(table: str, keys: Sequence[Key]) -> str:
    checks = "".join(
        f"""    IF NEW.{column} IS NOT NULL AND NEW.{column} IS DISTINCT FROM OLD.{column} THEN
        PERFORM 1 FROM {parent} p WHERE p.id = NEW.{column} FOR KEY SHARE OF p;
        IF NOT FOUND THEN
            PERFORM dunwell_key_missing('{table}', '{column}', '{parent}', ARRAY[NEW.{column}]);
        END IF;
    END IF;
"""
        for column, parent in keys
    )
    return f"""CREATE OR REPLACE FUNCTION {table}_keys_upd() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
{checks}    RETURN NULL;
END $$"""


def _delete_function(table: str, column: str, parent: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION {table}_{column}_del() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    kept bigint;
BEGIN
    SELECT c.{column} INTO kept FROM {table} c WHERE c.{column} IN (SELECT id FROM old_rows)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', TABLE = '{parent}',
            MESSAGE = format('delete on table "{parent}" violates the key {table}.{column}'),
            DETAIL = format('Key (id)=(%s) is still referenced from table "{table}".', kept);
    END IF;
    RETURN NULL;
END $$"""


# The error of a missing parent, named as PostgreSQL's own check names it.
_MISSING = """CREATE OR REPLACE FUNCTION dunwell_key_missing(
    child text, col text, parent text, ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    EXECUTE format('SELECT u FROM unnest($1) u WHERE NOT EXISTS '
                   '(SELECT 1 FROM %I p WHERE p.id = u) LIMIT 1', parent)
        INTO missing USING ids;
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', TABLE = child,
        MESSAGE = format('insert or update on table "%s" violates the key %s.%s',
                         child, child, col),
        DETAIL = format('Key (%s)=(%s) is not present in table "%s".', col, missing, parent);
END $$"""


def _postgres_sql(table: str, keys: Sequence[Key]) -> list[str]:
    columns = ", ".join(column for column, _p in keys)
    changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column, _p in keys)
    sql = [
        _MISSING,
        _insert_function(table, keys),
        f"""CREATE TRIGGER {table}_keys_ins AFTER INSERT ON {table}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
        EXECUTE FUNCTION {table}_keys_ins()""",
        _update_function(table, keys),
        f"""CREATE TRIGGER {table}_keys_upd AFTER UPDATE OF {columns} ON {table}
        FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {table}_keys_upd()""",
    ]
    for column, parent in keys:
        sql += [
            _delete_function(table, column, parent),
            f"""CREATE TRIGGER {table}_{column}_del AFTER DELETE ON {parent}
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
            EXECUTE FUNCTION {table}_{column}_del()""",
        ]
    return sql


def _sqlite_sql(table: str, keys: Sequence[Key]) -> list[str]:
    sql = []
    for column, parent in keys:
        absent = (
            f"NEW.{column} IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {parent} WHERE id = NEW.{column})"
        )
        fail = f"SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: {table}.{column}');"
        sql += [
            f"CREATE TRIGGER {table}_{column}_ins BEFORE INSERT ON {table} "
            f"FOR EACH ROW WHEN {absent} BEGIN {fail} END",
            f"CREATE TRIGGER {table}_{column}_upd BEFORE UPDATE OF {column} ON {table} "
            f"FOR EACH ROW WHEN {absent} BEGIN {fail} END",
        ]
    return sql


def trigger_names(table: str, keys: Sequence[Key], vendor: str) -> set[tuple[str, str]]:
    """(trigger, table it is on) of a table's statement keys, as the schema holds them."""
    if vendor == "postgresql":
        names = {(f"{table}_keys_ins", table), (f"{table}_keys_upd", table)}
        return names | {(f"{table}_{column}_del", parent) for column, parent in keys}
    return {(f"{table}_{column}_{event}", table) for column, _p in keys for event in ("ins", "upd")}


def _drop_sql(table: str, keys: Sequence[Key], vendor: str) -> list[str]:
    names = trigger_names(table, keys, vendor)
    if vendor != "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name}" for name, _on in names]
    sql = [f"DROP TRIGGER IF EXISTS {name} ON {on}" for name, on in names]
    functions = [f"{table}_keys_ins", f"{table}_keys_upd"]
    functions += [f"{table}_{column}_del" for column, _p in keys]
    return sql + [f"DROP FUNCTION IF EXISTS {name}()" for name in functions]


def statement_keys(table: str, keys: Sequence[Key]) -> migrations.RunPython:
    """Check `keys` ((column, parent table) pairs, each parent keyed by `id`) of `table` with
    the triggers described above; reversing drops them. Declare the fields
    `db_constraint=False` in the same migration, before this operation."""
    keys = tuple(keys)
    DECLARED[table] = keys

    def create(apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        build = _postgres_sql if vendor == "postgresql" else _sqlite_sql
        for sql in build(table, keys):
            schema_editor.execute(sql, None)

    def drop(apps, schema_editor) -> None:
        for sql in _drop_sql(table, keys, schema_editor.connection.vendor):
            schema_editor.execute(sql, None)

    return migrations.RunPython(create, drop)


def rebuilt_on_sqlite(table: str, *, undone: bool = False) -> migrations.RunPython:
    """SQLite rebuilds a table for some schema changes (a column added without a database
    default, a column removed), and the rebuild drops the table's triggers. Put this operation
    at the end of such a migration to make the statement keys' triggers again; with `undone`,
    at its start, to make them again once the migration is reversed. Nothing on PostgreSQL."""

    def again(apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            return
        keys = DECLARED[table]  # every migration module is loaded by now
        for sql in _drop_sql(table, keys, vendor) + _sqlite_sql(table, keys):
            schema_editor.execute(sql, None)

    noop = migrations.RunPython.noop
    return migrations.RunPython(noop, again) if undone else migrations.RunPython(again, noop)


def parent_rebuilt_on_sqlite(parent: str) -> tuple[migrations.RunPython, migrations.RunPython]:
    """SQLite rebuilds a table by renaming a new copy over it, and the rename fails while
    another table's key trigger names the table ("no such table"). The first operation drops
    the triggers of the keys that refer to `parent` (put it before the rebuild), the second
    makes them again (after it); reversed, each does the other's work. Nothing on PostgreSQL."""

    def children() -> list[tuple[str, tuple[Key, ...]]]:
        found = [
            (table, tuple(k for k in keys if k[1] == parent)) for table, keys in DECLARED.items()
        ]
        return [(table, keys) for table, keys in found if keys]

    def drop(apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            return
        for table, keys in children():
            for sql in _drop_sql(table, keys, vendor):
                schema_editor.execute(sql, None)

    def make(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            return
        for table, keys in children():
            for sql in _sqlite_sql(table, keys):
                schema_editor.execute(sql, None)

    return migrations.RunPython(drop, make), migrations.RunPython(make, drop)
