"""What the workspace adds to the nightly run, driven through the real daily run
(`ladder.engine.run`): stalling detection after broken promises, notices of overdue disputes,
and retries of calls that got no answer."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.engine import run
from dunwell.ladder.models import Action, Task, TaskStatus
from dunwell.ledger.models import Counterparty
from dunwell.work import services
from dunwell.work.models import Notification, Outcome, StallingAlert
from dunwell.work.services import OutcomeInput

pytestmark = pytest.mark.django_db
BUCHAREST = ZoneInfo("Europe/Bucharest")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BUCHAREST)


def run_on(day: date, hour: int = 6) -> Any:
    with time_machine.travel(at(day, hour), tick=False):
        return run(day)


def test_two_broken_promises_raise_a_stalling_alert_in_the_nightly_run(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    # Two promises, each recorded through the call card, each not kept: the nightly run
    # breaks them and, without any further call, finds the debtor stalling.
    for recorded, promised in (
        (date(2026, 3, 2), date(2026, 3, 4)),
        (date(2026, 3, 5), date(2026, 3, 6)),
    ):
        with time_machine.travel(at(recorded, 10), tick=False):
            services.record_call_outcome(
                collector, debtor,
                OutcomeInput(outcome=Outcome.PROMISE, promised_on=promised,
                             promised_amount=Decimal("100")),
            )  # fmt: skip
    run_on(date(2026, 3, 5))  # the first promise is broken
    assert not StallingAlert.objects.exists()
    summary = run_on(date(2026, 3, 9))  # the second is broken: stalling
    alert = StallingAlert.objects.get(counterparty=debtor)
    assert alert.reason == "broken_promises" and alert.count == 2
    assert summary.transitions["stalling_detected"] == 1
    assert Notification.objects.filter(recipient=supervisor, kind="stalling").count() == 1
    run_on(date(2026, 3, 9), hour=7)
    assert StallingAlert.objects.count() == 1


def test_overdue_dispute_notifies_the_supervisor_in_their_language_once(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    supervisor.language = "ro"
    supervisor.save()
    with time_machine.travel(at(date(2026, 3, 2), 10), tick=False):
        ladder.register_dispute(
            counterparty=debtor, reason="quality", amount=Decimal("1500"), user=collector,
            responsible=collector, deadline=date(2026, 3, 5),
        )  # fmt: skip
    run_on(date(2026, 3, 6))
    run_on(date(2026, 3, 7))
    notice = Notification.objects.get(recipient=supervisor, kind="dispute")
    assert "a depășit termenul" in notice.message and debtor.name in notice.message
    assert Task.objects.get(key__startswith="dispute_overdue:").assignee == supervisor
    # every language reads its own reason, amount and date, whoever's language ran the job
    assert "(calitate, 1.500,00 RON)" in notice.text("ro") and "05.03.2026" in notice.text("ro")
    assert "(quality, 1,500.00 RON)" in notice.text("en")
    assert "(качество, 1\xa0500,00 RON)" in notice.text("ru")


def test_no_answer_is_retried_next_working_day_within_the_steps_window(
    debtor: Counterparty, collector: User
) -> None:
    run_on(date(2026, 2, 5))  # day +1 of the overdue invoice: the first friendly call
    call = Task.objects.get(action=Action.CALL, step__isnull=False)
    assert call.step is not None and call.step.window_start == time(10, 0)
    with time_machine.travel(at(date(2026, 2, 6), 11), tick=False):  # a Friday
        services.record_call_outcome(
            collector, debtor, OutcomeInput(outcome=Outcome.NO_ANSWER, task_id=call.pk)
        )
    assert Task.objects.get(pk=call.pk).status == TaskStatus.DONE
    run_on(date(2026, 2, 7))  # Saturday morning run: the retry lands on Monday
    retry = Task.objects.get(key__startswith="retry:call")
    assert retry.assignee == collector and retry.action == Action.CALL
    assert retry.window_start == at(date(2026, 2, 9), 10)
    assert retry.window_end == at(date(2026, 2, 9), 13)
    assert retry.title == f"Call again (no answer): {debtor.name}"
    run_on(date(2026, 2, 8))
    assert Task.objects.filter(key__startswith="retry:call").count() == 1


def test_a_no_answer_retry_reads_in_each_readers_language(
    debtor: Counterparty, collector: User
) -> None:
    """The retry's title was written in the collector's language when the run made it (a demo
    made in English showed 'Call again (no answer): …' and 'No answer: called again on …' on a
    Romanian card); stored in English, each reader reads it in their own."""
    from django.utils import translation

    from dunwell.ledger.models import TimelineEntry
    from dunwell.ledger.timeline import with_texts

    collector.language = "ro"
    collector.save()
    with time_machine.travel(at(date(2026, 2, 6), 11), tick=False):  # a Friday
        services.record_call_outcome(collector, debtor, OutcomeInput(outcome=Outcome.NO_ANSWER))
    run_on(date(2026, 2, 7))
    retry = Task.objects.select_related("step", "counterparty").get(key__startswith="retry:call")
    assert retry.title == f"Call again (no answer): {debtor.name}"
    entry = TimelineEntry.objects.get(kind="ladder.no_answer_retry")
    for language, title, text in [
        ("ro", "Sunați din nou (fără răspuns)", "Fără răspuns: sunat din nou pe 09.02.2026"),
        ("ru", "Позвонить ещё раз (нет ответа)", "Нет ответа: повторный звонок 09.02.2026"),
        ("en", "Call again (no answer)", "No answer: called again on 09.02.2026"),
    ]:
        with translation.override(language):
            assert retry.localized_title == f"{title}: {debtor.name}"
            assert with_texts([entry])[0].text == text


def test_an_answered_call_after_the_no_answer_cancels_the_retry(
    debtor: Counterparty, collector: User
) -> None:
    day = date(2026, 3, 10)
    with time_machine.travel(at(day, 10), tick=False):
        services.record_call_outcome(collector, debtor, OutcomeInput(outcome=Outcome.NO_ANSWER))
    with time_machine.travel(at(day, 12), tick=False):
        services.record_call_outcome(collector, debtor, OutcomeInput(outcome=Outcome.REFUSED))
    run_on(day + timedelta(days=1))
    assert not Task.objects.filter(key__startswith="retry:call").exists()


def test_a_grace_request_notifies_the_director(
    debtor: Counterparty, supervisor: User, director: User
) -> None:
    from dunwell.ladder import graces

    with time_machine.travel(at(date(2026, 3, 10), 10), tick=False):
        graces.grant_grace(
            counterparty=debtor, until=date(2026, 6, 30), reason="season", user=supervisor
        )
    notice = Notification.objects.get(recipient=director)
    assert debtor.name in notice.message and "30.06.2026" in notice.message
