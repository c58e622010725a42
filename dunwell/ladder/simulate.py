"""Replay the ledger's history through one policy without writing anything: what would the
ladder have done each day, and for whom (DESIGN §1.2, tune before switching on).

Open amounts as of each day come from the documents and their allocations (`paid_on`); each
morning is decided as the daily run decides it (docs/pressure-scale.md), through the run's own
functions: the same pure `decide()` with the debtor's calendar (its country's holidays and its
company's closed days, `engine.Context.calendar`), so a step before the due date that falls on
a non-working day comes the working day before (`decide.step_date`); the tasks land on the
debtor's next working day (`decide.task_day`) and are counted on that day; they go to the
person the run gives them to (`engine.Context.assignee`); step minimums are compared in the
company currency (`Context.comparable`, `Context.meets_minimum`); and a debtor gets at most one
call a day per person (the run's rule, `decide.is_daily_call` and `decide.call_kept`: the calls
of one debtor for one person landing on the same day are one task; calls waiting for an
approval stay apart). A task is counted as drafted: the simulation does not know when it would
be done, so the run's joining of new documents into a step's unfinished task
(`engine.one_task_per_step`) is not replayed. Promises, disputes and
graces of the past are not replayed (they were recorded under the old way of working).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection

from dunwell.accounts.models import User
from dunwell.ladder.decide import (
    Step,
    call_kept,
    decide,
    first_offset,
    has_early_steps,
    is_daily_call,
    last_due_date,
    rungs,
    task_day,
)
from dunwell.ladder.engine import (
    Context,
    CounterpartyInfo,
    RunSummary,
    StepInfo,
    _as_date,
    _as_money,
    _count,
)
from dunwell.ladder.models import Action, Policy
from dunwell.ledger.models import Counterparty
from dunwell.money import Amounts

SQL = """
SELECT d.id, d.counterparty_id, d.due_date, d.amount - COALESCE(
         (SELECT SUM(a.amount) FROM ledger_allocation a
          WHERE a.document_id = d.id AND a.paid_on <= %s), 0),
       d.currency, c.company_id, c.name, c.country, c.time_zone, c.collector_id,
       c.sales_manager_id
FROM ledger_document d
JOIN ledger_counterparty c ON c.id = d.counterparty_id
WHERE d.date <= %s AND d.due_date <= %s
"""

JOINED_CALL = "call joined to another call of the debtor for the same person that day"


@dataclass
class Simulation:
    # the day the tasks land on (the debtor's working day) → tasks per action
    per_day: dict[date, Counter[str]] = field(default_factory=dict)
    # the assignee's username ("-" when nobody) → tasks per action
    per_assignee: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    stopped_shipments: int = 0
    # why steps gave no task, as the run's summary says it
    skipped: Counter[str] = field(default_factory=Counter)


def _step_infos(policy: Policy) -> dict[int, StepInfo]:
    return {
        s.pk: StepInfo(
            step=Step(
                s.pk, s.order, s.trigger, s.days, s.action, s.scope, s.min_overdue_amount, s.event
            ),
            policy_id=policy.pk,
            name=s.name,
            instructions=s.instructions,
            window_start=s.window_start,
            window_end=s.window_end,
            assignee_role=s.assignee_role,
            assignee_user_id=s.assignee_user_id,
            needs_approval=s.needs_approval,
            approval_role=s.approval_role,
        )
        for s in policy.steps.all()
    }


def _count_task(
    result: Simulation,
    stopped: set[int],
    usernames: dict[int, str],
    lands: date,
    who: int | None,
    action: str,
    cp_id: int,
) -> None:
    """Count one task the run would create: on the day it lands on, for its assignee."""
    result.per_day.setdefault(lands, Counter())[action] += 1
    result.per_assignee[usernames.get(who, "-") if who else "-"][action] += 1
    if action == Action.STOP_SHIPMENTS and cp_id not in stopped:
        stopped.add(cp_id)
        result.stopped_shipments += 1


def simulate(
    policy: Policy, start: date, end: date, progress: Callable[[date], None] | None = None
) -> Simulation:
    ctx = Context(start)
    steps = _step_infos(policy)
    ladder = rungs([info.step for info in steps.values()])
    offset = first_offset(ladder) or 0
    # only a step before the due date makes the documents to read depend on the calendar
    pairs = (
        list(Counterparty.objects.order_by().values_list("company_id", "country").distinct())
        if has_early_steps(ladder)
        else []
    )
    document_minimum = any(s.scope == "document" and s.min_amount > 0 for s in ladder)
    usernames = dict(User.objects.values_list("id", "username"))
    position: dict[int, tuple[int, date | None]] = {}
    stopped: set[int] = set()
    calls: set[tuple[int, int | None, date]] = set()
    summary = RunSummary(as_of=start)
    result = Simulation(skipped=summary.skipped)
    day = start
    while day <= end:
        result.per_day.setdefault(day, Counter())
        latest = max(
            (last_due_date(day, offset, ctx.calendar(*pair).is_working_day) for pair in pairs),
            default=last_due_date(day, offset, None),
        )
        with connection.cursor() as cursor:
            cursor.execute(SQL, [day, day, latest])
            rows: list[Any] = cursor.fetchall()
        # (step, document or debtor) → the debtor and its documents' (amount, currency)
        groups: dict[tuple[int, int], tuple[CounterpartyInfo, list[tuple[Decimal, str]]]] = {}
        debtors: dict[int, CounterpartyInfo] = {}
        for doc_id, cp_id, due_raw, open_raw, currency, company_id, *cp_rest in rows:
            amount = _as_money(open_raw)
            if amount <= Decimal("0"):
                continue
            cp = debtors.get(cp_id) or CounterpartyInfo(cp_id, company_id, *cp_rest)
            debtors[cp_id] = cp
            order, reached = position.get(doc_id, (0, None))
            due = _as_date(due_raw)
            assert due is not None
            compared = amount
            if document_minimum:
                compared = ctx.comparable(amount, currency, company_id, summary)
            decision = decide(
                ladder, due_date=due, as_of=day, amount=compared, step_order=order,
                reached_on=reached,
                is_working_day=ctx.calendar(company_id, cp.country).is_working_day,
            )  # fmt: skip
            position[doc_id] = (decision.step_order, decision.reached_on)
            _count(summary, decision, 1)
            for step in decision.fire:
                ref = doc_id if step.scope == "document" else cp_id
                groups.setdefault((step.id, ref), (cp, []))[1].append((amount, currency))
        # the day's calls of one debtor for one person landing on one day → their steps
        day_calls: dict[tuple[int, int | None, date], list[Step]] = defaultdict(list)
        for (step_id, _ref), (cp, amounts) in sorted(groups.items(), key=lambda g: g[0]):
            info = steps[step_id]
            step = info.step
            if step.scope != "document" and not ctx.meets_minimum(
                Amounts.of((c, a) for a, c in amounts), step.min_amount, cp.company_id, summary
            ):
                summary.skipped["below minimum amount"] += 1
                continue
            lands = task_day(day, ctx.calendar(cp.company_id, cp.country).is_working_day)
            who = ctx.assignee(info, cp)
            if is_daily_call(step.action, info.needs_approval):
                day_calls[(cp.id, who, lands)].append(step)
                continue
            _count_task(result, stopped, usernames, lands, who, step.action, cp.id)
        for slot, group in day_calls.items():
            # a call of an earlier day landing on the same day is still open: it takes them
            keep = call_kept(group, lambda s: s.order, open_call=slot in calls)
            summary.skipped[JOINED_CALL] += len(group) - (keep is not None)
            if keep is not None:
                calls.add(slot)
                cp_id, who, lands = slot
                _count_task(result, stopped, usernames, lands, who, keep.action, cp_id)
        if progress is not None:
            progress(day)
        day += timedelta(days=1)
    result.per_day = dict(sorted(result.per_day.items()))
    return result
