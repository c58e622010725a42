"""Indexes for the credit check's path (issue 13: a check under 5 ms), on ledger tables the
check reads (docs/credit.md, "Performance"):

- a counterparty by its external id alone: the API names the customer without its company,
  and the unique (company, external id) index cannot serve `external_id = …` by itself
  (a scan of the whole index: 1.3 ms at 100,000 debtors);
- a counterparty's first document day (`MIN(date)`, the relationship's age): one index entry
  instead of every document of the debtor.

Plain SQL (IF NOT EXISTS): the ledger's models do not declare them; both databases accept it.
"""

from django.db import migrations

INDEXES = [
    ("credit_cp_external_id", "ledger_counterparty", "external_id"),
    ("credit_document_first_day", "ledger_document", "counterparty_id, date"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0002_committee"),
        ("ledger", "0013_document_open_by_debtor"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns in INDEXES
    ]
