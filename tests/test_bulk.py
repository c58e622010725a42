"""`bulk.insert_objects`: rows given as {field: value}, every other column at its default."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

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
