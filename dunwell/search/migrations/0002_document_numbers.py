"""The documents' numbers in a table of their own, kept by triggers (search/models.py).

On PostgreSQL the trigram index on the document's number moves from `ledger_document` to
this table: an UPDATE of a document's open amount no longer adds an entry to it. The
triggers are statement triggers with transition tables for inserts and deletes (one statement
per written statement, as `dunwell/dbkeys.py`'s), a row trigger for a changed number, and one
for TRUNCATE. SQLite gets row triggers; it has no trigram index and scans the table.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

INDEX = "search_documentnumber_trgm"
OLD_INDEX = "search_document_number_trgm"  # search/0001's, on ledger_document
TRIGGERS = ("ins", "upd", "del", "truncate")
SQLITE_TRIGGERS = ("ins", "upd", "del")  # SQLite has no TRUNCATE

FILL = (
    "INSERT INTO search_documentnumber (document_id, number) "
    "SELECT id, number FROM ledger_document ORDER BY id"
)

POSTGRES = [
    f"CREATE INDEX {INDEX} ON search_documentnumber USING gin ((UPPER(number::text)) gin_trgm_ops)",
    f"DROP INDEX IF EXISTS {OLD_INDEX}",
    """CREATE FUNCTION search_documentnumber_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_documentnumber (document_id, number) SELECT id, number FROM new_rows;
    RETURN NULL;
END $$""",
    """CREATE FUNCTION search_documentnumber_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_documentnumber SET number = NEW.number WHERE document_id = NEW.id;
    RETURN NULL;
END $$""",
    """CREATE FUNCTION search_documentnumber_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_documentnumber s USING old_rows o WHERE s.document_id = o.id;
    RETURN NULL;
END $$""",
    """CREATE FUNCTION search_documentnumber_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_documentnumber;  -- a TRUNCATE here fails when it names both tables
    RETURN NULL;
END $$""",
    "CREATE TRIGGER search_documentnumber_ins AFTER INSERT ON ledger_document "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION search_documentnumber_ins()",
    "CREATE TRIGGER search_documentnumber_upd AFTER UPDATE OF number ON ledger_document "
    "FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number) "
    "EXECUTE FUNCTION search_documentnumber_upd()",
    "CREATE TRIGGER search_documentnumber_del AFTER DELETE ON ledger_document "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION search_documentnumber_del()",
    "CREATE TRIGGER search_documentnumber_truncate AFTER TRUNCATE ON ledger_document "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_documentnumber_truncate()",
]

SQLITE = [
    "CREATE TRIGGER search_documentnumber_ins AFTER INSERT ON ledger_document BEGIN "
    "INSERT INTO search_documentnumber (document_id, number) VALUES (NEW.id, NEW.number); END",
    "CREATE TRIGGER search_documentnumber_upd AFTER UPDATE OF number ON ledger_document "
    "WHEN OLD.number IS NOT NEW.number BEGIN "
    "UPDATE search_documentnumber SET number = NEW.number WHERE document_id = NEW.id; END",
    "CREATE TRIGGER search_documentnumber_del AFTER DELETE ON ledger_document BEGIN "
    "DELETE FROM search_documentnumber WHERE document_id = OLD.id; END",
]


def create(apps: Any, schema_editor: Any) -> None:
    postgres = schema_editor.connection.vendor == "postgresql"
    schema_editor.execute(FILL)
    for sql in POSTGRES if postgres else SQLITE:
        schema_editor.execute(sql, None)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS search_documentnumber_{name}")
        return
    for name in TRIGGERS:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS search_documentnumber_{name} ON ledger_document"
        )
        schema_editor.execute(f"DROP FUNCTION IF EXISTS search_documentnumber_{name}()")
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON ledger_document "
        "USING gin ((UPPER(number::text)) gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_trigram_indexes"),
        ("ledger", "0027_document_drop_counterparty_due_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="DocumentNumber",
            fields=[
                ("document_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("number", models.CharField(max_length=64)),
            ],
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
