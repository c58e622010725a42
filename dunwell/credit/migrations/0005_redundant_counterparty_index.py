"""The credit check's log and the approval requests lose the single-column index of their
counterparty: the (counterparty, -created_at) and (counterparty, order_ref) indexes serve the
same reads, and each check wrote one index entry more (issue 13). Only the index is dropped:
the foreign key stays as it is (no re-validation of a large table)."""

import django.db.models.deletion
from django.db import migrations, models

from dunwell.dbindex import drop_redundant_index as _drop


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0004_tax_id_lookup_index"),
        ("ledger", "0017_document_open_by_debtor_cancelled"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                _drop(
                    "credit_creditapprovalrequest",
                    "credit_creditapprovalrequest_counterparty_id_f08c31db",
                    "counterparty_id",
                ),
                _drop(
                    "credit_creditcheck",
                    "credit_creditcheck_counterparty_id_b6b9309e",
                    "counterparty_id",
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="creditapprovalrequest",
                    name="counterparty",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="credit_approval_requests",
                        to="ledger.counterparty",
                    ),
                ),
                migrations.AlterField(
                    model_name="creditcheck",
                    name="counterparty",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="credit_checks",
                        to="ledger.counterparty",
                    ),
                ),
            ],
        )
    ]
