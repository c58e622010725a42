"""The calendar a pressure scale produces for one sample invoice: on which working day each
step lands, in which window, for whom — shown beside the policy editor before it is saved.

Dates follow the ladder's rules (ladder/decide.py): a due-date step is the due date + N days,
an after-previous step is the previous step's day + N days, and a task never lands on a
weekend or holiday of the debtor's country: a step before the due date moves back to the
working day before (`step_date`), any other to the next working day (`task_day`). As in the
daily run (`decide._nominal_dates`), "the previous step's day" is the day it is due on
(moved back when before the due date), not the later working day its task lands on: the run
reaches a step on that day, even on a Saturday, and counts the next one from it. A step
whose minimum overdue amount is above the sample's amount is listed as skipped. Event steps
have no date; they are listed with their event. A debtor gets one call a day per person
(the run's rule, `decide.is_daily_call` and `decide.call_kept`): a call step whose task lands
on the day another call step's task for the same person lands on is listed as joined to that
call — the call of the step reached first (of those reached the same day, the later step).
The same person, not the same role: a step's `person` says whom the run gives it to for the
sample debtor (`editor.person`: the collector stands in for a sales manager the debtor does
not have), so a sales manager's call and the collector's can be one call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from dunwell.ladder.decide import (
    AFTER_PREVIOUS,
    DEFAULT_WINDOW,
    EVENT,
    call_kept,
    is_daily_call,
    step_date,
    task_day,
)
from dunwell.workdays import WorkCalendar


@dataclass(frozen=True)
class PreviewRow:
    order: int
    name: str
    action: str  # the action's label
    who: str
    nominal: date | None  # before moving off a weekend or holiday; None for event steps
    day: date | None
    start: time
    end: time
    event: str = ""  # the event's label, for event steps
    skipped: bool = False  # the sample's amount is below the step's minimum
    joined_to: int | None = None  # the order of the step whose call task takes this call

    @property
    def moved(self) -> bool:
        return self.day is not None and self.day != self.nominal


def policy_calendar(
    steps: Iterable[Mapping[str, Any]],
    *,
    due: date,
    amount: Decimal,
    country: str,
    closed: Iterable[date] = (),
) -> list[PreviewRow]:
    """One row per step, in the ladder's order; `steps` are mappings with the PolicyStep
    fields (order, name, trigger, days, event, action, window_start, window_end,
    assignee_role, min_overdue_amount), the labels `action_label`, `who_label`,
    `event_label`, and `person` (whom the run gives the task; the who label when missing)."""
    calendar = WorkCalendar(country or "RO", closed)
    ordered: Sequence[Mapping[str, Any]] = sorted(steps, key=lambda s: (s["order"], s["name"]))
    rows: list[PreviewRow] = []
    previous = due
    # the call steps that give a task: (day it lands on, person) → [(day reached, order, row)]
    calls: dict[tuple[date, str], list[tuple[date, int, int]]] = {}
    for step in ordered:
        start = step.get("window_start") or DEFAULT_WINDOW[0]
        end = step.get("window_end") or DEFAULT_WINDOW[1]
        common = {
            "order": step["order"],
            "name": step["name"],
            "action": step["action_label"],
            "who": step["who_label"],
            "start": start,
            "end": end,
        }
        if step["trigger"] == EVENT:
            rows.append(
                PreviewRow(nominal=None, day=None, event=step.get("event_label", ""), **common)
            )
            continue
        days = timedelta(days=int(step["days"] or 0))
        nominal = previous + days if step["trigger"] == AFTER_PREVIOUS else due + days
        due_on = step_date(nominal, due, calendar.is_working_day)
        day = task_day(due_on, calendar.is_working_day)
        minimum = step.get("min_overdue_amount") or Decimal("0")
        skipped = amount < minimum
        if is_daily_call(step.get("action", ""), bool(step.get("needs_approval"))) and not skipped:
            person = step.get("person") or common["who"]
            calls.setdefault((day, person), []).append((due_on, step["order"], len(rows)))
        rows.append(PreviewRow(nominal=nominal, day=day, skipped=skipped, **common))
        previous = due_on
    for same_day in calls.values():
        # the first run reaching one of them creates the call (of its steps, the later one);
        # the runs after it find that call open and give it their documents
        first = min(reached for reached, _order, _index in same_day)
        kept = call_kept([c for c in same_day if c[0] == first], lambda c: c[1], open_call=False)
        assert kept is not None
        taker = kept[1]
        for _reached, order, index in same_day:
            if order != taker:
                rows[index] = replace(rows[index], joined_to=taker)
    event_rows = [r for r in rows if r.day is None]
    dated = sorted((r for r in rows if r.day is not None), key=lambda r: (r.day, r.order))
    return dated + event_rows
