"""`field__any=[…]` (dunwell/lookups.py): the same rows as `field__in`, sent as one array
parameter on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dunwell.ledger.models import Counterparty, Document

pytestmark = pytest.mark.django_db


def test_any_selects_what_in_selects(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document]
) -> None:
    cps = [make_counterparty() for _ in range(4)]
    docs = [make_document(cp) for cp in cps for _ in range(2)]
    wanted = [cps[0].pk, cps[2].pk, 10**9]
    by_in = list(Document.objects.filter(counterparty_id__in=wanted).order_by("pk"))
    by_any = list(Document.objects.filter(counterparty_id__any=wanted).order_by("pk"))
    assert by_any == by_in == [d for d in docs if d.counterparty_id in wanted]
    # a foreign key by its name, the primary key, and text
    assert list(Document.objects.filter(counterparty__any=wanted).order_by("pk")) == by_in
    assert set(Counterparty.objects.filter(pk__any=wanted)) == {cps[0], cps[2]}
    names = [cps[1].name, "nobody"]
    assert list(Counterparty.objects.filter(name__any=names)) == [cps[1]]
    # nothing in the list, nothing selected; and it combines with other conditions
    assert not Document.objects.filter(pk__any=[]).exists()
    assert Counterparty.objects.exclude(pk__any=wanted).count() == 2
    assert Counterparty.objects.filter(pk__any=wanted).update(legal=True) == 2


def test_any_sends_one_array_parameter_on_postgresql(
    make_counterparty: Callable[..., Counterparty],
) -> None:
    cps = [make_counterparty() for _ in range(3)]
    ids = [cp.pk for cp in cps] + list(range(10**9, 10**9 + 5000))
    with CaptureQueriesContext(connection) as queries:
        assert Counterparty.objects.filter(pk__any=ids).count() == 3
    sql = queries.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql
    else:
        assert " IN (" in sql


def test_ids_go_as_the_text_of_one_array_and_other_values_as_a_list(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document]
) -> None:
    """Ints are sent as `{1,2,3}` (psycopg adapts a list item by item in Python); values of
    other kinds, or ids given as text, select the same rows through the list."""
    cps = [make_counterparty() for _ in range(3)]
    Counterparty.objects.filter(pk=cps[1].pk).update(legal=True)
    docs = [make_document(cp) for cp in cps]
    with CaptureQueriesContext(connection) as queries:
        assert list(Document.objects.filter(counterparty__any=[cps[0].pk, cps[2].pk])) == [
            docs[0],
            docs[2],
        ]
    if connection.vendor == "postgresql":
        sql = queries.captured_queries[-1]["sql"]
        assert f"= ANY('{{{cps[0].pk},{cps[2].pk}}}'::bigint[])" in sql
    assert list(Counterparty.objects.filter(pk__any=[str(cps[2].pk)])) == [cps[2]]
    assert list(Counterparty.objects.filter(legal__any=[True])) == [cps[1]]
    assert set(Counterparty.objects.filter(legal__any=[False])) == {cps[0], cps[2]}
