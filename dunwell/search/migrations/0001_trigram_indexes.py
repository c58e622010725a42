"""Trigram indexes for the global search on PostgreSQL (docs/search.md).

The search matches with `icontains`/`contains`, which PostgreSQL writes as
`UPPER(col::text) LIKE UPPER('%text%')` and `col::text LIKE '%text%'`; GIN indexes with
`gin_trgm_ops` on exactly those expressions answer them without a scan. SQLite has no
trigram indexes: there the migration does nothing and the search scans (fine at demo size).
The tables belong to the ledger; the indexes are the search's, so they live here.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# (model, index name, expression, case-insensitive)
INDEXES = [
    ("Counterparty", "search_cp_name_trgm", "name", True),
    ("Counterparty", "search_cp_tax_id_trgm", "tax_id", True),
    ("Counterparty", "search_cp_external_trgm", "external_id", True),
    ("Contact", "search_contact_name_trgm", "name", True),
    ("Contact", "search_contact_email_trgm", "email", True),
    ("Contact", "search_contact_phone_trgm", "phone", False),
    ("Contact", "search_contact_phone2_trgm", "phone_alt", False),
    ("Document", "search_document_number_trgm", "number", True),
    ("Contract", "search_contract_number_trgm", "number", True),
]


def _statements(apps: Any, schema_editor: Any) -> list[tuple[str, str]]:
    quote = schema_editor.quote_name
    out = []
    for model_name, index, column, upper in INDEXES:
        table = apps.get_model("ledger", model_name)._meta.db_table
        expr = f"UPPER({quote(column)}::text)" if upper else f"({quote(column)}::text)"
        out.append((index, f"CREATE INDEX IF NOT EXISTS {quote(index)} ON {quote(table)} "
                           f"USING gin (({expr}) gin_trgm_ops)"))  # fmt: skip
    return out


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for _name, sql in _statements(apps, schema_editor):
        schema_editor.execute(sql)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in _statements(apps, schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0011_timeline_one_debtor_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
