from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from dunwell.ladder.decide import (
    Step,
    call_kept,
    decide,
    held_amounts,
    is_daily_call,
    rungs,
    task_day,
    task_window,
)

LADDER = rungs(
    [
        Step(1, 10, "due_offset", 1, "notify_supervisor"),
        Step(2, 20, "due_offset", 1, "call"),
        Step(3, 30, "due_offset", 3, "call"),
        Step(4, 40, "due_offset", 7, "letter"),
        Step(5, 50, "due_offset", 10, "pretension"),
        Step(6, 60, "due_offset", 10, "stop_shipments"),
        Step(7, 70, "event", 0, "court_filing", event="pretension_deadline_passed"),
    ]
)
DUE = date(2026, 3, 2)
TEN = Decimal("10.00")


def test_nothing_fires_before_the_first_step() -> None:
    d = decide(LADDER, due_date=DUE, as_of=DUE, amount=TEN)
    assert d.fire == () and d.next_due_on == date(2026, 3, 3)


def test_day_one_fires_both_steps_of_that_day() -> None:
    d = decide(LADDER, due_date=DUE, as_of=date(2026, 3, 3), amount=TEN)
    assert [s.order for s in d.fire] == [10, 20]
    assert d.step_order == 20 and d.next_due_on == date(2026, 3, 5)


def test_catch_up_fires_only_what_is_due_now_and_marks_the_rest_stale() -> None:
    d = decide(LADDER, due_date=DUE, as_of=date(2026, 3, 13), amount=TEN)
    assert [s.action for s in d.fire] == ["pretension", "stop_shipments"]
    assert [s.order for s in d.stale] == [10, 20, 30, 40]
    assert d.next_due_on is None


def test_reached_step_does_not_fire_again() -> None:
    d = decide(
        LADDER, due_date=DUE, as_of=date(2026, 3, 4), amount=TEN, step_order=20,
        reached_on=date(2026, 3, 3),
    )  # fmt: skip
    assert d.fire == () and d.next_due_on == date(2026, 3, 5)


def test_grace_pauses_until_the_day_after() -> None:
    d = decide(
        LADDER, due_date=DUE, as_of=date(2026, 3, 4), amount=TEN,
        paused_until=date(2026, 3, 20), pause_kind="grace",
    )  # fmt: skip
    assert d.fire == () and d.paused == "grace" and d.next_due_on == date(2026, 3, 21)


def test_fully_held_amount_pauses_until_tomorrow() -> None:
    d = decide(LADDER, due_date=DUE, as_of=date(2026, 3, 4), amount=Decimal("0"))
    assert d.fire == () and d.paused == "held" and d.next_due_on == date(2026, 3, 5)


def test_after_previous_counts_from_the_day_the_previous_step_was_reached() -> None:
    ladder = rungs(
        [Step(1, 10, "due_offset", 1, "call"), Step(2, 20, "after_previous", 5, "letter")]
    )
    d = decide(
        ladder, due_date=DUE, as_of=date(2026, 3, 9), amount=TEN, step_order=10,
        reached_on=date(2026, 3, 5),
    )  # fmt: skip
    assert d.fire == () and d.next_due_on == date(2026, 3, 10)


def test_document_step_below_minimum_is_skipped() -> None:
    ladder = rungs([Step(1, 10, "due_offset", 1, "call", scope="document", min_amount=TEN * 10)])
    d = decide(ladder, due_date=DUE, as_of=date(2026, 3, 3), amount=TEN)
    assert d.fire == () and [s.order for s in d.below_minimum] == [10] and d.step_order == 10


def test_holds_are_laid_over_the_oldest_documents_first() -> None:
    docs = [(1, date(2026, 1, 1), Decimal("100")), (2, date(2026, 2, 1), Decimal("100"))]
    assert held_amounts(docs, [(Decimal("150"), [])]) == {1: Decimal("100"), 2: Decimal("50")}
    assert held_amounts(docs, [(Decimal("500"), [2])]) == {2: Decimal("100")}


def test_task_day_skips_closed_days_and_window_is_in_the_debtors_zone() -> None:
    closed = {date(2026, 3, 7), date(2026, 3, 8)}
    assert task_day(date(2026, 3, 7), lambda d: d not in closed) == date(2026, 3, 9)
    start, end = task_window(date(2026, 3, 9), time(10), time(11), "Europe/Bucharest")
    assert start.utcoffset() is not None and start.hour == 10 and end.hour == 11
    assert start.astimezone().utcoffset() is not None


def test_one_call_a_day_joins_calls_only_and_keeps_the_latest_steps_call() -> None:
    assert is_daily_call("call", needs_approval=False)
    assert not is_daily_call("call", needs_approval=True)  # waits for an approval: apart
    assert not is_daily_call("letter", needs_approval=False)
    first = Step(1, 10, "due_offset", 1, "call")
    second = Step(2, 20, "due_offset", 3, "call")
    assert call_kept([second, first], lambda s: s.order, open_call=False) is second
    # an open call for that person that day takes them all: no new task
    assert call_kept([first, second], lambda s: s.order, open_call=True) is None
