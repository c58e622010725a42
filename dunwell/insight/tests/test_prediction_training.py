"""Training over columns (columns.features_at, model.known_outcomes, model.outcomes_on,
model.recency_weights) gives what the document-by-document code gives: each document's
features as of its own day equal CustomerHistory.features (features.py, the reference) to
1e-9, and the training set (which documents, late or not, days late, weights) is the one
read document by document."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunwell.insight.prediction import columns
from dunwell.insight.prediction.columns import FEW_BLOCKS, _running_sums, features_at, features_on
from dunwell.insight.prediction.features import Doc, histories
from dunwell.insight.prediction.model import (
    DECAY_DAYS,
    known_outcomes,
    outcomes_on,
    recency_weights,
)
from dunwell.insight.tests.test_prediction_scoring import as_columns, assert_same, random_docs

START = date(2025, 1, 1)

# A small window of days, so that documents, payments and events often fall on the same day.
day_st = st.integers(0, 60).map(lambda n: START + timedelta(days=n))
doc_st = st.tuples(
    st.integers(1, 4),  # customer
    day_st,  # issued
    st.integers(-5, 30),  # terms: due before issue too
    st.one_of(st.none(), st.integers(-10, 40)),  # paid: days after due, or open
    st.integers(0, 9_999_999),  # amount in cents: invoices, zero included
    st.integers(0, 3),  # payments (more than one: paid in parts)
)
event_st = st.tuples(st.integers(1, 5), day_st)  # customer 5 has no documents


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(doc_st, min_size=1, max_size=40),
    disputes=st.lists(event_st, max_size=6),
    broken=st.lists(event_st, max_size=6),
    shifts=st.lists(st.integers(-20, 70), min_size=40, max_size=40),
    late_after_days=st.sampled_from([0, 3]),
)
def test_features_each_on_its_own_day_are_those_of_the_customer_history(
    rows: list[tuple[int, date, int, int | None, int, int]],
    disputes: list[tuple[int, date]],
    broken: list[tuple[int, date]],
    shifts: list[int],
    late_after_days: int,
) -> None:
    docs = [
        Doc(
            n,
            customer,
            issued,
            issued + timedelta(days=terms),
            cents / 100,
            None if paid is None else issued + timedelta(days=terms + paid),
            payments,
        )
        for n, (customer, issued, terms, paid, cents, payments) in enumerate(rows, 1)
    ]
    found = histories(docs, late_after_days, disputes, broken)
    ledger = as_columns(docs, disputes, broken)
    # Each document on its issue day (as training sees it), then on days around it.
    days = [d.issued for d in docs] + [
        d.issued + timedelta(days=s) for d, s in zip(docs, shifts[: len(docs)], strict=True)
    ]
    positions = np.arange(len(days)) % len(docs)
    reference = [
        found[docs[k].customer].features(docs[k], t) for k, t in zip(positions, days, strict=True)
    ]
    ordinals = np.array([t.toordinal() for t in days], dtype=np.int64)
    assert_same(features_at(ledger, positions, ordinals, late_after_days), reference)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("late_after_days", [0, 10])
def test_features_at_on_random_ledgers_with_credit_notes(seed: int, late_after_days: int) -> None:
    """The scoring test's ledgers (negative amounts too): per-row days, and one day for all
    rows gives what features_on gives."""
    docs, disputes, broken = random_docs(seed)
    found = histories(docs, late_after_days, disputes, broken)
    ledger = as_columns(docs, disputes, broken)
    everything = np.arange(len(docs))
    reference = [found[d.customer].features(d, d.issued) for d in docs]
    issued = np.array([d.issued.toordinal() for d in docs], dtype=np.int64)
    assert_same(features_at(ledger, everything, issued, late_after_days), reference)
    t = date(2025, 9, 1).toordinal()
    assert_same(
        features_at(ledger, everything, np.full(len(docs), t), late_after_days),
        features_on(ledger, everything, t, late_after_days),
    )


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("late_after_days", [0, 10])
def test_the_training_set_over_columns_is_the_one_read_document_by_document(
    seed: int, late_after_days: int
) -> None:
    docs, disputes, broken = random_docs(seed)
    ledger = as_columns(docs, disputes, broken)
    for day in (date(2025, 6, 1), date(2026, 1, 1), date(2026, 6, 1)):
        cutoff = day - timedelta(days=late_after_days)
        known = [
            d
            for d in docs
            if d.issued < day and ((d.paid_on is not None and d.paid_on < day) or d.due < cutoff)
        ]
        rows = known_outcomes(ledger, day.toordinal(), late_after_days)
        assert ledger.id[rows].tolist() == [d.id for d in known]  # the same, in the same order
        late, days = outcomes_on(ledger, rows, day.toordinal(), late_after_days)
        paid = [d.paid_on if d.paid_on is not None and d.paid_on < day else None for d in known]
        assert late.tolist() == [
            p is None or (p - d.due).days > late_after_days
            for d, p in zip(known, paid, strict=True)
        ]
        assert days.tolist() == [
            float(((p or day) - d.due).days) for d, p in zip(known, paid, strict=True)
        ]
        weights = recency_weights(ledger, rows, day.toordinal())
        # Bit for bit: the published figures were fitted with these weights.
        assert weights.tolist() == [math.exp(-(day - d.issued).days / DECAY_DAYS) for d in known]


@pytest.mark.parametrize("few_blocks", [0, 3, FEW_BLOCKS])
def test_amounts_are_summed_per_customer_in_the_order_features_py_sums_them(
    few_blocks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bit for bit, not to 1e-9: the boosted trees can see the last bit of a feature
    (numpy's log1p, off by one bit for 650 amounts, moved the published AUC by 0.004)."""
    monkeypatch.setattr(columns, "FEW_BLOCKS", few_blocks)
    rng = np.random.default_rng(5)
    lengths = rng.integers(1, 40, size=30)
    owner = np.repeat(np.arange(30), lengths)
    values = rng.uniform(-100, 10_000, size=len(owner)).round(2)
    expected: list[float] = []
    for b in range(30):
        total = 0.0
        for v in values[owner == b].tolist():
            total += v
            expected.append(total)
    assert _running_sums(values, owner).tolist() == expected
