"""`bulk.insert_objects`: rows given as {field: value}, every other column at its default;
`bulk.moment_text` and `bulk.without_cycle_collection`, which the daily run writes its tasks
with."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dunwell import bulk
from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, TimelineEntry
from dunwell.legal.models import CaseStage, LegalCase

pytestmark = pytest.mark.django_db
AT = datetime(2026, 3, 16, 9, tzinfo=UTC)


def test_rows_of_different_shapes_keep_their_own_values_and_the_defaults(
    make_counterparty: Callable[..., Counterparty], collector: User
) -> None:
    first, second = make_counterparty(name="First"), make_counterparty(name="Second")
    bulk.insert_objects(
        TimelineEntry,
        [
            {"counterparty_id": first.pk, "at": AT, "kind": "a", "summary": "one",
             "data": {"n": 1, "name": "Ștefan"}},
            # another shape: a model instance for a key, no data, an actor
            {"counterparty": second, "at": AT, "kind": "b", "actor_id": collector.pk,
             "summary": "two"},
            {"counterparty_id": first.pk, "at": AT, "kind": "c", "summary": "three",
             "data": {"n": 3}},
        ],
    )  # fmt: skip
    rows = list(
        TimelineEntry.objects.order_by("kind").values_list(
            "counterparty_id", "kind", "actor_id", "summary", "data"
        )
    )
    assert rows == [
        (first.pk, "a", None, "one", {"n": 1, "name": "Ștefan"}),
        (second.pk, "b", collector.pk, "two", {}),
        (first.pk, "c", None, "three", {"n": 3}),
    ]


def test_id_arrays_and_defaults_of_a_case(
    make_counterparty: Callable[..., Counterparty], company: object
) -> None:
    debtor, other = make_counterparty(name="Debtor"), make_counterparty(name="Other")
    bulk.insert_objects(
        LegalCase,
        [
            {"company_id": debtor.company_id, "counterparty_id": debtor.pk, "currency": "EUR",
             "opened_at": AT, "document_ids": {5, 3, 4}},
            {"company_id": other.company_id, "counterparty_id": other.pk, "currency": "RON",
             "opened_at": AT},
        ],
    )  # fmt: skip
    cases = {c.counterparty_id: c for c in LegalCase.objects.all()}
    assert cases[debtor.pk].document_ids == [3, 4, 5]
    assert cases[other.pk].document_ids == []
    assert cases[debtor.pk].stage == cases[other.pk].stage == CaseStage.NEW
    assert (cases[debtor.pk].currency, cases[other.pk].currency) == ("EUR", "RON")
    assert cases[other.pk].court == "" and cases[other.pk].closed_on is None


def test_an_unknown_field_is_named_and_nothing_is_written(
    make_counterparty: Callable[..., Counterparty],
) -> None:
    debtor = make_counterparty(name="Debtor")
    good = {"counterparty_id": debtor.pk, "at": AT, "kind": "a", "summary": "one"}
    with pytest.raises(ValueError, match="TimelineEntry has no field colour"):
        bulk.insert_objects(TimelineEntry, [good, {**good, "colour": "red"}])
    assert not TimelineEntry.objects.exists()


def test_moments_written_as_text_read_back_as_the_same_instants(
    make_counterparty: Callable[..., Counterparty],
) -> None:
    """`moment_text` gives the text `insert` writes: the same instant whatever the moment's
    zone, each moment formatted once."""
    debtor = make_counterparty(name="Moments")
    moment = bulk.moment_text()
    kyiv = AT.astimezone(ZoneInfo("Europe/Kyiv"))  # 11:00+02:00, the same instant as AT
    later = AT + timedelta(hours=5, minutes=30)
    assert moment(None) is None
    assert moment(kyiv) is moment(kyiv)  # formatted once
    bulk.insert(
        TimelineEntry._meta.db_table,
        ("counterparty_id", "at", "kind", "summary", "data"),
        [
            (debtor.pk, moment(kyiv), "a", "", "{}"),
            (debtor.pk, moment(later), "b", "", "{}"),
        ],
    )
    assert list(TimelineEntry.objects.order_by("kind").values_list("at", flat=True)) == [
        AT,
        later,
    ]
    # compared as the database compares moments (SQLite compares its text)
    assert list(TimelineEntry.objects.filter(at__gt=AT).values_list("kind", flat=True)) == ["b"]
    assert list(TimelineEntry.objects.filter(at__lte=AT).values_list("kind", flat=True)) == ["a"]


def test_the_cycle_collector_is_paused_inside_and_set_back_after() -> None:
    assert gc.isenabled()
    with bulk.without_cycle_collection():
        assert not gc.isenabled()
        with bulk.without_cycle_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()
    with pytest.raises(RuntimeError), bulk.without_cycle_collection():
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with bulk.without_cycle_collection():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
