"""The search's trigram indexes: on PostgreSQL every one exists and can answer `icontains`;
on SQLite the migration adds nothing (docs/search.md)."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.django_db
INDEXES = importlib.import_module("dunwell.search.migrations.0001_trigram_indexes").INDEXES
NAMES = {name for _model, name, _column, _upper in INDEXES}


def _index_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL only")
def test_every_trigram_index_exists_and_serves_icontains() -> None:
    assert _index_names() >= NAMES
    query = Counterparty.objects.filter(name__icontains="lumina").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "search_cp_name_trgm" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_gets_no_trigram_index() -> None:
    assert not NAMES & _index_names()
