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

from ._case_links import drop_key, restore_key


def drop(apps, schema_editor) -> None:
    drop_key(schema_editor, "document_id", "ledger_document")


def restore(apps, schema_editor) -> None:
    restore_key(schema_editor, "document_id", "ledger_document")


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0004_case_documents_no_case_constraint"),
    ]

    operations = [migrations.RunPython(drop, restore)]
