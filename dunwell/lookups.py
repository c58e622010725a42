"""`field__any=[…]`: membership in a long list of values, sent as one array parameter.

`pk__in=ids` writes one placeholder per value. With the thousands of ids of a daily run's
batch, building that statement costs more than running it: Django prepares every value and
psycopg scans the whole text for placeholders. On PostgreSQL `pk__any=ids` becomes
`pk = ANY(%s)` with the list as one array parameter (the same plan as IN). On SQLite it is IN
as before. Registered on every field, foreign keys included (`DunwellConfig.ready`); the
values are plain values (ids), not model instances.

A list of ints goes as the text of an array (`int_array`) instead of a list: psycopg adapts a
list item by item in Python, which cost the first daily run at 1M documents about 0.6 s over
its statements' id lists (bench/RESULTS.md, twenty-fifth part).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Field, ForeignObject, Lookup


def int_array(values: Iterable[Any]) -> str:
    """PostgreSQL's text of a bigint array of `values` (ints, or what `int()` takes), for a
    `%s::bigint[]` parameter."""
    return "{" + ",".join(map(str, map(int, values))) + "}"


def _all_ints(values: Sequence[Any]) -> bool:
    return all(type(v) is int for v in values)  # (bools are not ints here)


class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[Any]:
        if _all_ints(self.rhs):
            return list(self.rhs)  # ids: nothing to prepare
        field = self.lhs.output_field
        return [field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> Any:  # (sql, params)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        if (
            connection.vendor == "postgresql"
            and field.db_type(connection) in INT_TYPES
            and _all_ints(self.rhs)
        ):
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, int_array(self.rhs)]
        values = [field.get_db_prep_value(v, connection, prepared=True) for v in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        marks = ", ".join(["%s"] * len(values))
        return f"{lhs} IN ({marks})", [*lhs_params, *values]


# column types whose values are ints (a foreign key's is its target's)
INT_TYPES = {"bigint", "integer", "smallint"}


def register() -> None:
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(AnyOf)  # related fields keep their own lookups
