"""Counterparty rows stay on their page when a flag changes for most of them at once (ledger/0024:
the table's pages are filled to half). The first daily run marks more than half of a large
ledger's counterparties as on the legal track in one transaction per batch; a new version that
finds no room on its page is a new entry in each of the table's thirteen indexes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from dunwell.ledger.models import Counterparty

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="heap-only updates are PostgreSQL's"
    ),
]


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
    ids = [make_counterparty(name=f"Customer {n:03d} with a longer trading name SRL").pk
           for n in range(240)]  # fmt: skip
    before, before_hot = _updates()
    changed = Counterparty.objects.filter(pk__in=ids, legal=False).update(legal=True)
    after, after_hot = _updates()
    assert changed == len(ids)
    assert after - before == len(ids)
    assert after_hot - before_hot == len(ids), "some new versions left their page"
