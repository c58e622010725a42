"""Three single-column indexes that composite ones already serve (issue 15: an import of 1M
documents and 1M payments writes one entry per index and row):
- documents by company: the unique (company, external_id) index starts with it;
- payments by company: the same for payments;
- payments by counterparty: (counterparty, date) starts with it.
Only the index is dropped: the foreign keys stay as they are (no re-validation of a large
table), as in ladder/0009."""

import django.db.models.deletion
from django.db import migrations, models

from dunwell.dbindex import drop_redundant_index as _drop


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0017_document_open_by_debtor_cancelled"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                _drop("ledger_document", "ledger_document_company_id_358d3c6a", "company_id"),
                _drop("ledger_payment", "ledger_payment_company_id_74674cdb", "company_id"),
                _drop(
                    "ledger_payment", "ledger_payment_counterparty_id_38ea7b84", "counterparty_id"
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="document",
                    name="company",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="documents",
                        to="ledger.company",
                    ),
                ),
                migrations.AlterField(
                    model_name="payment",
                    name="company",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payments",
                        to="ledger.company",
                    ),
                ),
                migrations.AlterField(
                    model_name="payment",
                    name="counterparty",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="payments",
                        to="ledger.counterparty",
                    ),
                ),
            ],
        )
    ]
