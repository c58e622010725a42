# Allocations carry their document's company, currency, date and due date, and whether they
# closed it, so that historic aging needs no join to the documents (issue 15, item 5).

import django.db.models.deletion
from django.db import migrations, models

# Existing allocations are filled in one set-based statement (UPDATE ... FROM works on
# PostgreSQL and on SQLite >= 3.33). The closing allocation of a fully paid document is its
# last by (paid_on, payment), as the allocation engine marks it.
BACKFILL = """
UPDATE ledger_allocation SET company_id = x.company_id, currency = x.currency,
    document_date = x.date, due_date = x.due_date, closes_document = x.closes
FROM (
    SELECT a.id, d.company_id, d.currency, d.date, d.due_date,
        (d.open_amount = 0 AND ROW_NUMBER() OVER (
            PARTITION BY a.document_id ORDER BY a.paid_on DESC, a.payment_id DESC) = 1) AS closes
    FROM ledger_allocation a JOIN ledger_document d ON d.id = a.document_id
) x
WHERE x.id = ledger_allocation.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0015_covering_open_allocation_paid_on"),
    ]

    operations = [
        # The index is rebuilt wider below; dropping it first spares the backfill its upkeep.
        migrations.RemoveIndex(model_name="allocation", name="allocation_paid_on"),
        migrations.AddField(
            model_name="allocation",
            name="company",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="ledger.company",
            ),
        ),
        migrations.AddField(
            model_name="allocation",
            name="currency",
            field=models.CharField(max_length=3, null=True, verbose_name="currency"),
        ),
        migrations.AddField(
            model_name="allocation",
            name="document_date",
            field=models.DateField(null=True, verbose_name="document date"),
        ),
        migrations.AddField(
            model_name="allocation",
            name="due_date",
            field=models.DateField(null=True, verbose_name="due date"),
        ),
        migrations.AddField(
            model_name="allocation",
            name="closes_document",
            field=models.BooleanField(default=False, verbose_name="closed the document"),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="allocation",
            name="company",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="ledger.company",
            ),
        ),
        migrations.AlterField(
            model_name="allocation",
            name="currency",
            field=models.CharField(max_length=3, verbose_name="currency"),
        ),
        migrations.AlterField(
            model_name="allocation",
            name="document_date",
            field=models.DateField(verbose_name="document date"),
        ),
        migrations.AlterField(
            model_name="allocation",
            name="due_date",
            field=models.DateField(verbose_name="due date"),
        ),
        migrations.AddIndex(
            model_name="allocation",
            index=models.Index(
                fields=["paid_on"],
                include=(
                    "counterparty",
                    "company",
                    "currency",
                    "document_date",
                    "due_date",
                    "amount",
                    "closes_document",
                ),
                name="allocation_paid_on",
            ),
        ),
    ]
