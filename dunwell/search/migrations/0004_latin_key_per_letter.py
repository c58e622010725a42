"""The Latin key spelled letter by letter (search/latin.py): y → i, w → v and Cyrillic х → h on
each letter instead of over the whole key, and only the letters of the scripts our debtors'
names are written in (39 multi-letter spellings instead of about 200). A name that contains the
typed text then has a key that contains its key, so the search asks one index instead of two,
and the database computes a key in a fifth of the steps. The function is replaced and the two
indexes on it rebuilt, since their entries were computed by the old one."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from dunwell.search.latin import sql_function_body

INDEXES = ["search_cp_name_latin_trgm", "search_contact_name_latin_trgm"]


def replace(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION search_latin(name text) RETURNS text "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
        f"AS $fn$ SELECT {sql_function_body('name')} $fn$",
        None,
    )
    for index in INDEXES:
        schema_editor.execute(f"REINDEX INDEX {schema_editor.quote_name(index)}")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_latin_names")]

    operations = [migrations.RunPython(replace, migrations.RunPython.noop, elidable=False)]
