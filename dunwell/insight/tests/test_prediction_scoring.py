"""Scoring every open document over columns (columns.py, model.score_columns) gives what the
document-by-document features (features.py) gave: the same features, the same probabilities
to 1e-9, the same expected days; and the stored predictions are written in one bulk write."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dunwell.insight.models import DocumentPrediction
from dunwell.insight.prediction.columns import OPEN, LedgerColumns, features_on
from dunwell.insight.prediction.features import Doc, histories
from dunwell.insight.prediction.model import (
    latest_model,
    read_columns,
    score_columns,
    score_open,
    store_scores,
    train,
)
from dunwell.insight.tests.prediction_reference import Ledger, feature_rows, read_ledger
from dunwell.ladder.models import Dispute, Promise
from dunwell.ledger.models import Counterparty, Document, Payment

AS_OF = date(2026, 4, 15)


def random_docs(seed: int) -> tuple[list[Doc], list[tuple[int, date]], list[tuple[int, date]]]:
    """Customers with random habits, part payments, open documents, a customer with one
    document only, disputes and broken promises on random days."""
    rng = random.Random(seed)
    docs, disputes, broken = [], [], []
    n = 0
    for customer in range(1, 9):
        for _ in range(rng.randint(1, 25)):
            n += 1
            issued = date(2025, 1, 1) + timedelta(days=rng.randint(0, 480))
            due = issued + timedelta(days=rng.choice((0, 14, 30, 60)))
            paid = due + timedelta(days=rng.randint(-20, 60)) if rng.random() < 0.8 else None
            amount = round(rng.uniform(-50, 5000), 2)
            docs.append(Doc(n, customer, issued, due, amount, paid, rng.randint(0, 3)))
        for _ in range(rng.randint(0, 3)):
            disputes.append((customer, date(2025, 1, 1) + timedelta(days=rng.randint(0, 500))))
            broken.append((customer, date(2025, 1, 1) + timedelta(days=rng.randint(0, 500))))
    disputes.append((99, date(2025, 6, 1)))  # a customer without documents
    return docs, disputes, broken


def as_columns(
    docs: list[Doc], disputes: list[tuple[int, date]], broken: list[tuple[int, date]]
) -> LedgerColumns:
    def events(pairs: list[tuple[int, date]]) -> tuple[Any, Any]:
        table = np.array([(c, d.toordinal()) for c, d in pairs], dtype=np.int64).reshape(-1, 2)
        return table[:, 0], table[:, 1]

    dispute_customer, dispute_day = events(disputes)
    broken_customer, broken_day = events(broken)
    return LedgerColumns(
        id=np.array([d.id for d in docs], dtype=np.int64),
        customer=np.array([d.customer for d in docs], dtype=np.int64),
        issued=np.array([d.issued.toordinal() for d in docs], dtype=np.int64),
        due=np.array([d.due.toordinal() for d in docs], dtype=np.int64),
        amount=np.array([d.amount for d in docs]),
        paid=np.array(
            [OPEN if d.paid_on is None else d.paid_on.toordinal() for d in docs], dtype=np.int64
        ),
        payments=np.array([d.payments for d in docs], dtype=np.int64),
        dispute_customer=dispute_customer,
        dispute_day=dispute_day,
        broken_customer=broken_customer,
        broken_day=broken_day,
    )


def assert_same(columns: Any, reference: Any) -> None:
    columns, reference = np.asarray(columns, dtype=float), np.asarray(reference, dtype=float)
    assert columns.shape == reference.shape
    assert (np.isnan(columns) == np.isnan(reference)).all()
    both = ~np.isnan(reference)
    assert np.abs(columns[both] - reference[both]).max(initial=0.0) <= 1e-9


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("late_after_days", [0, 10])
def test_columns_give_the_features_document_by_document_gives(
    seed: int, late_after_days: int
) -> None:
    docs, disputes, broken = random_docs(seed)
    found = histories(docs, late_after_days, disputes, broken)
    ledger = as_columns(docs, disputes, broken)
    for day in (date(2025, 1, 1), date(2025, 7, 10), date(2026, 1, 31), date(2026, 9, 1)):
        rows = np.arange(len(docs))
        reference = [found[d.customer].features(d, day) for d in docs]
        assert_same(features_on(ledger, rows, day.toordinal(), late_after_days), reference)


@pytest.fixture
def rich_ledger(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    pay: Callable[..., Payment],
) -> list[Document]:
    """Ten customers with their own habits, amounts that vary, some documents paid in two
    parts, one paid partly and still open, disputes and broken promises; the newest open."""
    rng = random.Random(11)
    open_docs = []
    for c in range(10):
        cp = make_counterparty()
        habit = -10 + 6 * c
        for k in range(rng.randint(2, 34)):
            issued = date(2025, 1, 6) + timedelta(days=14 * k + c)
            if issued > AS_OF:
                break
            due = issued + timedelta(days=rng.choice((14, 30, 45)))
            amount = Decimal(rng.randint(100, 900000)) / 100
            document = make_document(cp, str(amount), date=issued, due_date=due)
            paid = due + timedelta(days=habit + rng.randint(-3, 9))
            if paid >= AS_OF:
                open_docs.append(document)
                if rng.random() < 0.3:
                    pay(document, str((amount / 4).quantize(Decimal("0.01"))), due)
            elif rng.random() < 0.3:
                half = (amount / 2).quantize(Decimal("0.01"))
                pay(document, str(half), paid - timedelta(days=5))
                pay(document, str(amount - half), paid)
            else:
                pay(document, str(amount), paid)
        at = datetime(2025, 3 + c % 9, 10, 22, 30, tzinfo=UTC)
        if c % 3 == 0:
            Dispute.objects.create(
                counterparty=cp,
                reason="quality",
                amount=Decimal("10.00"),
                currency=cp.company.currency,
                registered_at=at,
            )
        if c % 4 == 1:
            Promise.objects.create(
                counterparty=cp,
                amount=Decimal("10.00"),
                currency=cp.company.currency,
                promised_date=at.date(),
                recorded_at=at,
                status="broken",
                resolved_at=at,
            )
    return open_docs


def test_scoring_over_columns_gives_the_probabilities_of_scoring_one_by_one(
    rich_ledger: list[Document], settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    train(AS_OF)
    stored = latest_model()
    assert stored is not None
    # Before: each open document read as a Doc, its features from its customer's history.
    ledger = read_ledger(0)
    docs = [d for d in ledger.docs if d.paid_on is None and d.issued <= AS_OF]
    x = feature_rows(ledger, docs, AS_OF)
    probability = stored["classifier"].predict_proba(x)[:, 1]
    delay = stored["regressor"].predict(x)
    expected = [
        max(AS_OF, d.due + timedelta(days=round(float(v))))
        for d, v in zip(docs, delay, strict=True)
    ]

    scored = score_columns(AS_OF, stored)
    assert scored is not None
    by_id = {int(i): k for k, i in enumerate(scored.document)}
    order = [by_id[d.id] for d in docs]
    assert sorted(by_id) == sorted(d.pk for d in rich_ledger)
    assert_same(scored.x[order], x)
    assert np.abs(scored.probability[order] - probability).max() <= 1e-9
    assert [date.fromordinal(int(e)) for e in scored.expected[order]] == expected
    assert set(scored.customer[order].tolist()) == {d.customer for d in docs}


def test_the_columns_read_from_the_database_are_the_documents_read_one_by_one(
    rich_ledger: list[Document],
) -> None:
    columns = read_columns()
    by_id = {d.id: d for d in read_ledger(0).docs}
    assert sorted(columns.id.tolist()) == sorted(by_id)
    for k, n in enumerate(columns.id.tolist()):
        d = by_id[n]
        assert columns.customer[k] == d.customer
        assert columns.issued[k] == d.issued.toordinal() and columns.due[k] == d.due.toordinal()
        assert columns.paid[k] == (OPEN if d.paid_on is None else d.paid_on.toordinal())
        assert columns.payments[k] == d.payments and math.isclose(columns.amount[k], d.amount)
    assert len(columns.dispute_day) == 4 and len(columns.broken_day) == 3
    # Registered 22:30 UTC: the UTC day, as read_ledger takes it.
    assert set(columns.dispute_day.tolist()) <= {
        date(2025, m, 10).toordinal() for m in range(3, 12)
    }


def test_stored_predictions_are_replaced_whole_in_one_write(
    rich_ledger: list[Document], settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    train(AS_OF)
    assert store_scores(AS_OF) == len(rich_ledger)
    assert store_scores(AS_OF) == len(rich_ledger)  # replaced, not added
    stored = {p.document_id: p for p in DocumentPrediction.objects.all()}
    assert set(stored) == {d.pk for d in rich_ledger}
    shown = {s["document"]: s for s in score_open(AS_OF, factors=True)}
    for n, p in stored.items():
        assert p.late_probability == shown[n]["late_probability"]
        assert p.expected_payment.isoformat() == shown[n]["expected_payment"]
        assert p.factors == json.loads(json.dumps(shown[n]["factors"]))
        assert p.scored_on == AS_OF and p.model_version == 1
        assert p.counterparty_id == shown[n]["customer"]


def test_outcomes_after_the_training_day_change_nothing_in_the_model() -> None:
    """Training (and its recency weights) sees only what was known before the day: moving
    every payment made on or after it to another later day gives the same probabilities."""
    from dataclasses import replace

    from dunwell.insight.prediction.model import _fit_known, known_outcomes

    day = date(2026, 1, 1)
    t = day.toordinal()
    docs, disputes, broken = random_docs(3)
    docs += random_docs(4)[0]  # more documents for a model to learn from
    docs = [replace(d, id=n) for n, d in enumerate(docs, 1)]
    moved = [
        replace(d, paid_on=d.paid_on + timedelta(days=40), payments=d.payments + 1)
        if d.paid_on is not None and d.paid_on >= day
        else d
        for d in docs
    ]
    models = []
    for version in (docs, moved):
        ledger = as_columns(version, disputes, broken)
        models.append(_fit_known(ledger, known_outcomes(ledger, t, 0), t, 0))
    x = np.asarray(feature_rows(Ledger(docs, histories(docs, 0, disputes, broken)), docs))
    assert len(known_outcomes(as_columns(docs, disputes, broken), t, 0)) > 20
    assert (models[0][0].predict_proba(x) == models[1][0].predict_proba(x)).all()
    assert (models[0][1].predict(x) == models[1][1].predict(x)).all()
