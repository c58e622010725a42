"""Prediction features use only what was known on the prediction day."""

from __future__ import annotations

import math
from datetime import date, timedelta

from dunwell.insight.prediction.features import FEATURES, Doc, histories

DAY = date(2026, 3, 1)


def doc(n: int, issued: date, late: int | None, amount: float = 100.0, payments: int = 1) -> Doc:
    due = issued + timedelta(days=30)
    paid = None if late is None else due + timedelta(days=late)
    return Doc(n, 1, issued, due, amount, paid, payments)


def feature(values: list[float], name: str) -> float:
    return values[FEATURES.index(name)]


def test_history_counts_only_documents_paid_before_the_prediction_day() -> None:
    paid_early = doc(1, date(2026, 1, 1), -5)  # paid 26.01
    paid_late = doc(2, date(2026, 1, 10), 10, payments=2)  # paid 19.02
    paid_after = doc(3, date(2026, 1, 20), 20)  # paid 11.03: unknown on 01.03
    new = doc(4, DAY, None, amount=300.0)
    history = histories([paid_early, paid_late, paid_after, new], late_after_days=0)[1]
    values = history.features(new, DAY)
    assert feature(values, "history_documents") == 2
    assert feature(values, "mean_days_late") == 2.5
    assert feature(values, "spread_days_late") == 7.5
    assert feature(values, "share_late") == 0.5
    assert feature(values, "share_partial") == 0.5
    # Document 3 was due 19.02 and unpaid on 01.03.
    assert feature(values, "overdue_now") == 1
    assert feature(values, "amount_ratio") == 3.0
    assert feature(values, "terms_days") == 30
    assert history.late_share_before(DAY) == 0.5
    # Learning of document 3's payment later changes nothing about that day.
    assert history.features(new, DAY) == values


def test_a_new_customer_has_no_history_rather_than_a_made_up_one() -> None:
    first = doc(1, DAY, None)
    values = histories([first], late_after_days=0)[1].features(first, DAY)
    assert feature(values, "history_documents") == 0
    assert math.isnan(feature(values, "mean_days_late"))
    assert math.isnan(feature(values, "share_late"))
    assert math.isnan(feature(values, "amount_ratio"))


def test_disputes_and_broken_promises_count_before_the_day_only() -> None:
    first = doc(1, DAY, None)
    found = histories(
        [first],
        late_after_days=0,
        disputes=[(1, date(2026, 2, 1)), (1, DAY), (2, date(2026, 1, 1))],
        broken_promises=[(1, date(2026, 2, 27))],
    )[1]
    values = found.features(first, DAY)
    assert feature(values, "disputes_before") == 1
    assert feature(values, "broken_promises_before") == 1
