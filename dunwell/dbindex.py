"""Indexes and pages of the tables written in bulk (issue 15: every index entry costs the import
and the daily run a share of each row they write):

- `drop_redundant_index` (migrations): drop a single-column index that no read needs, because
  a composite index already serves its reads or because nothing but a rare cascade reads by
  that column. Only the index goes: the column's foreign key stays as it is, so a large table's
  constraint is not re-validated. Reversing the migration creates the index again under the
  same name.
- `index_when_set` (models): index a nullable key only over the rows that have one.
- `fillfactor` (migrations): keep room on each page for heap-only updates."""

from __future__ import annotations

from django.db import migrations, models
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
