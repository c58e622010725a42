"""A legal case's documents lose the single-column index of the case: the unique
(legalcase_id, document_id) index starts with it and serves the same reads. The first daily
run at 1M documents links 575,000 documents to the cases it opens (issue 15): one index entry
fewer each. The table is Django's own for `LegalCase.documents`, so only the database changes."""

from django.db import migrations

from dunwell.dbindex import drop_redundant_index


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0002_cases_for_open_legal_tasks"),
    ]

    operations = [
        drop_redundant_index(
            "legal_legalcase_documents",
            "legal_legalcase_documents_legalcase_id_8fc6ffd4",
            "legalcase_id",
        )
    ]
