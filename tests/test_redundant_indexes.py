"""The tables written in bulk keep no index that another one already serves (issue 15: each
index is one more entry per row that the import or the first daily run writes). A column's
reads go through a composite index that starts with it."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

# table -> the columns whose reads a composite index serves (no single-column index)
SERVED = {
    "ladder_documentprogress": ["counterparty_id"],
    "ladder_task": ["counterparty_id", "assignee_id"],
    "legal_legalcase_documents": ["legalcase_id"],
    "ledger_document": ["company_id", "counterparty_id"],
    "ledger_payment": ["company_id", "counterparty_id"],
    "ledger_allocation": ["document_id"],
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
# or a whole-policy update looks rows up by them, and the first daily run writes millions of
# rows into these tables (ladder/0011, legal/0006).
UNREAD = {
    "ladder_taskdocument": "document_id",
    "ladder_documentprogress": "policy_id",
    "legal_legalcase_documents": "document_id",
}


@pytest.mark.parametrize("table", sorted(UNREAD))
def test_the_bulk_link_tables_have_no_index_that_no_read_uses(table: str) -> None:
    column = UNREAD[table]
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = [c["columns"] for c in constraints.values() if c["index"] or c["unique"]]
    assert indexed, f"{table}: no index found at all"
    assert not [cols for cols in indexed if cols[0] == column], f"{table}: index on {column}"
