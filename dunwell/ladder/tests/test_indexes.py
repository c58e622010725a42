"""The daily run's tables keep no index that another one already serves (issue 15: each index
is one more entry per row the first run writes). A column's reads go through a composite
index that starts with it."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

# table -> the columns whose reads a composite index serves (no single-column index)
SERVED = {
    "ladder_documentprogress": ["counterparty_id"],
    "ladder_task": ["counterparty_id", "assignee_id"],
    "legal_legalcase_documents": ["legalcase_id"],
}


@pytest.mark.parametrize("table", sorted(SERVED))
def test_no_single_column_index_that_a_composite_one_serves(table: str) -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexes = [c["columns"] for c in constraints.values() if c["index"] or c["unique"]]
    for column in SERVED[table]:
        assert [column] not in indexes, f"{table}: single-column index on {column}"
        assert any(len(cols) > 1 and cols[0] == column for cols in indexes), (
            f"{table}: nothing serves the reads by {column}"
        )
