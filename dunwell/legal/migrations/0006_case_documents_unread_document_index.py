"""A legal case's documents lose the index by document. Every read of the links goes by case
(the unique (legalcase_id, document_id) index); only Django's cascade, when a debtor and its
documents are deleted, looks links up by document, and a scan serves that rare deletion. The
first daily run at 1M documents links 575,000 documents to the cases it opens (issue 15): one
index entry fewer each. The table is Django's own for `LegalCase.documents`, so only the
database changes, as in 0003."""

from django.db import migrations

from dunwell.dbindex import drop_redundant_index


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0005_case_documents_no_document_constraint"),
    ]

    operations = [
        drop_redundant_index(
            "legal_legalcase_documents",
            "legal_legalcase_documents_document_id_1801daa9",
            "document_id",
        )
    ]
