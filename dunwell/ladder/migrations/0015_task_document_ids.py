# A task's documents move from the link table into the task row (dunwell/idarray.py): the
# links are copied into the new column, then the table goes. Reversible: the arrays are
# written back as link rows.

from django.db import migrations

import dunwell.idarray
from dunwell.dbkeys import rebuilt_on_sqlite

FORWARD = {
    "postgresql": """
        UPDATE ladder_task t SET document_ids = l.ids
        FROM (SELECT task_id, array_agg(DISTINCT document_id ORDER BY document_id) AS ids
              FROM ladder_taskdocument GROUP BY task_id) l
        WHERE l.task_id = t.id
    """,
    "sqlite": """
        UPDATE ladder_task SET document_ids = (
            SELECT json_group_array(document_id) FROM (
                SELECT DISTINCT document_id FROM ladder_taskdocument
                WHERE task_id = ladder_task.id ORDER BY document_id))
        WHERE id IN (SELECT task_id FROM ladder_taskdocument)
    """,
}
BACKWARD = {
    "postgresql": """
        INSERT INTO ladder_taskdocument (task_id, document_id)
        SELECT t.id, u.id FROM ladder_task t, unnest(t.document_ids) AS u(id)
        ORDER BY 1, 2
    """,
    "sqlite": """
        INSERT INTO ladder_taskdocument (task_id, document_id)
        SELECT t.id, u.value FROM ladder_task t, json_each(t.document_ids) AS u
        ORDER BY 1, 2
    """,
}


def _run(statements):
    def run(apps, schema_editor):
        schema_editor.execute(statements[schema_editor.connection.vendor])

    return run


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
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
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
