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

TABLE = "legal_legalcase_documents"
NAME = "legal_legalcase_documents_legalcase_id_fk_legal_legalcase_id"


def _case_constraints(schema_editor) -> list[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, info in constraints.items()
        if info["foreign_key"] == ("legal_legalcase", "id") and info["columns"] == ["legalcase_id"]
    ]


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in _case_constraints(schema_editor):
        schema_editor.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')


def restore(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql" or _case_constraints(schema_editor):
        return
    schema_editor.execute(
        f'ALTER TABLE {TABLE} ADD CONSTRAINT "{NAME}" FOREIGN KEY (legalcase_id) '
        "REFERENCES legal_legalcase (id) DEFERRABLE INITIALLY DEFERRED"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0003_case_documents_redundant_index"),
    ]

    operations = [migrations.RunPython(drop, restore)]
