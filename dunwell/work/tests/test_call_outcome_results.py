"""A call's outcome closes the task it came from with the outcome as the task's result: stored
in English whoever records it (the webhooks' `task.completed` carries it), read in the reader's
language wherever the task's result is shown; a result stored in the caller's language before
reads translated too, and words someone typed stay as typed."""

from __future__ import annotations

import pytest
from django.test import TestCase
from django.utils import timezone, translation

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Task, TaskStatus
from dunwell.ledger.models import Counterparty
from dunwell.outbox.models import Event
from dunwell.work import services
from dunwell.work.models import Outcome
from dunwell.work.services import OutcomeInput

pytestmark = pytest.mark.usefixtures("frozen")


def call_task(cp: Counterparty, collector: User) -> Task:
    return ladder.create_manual_task(
        counterparty=cp,
        assignee=collector,
        action="call",
        due_at=timezone.now(),
        title="Call",
        user=None,
    )


def read_in(language: str, task: Task) -> str:
    with translation.override(language):
        return task.localized_result


@pytest.mark.usefixtures("subscriber")
def test_an_outcome_recorded_in_russian_is_stored_in_english_and_read_in_each_language(
    debtor: Counterparty, collector: User
) -> None:
    task = call_task(debtor, collector)
    with translation.override("ru"), TestCase.captureOnCommitCallbacks(execute=True):
        services.record_call_outcome(
            collector, debtor, OutcomeInput(outcome=Outcome.NO_ANSWER, task_id=task.pk)
        )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.result == "No answer"
    completed = Event.objects.get(kind="task.completed")
    assert completed.data["result"] == "No answer"
    assert read_in("ru", task) == "Нет ответа"
    assert read_in("uk", task) == "Немає відповіді"
    assert read_in("ro", task) == "Fără răspuns"
    assert read_in("en", task) == "No answer"


@pytest.mark.parametrize(
    ("stored", "read"),
    [
        ("Нет ответа", "Fără răspuns"),
        ("Обіцянка оплати", "Promisiune de plată"),
        ("Persoană greșită", "Persoană greșită"),
        ("Refused", "Refuz"),
    ],
)
def test_an_outcome_stored_in_the_callers_language_before_reads_in_the_readers(
    stored: str, read: str, debtor: Counterparty, collector: User
) -> None:
    task = call_task(debtor, collector)
    task.result = stored
    assert read_in("ro", task) == read


def test_words_typed_as_a_result_stay_as_typed(debtor: Counterparty, collector: User) -> None:
    task = call_task(debtor, collector)
    task.result = "Нет ответа, перезвоню завтра"
    assert read_in("ro", task) == "Нет ответа, перезвоню завтра"
