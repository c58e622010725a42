"""Counterparty pages are filled to half (fillfactor 50, PostgreSQL only; 90 since 0021), so
that a daily run marking many of them at once keeps each new version on its page (issue 15).

The first daily run at 1M documents marks 57,500 of 100,000 counterparties as on the legal
track, in ranges: most rows of a page change in the same transaction. With a tenth of each page
free, 11,587 of the updates stayed on their page; the others put a new entry into each of the
table's thirteen indexes, three of them trigram GIN indexes. At half, all of them stay: the
same update in a rolled-back transaction went from 622,416 WAL records and 1.7-2.1 s to 57,500
records and 0.27-0.32 s (bench/RESULTS.md, twenty-first part). The table takes 1.8 times the
pages (27 MB instead of 15 MB for 100,000 counterparties); a full scan of it took the same time.
Pages already written keep their rows until a VACUUM FULL rewrites them."""

from django.db import migrations

from dunwell.dbindex import fillfactor


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0023_timeline_actor_indexed_when_set"),
    ]

    operations = [fillfactor("ledger_counterparty", 50, 90)]
