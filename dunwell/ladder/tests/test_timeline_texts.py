"""The debtor's timeline reads in the reader's language: entries the daily run and the promise
service write are rendered from their data, not shown as the English text they were stored in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder import services
from dunwell.ladder.engine import run
from dunwell.ledger.models import Counterparty, Document, TimelineEntry

pytestmark = pytest.mark.django_db


def test_scheduled_tasks_and_promises_read_in_russian(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    supervisor: User,
) -> None:
    debtor = make_counterparty(collector=collector)
    make_document(debtor, "1500.00", due_date=date(2026, 3, 2))
    with time_machine.travel("2026-03-03 07:00:00+02:00", tick=False):
        run(date(2026, 3, 3))
        services.record_promise(
            counterparty=debtor, amount=Decimal("1500.00"), promised_date=date(2026, 3, 20),
            user=collector, promised_by="Ana Pop",
        )  # fmt: skip
    scheduled = TimelineEntry.objects.get(counterparty=debtor, kind="ladder.tasks_created")
    english_titles = scheduled.summary
    collector.language = "ru"
    collector.save()
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert "Задачи запланированы" in page  # the kind, not "ladder.tasks_created"
    assert english_titles not in page
    assert "Обещание оплаты 1\u00a0500,00\u00a0RON до 20.03.2026 (Ana Pop)" in page
    assert "Promise to pay" not in page
