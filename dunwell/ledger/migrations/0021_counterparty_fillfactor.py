"""Counterparty rows whose flags change stay where they are (issue 15).

- The table keeps a tenth of each page free (fillfactor 90, PostgreSQL only). A change of a
  column no index covers (legal, stop_shipments, written_off, updated_at…) can then be a
  heap-only update: the row's new version goes on the same page and none of the table's
  thirteen indexes (three of them trigram GIN indexes) gets a new entry. The first daily run
  at 1M documents marks 57,500 counterparties as on the legal track; with full pages each
  was a new entry in every index. The setting applies to pages written from now on; a
  VACUUM FULL or CLUSTER rewrites the old ones.
- The second index on the collector (the Meta index next to the foreign key's own) is
  dropped.
"""

from django.db import migrations

from dunwell.dbindex import fillfactor


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0020_ledger_company_no_constraint"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="counterparty", name="ledger_coun_collect_b8d5a9_idx"),
        fillfactor("ledger_counterparty", 90, None),
    ]
