"""Tasks: the users who did and approved a task are indexed only when set, and the idempotency
key loses its LIKE index (issue 15).

The first daily run at 1M documents writes 140,000 tasks, none of them done or approved yet:
each put an empty entry into both user indexes. The key was `unique=True`, which on PostgreSQL
also builds a `varchar_pattern_ops` index for LIKE lookups that nothing runs; it is unique
through a constraint of the same name now. The users' foreign keys stay as they are (no
re-validation of a large table): only their indexes change, as in 0009."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from dunwell.dbindex import drop_redundant_index as _drop


def _user(**extra):
    return models.ForeignKey(
        blank=True,
        db_index=False,
        null=True,
        on_delete=django.db.models.deletion.SET_NULL,
        related_name="+",
        to=settings.AUTH_USER_MODEL,
        **extra,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ladder", "0011_link_tables_unread_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                _drop("ladder_task", "ladder_task_approver_id_cd2391c7", "approver_id"),
                _drop("ladder_task", "ladder_task_done_by_id_b00f34d1", "done_by_id"),
            ],
            state_operations=[
                migrations.AlterField(model_name="task", name="approver", field=_user()),
                migrations.AlterField(model_name="task", name="done_by", field=_user()),
            ],
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=models.Q(("done_by__isnull", False)),
                fields=["done_by"],
                name="ladder_task_done_by",
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=models.Q(("approver__isnull", False)),
                fields=["approver"],
                name="ladder_task_approver",
            ),
        ),
        migrations.AlterField(
            model_name="task",
            name="key",
            field=models.CharField(help_text="idempotency key", max_length=120),
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.UniqueConstraint(fields=("key",), name="ladder_task_key_key"),
        ),
    ]
