# Issue 15: no foreign-key check per allocation on its payment and its document (the model's
# comment says why that is safe). On PostgreSQL the constraints are dropped and the indexes
# stay; SQLite rebuilds the table.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0021_counterparty_fillfactor"),
    ]

    operations = [
        migrations.AlterField(
            model_name="allocation",
            name="payment",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="allocations",
                to="ledger.payment",
            ),
        ),
        migrations.AlterField(
            model_name="allocation",
            name="document",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="allocations",
                to="ledger.document",
            ),
        ),
    ]
