"""`dunwell simulate` shows what the daily run would do (docs/pressure-scale.md): the debtor's
calendar moves a step before the due date to the working day before, tasks are counted on the
working day they land on, a debtor gets one call a day per person, and each task is counted
for the person the run gives it to."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from dunwell.accounts.models import User
from dunwell.ladder.models import Policy
from dunwell.ladder.simulate import simulate
from dunwell.ledger.models import Counterparty, Document, NonWorkingDay

pytestmark = pytest.mark.django_db

# Romania, 2026: Friday 1 May is Labour Day.
THURSDAY = date(2026, 4, 30)
LABOUR_DAY = date(2026, 5, 1)
MONDAY = date(2026, 5, 4)


@pytest.fixture
def debtor(make_counterparty: Callable[..., Counterparty], collector: User) -> Counterparty:
    return make_counterparty(collector=collector)


def _days(per_day: dict[date, Counter[str]], action: str) -> list[date]:
    return [day for day, fired in per_day.items() if fired[action]]


def test_a_reminder_before_a_holiday_is_simulated_on_the_working_day_before(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    # New customer: a reminder 3 days before the due date; due Monday 4 May, -3 is 1 May
    make_document(debtor, due_date=MONDAY)
    result = simulate(Policy.objects.get(code="new"), date(2026, 4, 27), MONDAY)
    assert _days(result.per_day, "email") == [THURSDAY]


def test_a_company_closed_day_moves_the_simulated_reminder_back_too(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    # due Friday 12 June 2026: -3 is Tuesday 9 June, closed by the company -> Monday 8 June
    NonWorkingDay.objects.create(company=debtor.company, day=date(2026, 6, 9))
    make_document(debtor, due_date=date(2026, 6, 12))
    result = simulate(Policy.objects.get(code="new"), date(2026, 6, 1), date(2026, 6, 12))
    assert _days(result.per_day, "email") == [date(2026, 6, 8)]


def test_a_step_on_a_weekend_is_counted_on_the_working_day_its_task_lands_on(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    # Standard: the friendly call at +1; due Friday 8 May 2026, +1 is Saturday 9 May
    make_document(debtor, due_date=date(2026, 5, 8))
    result = simulate(Policy.objects.get(code="standard"), date(2026, 5, 8), date(2026, 5, 10))
    assert _days(result.per_day, "call") == [date(2026, 5, 11)]


def test_calls_for_one_debtor_and_person_landing_on_one_day_are_one_call(
    debtor: Counterparty, make_document: Callable[..., Document]
) -> None:
    # Standard: +1 friendly call, +3 second-level call, both for the collector.
    make_document(debtor, due_date=MONDAY)  # +1 Tuesday 5 May; +3 Thursday 7 May
    make_document(debtor, due_date=date(2026, 5, 6))  # +1 Thursday 7 May; +3 Saturday 9 May
    make_document(debtor, due_date=date(2026, 5, 7))  # +1 Friday 8 May; +3 Sunday 10 May
    make_document(debtor, due_date=date(2026, 5, 8))  # +1 Saturday 9 May; +3 Monday 11 May
    result = simulate(Policy.objects.get(code="standard"), MONDAY, date(2026, 5, 12))
    calls = {day: fired["call"] for day, fired in result.per_day.items() if fired["call"]}
    # Thursday: two steps, one call; the weekend's calls and Monday's: one call on Monday
    assert calls == {
        date(2026, 5, 5): 1,
        date(2026, 5, 7): 1,
        date(2026, 5, 8): 1,
        date(2026, 5, 11): 1,
    }
    assert sum(n for reason, n in result.skipped.items() if "call joined" in reason) == 4


def test_the_simulation_counts_each_task_for_the_person_the_run_gives_it_to(
    debtor: Counterparty, make_document: Callable[..., Document], lawyer: User
) -> None:
    make_document(debtor, due_date=date(2026, 3, 2))
    out = StringIO()
    call_command(
        "simulate", "--policy", "Standard", "--from", "2026-03-01", "--to", "2026-03-15",
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    text = out.getvalue()
    # the supervisor is notified, the lawyer writes the pretension, the collector calls (and
    # stops the shipments: the debtor has no sales manager)
    lines = {line.strip() for line in text.splitlines()}
    assert "sofia: notify_supervisor: 1" in lines
    assert f"{lawyer.username}: pretension: 1" in lines
    assert "colin: call: 2, letter: 1, stop_shipments: 1" in lines
