from __future__ import annotations

from datetime import date

import pytest

from dunwell.insight.buckets import (
    DEFAULT_EDGES,
    BucketError,
    bucket_index,
    days_past_due,
    due_date_thresholds,
    make_buckets,
    parse_edges,
)


def test_default_buckets_are_current_then_up_to_180_and_beyond() -> None:
    labels = [b.label for b in make_buckets(DEFAULT_EDGES)]
    assert labels == ["current", "1–30", "31–60", "61–90", "91–180", "180+"]
    assert len({b.key for b in make_buckets()}) == 6


@pytest.mark.parametrize(
    ("days", "index"),
    [(-5, 0), (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (180, 4)],
)
def test_days_past_due_fall_into_the_right_bucket(days: int, index: int) -> None:
    assert bucket_index(days) == index
    assert make_buckets()[index].contains(days)


def test_more_than_the_last_edge_is_the_open_ended_bucket() -> None:
    assert bucket_index(181) == 5
    assert bucket_index(5000) == 5
    assert make_buckets()[5].contains(5000)
    assert not make_buckets()[5].contains(180)


def test_custom_edges_make_custom_buckets() -> None:
    edges = parse_edges(" 15, 45 ,120")
    assert edges == (15, 45, 120)
    assert [b.label for b in make_buckets(edges)] == ["current", "1–15", "16–45", "46–120", "120+"]
    assert bucket_index(16, edges) == 2


@pytest.mark.parametrize("text", ["", "30,20", "0,30", "30,30", "a,b", "-5"])
def test_bad_edges_are_refused(text: str) -> None:
    with pytest.raises(BucketError):
        parse_edges(text)


def test_thresholds_agree_with_bucket_index() -> None:
    """The SQL compares due dates with thresholds; that must give the same bucket as counting
    days past due."""
    as_of = date(2026, 3, 1)
    thresholds = due_date_thresholds(as_of, DEFAULT_EDGES)
    for offset in range(-10, 400):
        due = date.fromordinal(as_of.toordinal() - offset)
        by_threshold = next((i for i, t in enumerate(thresholds) if due >= t), len(thresholds))
        assert by_threshold == bucket_index(days_past_due(due, as_of))
