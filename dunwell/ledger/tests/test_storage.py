"""Storage settings of the ledger's tables on PostgreSQL (migration ledger/0021, issue 15)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL storage settings"),
]


def test_counterparty_pages_keep_room_for_heap_only_updates() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'ledger_counterparty'")
        assert cursor.fetchone()[0] == ["fillfactor=90"]


def test_the_collector_has_one_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
            "WHERE i.indrelid = 'ledger_counterparty'::regclass AND i.indnatts = 1 "
            "AND a.attname = 'collector_id'"
        )
        assert cursor.fetchone()[0] == 1
