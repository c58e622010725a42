"""The cash forecast on the payment model's days (insight/forecast.py, `Predicted`): the day's
stored predictions are joined and grouped by their day in the query, so a million open
documents come back as a few thousand rows (issue 15); the predictions scored on the spot
when none is stored give the very same figures, and a week's items add up to them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from dunwell.insight import forecast_math as fm
from dunwell.insight.forecast import (
    Method,
    Part,
    Predicted,
    _parts_sql,
    forecast,
    placements,
    week_items,
)
from dunwell.insight.models import DocumentPrediction
from dunwell.insight.prediction.model import store_scores, train
from dunwell.insight.tests.test_prediction_scoring import AS_OF
from dunwell.insight.tests.test_prediction_scoring import rich_ledger as rich_ledger  # fixture
from dunwell.ledger.models import Counterparty, Document

pytestmark = pytest.mark.django_db

T = date(2026, 3, 31)


def _card(tmp_path: Path, settings: Any, trained_as_of: date) -> None:
    """A stored model's card (what `latest_card` reads), trained by `trained_as_of`."""
    settings.DATA_DIR = tmp_path
    models = tmp_path / "models"
    models.mkdir()
    card = {"version": 1, "trained_as_of": trained_as_of.isoformat(), "late_after_days": 0}
    (models / "payment-v1.json").write_text(json.dumps(card))


def _predict(document: Document, day: date, scored_on: date = T) -> None:
    DocumentPrediction.objects.create(
        document=document,
        counterparty=document.counterparty,
        late_probability=0.5,
        expected_payment=day,
        model_version=1,
        scored_on=scored_on,
    )


def test_each_document_lands_on_its_stored_day_and_one_without_on_due_date_plus_delay(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    pay: Callable[..., object],
    settings: Any,
    tmp_path: Path,
) -> None:
    _card(tmp_path, settings, T)
    customer = make_counterparty()
    # Paid 10 days late: the customer's average delay.
    paid = make_document(customer, "100.00", date=date(2025, 12, 1), due_date=date(2026, 1, 10))
    pay(paid, "100.00", date(2026, 1, 20))
    first = make_document(customer, "1000.00", date=date(2026, 3, 10), due_date=date(2026, 4, 10))
    second = make_document(customer, "250.50", date=date(2026, 3, 11), due_date=date(2026, 4, 10))
    third = make_document(customer, "40.00", date=date(2026, 3, 12), due_date=date(2026, 4, 12))
    _predict(first, date(2026, 5, 4))
    _predict(second, date(2026, 4, 15))
    # Stored on another day: not the predictions of T (the query must not read them).
    _predict(third, date(2026, 6, 1), scored_on=T - timedelta(1))

    cash = placements(T, method=Method.MODEL)[0]["RON"][Part.RECEIVABLES]

    assert {d: c for d, c in cash.items() if c} == {
        date(2026, 5, 4): 100000,
        date(2026, 4, 15): 25050,
        date(2026, 4, 22): 4000,  # no prediction of T: 12.04 + 10 days
    }
    report = forecast(T, band=False)
    assert report.method == Method.MODEL
    (ron,) = report.currencies
    assert sum(r.parts[Part.RECEIVABLES] for r in ron.weeks) == 129050


def test_documents_predicted_for_the_same_day_come_back_as_one_row_of_the_query(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    settings: Any,
    tmp_path: Path,
) -> None:
    """The query groups the stored predictions by their day: what a million documents cost
    is the rows of a few thousand days, not a million rows placed one by one in Python."""
    _card(tmp_path, settings, T)
    customer = make_counterparty()
    documents = [
        make_document(customer, f"{10 + n}.00", date=date(2026, 3, 1), due_date=date(2026, 4, 10))
        for n in range(12)
    ]
    for n, document in enumerate(documents):
        _predict(document, date(2026, 4, 20) if n % 2 else date(2026, 4, 27))
    sql, params = _parts_sql(T, None, 0.5, predicted=Predicted.STORED, deals=False)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        receivables = [r for r in cursor.fetchall() if r[0] == "receivables"]

    assert len(receivables) == 2
    by_day = {fm_day(r[6]): int(r[5]) for r in receivables}
    assert by_day == {
        date(2026, 4, 20): sum((10 + n) * 100 for n in range(12) if n % 2),
        date(2026, 4, 27): sum((10 + n) * 100 for n in range(12) if not n % 2),
    }


def fm_day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def test_a_document_predicted_for_a_day_already_past_is_spread_as_an_overdue_one(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    settings: Any,
    tmp_path: Path,
) -> None:
    """A prediction that has come and gone (the document is still open) is no day to count on:
    the late-payment curve places it, as it places an overdue document without a model."""
    _card(tmp_path, settings, T)
    customer = make_counterparty()
    overdue = make_document(customer, "500.00", date=date(2026, 2, 1), due_date=date(2026, 3, 1))
    _predict(overdue, date(2026, 3, 20))
    model = placements(T, method=Method.MODEL)[0]["RON"][Part.RECEIVABLES]
    history = placements(T, method=Method.HISTORY)[0]["RON"][Part.RECEIVABLES]
    assert date(2026, 3, 20) not in model
    assert dict(model) == dict(history)


def test_the_forecast_is_the_same_whether_the_days_predictions_were_stored_or_are_scored_now(
    rich_ledger: list[Document],
    make_counterparty: Callable[..., Counterparty],
    settings: Any,
    tmp_path: Path,
) -> None:
    """Before the worker's daily scoring the page scores the open documents itself; after it,
    it reads what was stored. The two give the same cents on the same days, part-paid
    documents and a promise's share included, and each week's items add up to the week."""
    from dunwell.ladder.models import Promise

    settings.DATA_DIR = tmp_path
    train(AS_OF)
    customer = rich_ledger[0].counterparty
    # A promise over part of a customer's debt: its documents count at a share (rounding).
    Promise.objects.create(
        counterparty=customer,
        amount=Decimal("333.33"),
        currency=customer.company.currency,
        promised_date=AS_OF + timedelta(days=9),
        recorded_at=datetime(2026, 4, 1, 9, 0, tzinfo=UTC),
        status="active",
    )
    assert not DocumentPrediction.objects.exists()
    scored_now, _rate, _measured = placements(AS_OF, method=Method.MODEL)
    scored_weeks = forecast(AS_OF, method=Method.MODEL, band=False)

    assert store_scores(AS_OF) == len(rich_ledger)
    stored, _rate, _measured = placements(AS_OF, method=Method.MODEL)
    stored_weeks = forecast(AS_OF, method=Method.MODEL, band=False)

    def plain(cash: Any) -> dict[str, dict[str, dict[date, int]]]:
        return {
            cur: {str(p): {d: c for d, c in days.items() if c} for p, days in parts.items()}
            for cur, parts in cash.items()
        }

    assert plain(stored) == plain(scored_now)
    receivables = sum(sum(d.values()) for d in plain(stored)[customer.company.currency].values())
    assert receivables > 0
    for before, after in zip(scored_weeks.currencies, stored_weeks.currencies, strict=True):
        assert [r.parts for r in before.weeks] == [r.parts for r in after.weeks]
    (currency,) = [c for c in stored_weeks.currencies if c.currency == customer.company.currency]
    for n, row in enumerate(currency.weeks[:6]):
        items = week_items(AS_OF, None, Method.MODEL, fm.weeks(AS_OF)[n], currency.currency)
        assert sum(i.cents for i in items) == row.total
        assert all(i.why in {"model", "late", "promise", "schedule", "delay"} for i in items)
