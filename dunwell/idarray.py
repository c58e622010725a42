"""A row's list of ids in one column: `bigint[]` on PostgreSQL, a JSON array on SQLite.

For a list that is written once with its row and read with it, where a link table would cost a
row, a primary key entry and a unique index entry per id. The daily run's tasks name the
documents they are about: 1.4M link rows at 1M documents, 2.5–3.4 s of its INSERTs, against
0.7 s for the same ids aggregated into one array per task (bench/RESULTS.md, twenty-fifth part).
The legal cases it opens name the documents they cover: 575,000 link rows at 1M documents,
1.6–1.7 s of INSERT, now written with the cases (twenty-eighth part).

The ids are not foreign keys: a reader joins them to their table (`member_sql`,
`unnest_sql`, the `in_ids` lookup) and an id whose row is gone simply matches nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, migrations, models
from django.db.models import Field, Lookup

from dunwell.lookups import int_array


def _ids(value: Iterable[Any]) -> list[int]:
    return sorted({int(v) for v in value})


class IdArrayField(models.Field):  # type: ignore[type-arg]
    """A list of distinct ids (ints), in no meaningful order: Python writes them sorted, a
    writer in SQL in the order it found them. Python sees a list on both databases."""

    description = "list of ids"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for key in ("default", "blank", "editable"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def db_type(self, connection: Any) -> str:
        return "bigint[]" if connection.vendor == "postgresql" else "text"

    def get_prep_value(self, value: Any) -> Any:
        return None if value is None else _ids(value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or connection.vendor == "postgresql":
            return value
        return json.dumps(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or isinstance(value, list):
            return value
        return json.loads(value)

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, list):
            return value
        if isinstance(value, str):
            return json.loads(value)
        return _ids(value)

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj))


def copy_text(ids: Iterable[int], vendor: str) -> str:
    """The column's text for a bulk write (`bulk.insert`): an array literal for COPY on
    PostgreSQL, JSON on SQLite."""
    values = _ids(ids)
    return int_array(values) if vendor == "postgresql" else json.dumps(values)


def set_arrays(table: str, column: str, rows: Sequence[tuple[int, Iterable[int]]]) -> None:
    """Write each row's id array by its id, in one statement on PostgreSQL (`rows`: (id, ids);
    our own table and column names only)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} t SET {column} = v.ids::bigint[] "  # noqa: S608 - our names
                "FROM unnest(%s::bigint[], %s::text[]) AS v(id, ids) WHERE t.id = v.id",
                [int_array(r[0] for r in rows), [int_array(_ids(r[1])) for r in rows]],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET {column} = %s WHERE id = %s",  # noqa: S608 - our names
                [(json.dumps(_ids(ids)), pk) for pk, ids in rows],
            )


def from_link_table(
    table: str, column: str, links: str, owner: str, item: str, parent: str | None = None
) -> migrations.RunPython:
    """A migration operation that moves a link table's rows into the id array of the row they
    belong to: `links` (`owner` → `table`.id, `item` → an id) into `table`.`column`; reversed,
    the arrays go back as link rows, those whose id still has its row in `parent` when given.
    Put it after the column is added and before the link table is removed."""
    # Identifiers from migrations, never from users.
    forward = {
        "postgresql": f"""
            UPDATE {table} t SET {column} = l.ids
            FROM (SELECT {owner}, array_agg(DISTINCT {item} ORDER BY {item}) AS ids
                  FROM {links} GROUP BY {owner}) l
            WHERE l.{owner} = t.id""",  # noqa: S608
        "sqlite": f"""
            UPDATE {table} SET {column} = (
                SELECT json_group_array({item}) FROM (
                    SELECT DISTINCT {item} FROM {links}
                    WHERE {owner} = {table}.id ORDER BY {item}))
            WHERE id IN (SELECT {owner} FROM {links})""",  # noqa: S608
    }
    backward = {}
    for vendor in ("postgresql", "sqlite"):
        rows, value = unnest_sql(vendor, f"t.{column}", "u")
        exists = f"EXISTS (SELECT 1 FROM {parent} p WHERE p.id = {value})"  # noqa: S608
        kept = f"WHERE {exists}" if parent else ""
        backward[vendor] = (
            f"INSERT INTO {links} ({owner}, {item}) "  # noqa: S608 - our names
            f"SELECT t.id, {value} FROM {table} t, {rows} {kept} ORDER BY 1, 2"
        )

    def run(statements: dict[str, str]) -> Any:
        def apply(apps: Any, schema_editor: Any) -> None:
            schema_editor.execute(statements[schema_editor.connection.vendor])

        return apply

    return migrations.RunPython(run(forward), run(backward))


def member_sql(vendor: str, value: str, array: str) -> str:
    """SQL that is true when the id `value` is in the id array `array` (both SQL text)."""
    if vendor == "postgresql":
        return f"{value} = ANY({array})"
    return f"{value} IN (SELECT j.value FROM json_each({array}) j)"  # noqa: S608 - our SQL


def unnest_sql(vendor: str, array: str, alias: str) -> tuple[str, str]:
    """A FROM item with one row per id of `array` (it may name a table joined before it), and
    the SQL of that row's id."""
    if vendor == "postgresql":
        return f"unnest({array}) AS {alias}(id)", f"{alias}.id"
    return f"json_each({array}) AS {alias}", f"{alias}.value"


class InIds(Lookup):  # type: ignore[type-arg]
    """`id__in_ids=OuterRef("document_ids")`: the id is in the id array of an outer row."""

    lookup_name = "in_ids"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:  # (sql, params)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return member_sql(connection.vendor, lhs, rhs), [*lhs_params, *rhs_params]


def register() -> None:
    Field.register_lookup(InIds)
