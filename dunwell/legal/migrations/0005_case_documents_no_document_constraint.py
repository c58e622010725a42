"""A legal case's document links are not checked against the document by PostgreSQL (issue 15).

The first daily run at 1M documents links 575,000 documents to the 57,500 cases it opens. Each
link was checked at commit: a lookup and a share lock on the document, which writes the
document's row header. With migration ladder/0010 (the same for task documents and progress),
the run's COMMIT went from 24.5-26.0 s to 0.0-0.5 s (bench/RESULTS.md, nineteenth part).
Documents are never deleted by Dunwell's own SQL; Django deletes them with their debtor, and its
cascade takes the links (tested in ladder/tests/test_task_documents.py).

As in 0004, the table is Django's own for `LegalCase.documents`, so only the database changes,
on PostgreSQL (SQLite would have to rebuild the table)."""

from django.db import migrations

TABLE = "legal_legalcase_documents"
NAME = "legal_legalcase_documents_document_id_fk_ledger_document_id"


def _document_constraints(schema_editor) -> list[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, info in constraints.items()
        if info["foreign_key"] == ("ledger_document", "id") and info["columns"] == ["document_id"]
    ]


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in _document_constraints(schema_editor):
        schema_editor.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')


def restore(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql" or _document_constraints(schema_editor):
        return
    schema_editor.execute(
        f'ALTER TABLE {TABLE} ADD CONSTRAINT "{NAME}" FOREIGN KEY (document_id) '
        "REFERENCES ledger_document (id) DEFERRABLE INITIALLY DEFERRED"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0004_case_documents_no_case_constraint"),
    ]

    operations = [migrations.RunPython(drop, restore)]
