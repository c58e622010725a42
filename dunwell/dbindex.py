"""Migration helper: drop a single-column index that no read needs, because a composite index
already serves its reads or because nothing but a rare cascade reads by that column.

Only the index goes: the column's foreign key stays as it is, so a large table's constraint
is not re-validated (issue 15: every index entry costs a bulk write its share). Reversing the
migration creates the index again under the same name."""

from __future__ import annotations

from django.db import migrations


def drop_redundant_index(table: str, index: str, column: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f'DROP INDEX IF EXISTS "{index}"',
        f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("{column}")',
    )
