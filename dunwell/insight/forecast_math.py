"""The cash forecast's arithmetic over plain numbers (docs/metrics.md, "Cash forecast"). No
Django import.

Amounts are whole cents of ONE currency (ints): an amount times a share (a deal's probability,
the kept rate, a late-payment curve's weekly share) is rounded once, to the cent, half up
(money.share_of_cents), where it is placed; periods then add whole cents, so a period's total is
exactly the sum of its parts. Shares and errors stay floats. Days are dates; a forecast as of day
*t* places cash on days after *t*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dunwell.insight.kpi import month_end
from dunwell.money import share_of_cents

WEEKS = 13
MONTHS = 12
CURVE_WEEKS = 52  # the late-payment curve reaches a year after the as-of day
# Days past due at the as-of day that pick a late-payment curve: 1–30, 31–90, 91–180, 181+.
LATE_EDGES = (30, 90, 180)


@dataclass(frozen=True, slots=True)
class Period:
    """Days `start` to `end`, both included."""

    start: date
    end: date


def weeks(as_of: date, count: int = WEEKS) -> list[Period]:
    """Week k is days t+7(k−1)+1 … t+7k: the first week starts the day after the as-of day."""
    return [
        Period(as_of + timedelta(days=7 * k + 1), as_of + timedelta(days=7 * k + 7))
        for k in range(count)
    ]


def months(as_of: date, count: int = MONTHS) -> list[Period]:
    """Calendar months from the day after the as-of day: the first is the rest of the month
    (the whole next month when the as-of day is a month-end)."""
    periods: list[Period] = []
    start = as_of + timedelta(days=1)
    for _ in range(count):
        end = month_end(start)
        periods.append(Period(start, end))
        start = end + timedelta(days=1)
    return periods


def late_bucket(days_past_due: int) -> int:
    """0: 1–30 days past due, 1: 31–90, 2: 91–180, 3: more."""
    for index, edge in enumerate(LATE_EDGES):
        if days_past_due <= edge:
            return index
    return len(LATE_EDGES)


def bucket_sums(cash: Mapping[date, int], periods: Sequence[Period]) -> list[int]:
    """The cash of each period in cents (days outside every period are left out)."""
    if not periods:
        return []
    sums = [0] * len(periods)
    first, last = periods[0].start, periods[-1].end
    for day, amount in cash.items():
        if day < first or day > last:
            continue
        for i, period in enumerate(periods):
            if period.start <= day <= period.end:
                sums[i] += amount
                break
    return sums


def late_curve(
    base: Mapping[date, float], paid: Mapping[tuple[date, int], float], as_of: date
) -> list[float]:
    """The share of an overdue amount paid in each week after a month-end, measured on past
    month-ends: `base[e]` is the amount overdue (of one late bucket) at month-end e, `paid[(e,
    w)]` what of it was paid in week w (0-based) after e. Week w counts only the month-ends
    whose week w had ended by the as-of day (a later one is not known yet)."""
    shares: list[float] = []
    for w in range(CURVE_WEEKS):
        known = [e for e in base if e + timedelta(days=7 * (w + 1)) <= as_of]
        denominator = sum(base[e] for e in known)
        if denominator <= 0:
            shares.append(0.0)
            continue
        shares.append(sum(paid.get((e, w), 0.0) for e in known) / denominator)
    return shares


def spread_late(amount: int, curve: Sequence[float], as_of: date) -> dict[date, int]:
    """An overdue amount (cents) placed by a late-payment curve: the share of week w lands
    mid-week (day t + 7w + 4). What the curve does not reach within a year is not forecast.

    Rounded once: week w gets round(amount × the curve's shares up to w) less what the weeks
    before it got, so the weeks add up to exactly round(amount × the curve's total share)."""
    placed: dict[date, int] = {}
    reached = 0.0
    before = 0
    for w, share in enumerate(curve):
        if share <= 0:
            continue
        reached += share
        upto = share_of_cents(amount, reached)
        if upto != before:
            placed[as_of + timedelta(days=7 * w + 4)] = upto - before
        before = upto
    return placed


def split_cents(total: int, weights: Sequence[int]) -> list[int]:
    """`total` cents shared by positive `weights`, each share rounded down and the cents left
    given to the largest remainders (the earlier first on a tie): the shares add up to
    exactly `total`."""
    whole = sum(weights)
    if whole <= 0:
        return [total] + [0] * (len(weights) - 1) if weights else []
    shares = [total * w // whole for w in weights]
    left = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[:left]:
        shares[i] += 1
    return shares


def wape(pairs: Iterable[tuple[int, int]]) -> float | None:
    """Weighted absolute percentage error of (forecast, actual) pairs: Σ|F − A| ÷ ΣA. None
    when nothing was received (the ratio is undefined)."""
    error = actual = 0.0
    for f, a in pairs:
        error += abs(f - a)
        actual += a
    return None if actual <= 0 else error / actual
