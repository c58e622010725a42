"""The documents' (counterparty, due date) index dropped (issue 15): every read by debtor and
due date is of open documents, served by `document_open_by_debtor` (the same columns, open
documents only). A debtor's documents of any state are found through the (counterparty, date)
index `credit_document_first_day`, which `credit/0003` made with plain SQL; the model declares
it now, so that SQLite's table rebuilds (which keep only the indexes a model declares) keep it
too: on SQLite a later rebuild had dropped it. Each imported document and each change of an
open amount was one more entry in the dropped index (bench/RESULTS.md, twenty-sixth part)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0026_timeline_keys_per_statement"),
        ("credit", "0003_check_lookup_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # present on PostgreSQL since credit/0003; made again where a rebuild dropped it
            database_operations=[
                migrations.RunSQL(
                    "CREATE INDEX IF NOT EXISTS credit_document_first_day "
                    "ON ledger_document (counterparty_id, date)",
                    migrations.RunSQL.noop,
                )
            ],
            state_operations=[
                migrations.AddIndex(
                    model_name="document",
                    index=models.Index(
                        fields=["counterparty", "date"], name="credit_document_first_day"
                    ),
                )
            ],
        ),
        migrations.RemoveIndex(model_name="document", name="ledger_docu_counter_1a1b62_idx"),
    ]
