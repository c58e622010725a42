"""A step due before the due date ("remind 3 days before") on a weekend or holiday comes on the
working day before it, so the reminder still arrives before the due date; steps on or after
the due date keep moving to the next working day (docs/pressure-scale.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from dunwell.accounts.models import User
from dunwell.ladder.decide import Step, decide, rungs
from dunwell.ladder.engine import run
from dunwell.ladder.models import Action, DocumentProgress, Task
from dunwell.ladder.preview import policy_calendar
from dunwell.ledger.models import Counterparty, Document, NonWorkingDay, Segment
from dunwell.workdays import WorkCalendar

# Romania, 2026: Friday 1 May is Labour Day.
LABOUR_DAY = date(2026, 5, 1)
THURSDAY = date(2026, 4, 30)
MONDAY = date(2026, 5, 4)
TEN = Decimal("10.00")
RO = WorkCalendar("RO").is_working_day

LADDER = rungs(
    [
        Step(1, 10, "due_offset", -3, "email"),
        Step(2, 20, "due_offset", 1, "call"),
    ]
)


def test_a_step_before_the_due_date_on_a_holiday_is_due_on_the_working_day_before() -> None:
    # due Monday 4 May: -3 is Friday 1 May, a holiday -> Thursday 30 April
    d = decide(LADDER, due_date=MONDAY, as_of=THURSDAY, amount=TEN, is_working_day=RO)
    assert [s.action for s in d.fire] == ["email"] and d.reached_on == THURSDAY
    # the day before, the document is looked at again on that Thursday, not on the Friday
    d = decide(LADDER, due_date=MONDAY, as_of=date(2026, 4, 29), amount=TEN, is_working_day=RO)
    assert d.fire == () and d.next_due_on == THURSDAY


def test_a_weekend_and_a_holiday_before_the_due_date_move_it_back_over_both() -> None:
    # due Tuesday 5 May: -3 is Saturday 2 May; Friday is a holiday -> Thursday 30 April
    d = decide(LADDER, due_date=date(2026, 5, 5), as_of=THURSDAY, amount=TEN, is_working_day=RO)
    assert [s.action for s in d.fire] == ["email"]


def test_without_a_calendar_and_after_the_due_date_the_dates_stay_nominal() -> None:
    d = decide(LADDER, due_date=MONDAY, as_of=THURSDAY, amount=TEN)
    assert d.fire == () and d.next_due_on == LABOUR_DAY
    # +1 on a Saturday is not moved back: its task goes to the next working day
    ladder = rungs([Step(1, 10, "due_offset", 1, "call")])
    d = decide(ladder, due_date=LABOUR_DAY, as_of=LABOUR_DAY, amount=TEN, is_working_day=RO)
    assert d.fire == () and d.next_due_on == date(2026, 5, 2)


@pytest.fixture
def new_customer(make_counterparty: Callable[..., Counterparty], collector: User) -> Counterparty:
    return make_counterparty(collector=collector, segment=Segment.objects.get(code="new"))


def reminders() -> list[tuple[str, datetime | None]]:
    return sorted((t.action, t.window_start) for t in Task.objects.filter(action=Action.EMAIL))


@pytest.mark.django_db
def test_the_reminder_before_a_holiday_comes_the_working_day_before(
    new_customer: Counterparty, make_document: Callable[..., Document]
) -> None:
    doc = make_document(new_customer, due_date=MONDAY)
    run(date(2026, 4, 29))
    assert reminders() == []
    run(THURSDAY)  # Friday 1 May, three days before, is Labour Day
    # 09:00 in Bucharest (UTC+3), on the Thursday: before the due date
    assert reminders() == [("email", datetime(2026, 4, 30, 6, 0, tzinfo=UTC))]
    progress = DocumentProgress.objects.get(document=doc)
    assert progress.reached_on == THURSDAY and progress.next_due_on == date(2026, 5, 5)
    run(LABOUR_DAY)
    run(MONDAY)
    assert len(reminders()) == 1


@pytest.mark.django_db
def test_a_company_closed_day_before_the_due_date_moves_the_reminder_back_too(
    new_customer: Counterparty, make_document: Callable[..., Document]
) -> None:
    # due Friday 12 June 2026: -3 is Tuesday 9 June, closed by the company -> Monday 8 June
    NonWorkingDay.objects.create(company=new_customer.company, day=date(2026, 6, 9))
    make_document(new_customer, due_date=date(2026, 6, 12))
    run(date(2026, 6, 8))
    assert reminders() == [("email", datetime(2026, 6, 8, 6, 0, tzinfo=UTC))]


@pytest.mark.django_db
def test_a_reminder_whose_working_day_before_was_missed_fires_on_the_run_day(
    new_customer: Counterparty, make_document: Callable[..., Document]
) -> None:
    make_document(new_customer, due_date=MONDAY)
    run(LABOUR_DAY)  # no run on the Thursday: it fires now, on the next working day
    assert reminders() == [("email", datetime(2026, 5, 4, 6, 0, tzinfo=UTC))]


def test_the_policy_editors_calendar_shows_the_reminder_on_the_working_day_before() -> None:
    rows = policy_calendar(
        [
            {
                "order": 10,
                "name": "Reminder",
                "trigger": "due_offset",
                "days": -3,
                "action_label": "Email",
                "who_label": "collector",
            },
            {
                "order": 20,
                "name": "Call",
                "trigger": "due_offset",
                "days": -1,
                "action_label": "Call",
                "who_label": "collector",
            },
        ],  # fmt: skip
        due=date(2026, 5, 5),
        amount=TEN,
        country="RO",
    )
    # -3 Saturday 2 May and -1 Monday 4 May: Friday 1 May is Labour Day
    assert [(r.nominal, r.day, r.moved) for r in rows] == [
        (date(2026, 5, 2), THURSDAY, True),
        (MONDAY, MONDAY, False),
    ]
