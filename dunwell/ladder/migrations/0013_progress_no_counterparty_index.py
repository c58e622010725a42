"""Progress rows without their (counterparty, next_due_on) index (issue 15): the first daily run
at 1M documents writes 800,000 of them, and this index cost 0.72 s of the 1.80 s it took to
insert them (bench/RESULTS.md, twenty-third part). The reads by counterparty now go through the
debtor's documents and the primary key (`document__counterparty_id`)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ladder", "0012_task_keys_indexed_when_set"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="documentprogress",
            name="ladder_docu_counter_91eee3_idx",
        ),
    ]
