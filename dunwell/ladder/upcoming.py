"""What comes next on a debtor's pressure scale, for its card (DESIGN §1.2, §1.3): on which day
each step still ahead lands for the debtor's oldest open document, for whom, and the days the
regulation turns (the pretension, the stop of shipments, the court). A sales manager asked
"when do shipments stop?", finance "when does the lawyer take over?": the card named the step
reached and nothing ahead.

The days are the policy editor's calendar (`preview.policy_calendar`: the ladder's rules, the
debtor's country's working days and the company's closed days) from the document's due date,
for the steps after the one its progress reached. A promise, a dispute, a grace or an agreement
pauses the scale and moves them; the card says so. Whom each step goes to is the daily run's
own rule (`engine.assignee_of`). Six small reads, none of them over the whole ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q

from dunwell.accounts.models import Role, User
from dunwell.interest.fx import rate_table
from dunwell.ladder.engine import REACHES_EVERY_MINIMUM, CounterpartyInfo, assignee_of
from dunwell.ladder.models import (
    Action,
    CounterpartyPolicy,
    DocumentProgress,
    Event,
    Policy,
    PolicyStep,
    Scope,
    SegmentPolicy,
)
from dunwell.ladder.preview import PreviewRow, policy_calendar
from dunwell.ledger.models import Company, Counterparty, Document, NonWorkingDay
from dunwell.money import Money

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


def scale_of(
    own: Iterable[CounterpartyPolicy], by_segment: Callable[[], Iterable[SegmentPolicy]]
) -> tuple[Policy | None, bool]:
    """The debtor's pressure scale as the daily run picks it (DESIGN §1.4), from the reads of
    its own assignment and (read only when it has none) its segment's: its own, else its
    segment's; and whether it is its own. As in the run (`engine`, COALESCE of the two), a
    switched-off own scale does not hand the debtor to its segment's: the run skips it."""
    for override in own:
        return override.policy, True
    for found in by_segment():
        return found.policy, False
    return None, False


def policy_of(counterparty: Counterparty) -> Policy | None:
    """The scale the daily run works the debtor on (None: none, or it is switched off)."""
    segment_id = counterparty.segment_id
    policy, _own = scale_of(
        CounterpartyPolicy.objects.filter(counterparty=counterparty).select_related("policy"),
        lambda: (
            SegmentPolicy.objects.filter(segment_id=segment_id).select_related("policy")
            if segment_id is not None
            else []
        ),
    )
    return policy if policy is not None and policy.active else None


def debtor_calendar(
    counterparty: Counterparty, steps: list[dict[str, Any]], *, due: date, amount: Decimal
) -> list[PreviewRow]:
    """The days `steps` land on for this debtor from `due`: the policy editor's calendar with
    the debtor's country's working days and its company's closed days."""
    closed = NonWorkingDay.objects.filter(company_id=counterparty.company_id).values_list(
        "day", flat=True
    )
    return policy_calendar(
        steps, due=due, amount=amount, country=counterparty.country, closed=list(closed)
    )


def step_day(counterparty: Counterparty, step: PolicyStep, due: date) -> date | None:
    """The working day a due-date step lands on for this debtor's document due on `due`, as
    the card's "Next on the pressure scale" shows it (None for an event step)."""
    row = debtor_calendar(
        counterparty,
        [
            {
                "order": step.order,
                "name": step.name,
                "trigger": step.trigger,
                "days": step.days,
                "event": step.event,
                "action": step.action,
                "needs_approval": step.needs_approval,
                "action_label": "",
                "who_label": "",
            }
        ],
        due=due,
        amount=REACHES_EVERY_MINIMUM,
    )[0]
    return row.day


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
    # Whom the run gives each step (`engine.assignee_of`), and whether the document reaches a
    # step's minimum, in the company currency at the day's rates, as the daily run decides.
    debtor = CounterpartyInfo(
        id=counterparty.pk,
        company_id=counterparty.company_id,
        name=counterparty.name,
        country=counterparty.country,
        time_zone=counterparty.time_zone,
        collector_id=counterparty.collector_id,
        sales_manager_id=counterparty.sales_manager_id,
    )
    staff = list(
        User.objects.filter(is_active=True)
        .filter(Q(role__in=(Role.LAWYER, Role.DIRECTOR)) | Q(pk=counterparty.collector_id))
        .values_list("pk", "role", "supervisor_id")
    )
    supervisor_of = {pk: boss for pk, _role, boss in staff}
    lawyers = sorted(pk for pk, role, _boss in staff if role == Role.LAWYER)
    directors = sorted(pk for pk, role, _boss in staff if role == Role.DIRECTOR)
    ahead = list(policy.steps.filter(order__gt=reached).order_by("order", "name"))
    people = {
        step.pk: assignee_of(
            step.assignee_role, step.assignee_user_id, debtor, supervisor_of, lawyers, directors
        )
        for step in ahead
    }
    names = User.objects.in_bulk(set(people.values()) - {None})
    amount = document.open_amount
    if any(s.scope == Scope.DOCUMENT and s.min_overdue_amount > 0 for s in ahead):
        company = Company.objects.only("currency").get(pk=counterparty.company_id)
        converted = rate_table(today).convert(
            Money(document.open_amount, document.currency), company.currency
        )
        amount = converted.amount if converted is not None else REACHES_EVERY_MINIMUM
    steps: list[dict[str, Any]] = []
    for step in ahead:
        person = names.get(people[step.pk] or 0)
        steps.append(
            {
                "order": step.order,
                "name": step.localized_name,
                "trigger": step.trigger,
                "days": step.days,
                "event": step.event,
                "action": step.action,
                "needs_approval": step.needs_approval,
                "window_start": step.window_start,
                "window_end": step.window_end,
                "min_overdue_amount": step.min_overdue_amount
                if step.scope == Scope.DOCUMENT
                else 0,
                "action_label": str(Action(step.action).label),
                "who_label": str(person) if person is not None else "—",
                "person": str(person.pk) if person is not None else "",
                "event_label": str(Event(step.event).label) if step.event else "",
            }
        )
    rows = debtor_calendar(counterparty, steps, due=document.due_date, amount=amount)
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
