"""The search's trigram indexes: on PostgreSQL every one exists and can answer `icontains`;
on SQLite the migrations add none (docs/search.md)."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from dunwell.ledger.models import Counterparty
from dunwell.search.models import DocumentNumber

pytestmark = pytest.mark.django_db
INDEXES = importlib.import_module("dunwell.search.migrations.0001_trigram_indexes").INDEXES
NUMBERS = importlib.import_module("dunwell.search.migrations.0002_document_numbers")
# the document number's index moved to the numbers' own table (search/0002)
NAMES = {name for _model, name, _column, _upper in INDEXES} - {NUMBERS.OLD_INDEX} | {NUMBERS.INDEX}


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
    assert NUMBERS.OLD_INDEX not in _index_names()
    for queryset, index in [
        (Counterparty.objects.filter(name__icontains="lumina"), "search_cp_name_trgm"),
        (DocumentNumber.objects.filter(number__icontains="fv-88"), NUMBERS.INDEX),
    ]:
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
        assert index in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_gets_no_trigram_index() -> None:
    assert not NAMES & _index_names()
