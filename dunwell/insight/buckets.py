"""Aging buckets: how many days past due a debt is, and which bucket that puts it in.

Pure Python, no Django import. A bucket set is described by its upper edges in days past due:
edges (30, 60, 90, 180) give current (not yet due, or due today), 1–30, 31–60, 61–90, 91–180
and 180+ (more than 180 days past due).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_EDGES: tuple[int, ...] = (30, 60, 90, 180)
# A hundred years past due: beyond it date arithmetic overflows and no debt is that old.
MAX_EDGE_DAYS = 36500


class BucketError(ValueError):
    """The bucket edges are not a list of increasing positive whole numbers of days."""


@dataclass(frozen=True, slots=True)
class Bucket:
    """Days past due from `low` to `high` inclusive; `high` None means no upper bound.
    The current bucket has low None: not yet due (due today counts as current)."""

    low: int | None
    high: int | None

    @property
    def key(self) -> str:
        if self.low is None:
            return "current"
        if self.high is None:
            return f"over_{self.low - 1}"
        return f"d{self.low}_{self.high}"

    @property
    def label(self) -> str:
        """Language-neutral label; the current bucket is translated by the caller."""
        if self.low is None:
            return "current"
        if self.high is None:
            return f"{self.low - 1}+"
        return f"{self.low}–{self.high}"

    def contains(self, days_past_due: int) -> bool:
        if self.low is None:
            return days_past_due <= 0
        return days_past_due >= self.low and (self.high is None or days_past_due <= self.high)


def parse_edges(text: str) -> tuple[int, ...]:
    """`"30,60,90,180"` -> (30, 60, 90, 180); spaces allowed; BucketError when invalid."""
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if not parts:
        raise BucketError("no bucket edges given")
    try:
        edges = tuple(int(part) for part in parts)
    except ValueError:
        raise BucketError(f"bucket edges must be whole numbers of days: {text!r}") from None
    validate_edges(edges)
    return edges


def validate_edges(edges: Sequence[int]) -> None:
    if not edges:
        raise BucketError("no bucket edges given")
    if edges[0] < 1:
        raise BucketError("bucket edges must be positive numbers of days")
    if any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
        raise BucketError("bucket edges must increase")
    if edges[-1] > MAX_EDGE_DAYS:
        raise BucketError(f"bucket edges must be at most {MAX_EDGE_DAYS} days")


def make_buckets(edges: Sequence[int] = DEFAULT_EDGES) -> tuple[Bucket, ...]:
    validate_edges(edges)
    buckets = [Bucket(None, None)]
    low = 1
    for edge in edges:
        buckets.append(Bucket(low, edge))
        low = edge + 1
    buckets.append(Bucket(low, None))
    return tuple(buckets)


def days_past_due(due_date: date, as_of: date) -> int:
    return (as_of - due_date).days


def bucket_index(days: int, edges: Sequence[int] = DEFAULT_EDGES) -> int:
    """Index into make_buckets(edges) of a debt `days` past due."""
    if days <= 0:
        return 0
    return bisect.bisect_left(edges, days) + 1


def due_date_thresholds(as_of: date, edges: Sequence[int]) -> list[date]:
    """The earliest due date of each bucket but the last, as of `as_of`: a debt falls into
    bucket i when its due date is on or after thresholds[i] (and before thresholds[i-1]).
    Comparing due dates with these lets SQL bucket rows without date arithmetic."""
    return [as_of] + [as_of - timedelta(days=edge) for edge in edges]
