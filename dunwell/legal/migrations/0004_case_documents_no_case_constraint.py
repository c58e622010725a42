"""A legal case's document links are not checked against the case by PostgreSQL (issue 15).

The first daily run at 1M documents opens 57,500 cases and links 575,000 documents to them in
the same transactions. Each link was checked at commit against its case: a lookup and a row
lock on a case written moments before. The links are written only by the legal services,
for cases they create or read under the counterparty's lock in the same transaction
(`open_cases_for_tasks`, `open_case`), and a case deleted through Django takes its links
with it (Django's cascade, not the database's: tested in legal/tests/test_services.py).

Only the constraint on the case goes; the one on the document stays (documents are not
written by the run). The table is Django's own for `LegalCase.documents`, so only the
database changes, on PostgreSQL (SQLite would have to rebuild the table)."""

from django.db import migrations

from ._case_links import drop_key, restore_key


def drop(apps, schema_editor) -> None:
    drop_key(schema_editor, "legalcase_id", "legal_legalcase")


def restore(apps, schema_editor) -> None:
    restore_key(schema_editor, "legalcase_id", "legal_legalcase")


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0003_case_documents_redundant_index"),
    ]

    operations = [migrations.RunPython(drop, restore)]
