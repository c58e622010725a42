"""The ladder's decision function: given where a document stands and what day it is, which
steps fire now, which are stale, and when to look at it again. Pure Python, no Django import.

Rules (docs/pressure-scale.md):
- A step's nominal date is the due date + N days (`due_offset`) or the previous step's date +
  N days (`after_previous`; the previous step's real date when it was reached).
- A step whose nominal date is before the due date and not a working day of the debtor's
  calendar is due on the working day before it (a reminder "3 days before" still comes before
  the due date); steps on or after the due date keep their date and their task goes to the
  next working day (`task_day`). Without a calendar (`is_working_day=None`) dates stay nominal.
- Of the steps not reached yet, the last one whose nominal date has come fires, together with
  the steps sharing its date (day +10: pretension *and* stop shipments). Earlier steps that are
  also due are stale: after downtime the ladder does once what is due now, it does not replay
  every missed day (DESIGN §3, catch-up).
- A grace or a promise pauses the document until a date; an amount fully held out (promise,
  dispute, agreement) pauses it until the next day.
- Event steps (promise broken, dispute resolved …) are not rungs; the engine fires them.
- A debtor gets at most one call a day per person (`is_daily_call`, `call_kept`): the run
  (`engine.one_call_a_day`), the simulation and the editor's preview all decide it here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

DUE_OFFSET = "due_offset"
AFTER_PREVIOUS = "after_previous"
EVENT = "event"

DEFAULT_WINDOW = (time(9, 0), time(18, 0))

CALL = "call"  # Action.CALL

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Step:
    id: int
    order: int
    trigger: str
    days: int
    action: str
    scope: str = "counterparty"
    min_amount: Decimal = Decimal("0")
    event: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    fire: tuple[Step, ...] = ()
    stale: tuple[Step, ...] = ()
    below_minimum: tuple[Step, ...] = ()
    step_order: int = 0
    reached_on: date | None = None
    next_due_on: date | None = None
    paused: str = ""  # "grace", "promise", "held" or ""


def rungs(steps: Sequence[Step]) -> tuple[Step, ...]:
    """The ordered rungs of a ladder (event steps excluded)."""
    return tuple(sorted((s for s in steps if s.trigger != EVENT), key=lambda s: s.order))


def first_offset(steps: Sequence[Step]) -> int | None:
    """Days after the due date at which the earliest rung can fire (for the SQL pre-filter)."""
    offsets = [s.days for s in rungs(steps) if s.trigger == DUE_OFFSET]
    ladder = rungs(steps)
    if ladder and ladder[0].trigger == AFTER_PREVIOUS:
        offsets.append(ladder[0].days)
    return min(offsets) if offsets else None


WorkingDay = Callable[[date], bool]


def has_early_steps(ladder: Sequence[Step]) -> bool:
    """Whether a rung can fall before the due date (a negative number of days): only then do
    the ladder's dates depend on the debtor's calendar (`step_date`)."""
    return any(s.days < 0 for s in ladder)


def step_date(nominal: date, due_date: date, is_working_day: WorkingDay | None) -> date:
    """The day a step is due: a day before the due date that is not a working day moves back
    to the working day before it, so the step still comes before the due date."""
    if is_working_day is None or nominal >= due_date:
        return nominal
    day = nominal
    for _ in range(60):
        if is_working_day(day):
            return day
        day -= timedelta(days=1)
    return nominal


def last_due_date(as_of: date, first: int, is_working_day: WorkingDay | None) -> date:
    """The latest due date of a document whose earliest rung (`first` days after the due date,
    `first_offset`) is due on `as_of`, for the pre-filter of documents not seen yet. A rung
    before the due date moves back over the non-working days after `as_of` (`step_date`)."""
    latest = as_of - timedelta(days=first)
    if first >= 0 or is_working_day is None:
        return latest
    day = as_of + timedelta(days=1)
    for _ in range(60):
        if is_working_day(day):
            break
        day += timedelta(days=1)
    return day - timedelta(days=1 + first)


def _nominal_dates(
    ladder: Sequence[Step],
    due_date: date,
    step_order: int,
    reached_on: date | None,
    is_working_day: WorkingDay | None = None,
) -> list[tuple[Step, date]]:
    previous = reached_on if (step_order and reached_on) else due_date
    result: list[tuple[Step, date]] = []
    for step in ladder:
        nominal = step_date(
            due_date + timedelta(days=step.days)
            if step.trigger == DUE_OFFSET
            else previous + timedelta(days=step.days),
            due_date,
            is_working_day,
        )
        if step.order > step_order:
            result.append((step, nominal))
        previous = nominal if step.order > step_order else previous
    return result


def decide(
    ladder: Sequence[Step],
    *,
    due_date: date,
    as_of: date,
    amount: Decimal,
    step_order: int = 0,
    reached_on: date | None = None,
    paused_until: date | None = None,
    pause_kind: str = "",
    is_working_day: WorkingDay | None = None,
) -> Decision:
    """Decide one document. `ladder` comes from `rungs()`; `amount` is the open amount minus
    what promises, disputes and agreements hold out; `is_working_day` is the debtor's calendar
    (it matters only for steps before the due date, `step_date`)."""
    pending = _nominal_dates(ladder, due_date, step_order, reached_on, is_working_day)
    upcoming = [nominal for _step, nominal in pending]
    if paused_until is not None and paused_until >= as_of:
        resume = paused_until + timedelta(days=1)
        return Decision(
            step_order=step_order,
            reached_on=reached_on,
            next_due_on=max(resume, min(upcoming)) if upcoming else None,
            paused=pause_kind or "grace",
        )
    if amount <= 0:
        return Decision(
            step_order=step_order,
            reached_on=reached_on,
            next_due_on=as_of + timedelta(days=1) if pending else None,
            paused="held",
        )
    due = [(step, nominal) for step, nominal in pending if nominal <= as_of]
    if not due:
        return Decision(
            step_order=step_order,
            reached_on=reached_on,
            next_due_on=min(upcoming) if upcoming else None,
        )
    last, last_date = due[-1]
    group = [step for step, nominal in due if nominal == last_date]
    stale = tuple(step for step, nominal in due if nominal != last_date)
    fire = tuple(s for s in group if s.scope != "document" or amount >= s.min_amount)
    below = tuple(s for s in group if s.scope == "document" and amount < s.min_amount)
    after = _nominal_dates(ladder, due_date, last.order, as_of, is_working_day)
    next_due = max(min(d for _s, d in after), as_of + timedelta(days=1)) if after else None
    return Decision(
        fire=fire,
        stale=stale,
        below_minimum=below,
        step_order=last.order,
        reached_on=as_of,
        next_due_on=next_due,
    )


def held_amounts(
    open_docs: Sequence[tuple[int, date, Decimal]],
    holds: Sequence[tuple[Decimal, Sequence[int]]],
) -> dict[int, Decimal]:
    """How much of each open document a set of promises/disputes holds out of escalation.

    `open_docs` are one counterparty's (id, due date, open amount); each hold is (amount,
    document ids or empty for "the counterparty's oldest documents first"). Holds are laid
    over the documents greedily, oldest first, never beyond a document's open amount.
    """
    remaining = {doc_id: amount for doc_id, _due, amount in open_docs}
    order = [doc_id for doc_id, _due, _amount in sorted(open_docs, key=lambda r: (r[1], r[0]))]
    held: dict[int, Decimal] = {}
    for amount, doc_ids in holds:
        left = amount
        wanted = set(doc_ids)
        for doc_id in order:
            if left <= 0:
                break
            if wanted and doc_id not in wanted:
                continue
            take = min(left, remaining[doc_id])
            if take > 0:
                remaining[doc_id] -= take
                held[doc_id] = held.get(doc_id, Decimal("0")) + take
                left -= take
    return held


def task_day(as_of: date, is_working_day: Callable[[date], bool]) -> date:
    """The first working day on or after `as_of` (tasks never land on a holiday)."""
    day = as_of
    for _ in range(60):
        if is_working_day(day):
            return day
        day += timedelta(days=1)
    return as_of


def task_window(
    day: date, start: time | None, end: time | None, time_zone: str
) -> tuple[datetime, datetime]:
    """The task's window as aware datetimes: `start`–`end` in the debtor's time zone."""
    zone = ZoneInfo(time_zone or "UTC")
    start = start or DEFAULT_WINDOW[0]
    end = end or DEFAULT_WINDOW[1]
    begins = datetime.combine(day, start, tzinfo=zone)
    ends = datetime.combine(day, end, tzinfo=zone)
    if ends <= begins:
        ends = begins + timedelta(hours=1)
    return begins, ends


def is_daily_call(action: str, needs_approval: bool) -> bool:
    """Whether a step's task is one of the calls a debtor gets at most one of a day per person
    (docs/pressure-scale.md): a call, unless it waits for an approval; those, and every other
    action, stay as drafted."""
    return action == CALL and not needs_approval


def call_kept(group: Sequence[T], order: Callable[[T], Any], *, open_call: bool) -> T | None:
    """Of the calls of one debtor for one person landing on one day (`is_daily_call`), the one
    whose task is created, covering the documents of them all: none when the debtor already
    has an open call for that person that day (that call takes them), else the latest step's
    (the highest `order`)."""
    if open_call:
        return None
    return max(group, key=order)
