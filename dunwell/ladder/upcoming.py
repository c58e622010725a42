"""What comes next on a debtor's pressure scale, for its card (DESIGN §1.2, §1.3): on which day
each step still ahead lands for the debtor's oldest open document, for whom, and the days the
regulation turns (the pretension, the stop of shipments, the court). A sales manager asked
"when do shipments stop?", finance "when does the lawyer take over?": the card named the step
reached and nothing ahead.

The days are the policy editor's calendar (`preview.policy_calendar`: the ladder's rules, the
debtor's country's working days and the company's closed days) from the document's due date,
for the steps after the one its progress reached. A promise, a dispute, a grace or an agreement
pauses the scale and moves them; the card says so. Whom each step goes to and whether the
document reaches a step's minimum are the daily run's own answers (`engine.Context`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dunwell.accounts.models import User
from dunwell.ladder.engine import Context, CounterpartyInfo, RunSummary
from dunwell.ladder.models import (
    Action,
    CounterpartyPolicy,
    DocumentProgress,
    Event,
    Policy,
    SegmentPolicy,
)
from dunwell.ladder.preview import PreviewRow, policy_calendar
from dunwell.ledger.models import Counterparty, Document
from dunwell.money import Money
from dunwell.names import localized

# The steps where the regulation turns: the lawyers' letter, the stop of shipments, the court.
MILESTONES = frozenset(
    {
        Action.PRETENSION,
        Action.STOP_SHIPMENTS,
        Action.HAND_TO_LAWYER,
        Action.COURT_FILING,
        Action.COLLECTION_AGENCY,
        Action.FINAL_WARNING,
    }
)

# Of the steps an event fires, those the regulation leads to (the court after the pretension's
# deadline); the others answer a promise, a dispute or a schedule the debtor may never have.
LEADS_TO = frozenset({Action.HAND_TO_LAWYER, Action.COURT_FILING, Action.COLLECTION_AGENCY})


@dataclass(frozen=True)
class UpcomingStep:
    row: PreviewRow
    milestone: bool
    late: bool  # its day has passed and the run has not reached it (a pause held it)


@dataclass(frozen=True)
class Upcoming:
    policy: str
    document: str  # the document the days are counted from
    due: date
    open: Money
    steps: list[UpcomingStep]


def policy_of(counterparty: Counterparty) -> Policy | None:
    """The debtor's scale as the daily run picks it: its own, else its segment's."""
    own = CounterpartyPolicy.objects.filter(counterparty=counterparty, policy__active=True)
    for override in own.select_related("policy"):
        return override.policy
    if counterparty.segment_id is None:
        return None
    by_segment = SegmentPolicy.objects.filter(
        segment_id=counterparty.segment_id, policy__active=True
    )
    for found in by_segment.select_related("policy"):
        return found.policy
    return None


def upcoming(counterparty: Counterparty, today: date) -> Upcoming | None:
    """The steps still ahead for the debtor's oldest open document (None: no scale, or
    nothing open)."""
    policy = policy_of(counterparty)
    if policy is None:
        return None
    document = (
        Document.objects.filter(counterparty=counterparty, open_amount__gt=0, cancelled=False)
        .order_by("due_date", "date", "pk")
        .only("pk", "number", "due_date", "open_amount", "currency")
        .first()
    )
    if document is None:
        return None
    progress = DocumentProgress.objects.filter(document_id=document.pk).first()
    reached = progress.step_order if progress is not None and progress.policy_id == policy.pk else 0
    # Whom the run gives each step, and whether the document reaches a step's minimum, as the
    # daily run decides them (`engine.Context`: its people, rates and calendars).
    ctx = Context(today)
    debtor = CounterpartyInfo(
        id=counterparty.pk,
        company_id=counterparty.company_id,
        name=counterparty.name,
        country=counterparty.country,
        time_zone=counterparty.time_zone,
        collector_id=counterparty.collector_id,
        sales_manager_id=counterparty.sales_manager_id,
    )
    amount = ctx.comparable(
        document.open_amount, document.currency, counterparty.company_id, RunSummary(today)
    )
    names = {
        pk: localized(translated, name)
        for pk, name, translated in policy.steps.filter(order__gt=reached).values_list(
            "pk", "name", "names"
        )
    }
    ahead = [ctx.steps[pk] for pk in names if pk in ctx.steps]
    people = User.objects.in_bulk({ctx.assignee(info, debtor) for info in ahead} - {None})
    steps: list[dict[str, Any]] = []
    for info in ahead:
        step = info.step
        person = people.get(ctx.assignee(info, debtor) or 0)
        steps.append(
            {
                "order": step.order,
                "name": names[step.id],
                "trigger": step.trigger,
                "days": step.days,
                "event": step.event,
                "action": step.action,
                "needs_approval": info.needs_approval,
                "window_start": info.window_start,
                "window_end": info.window_end,
                "min_overdue_amount": step.min_amount if step.scope == "document" else 0,
                "action_label": str(Action(step.action).label),
                "who_label": str(person) if person is not None else "—",
                "person": str(person.pk) if person is not None else "",
                "event_label": str(Event(step.event).label) if step.event else "",
            }
        )
    rows = policy_calendar(
        steps,
        due=document.due_date,
        amount=amount,
        country=counterparty.country,
        closed=ctx.closed.get(counterparty.company_id, []),
    )
    actions = {s["order"]: s["action"] for s in steps}
    return Upcoming(
        policy=policy.localized_name,
        document=document.number,
        due=document.due_date,
        open=Money(document.open_amount, document.currency),
        steps=[
            UpcomingStep(
                row=row,
                milestone=actions.get(row.order) in MILESTONES,
                late=row.day is not None and row.day < today,
            )
            for row in rows
            if not row.skipped and (row.day is not None or actions.get(row.order) in LEADS_TO)
        ],
    )
