"""The plain-SQL rows of the credit check's path (dunwell/rawrows.py) equal what the ORM reads
and writes: dates, decimals, JSON, booleans and aware times come back as the same values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from dunwell.credit.models import Channel, CreditCheck, CreditLimit, Decision
from dunwell.ledger.models import Counterparty
from dunwell.rawrows import (
    as_instances,
    fetch_each,
    insert_row,
    select_one,
    select_query,
    select_rows,
)

pytestmark = pytest.mark.django_db


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_a_row_read_plainly_equals_the_orms(
    make_counterparty: Callable[..., Counterparty], limit: Callable[..., Any]
) -> None:
    cp = make_counterparty()
    made = limit(cp, "1234.50", overdue="99.99")
    row = select_one(CreditLimit, "counterparty_id = %s ORDER BY id DESC", [cp.pk])
    assert row is not None
    assert _fields(row) == _fields(CreditLimit.objects.get(pk=made.pk))
    assert row.total == Decimal("1234.50") and isinstance(row.valid_from, date)
    assert timezone.is_aware(row.set_at)
    assert select_one(CreditLimit, "counterparty_id = %s", [cp.pk + 1000]) is None


def test_select_rows_stops_at_its_limit(make_counterparty: Callable[..., Counterparty]) -> None:
    for _ in range(3):
        make_counterparty(tax_id="RO1")
    assert len(select_rows(Counterparty, "tax_id = %s", ["RO1"], 2)) == 2


def test_an_inserted_row_reads_back_as_written(
    make_counterparty: Callable[..., Counterparty],
) -> None:
    cp = make_counterparty()
    row = CreditCheck(
        counterparty=cp,
        user=None,
        channel=Channel.API,
        order_ref="ZK-1",
        amount=Decimal("10.05"),
        currency="RON",
        checked_on=date(2026, 3, 2),
        decision=Decision.ALLOW,
        reasons=[{"code": "within_limit", "params": {"limit": "1,00 RON"}}],
        exposure={"total": "0.00", "rates": {}},
        rule_set=None,
        created_at=timezone.now(),
    )
    insert_row(row)
    assert row.pk is not None and not row._state.adding
    assert _fields(CreditCheck.objects.get(pk=row.pk)) == _fields(row)


def test_fetch_each_answers_each_statement_in_order(
    make_counterparty: Callable[..., Counterparty], limit: Callable[..., Any]
) -> None:
    cp = make_counterparty()
    made = limit(cp, "10.00")
    # On PostgreSQL the three go in one round trip; an empty result keeps its place.
    found = fetch_each(
        [
            select_query(CreditLimit, "counterparty_id = %s", [cp.pk], 5),
            ("SELECT id FROM ledger_counterparty WHERE id = %s", [cp.pk + 1000]),
            ("SELECT id, name FROM ledger_counterparty WHERE id = %s", [cp.pk]),
        ]
    )
    assert len(found) == 3
    assert [r.pk for r in as_instances(CreditLimit, found[0])] == [made.pk]
    assert found[1] == []
    assert [tuple(r) for r in found[2]] == [(cp.pk, cp.name)]


def _prepared_limit_reads() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "credit_creditlimit" WHERE counterparty_id = $1%'],
        )
        return int(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_checks_reads_are_prepared_once_per_connection_unless_turned_off(
    installation_data: None,
    make_counterparty: Callable[..., Counterparty],
    limit: Callable[..., Any],
) -> None:
    cp = make_counterparty()
    made = limit(cp, "10.00")
    query = select_query(CreditLimit, "counterparty_id = %s", [cp.pk], 5)
    connection.close()  # a fresh connection: nothing prepared yet
    for _ in range(3):
        [rows] = fetch_each([query])
        assert [r.pk for r in as_instances(CreditLimit, rows)] == [made.pk]
    assert _prepared_limit_reads() == 1  # planned once, reused
    # DUNWELL_DB_PREPARED=0 (tests/test_deploy.py) sets this option: nothing is prepared.
    options = connection.settings_dict["OPTIONS"]
    connection.settings_dict["OPTIONS"] = {**options, "prepare_threshold": None}
    try:
        connection.close()
        [rows] = fetch_each([query])
        assert [r.pk for r in as_instances(CreditLimit, rows)] == [made.pk]
        assert _prepared_limit_reads() == 0
    finally:
        connection.settings_dict["OPTIONS"] = options
        connection.close()
