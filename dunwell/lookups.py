"""`field__any=[…]`: membership in a long list of values, sent as one array parameter.

`pk__in=ids` writes one placeholder per value. With the thousands of ids of a daily run's
batch, building that statement costs more than running it: Django prepares every value and
psycopg scans the whole text for placeholders. On PostgreSQL `pk__any=ids` becomes
`pk = ANY(%s)` with the list as one array parameter (the same plan as IN). On SQLite it is IN
as before. Registered on every field, foreign keys included (`DunwellConfig.ready`); the
values are plain values (ids), not model instances.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[Any]:
        field = self.lhs.output_field
        return [field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> Any:  # (sql, params)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(v, connection, prepared=True) for v in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        marks = ", ".join(["%s"] * len(values))
        return f"{lhs} IN ({marks})", [*lhs_params, *values]


def register() -> None:
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(AnyOf)  # related fields keep their own lookups
