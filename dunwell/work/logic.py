"""Pure decisions of the workspace (no Django import): aging buckets of one debtor, the
worklist priority with its explanation, stalling detection, call-script placeholders.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

# Days-overdue bucket upper bounds (DESIGN §1.13: current, 1–30, 31–60, 61–90, 90+).
DEFAULT_BUCKETS: tuple[int, ...] = (0, 30, 60, 90)


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
    amount_overdue: Decimal
    max_days_overdue: int
    broken_promises: int
    step_order: int
    task_late_days: int  # how many days past its due date the task itself is


@dataclass(frozen=True)
class Priority:
    score: int
    reasons: list[tuple[str, int]] = field(default_factory=list)


def priority(item: PriorityInput) -> Priority:
    """A score where each part can be explained to the collector.

    Amount at risk counts logarithmically (a 100,000 debt is not 100 times as urgent as a
    1,000 one); days overdue grow linearly up to half a year; every broken promise within the
    window and every step up the ladder adds a fixed weight; a task left undone is pushed up.
    """
    reasons: list[tuple[str, int]] = []
    if item.amount_overdue > 0:
        reasons.append(("amount", round(10 * math.log10(float(item.amount_overdue) + 1))))
    if item.max_days_overdue > 0:
        reasons.append(("days", min(item.max_days_overdue, 180) // 3))
    if item.broken_promises:
        reasons.append(("broken", 15 * item.broken_promises))
    if item.step_order:
        reasons.append(("step", 5 * item.step_order))
    if item.task_late_days > 0:
        reasons.append(("late", min(item.task_late_days, 10) * 3))
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


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill_script(text: str, values: Mapping[str, str]) -> str:
    """Replace {name} with its value; unknown placeholders stay visible so the manager who
    edits the script notices the typo."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
