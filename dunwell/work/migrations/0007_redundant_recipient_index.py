"""Notifications lose the single-column index of their recipient: the (recipient, read_at)
index and the unique (recipient, key) one serve the same reads (issue 13: a credit check that
needs approval writes one notice per approver). Only the index is dropped: the foreign key
stays as it is (no re-validation of a large table)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0006_saved_views"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "work_notification_recipient_id_9bc57e94"',
                    'CREATE INDEX IF NOT EXISTS "work_notification_recipient_id_9bc57e94"'
                    ' ON "work_notification" ("recipient_id")',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="recipient",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                    ),
                )
            ],
        )
    ]
