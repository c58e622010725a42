"""Timeline entries: who did it is indexed only when set (issue 15).

Imports and the daily run write timeline entries without an actor (133,750 in the first run
at 1M documents, one per debtor and import): each put an empty entry into the index. The
foreign key stays as it is (no re-validation of a large table); only its index changes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from dunwell.dbindex import drop_redundant_index as _drop


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0022_allocation_keys_no_constraint"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                _drop("ledger_timelineentry", "ledger_timelineentry_actor_id_1c676c2f", "actor_id")
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="timelineentry",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="who",
                    ),
                )
            ],
        ),
        migrations.AddIndex(
            model_name="timelineentry",
            index=models.Index(
                condition=models.Q(("actor__isnull", False)),
                fields=["actor"],
                name="ledger_timeline_actor",
            ),
        ),
    ]
