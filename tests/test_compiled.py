"""Reads whose SQL is built once (dunwell/compiled.py) return what the ORM returns, for every
argument, and a read whose SQL would depend on its arguments' values is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dunwell.compiled import NotReusable, Reusable
from dunwell.ledger.models import Contract, Counterparty, Document, TimelineEntry

pytestmark = pytest.mark.django_db


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _open_documents(cp: int) -> QuerySet[Document]:
    return (
        Document.objects.filter(counterparty_id=cp, open_amount__gt=0)
        .select_related("contract", "counterparty")
        .order_by("due_date", "id")
    )


def test_a_reused_read_equals_the_orms_for_each_argument(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    make_contract: Callable[..., Contract],
) -> None:
    built = []

    def build(cp: int) -> QuerySet[Document]:
        built.append(cp)
        return _open_documents(cp)

    read = Reusable(build, int)
    first, second, empty = make_counterparty(), make_counterparty(), make_counterparty()
    contract = make_contract(first)
    make_document(first, "120.50", contract=contract, due_date=date(2026, 3, 1))
    make_document(first, "7.00", due_date=date(2026, 2, 1))
    make_document(second, "99.99")
    read(first.pk)
    builds = len(built)
    for cp in (first, second, empty, first):
        with CaptureQueriesContext(connection) as queries:
            rows = read(cp.pk)
        assert len(queries) == 1
        expected = list(_open_documents(cp.pk))
        assert [_fields(d) for d in rows] == [_fields(d) for d in expected]
        # The objects select_related joins come back filled, None where there is none.
        with CaptureQueriesContext(connection) as queries:
            joined = [(d.contract and d.contract.number, d.counterparty.name) for d in rows]
        assert len(queries) == 0
        assert joined == [(d.contract and d.contract.number, d.counterparty.name) for d in expected]
    assert [d.open_amount for d in read(first.pk)] == [7, 120.5]
    assert len(built) == builds  # built at the first call only


def test_dates_times_and_texts_are_arguments_too(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document]
) -> None:
    cp = make_counterparty()
    make_document(cp, due_date=date(2026, 1, 10), currency="EUR")
    make_document(cp, due_date=date(2026, 1, 20), currency="RON")
    late = Reusable(
        lambda cp, day, currency: Document.objects.filter(
            counterparty_id=cp, due_date__lt=day, currency=currency
        ).order_by("id"),
        int,
        date,
        str,
    )
    assert [d.currency for d in late(cp.pk, date(2026, 1, 31), "RON")] == ["RON"]
    assert late(cp.pk, date(2026, 1, 15), "RON") == []
    assert [d.due_date for d in late(cp.pk, date(2026, 1, 15), "EUR")] == [date(2026, 1, 10)]
    now = timezone.now()
    TimelineEntry.objects.create(counterparty=cp, at=now - timedelta(hours=2), kind="work.note")
    TimelineEntry.objects.create(counterparty=cp, at=now, kind="work.call")
    since = Reusable(
        lambda cp, at: TimelineEntry.objects.filter(counterparty_id=cp, at__gte=at).order_by("at"),
        int,
        datetime,
    )
    assert [e.kind for e in since(cp.pk, now - timedelta(hours=1))] == ["work.call"]
    assert [e.kind for e in since(cp.pk, now - timedelta(days=1))] == ["work.note", "work.call"]


@pytest.mark.parametrize(
    "build, kinds",
    [
        # a parameter computed from the argument
        (lambda day: Document.objects.filter(due_date__lt=day - timedelta(days=30)), (date,)),
        # the SQL's shape depends on the value
        (
            lambda cp: (
                Document.objects.filter(counterparty_id=cp)
                if cp > 30_500
                else Document.objects.filter(counterparty_id=cp, open_amount__gt=0)
            ),
            (int,),
        ),
        # a text argument turned into a pattern
        (lambda text: Document.objects.filter(number__startswith=text), (str,)),
        # neither model rows nor values() dicts
        (lambda cp: Document.objects.filter(counterparty_id=cp).values_list("id"), (int,)),
        # an argument the SQL does not use
        (lambda cp: Document.objects.all(), (int,)),
    ],
)
def test_a_read_whose_sql_depends_on_its_values_is_refused(
    build: Callable[..., QuerySet[Document]], kinds: tuple[type, ...]
) -> None:
    read = Reusable(build, *kinds)
    value = {int: 1, date: date(2026, 1, 1), str: "INV"}[kinds[0]]
    with pytest.raises(NotReusable):
        read(value)


def test_a_fixed_value_equal_to_a_stand_in_is_not_taken_for_the_argument(
    make_counterparty: Callable[..., Counterparty],
) -> None:
    read = Reusable(
        lambda cp: Contract.objects.filter(counterparty_id=cp, payment_days__lt=30_011), int
    )
    with pytest.raises(NotReusable):
        read(make_counterparty().pk)


def test_a_grouped_values_read_gives_the_orms_dicts(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document]
) -> None:
    from django.db.models import Count, Q, Sum

    def sums(cp: int, cut: date) -> QuerySet[Any, dict[str, Any]]:
        return (
            Document.objects.filter(counterparty_id=cp)
            .values("currency")
            .annotate(
                total=Sum("open_amount"),
                late=Sum("open_amount", filter=Q(due_date__lt=cut)),
                n=Count("id"),
            )
            .order_by("currency")
        )

    read = Reusable(sums, int, date)
    cp, other = make_counterparty(), make_counterparty()
    make_document(cp, "10.00", currency="EUR", due_date=date(2026, 1, 1))
    make_document(cp, "5.50", currency="EUR", due_date=date(2026, 3, 1))
    make_document(cp, "7.00", currency="RON", due_date=date(2026, 3, 1))
    for who, cut in ((cp, date(2026, 2, 1)), (cp, date(2026, 4, 1)), (other, date(2026, 2, 1))):
        assert read(who.pk, cut) == list(sums(who.pk, cut))
    assert read(cp.pk, date(2026, 2, 1))[0] == {
        "currency": "EUR",
        "total": Decimal("15.50"),
        "late": Decimal("10.00"),
        "n": 2,
    }


def test_a_list_of_ids_is_one_argument_whatever_its_length(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document]
) -> None:
    from django.db.models import Sum

    def totals(ids: list[int], cut: date) -> QuerySet[Any, dict[str, Any]]:
        return (
            Document.objects.filter(counterparty_id__any=ids, due_date__lt=cut)
            .values("counterparty_id", "currency")
            .annotate(total=Sum("open_amount"))
            .order_by("counterparty_id", "currency")
        )

    read = Reusable(totals, list, date)
    debtors = [make_counterparty() for _ in range(4)]
    for n, cp in enumerate(debtors):
        make_document(cp, f"{n + 1}0.00", due_date=date(2026, 1, 1))
        make_document(cp, "1.25", currency="EUR", due_date=date(2026, 3, 1))
    ids = [cp.pk for cp in debtors]
    cases = [ids, ids[:1], ids[1:3], [], [ids[3], ids[0]]]
    for chosen in cases:
        for cut in (date(2026, 2, 1), date(2026, 4, 1)):
            assert read(chosen, cut) == list(totals(chosen, cut)), (chosen, cut)
    assert [r["total"] for r in read(ids[1:3], date(2026, 2, 1))] == [
        Decimal("20.00"),
        Decimal("30.00"),
    ]
    if connection.vendor == "postgresql":
        # One statement for every list: the ids travel as one array.
        with CaptureQueriesContext(connection) as queries:
            read(ids, date(2026, 4, 1))
            read(ids[:1], date(2026, 4, 1))
        first, second = (q["sql"] for q in queries.captured_queries)
        assert "ANY(" in first and first.split("ANY(")[0] == second.split("ANY(")[0]


def test_reads_sent_together_give_what_each_call_gives(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    make_contract: Callable[..., Contract],
) -> None:
    from dunwell.compiled import together

    documents = Reusable(_open_documents, int)
    contracts = Reusable(lambda cp: Contract.objects.filter(counterparty_id=cp).order_by("id"), int)
    cp, other = make_counterparty(), make_counterparty()
    contract = make_contract(cp)
    make_document(cp, "10.00", contract=contract, due_date=date(2026, 1, 1))
    make_document(cp, "20.00", due_date=date(2026, 2, 1))
    make_document(other, "30.00", due_date=date(2026, 3, 1))
    alone = (documents(cp.pk), contracts(cp.pk), documents(other.pk))
    calls = [(documents, (cp.pk,)), (contracts, (cp.pk,)), (documents, (other.pk,))]
    with (
        CaptureQueriesContext(connection) as sent,
        together(calls),
        CaptureQueriesContext(connection) as inside,
    ):
        got = (documents(cp.pk), contracts(cp.pk), documents(other.pk))
        again = documents(cp.pk)  # a second call reads again
    assert [[_fields(o) for o in rows] for rows in got] == [
        [_fields(o) for o in rows] for rows in alone
    ]
    assert [d.contract for d in got[0]] == [d.contract for d in alone[0]]  # joined objects too
    assert [_fields(o) for o in again] == [_fields(o) for o in alone[0]]
    if connection.vendor == "postgresql":
        # The three went out before the block; inside, only the second call read.
        assert len(sent) == 4 and len(inside) == 1
    else:
        assert len(inside) == 4  # nothing sent ahead: every call reads


def test_each_connection_turns_rows_into_instances_with_its_own_shape(
    installation_data: None,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    make_contract: Callable[..., Contract],
) -> None:
    """The converters and select_related populators are made once per connection (a thread's)
    and reused by its later reads; another thread's connection gets its own, same rows."""
    import threading

    from django.db import connections

    read = Reusable(_open_documents, int)
    cp = make_counterparty()
    make_document(cp, "12.34", contract=make_contract(cp), due_date=date(2026, 3, 1))
    make_document(cp, "0.01", due_date=date(2026, 2, 1))
    expected = [_fields(d) for d in _open_documents(cp.pk)]
    assert [_fields(d) for d in read(cp.pk)] == expected
    plan = read._plans["default"]
    (shape,) = plan.shapes.values()
    assert [_fields(d) for d in read(cp.pk)] == expected
    assert list(plan.shapes.values()) == [shape]  # reused, not made again
    found: list[Any] = []

    def other_thread() -> None:
        try:
            rows = read(cp.pk)
            found.append(
                ([_fields(d) for d in rows], [d.contract_id and d.contract.number for d in rows])
            )
        finally:
            connections.close_all()

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert found and found[0][0] == expected
    assert found[0][1] == [d.contract_id and d.contract.number for d in _open_documents(cp.pk)]
    assert len(plan.shapes) == 2 and shape in plan.shapes.values()
    assert {id(s.connection) for s in plan.shapes.values()} == set(plan.shapes)


def test_a_block_inside_another_adds_its_reads_to_the_outer_blocks(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
) -> None:
    """A page's second round trip (a selector's block inside the view's): what the inner
    block sent and did not call is still taken by a call after it, inside the outer block;
    after the outer block every call reads again."""
    from dunwell.compiled import together

    documents = Reusable(_open_documents, int)
    cp, other = make_counterparty(), make_counterparty()
    make_document(cp, "10.00", due_date=date(2026, 1, 1))
    make_document(other, "30.00", due_date=date(2026, 3, 1))
    alone = ([_fields(o) for o in documents(cp.pk)], [_fields(o) for o in documents(other.pk)])
    with CaptureQueriesContext(connection) as queries, together([(documents, (cp.pk,))]):
        with together([(documents, (other.pk,))]):
            first = [_fields(o) for o in documents(cp.pk)]  # sent by the outer block
        sent = len(queries)
        second = [_fields(o) for o in documents(other.pk)]  # sent by the inner block
        taken = len(queries) - sent
    assert (first, second) == alone
    with CaptureQueriesContext(connection) as after:
        assert [_fields(o) for o in documents(other.pk)] == alone[1]
    assert len(after) == 1
    if connection.vendor == "postgresql":
        # One statement per read sent, in one round trip per block; the calls took them.
        assert (sent, taken) == (2, 0)
    else:
        assert (sent, taken) == (1, 1)  # nothing sent ahead: each call read


def test_a_list_of_ids_sent_ahead_is_taken_in_any_order(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
) -> None:
    """A list argument is a set of ids (`__any`): the call gets the rows sent for the same ids
    in another order; other ids read again."""
    from dunwell.compiled import together

    read = Reusable(
        lambda ids: Document.objects.filter(counterparty_id__any=ids).order_by("id"), list
    )
    a, b, c = make_counterparty(), make_counterparty(), make_counterparty()
    for cp in (a, b, c):
        make_document(cp, "10.00", due_date=date(2026, 1, 1))
    with together([(read, ([b.pk, a.pk],))]), CaptureQueriesContext(connection) as inside:
        got = [d.counterparty_id for d in read([a.pk, b.pk, a.pk])]
        taken = len(inside)
        more = [d.counterparty_id for d in read([a.pk, c.pk])]
    assert sorted(got) == sorted([a.pk, b.pk]) and sorted(more) == sorted([a.pk, c.pk])
    if connection.vendor == "postgresql":
        assert taken == 0 and len(inside) == 1
    else:
        assert taken == 1 and len(inside) == 2
