"""Three single-column indexes that composite ones already serve (issue 15: the first daily run
writes 140,000 tasks and 800,000 progress rows at 1M documents, one entry per index each):
- progress by counterparty: (counterparty, next_due_on) starts with it;
- tasks by counterparty: (counterparty, status);
- tasks by assignee: (assignee, status, due_at).
Only the index is dropped: the foreign keys stay as they are (no re-validation of a large
table), as in credit/0005."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from dunwell.dbindex import drop_redundant_index as _drop


class Migration(migrations.Migration):
    dependencies = [
        ("ladder", "0008_taskdocument_no_task_key"),
        ("ledger", "0017_document_open_by_debtor_cancelled"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                _drop(
                    "ladder_documentprogress",
                    "ladder_documentprogress_counterparty_id_eaa054da",
                    "counterparty_id",
                ),
                _drop("ladder_task", "ladder_task_counterparty_id_c31d3913", "counterparty_id"),
                _drop("ladder_task", "ladder_task_assignee_id_86b23dfd", "assignee_id"),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="documentprogress",
                    name="counterparty",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ledger.counterparty",
                    ),
                ),
                migrations.AlterField(
                    model_name="task",
                    name="assignee",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="ladder_tasks",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="assignee",
                    ),
                ),
                migrations.AlterField(
                    model_name="task",
                    name="counterparty",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tasks",
                        to="ledger.counterparty",
                    ),
                ),
            ],
        )
    ]
