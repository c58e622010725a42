"""Pure decisions of the workspace (no Django import): aging buckets of one debtor, the
worklist priority with its explanation, stalling detection, call-script placeholders.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Days-overdue bucket upper bounds (DESIGN §1.13: current, 1–30, 31–60, 61–90, 90+). The
# debtor list and the card use the company's buckets (`company_bounds`), as the aging page does.
DEFAULT_BUCKETS: tuple[int, ...] = (0, 30, 60, 90)


def company_bounds(edges: Sequence[int]) -> tuple[int, ...]:
    """The bounds of the company's bucket edges (insight.models.saved_edges, e.g. 30,60,90,180):
    current (not yet due) ends at 0, then each edge; the last bucket is over the last edge."""
    return (0, *edges)


def bucket_range(label: str, bounds: Sequence[int]) -> tuple[int | None, int | None] | None:
    """Days overdue of the bucket `label` of `bounds`: (more than low, at most high), None
    for no limit; None when `label` names no bucket. "N+" for any bound N above 0 is "more than
    N days" too: a link saved as "90+" still filters when 90 is not the last edge."""
    labels = bucket_labels(bounds)
    if label in labels:
        index = labels.index(label)
        low = bounds[index - 1] if index > 0 else None
        high = bounds[index] if index < len(bounds) else None
        return (low, high)
    if label.endswith("+") and label[:-1].isdigit() and int(label[:-1]) in bounds[1:]:
        return (int(label[:-1]), None)
    return None


def bucket_labels(bounds: Sequence[int] = DEFAULT_BUCKETS) -> list[str]:
    """Neutral labels ("current", "1-30", …, "90+"); the template translates "current"."""
    labels = ["current"]
    for low, high in zip(bounds, bounds[1:], strict=False):
        labels.append(f"{low + 1}-{high}")
    labels.append(f"{bounds[-1]}+")
    return labels


def bucket_index(days_overdue: int, bounds: Sequence[int] = DEFAULT_BUCKETS) -> int:
    for index, upper in enumerate(bounds):
        if days_overdue <= upper:
            return index
    return len(bounds)


def aging(
    items: Iterable[tuple[date, Decimal]], today: date, bounds: Sequence[int] = DEFAULT_BUCKETS
) -> list[Decimal]:
    """Open amounts by due date, summed into buckets of days overdue."""
    totals = [Decimal("0")] * (len(bounds) + 1)
    for due, amount in items:
        totals[bucket_index((today - due).days, bounds)] += amount
    return totals


@dataclass(frozen=True)
class PriorityInput:
    amount_overdue: Decimal  # in the company currency (converted at official rates)
    max_days_overdue: int
    broken_promises: int
    step_rank: int  # 1 for the first step of the debtor's ladder, 2 for the next…
    task_late_days: int  # how many days past its due date the task itself is
    # The highest predicted chance (0–1) that one of the debtor's open documents is paid
    # late (insight's stored payment predictions; None when there is no model).
    late_probability: float | None = None


@dataclass(frozen=True)
class Priority:
    score: int
    reasons: list[tuple[str, int]] = field(default_factory=list)


# Each part has a ceiling, so that no single part decides the order on its own (docs/workspace.md
# "Priority"): amount up to 40, days overdue up to 30, ladder step up to 15, broken promises up
# to 20, a task left undone up to 10 — 115 at most.
AMOUNT_POINTS, DAYS_POINTS, STEP_POINTS, BROKEN_POINTS, LATE_POINTS = 40, 30, 15, 20, 10
# Likely to pay late (issue 14): up to 10 more, so that "likely late, high amount" rises.
LIKELY_LATE_POINTS = 10


def priority(item: PriorityInput) -> Priority:
    """A score where each part can be explained to the collector.

    - amount: 5 points per tenfold of the overdue amount in the company currency (10 → 5,
      1,000 → 15, 100,000 → 25, 10,000,000 → 35), at most 40;
    - days overdue: one point per 6 days of the oldest overdue document, at most 30 (180 days);
    - ladder step: 3 points per step up the debtor's ladder, at most 15;
    - broken promises in the last 60 days: 10 points each, at most 20;
    - the task itself late: 2 points per day, at most 10;
    - likely to pay late: above a predicted chance of 50 %, 2 points per 10 % (60 % → 2,
      100 % → 10).
    """
    reasons: list[tuple[str, int]] = []
    if item.amount_overdue > 0:
        points = round(5 * math.log10(float(item.amount_overdue) + 1))
        reasons.append(("amount", min(points, AMOUNT_POINTS)))
    if item.max_days_overdue > 0:
        reasons.append(("days", min(item.max_days_overdue // 6, DAYS_POINTS)))
    if item.step_rank > 0:
        reasons.append(("step", min(3 * item.step_rank, STEP_POINTS)))
    if item.broken_promises:
        reasons.append(("broken", min(10 * item.broken_promises, BROKEN_POINTS)))
    if item.task_late_days > 0:
        reasons.append(("late", min(2 * item.task_late_days, LATE_POINTS)))
    if item.late_probability is not None and item.late_probability > 0.5:
        points = round(20 * (item.late_probability - 0.5))
        reasons.append(("likely_late", min(points, LIKELY_LATE_POINTS)))
    reasons = [(name, points) for name, points in reasons if points > 0]
    return Priority(score=sum(points for _, points in reasons), reasons=reasons)


@dataclass(frozen=True)
class StallingRule:
    call_backs: int = 3
    broken_promises: int = 2
    window_days: int = 60


def stalling_reason(
    call_back_times: Sequence[datetime],
    promise_times: Sequence[datetime],
    broken_promise_times: Sequence[datetime],
    now: datetime,
    rule: StallingRule = StallingRule(),  # noqa: B008 - frozen dataclass, safe default
) -> tuple[str, int] | None:
    """("call_backs", n) when ≥ rule.call_backs call-back outcomes came after the last promise,
    ("broken_promises", n) when ≥ rule.broken_promises promises were broken within the window,
    else None. Broken promises are checked first: they are the stronger signal."""
    since = now - timedelta(days=rule.window_days)
    broken = [t for t in broken_promise_times if t >= since]
    if len(broken) >= rule.broken_promises:
        return ("broken_promises", len(broken))
    last_promise = max(promise_times, default=None)
    call_backs = [
        t for t in call_back_times if t >= since and (last_promise is None or t > last_promise)
    ]
    if len(call_backs) >= rule.call_backs:
        return ("call_backs", len(call_backs))
    return None


_PLACEHOLDER = re.compile(r"\{(\w+)\}(\.?)")


def fill_script(text: str, values: Mapping[str, str]) -> str:
    """Replace {name} with its value; unknown placeholders stay visible so the manager who
    edits the script notices the typo. A value that ends a sentence with its own full stop
    ("Techex sp. z o.o.") takes the place of the script's."""

    def value(match: re.Match[str]) -> str:
        name, stop = match.groups()
        if name not in values:
            return match.group(0)
        filled = values[name]
        return filled if stop and filled.endswith(".") else filled + stop

    return _PLACEHOLDER.sub(value, text)


@dataclass(frozen=True)
class LocalClock:
    """The debtor's wall clock now, and whether a call now falls in working hours."""

    at: datetime
    working: bool


def local_clock(
    now: datetime,
    zone: str,
    is_working_day: Callable[[date], bool],
    window: tuple[time, time],
) -> LocalClock | None:
    """`now` on the debtor's clock (IANA `zone`); working hours are `window` [start, end) on a
    working day of the calendar. None when the zone is unknown (nothing to promise)."""
    try:
        local = now.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return None
    start, end = window
    working = is_working_day(local.date()) and start <= local.time() < end
    return LocalClock(at=local, working=working)
