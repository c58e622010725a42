# A case's documents move from the link table into the case row (dunwell/idarray.py), as a
# task's did (ladder/0015): the links are copied into the new column, then the table goes.
# Reversible: the arrays are written back as link rows.

from django.db import migrations

import dunwell.idarray
from dunwell.dbkeys import parent_rebuilt_on_sqlite, rebuilt_on_sqlite

# The case steps' key trigger names legal_legalcase, which SQLite rebuilds below.
CHILDREN_OFF, CHILDREN_ON = parent_rebuilt_on_sqlite("legal_legalcase")


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0008_case_keys_per_statement"),
    ]

    operations = [
        CHILDREN_OFF,
        rebuilt_on_sqlite("legal_legalcase", undone=True),
        migrations.AddField(
            model_name="legalcase",
            name="document_ids",
            field=dunwell.idarray.IdArrayField(verbose_name="documents covered"),
        ),
        # reversed, only the documents that still exist (the table's rows went with theirs)
        dunwell.idarray.from_link_table(
            "legal_legalcase",
            "document_ids",
            "legal_legalcase_documents",
            "legalcase_id",
            "document_id",
            parent="ledger_document",
        ),
        migrations.RemoveField(
            model_name="legalcase",
            name="documents",
        ),
        # SQLite rebuilt legal_legalcase to add the column (0008's triggers went with it)
        rebuilt_on_sqlite("legal_legalcase"),
        CHILDREN_ON,
    ]
