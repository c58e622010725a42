"""A reminder before the due date that the due date overtook is skipped by the run, with a
reason the reader reads in their language: a collector's "Reminder before the due date" was
still open on My day 50 days after the date it reminded of."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dunwell.accounts.models import User
from dunwell.ladder.engine import run
from dunwell.ladder.models import Task, TaskStatus
from dunwell.ledger.models import Counterparty, Document, Segment

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
REMINDER = "Reminder before the due date"


def run_on(day: date) -> None:
    with time_machine.travel(datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=5)):
        run(day)


@pytest.fixture
def new_customer(make_counterparty: Callable[..., Counterparty], collector: User) -> Counterparty:
    """A new customer: its policy reminds them 3 days before the due date."""
    return make_counterparty(collector=collector, segment=Segment.objects.get(code="new"))


def reminders() -> list[tuple[str, str]]:
    return [
        (str(t.status), t.skip_reason)
        for t in Task.objects.filter(step__name=REMINDER).order_by("pk")
    ]


def test_a_reminder_the_due_date_overtook_is_skipped_with_its_reason(
    new_customer: Counterparty, make_document: Callable[..., Document], collector: User
) -> None:
    make_document(new_customer, "800.00", due_date=MONDAY + timedelta(days=3))
    run_on(MONDAY)  # day -3: the reminder
    assert reminders() == [("open", "")]
    run_on(MONDAY + timedelta(days=3))  # the due date itself: still open
    assert reminders() == [("open", "")]
    run_on(MONDAY + timedelta(days=4))  # the day after: the steps after the due date take over
    [(status, reason)] = reminders()
    assert status == TaskStatus.SKIPPED
    task = Task.objects.get(step__name=REMINDER)
    collector.language = "ru"
    collector.save()
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    with translation.override("ru"):
        assert "не выполнено до срока оплаты; дальше работают шаги после срока" in page
    # gone from My day
    day = client.get(reverse("work:worklist")).content.decode()
    assert f'href="/work/tasks/{task.pk}/"' not in day


def test_a_reminder_with_a_document_not_yet_due_stays_open(
    new_customer: Counterparty, make_document: Callable[..., Document]
) -> None:
    """The reminder covers two documents; one is still before its due date: it still has
    something to remind of."""
    make_document(new_customer, "800.00", due_date=MONDAY + timedelta(days=3))
    make_document(new_customer, "200.00", due_date=MONDAY + timedelta(days=3))
    run_on(MONDAY)
    task = Task.objects.get(step__name=REMINDER)
    later = make_document(new_customer, "50.00", due_date=MONDAY + timedelta(days=30))
    Task.objects.filter(pk=task.pk).update(document_ids=[*task.document_ids, later.pk])
    run_on(MONDAY + timedelta(days=4))
    assert reminders() == [("open", "")]
