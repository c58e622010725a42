"""The plain-SQL rows of the credit check's path (dunwell/rawrows.py) equal what the ORM reads
and writes: dates, decimals, JSON, booleans and aware times come back as the same values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.credit.models import (
    Channel,
    CreditApprovalRequest,
    CreditCheck,
    CreditLimit,
    Decision,
)
from dunwell.ledger.models import Counterparty
from dunwell.rawrows import (
    as_instances,
    fetch_each,
    insert_row,
    insert_together,
    reserve_ids,
    select_one,
    select_query,
    select_rows,
)
from dunwell.work.models import Notification

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


def _check(cp: Counterparty, **fields: Any) -> CreditCheck:
    return CreditCheck(
        counterparty=cp,
        channel=Channel.API,
        amount=Decimal("10.05"),
        currency="RON",
        checked_on=date(2026, 3, 2),
        decision=Decision.NEEDS_APPROVAL,
        reasons=[],
        exposure={},
        created_at=timezone.now(),
        **fields,
    )


def _request(check: CreditCheck, **fields: Any) -> CreditApprovalRequest:
    return CreditApprovalRequest(
        credit_check=check,
        counterparty=check.counterparty,
        amount=check.amount,
        currency=check.currency,
        requested_at=check.created_at,
        **fields,
    )


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no sequences")
def test_keys_are_not_reserved_where_the_inserts_give_them() -> None:
    assert reserve_ids(CreditCheck, CreditApprovalRequest) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="data-modifying WITH: PostgreSQL")
def test_rows_that_refer_to_each_other_are_written_together_or_not_at_all(
    make_counterparty: Callable[..., Counterparty], director: User
) -> None:
    cp = make_counterparty()
    first = reserve_ids(CreditCheck, CreditApprovalRequest)
    second = reserve_ids(CreditCheck, CreditApprovalRequest)
    assert first is not None and second is not None
    assert second[0] > first[0] and second[1] > first[1]
    row = _check(cp, pk=second[0], order_ref="ZK-9")
    request = _request(row, pk=second[1])
    notice = Notification(
        recipient=director, kind="approval", message="m", key="k-1", created_at=row.created_at
    )
    again = Notification(
        recipient=director, kind="approval", message="m2", key="k-1", created_at=row.created_at
    )
    insert_together([row], [request], [notice], skip_conflicts=[Notification])
    assert _fields(CreditCheck.objects.get(pk=second[0])) == _fields(row)
    assert CreditApprovalRequest.objects.get(pk=second[1]).credit_check_id == row.pk
    # A notice with a key its recipient has already is left out; the others are written.
    row2 = _check(cp, pk=reserve_ids(CreditCheck)[0])  # type: ignore[index]
    insert_together([row2], [again], skip_conflicts=[Notification])
    assert CreditCheck.objects.filter(pk=row2.pk).exists()
    assert list(Notification.objects.values_list("message", flat=True)) == ["m"]
    # A second request for the same check breaks a unique constraint: nothing is written,
    # not even the first group's row.
    row3 = _check(cp, pk=reserve_ids(CreditCheck)[0])  # type: ignore[index]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together([row3], [_request(row, pk=reserve_ids(CreditApprovalRequest)[0])])  # type: ignore[index]
    assert not CreditCheck.objects.filter(pk=row3.pk).exists()
    with pytest.raises(ValueError, match="with and without"):
        insert_together([_check(cp, pk=1), _check(cp)])
