"""Partial indexes on the rows created without ids (`nk:` external ids).

Every import of a file WITH ids asks whether the company has such rows (to adopt them, see
`_adopt_natural_rows` in the import engine); without an index that question reads the whole
table, once per API push. The predicate is the engine's own expression, so both PostgreSQL
and SQLite use the index for it."""

from django.db import migrations

TABLES = ("ledger_counterparty", "ledger_contract", "ledger_document", "ledger_payment")


def _create(table: str) -> str:
    return (
        f"CREATE INDEX {table}_nk_idx ON {table} (company_id) "
        "WHERE SUBSTR(external_id, 1, 3) = 'nk:'"
    )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0009_contact_email_flags")]

    operations = [
        migrations.RunSQL(_create(table), f"DROP INDEX {table}_nk_idx") for table in TABLES
    ]
