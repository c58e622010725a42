"""Task documents lose their index by document, and document progress its index by policy
(issue 15).

The first daily run at 1M documents writes 1.4M task documents and 800,000 progress rows, one
entry per row in each index. Every read of task documents goes by task (the unique (task,
document) index); only Django's cascade, when a debtor and its documents are deleted, looks
them up by document. The only read of progress by policy marks every row of a changed policy
due, which is a scan when one policy covers most debtors. The keys stay as they were (not
checked by the database since 0010)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ladder", "0010_documents_without_database_keys"),
        ("ledger", "0022_allocation_keys_no_constraint"),
    ]

    operations = [
        migrations.AlterField(
            model_name="documentprogress",
            name="policy",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="ladder.policy",
            ),
        ),
        migrations.AlterField(
            model_name="taskdocument",
            name="document",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="ledger.document",
            ),
        ),
    ]
