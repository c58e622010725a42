"""Debtors and contacts found by a Latin spelling of their names (search/latin.py).

PostgreSQL gets the function `search_latin(text)`, built from `latin.LETTERS` out of built-in
string functions only, and a trigram index on `search_latin(name)` of counterparties and
contacts: the database keeps the index right on every write (the ORM, bulk inserts, the
import's SQL), nothing stores a second copy of the name. SQLite gets the function from Python on
each connection (search/apps.py) and scans, as for the other search columns.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from dunwell.search.latin import sql_function_body

INDEXES = [
    ("Counterparty", "search_cp_name_latin_trgm"),
    ("Contact", "search_contact_name_latin_trgm"),
]


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION search_latin(name text) RETURNS text "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
        f"AS $fn$ SELECT {sql_function_body('name')} $fn$",
        None,
    )
    quote = schema_editor.quote_name
    for model_name, index in INDEXES:
        table = apps.get_model("ledger", model_name)._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index)} ON {quote(table)} "
            "USING gin ((search_latin(name)) gin_trgm_ops)"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for _model_name, index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index)}")
    schema_editor.execute("DROP FUNCTION IF EXISTS search_latin(text)")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_document_numbers")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
