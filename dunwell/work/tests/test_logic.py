from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from dunwell.work.logic import (
    PriorityInput,
    StallingRule,
    aging,
    bucket_labels,
    fill_script,
    priority,
    stalling_reason,
)

NOW = datetime(2026, 3, 10, 9, tzinfo=UTC)


def test_aging_puts_amounts_into_the_right_buckets() -> None:
    today = date(2026, 3, 10)
    items = [
        (today, Decimal("1")),  # due today: current
        (today - timedelta(days=1), Decimal("10")),
        (today - timedelta(days=30), Decimal("100")),
        (today - timedelta(days=31), Decimal("1000")),
        (today - timedelta(days=91), Decimal("10000")),
    ]
    assert aging(items, today) == [
        Decimal("1"),
        Decimal("110"),
        Decimal("1000"),
        Decimal("0"),
        Decimal("10000"),
    ]
    assert bucket_labels() == ["current", "1-30", "31-60", "61-90", "90+"]


def test_priority_explains_each_part_and_grows_with_risk() -> None:
    small = priority(PriorityInput(Decimal("1000"), 10, 0, 1, 0))
    big = priority(PriorityInput(Decimal("100000"), 10, 0, 1, 0))
    broken = priority(PriorityInput(Decimal("1000"), 10, 2, 1, 0))
    assert big.score == small.score + 10  # 5 points per tenfold
    assert broken.score == small.score + 20
    assert dict(broken.reasons) == {"amount": 15, "days": 1, "step": 3, "broken": 20}
    assert sum(points for _, points in broken.reasons) == broken.score


def test_no_part_of_the_priority_outweighs_the_others() -> None:
    """The old formula gave 5 points per step *order number* (10, 20, …): a step at order 30
    outweighed a debt 1000 times larger. Each part now has a ceiling."""
    far_up_the_ladder = priority(PriorityInput(Decimal("100"), 5, 0, 12, 0))
    large_and_old = priority(PriorityInput(Decimal("1000000"), 150, 0, 1, 0))
    assert large_and_old.score > far_up_the_ladder.score
    worst = priority(PriorityInput(Decimal("10") ** 12, 10_000, 50, 50, 50))
    assert dict(worst.reasons) == {"amount": 40, "days": 30, "step": 15, "broken": 20, "late": 10}


def test_three_call_backs_after_the_last_promise_are_stalling() -> None:
    calls = [NOW - timedelta(days=d) for d in (1, 2, 3)]
    assert stalling_reason(calls, [], [], NOW) == ("call_backs", 3)
    # a promise after the second call-back resets the count
    assert stalling_reason(calls, [NOW - timedelta(days=1, hours=12)], [], NOW) is None


def test_two_broken_promises_within_the_window_are_stalling() -> None:
    broken = [NOW - timedelta(days=10), NOW - timedelta(days=59)]
    assert stalling_reason([], [], broken, NOW) == ("broken_promises", 2)
    old = [NOW - timedelta(days=10), NOW - timedelta(days=61)]
    assert stalling_reason([], [], old, NOW) is None
    assert stalling_reason([], [], old, NOW, StallingRule(broken_promises=1)) == (
        "broken_promises",
        1,
    )


def test_fill_script_keeps_unknown_placeholders_visible() -> None:
    assert fill_script("Hi {contact}, {oops}", {"contact": "Ana"}) == "Hi Ana, {oops}"
    company = {"company": "Techex sp. z o.o.", "amount": "5.00"}
    assert fill_script("You decide at {company}. Pay {amount}.", company) == (
        "You decide at Techex sp. z o.o. Pay 5.00."
    )
    assert fill_script("{company}, {oops}.", company) == "Techex sp. z o.o., {oops}."


# --- the debtor's local clock (issue 16, item 4) --------------------------------------------


def test_local_clock_is_within_working_hours_only_on_a_working_day_inside_the_window() -> None:
    from datetime import time

    from dunwell.work.logic import local_clock

    window = (time(9, 0), time(18, 0))
    every_day = lambda _day: True  # noqa: E731
    no_day = lambda _day: False  # noqa: E731
    now = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)  # 09:00 in Bucharest, 16:00 in Tokyo
    bucharest = local_clock(now, "Europe/Bucharest", every_day, window)
    assert bucharest is not None and bucharest.working and bucharest.at.hour == 9
    tokyo = local_clock(now, "Asia/Tokyo", every_day, window)
    assert tokyo is not None and tokyo.working and tokyo.at.hour == 16
    closed = local_clock(now, "Europe/Bucharest", no_day, window)
    assert closed is not None and not closed.working
    late = local_clock(
        datetime(2026, 3, 10, 16, 0, tzinfo=UTC), "Europe/Bucharest", every_day, window
    )
    assert late is not None and late.at.hour == 18 and not late.working
    assert local_clock(now, "Not/AZone", every_day, window) is None
