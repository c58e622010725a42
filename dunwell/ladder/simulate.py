"""Replay the ledger's history through one policy without writing anything: what would the
ladder have done each day, and for which collector (DESIGN §1.2, tune before switching on).

Open amounts as of each day come from the documents and their allocations (`paid_on`); the
decision is the same pure `decide()` the daily run uses. Promises, disputes and graces of the
past are not replayed (they were recorded under the old way of working).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection

from dunwell.ladder.decide import Step, decide, first_offset, rungs
from dunwell.ladder.engine import _as_date, _as_money
from dunwell.ladder.models import Policy

SQL = """
SELECT d.id, d.counterparty_id, d.due_date, d.amount - COALESCE(
         (SELECT SUM(a.amount) FROM ledger_allocation a
          WHERE a.document_id = d.id AND a.paid_on <= %s), 0),
       COALESCE(u.username, '-')
FROM ledger_document d
JOIN ledger_counterparty c ON c.id = d.counterparty_id
LEFT JOIN accounts_user u ON u.id = c.collector_id
WHERE d.date <= %s AND d.due_date <= %s
"""


@dataclass
class Simulation:
    per_day: dict[date, Counter[str]] = field(default_factory=dict)
    per_collector: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    stopped_shipments: int = 0


def simulate(
    policy: Policy, start: date, end: date, progress: Callable[[date], None] | None = None
) -> Simulation:
    ladder = rungs(
        [
            Step(s.pk, s.order, s.trigger, s.days, s.action, s.scope, s.min_overdue_amount, s.event)
            for s in policy.steps.all()
        ]
    )
    offset = first_offset(ladder) or 0
    position: dict[int, tuple[int, date | None]] = {}
    stopped: set[int] = set()
    result = Simulation()
    day = start
    while day <= end:
        fired: Counter[str] = Counter()
        seen: set[tuple[int, int]] = set()
        with connection.cursor() as cursor:
            cursor.execute(SQL, [day, day, day - timedelta(days=offset)])
            rows: list[Any] = cursor.fetchall()
        for doc_id, cp_id, due_raw, open_raw, collector in rows:
            amount = _as_money(open_raw)
            if amount <= Decimal("0"):
                continue
            order, reached = position.get(doc_id, (0, None))
            due = _as_date(due_raw)
            assert due is not None
            decision = decide(
                ladder, due_date=due, as_of=day, amount=amount, step_order=order,
                reached_on=reached,
            )  # fmt: skip
            position[doc_id] = (decision.step_order, decision.reached_on)
            for step in decision.fire:
                group = (step.id, doc_id if step.scope == "document" else cp_id)
                if group in seen:
                    continue
                seen.add(group)
                fired[step.action] += 1
                result.per_collector[collector][step.action] += 1
                if step.action == "stop_shipments" and cp_id not in stopped:
                    stopped.add(cp_id)
                    result.stopped_shipments += 1
        result.per_day[day] = fired
        if progress is not None:
            progress(day)
        day += timedelta(days=1)
    return result
