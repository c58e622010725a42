"""A call recorded on the call card is one call: it settles every call of the debtor due today
for the same person, not only the task it was opened from. The collector recorded "no answer"
on a step's call and the broken promise's "call the decision-maker at once" stayed on My day,
to record the same call twice. Each task is closed as the task's home closes it (its result,
its own timeline entry); a call due on a later day and the call-back the outcome schedules stay.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Task, TaskStatus
from dunwell.ledger.models import Counterparty, TimelineEntry

pytestmark = pytest.mark.usefixtures("frozen")


def _call(cp: Counterparty, who: User, title: str, due: timedelta = timedelta()) -> Task:
    return ladder.create_manual_task(
        counterparty=cp,
        assignee=who,
        action="call",
        due_at=timezone.now() + due,
        title=title,
        user=None,
    )


def _client(user: User, language: str) -> Client:
    User.objects.filter(pk=user.pk).update(language=language)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("language", "result"), [("ru", "Нет ответа"), ("ro", "Fără răspuns"), ("en", "No answer")]
)
def test_one_call_settles_every_call_of_the_debtor_due_today(
    debtor: Counterparty, collector: User, teammate: User, language: str, result: str
) -> None:
    step_call = _call(debtor, collector, "Ring the buyer about the invoice")
    broken = _call(
        debtor, collector, "Promise broken: ring the one who decides", -timedelta(hours=20)
    )
    tomorrow = _call(debtor, collector, "Ring to confirm the transfer", timedelta(days=1))
    someone_elses = _call(debtor, teammate, "Ring the warehouse")
    client = _client(collector, language)
    day = client.get(reverse("work:worklist")).content.decode()
    assert "Ring the buyer about the invoice" in day
    assert "Promise broken: ring the one who decides" in day

    response = client.post(
        reverse("work:call", args=[debtor.pk]),
        {"outcome": "no_answer", "task": step_call.pk},
    )
    assert response.status_code == 302

    day = client.get(reverse("work:worklist")).content.decode()
    assert "Ring the buyer about the invoice" not in day
    assert "Promise broken: ring the one who decides" not in day
    for task in (step_call, broken):
        task.refresh_from_db()
        assert task.status == TaskStatus.DONE
        assert task.result == "No answer"
        # Each task has its own entry on the timeline, as its home writes it.
        assert TimelineEntry.objects.filter(kind="ladder.task_done", data__task=task.pk).exists()
        # The closed task's page says which call closed it, in the reader's language.
        page = client.get(reverse("work:task", args=[task.pk])).content.decode()
        assert result in page
    # A call due tomorrow is tomorrow's call; another person's call is theirs.
    tomorrow.refresh_from_db()
    someone_elses.refresh_from_db()
    assert tomorrow.status == TaskStatus.OPEN
    assert someone_elses.status == TaskStatus.OPEN


def test_abuse_settles_todays_calls_and_its_call_back_in_30_minutes_stays(
    debtor: Counterparty, collector: User
) -> None:
    step_call = _call(debtor, collector, "Ring the buyer about the invoice")
    client = _client(collector, "en")
    client.post(reverse("work:call", args=[debtor.pk]), {"outcome": "abusive"})
    step_call.refresh_from_db()
    assert step_call.status == TaskStatus.DONE
    call_back = Task.objects.get(counterparty=debtor, status=TaskStatus.OPEN)
    assert call_back.due_at == timezone.now() + timedelta(minutes=30)
    assert call_back.assignee == collector
