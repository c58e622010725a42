"""Storage settings of the ledger's tables on PostgreSQL (migrations ledger/0021 and 0024, issue
15)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from dunwell.ledger.models import Counterparty

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL storage settings"),
]


def test_counterparty_pages_keep_room_for_heap_only_updates() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'ledger_counterparty'")
        assert cursor.fetchone()[0] == ["fillfactor=50"]


def _updates() -> tuple[int, int]:
    """This transaction's updates of counterparty rows: all of them and the heap-only ones."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables "
            "WHERE relname = 'ledger_counterparty'"
        )
        row = cursor.fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def test_marking_every_counterparty_keeps_each_new_version_on_its_page(
    make_counterparty: Callable[..., Counterparty],
) -> None:
    """The first daily run marks more than half of a large ledger's counterparties as on the
    legal track in one transaction per batch; a new version that finds no room on its page is a
    new entry in each of the table's thirteen indexes. At fillfactor 90 this fails (30 of 240)."""
    ids = [make_counterparty(name=f"Customer {n:03d} with a longer trading name SRL").pk
           for n in range(240)]  # fmt: skip
    before, before_hot = _updates()
    changed = Counterparty.objects.filter(pk__in=ids, legal=False).update(legal=True)
    after, after_hot = _updates()
    assert changed == len(ids)
    assert after - before == len(ids)
    assert after_hot - before_hot == len(ids), "some new versions left their page"


def test_the_collector_has_one_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
            "WHERE i.indrelid = 'ledger_counterparty'::regclass AND i.indnatts = 1 "
            "AND a.attname = 'collector_id'"
        )
        assert cursor.fetchone()[0] == 1
