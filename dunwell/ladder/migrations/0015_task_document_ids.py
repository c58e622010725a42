# A task's documents move from the link table into the task row (dunwell/idarray.py): the
# links are copied into the new column, then the table goes. Reversible: the arrays are
# written back as link rows.

from django.db import migrations

import dunwell.idarray
from dunwell.dbkeys import rebuilt_on_sqlite

class Migration(migrations.Migration):
    dependencies = [
        ("ladder", "0014_task_keys_per_statement"),
        # it reads the link table this migration removes
        ("legal", "0002_cases_for_open_legal_tasks"),
    ]

    operations = [
        rebuilt_on_sqlite("ladder_task", undone=True),
        migrations.AddField(
            model_name="task",
            name="document_ids",
            field=dunwell.idarray.IdArrayField(verbose_name="documents"),
        ),
        dunwell.idarray.from_link_table(
            "ladder_task", "document_ids", "ladder_taskdocument", "task_id", "document_id"
        ),
        migrations.RemoveField(
            model_name="task",
            name="documents",
        ),
        migrations.DeleteModel(
            name="TaskDocument",
        ),
        # SQLite rebuilt ladder_task to add the column (ladder/0014's triggers went with it)
        rebuilt_on_sqlite("ladder_task"),
    ]
