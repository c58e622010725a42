"""The tables written in bulk keep no index that another one already serves (issue 15: each
index is one more entry per row that the import or the first daily run writes). A column's
reads go through a composite index that starts with it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dunwell.ladder.models import Task

pytestmark = pytest.mark.django_db

# table -> the columns whose reads a composite index serves (no single-column index)
SERVED = {
    "ladder_task": ["counterparty_id", "assignee_id"],
    "ledger_document": ["company_id", "counterparty_id"],
    "ledger_payment": ["company_id", "counterparty_id"],
    "ledger_allocation": ["document_id"],
    "legal_legalcase": ["counterparty_id"],
}


@pytest.mark.parametrize("table", sorted(SERVED))
def test_no_single_column_index_that_a_composite_one_serves(table: str) -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
        partial = _partial_indexes(cursor, table)
    indexes = [
        c["columns"]
        for name, c in constraints.items()
        if (c["index"] or c["unique"]) and name not in partial
    ]
    for column in SERVED[table]:
        assert [column] not in indexes, f"{table}: single-column index on {column}"
        assert any(len(cols) > 1 and cols[0] == column for cols in indexes), (
            f"{table}: nothing serves the reads by {column}"
        )


def _partial_indexes(cursor, table: str) -> set[str]:
    """Names of the table's partial indexes (WHERE …): they serve other reads than the
    column's foreign key (ledger's `nk:` lookups)."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND i.indpred IS NOT NULL",
            [table],
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql LIKE '%% WHERE %%'",
            [table],
        )
    return {name for (name,) in cursor.fetchall()}


# table -> columns that no read needs an index on: only a rare cascade (a debtor's deletion)
# or a whole-policy update looks rows up by them, or the reads go through another table (the
# progress rows of a debtor: through its documents), and the first daily run writes millions of
# rows into these tables (ladder/0011, ladder/0013).
UNREAD = {
    "ladder_documentprogress": ["policy_id", "counterparty_id"],
}


@pytest.mark.parametrize("table", sorted(UNREAD))
def test_the_bulk_link_tables_have_no_index_that_no_read_uses(table: str) -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = [c["columns"] for c in constraints.values() if c["index"] or c["unique"]]
    assert indexed, f"{table}: no index found at all"
    for column in UNREAD[table]:
        assert not [cols for cols in indexed if cols[0] == column], f"{table}: index on {column}"


# table -> nullable keys that the bulk writers leave empty: indexed only where set
# (dbindex.index_when_set; ladder/0012, ledger/0023, legal/0007).
WHEN_SET = {
    "ladder_task": ["approver_id", "done_by_id"],
    "ledger_timelineentry": ["actor_id"],
    "legal_legalcase": ["opened_by_id"],
    "legal_casestep": ["actor_id"],
}


@pytest.mark.parametrize("table", sorted(WHEN_SET))
def test_keys_left_empty_in_bulk_are_indexed_only_where_set(table: str) -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
        partial = _partial_indexes(cursor, table)
    for column in WHEN_SET[table]:
        names = [n for n, c in constraints.items() if c["index"] and c["columns"] == [column]]
        assert names, f"{table}: nothing serves the lookups by {column}"
        assert set(names) <= partial, f"{table}: {column} indexed with its empty rows"


def test_the_task_key_is_unique_without_a_like_index() -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "ladder_task")
    on_key = [c for c in constraints.values() if c["columns"] == ["key"]]
    assert [c["unique"] for c in on_key] == [True], on_key


def test_a_second_task_with_the_same_key_is_refused(make_counterparty) -> None:
    cp = make_counterparty()
    task = {"counterparty": cp, "action": "call", "title": "Call", "due_at": timezone.now()}
    Task.objects.create(key="run:1", **task)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(key="run:1", **task)
    Task.objects.create(key="run:2", **task)
    assert sorted(Task.objects.values_list("key", flat=True)) == ["run:1", "run:2"]
