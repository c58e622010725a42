"""The credit check finds a customer by tax id with a statement prepared once per connection
(credit/selectors.py, `find_counterparty`). Planned once for any value, `tax_id = $1` reads the
whole table when most tax ids are empty (the plan that suits the empty value); an index of the
tax ids that are given is the one it can use for every value.

Plain SQL (IF NOT EXISTS), like 0003: the ledger's models do not declare it; both databases
accept a partial index.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0003_check_lookup_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS credit_cp_tax_id_given ON ledger_counterparty (tax_id)"
            " WHERE tax_id <> ''",
            "DROP INDEX IF EXISTS credit_cp_tax_id_given",
        )
    ]
