"""Task documents and document progress are not checked against their document by the database
(issue 15).

The first daily run at 1M documents writes 1.4M task documents and 800,000 progress rows. Each
key check at commit looked the document up and took a share lock on it, which writes the
document's row header: 24.5-26.0 s of COMMIT in a run of 84-98 s on the benchmark's data,
0.0-0.5 s without the keys (bench/RESULTS.md, nineteenth part). Documents are never deleted by
Dunwell's own SQL; Django deletes them with their debtor, and its cascade takes these rows
(tested in ladder/tests/test_task_documents.py). The indexes stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ladder", "0009_redundant_indexes"),
        ("ledger", "0021_counterparty_fillfactor"),
    ]

    operations = [
        migrations.AlterField(
            model_name="documentprogress",
            name="document",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="ladder_progress",
                serialize=False,
                to="ledger.document",
            ),
        ),
        migrations.AlterField(
            model_name="taskdocument",
            name="document",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="ledger.document",
            ),
        ),
    ]
