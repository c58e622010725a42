"""The stalling banner counts the promises broken so far: the alert kept the count it was
raised with, so after a third broken promise the card still read "Repeated broken promises (2)"
above a promises list with three broken ones (ro "Promisiuni încălcate repetat (2)"). A later
detection on the open alert now brings its count up to date, without a second alert, task or
notice."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder.models import Promise, PromiseStatus, Task
from dunwell.ledger.models import Contact, Counterparty
from dunwell.work import services
from dunwell.work.models import Notification, StallingAlert

pytestmark = pytest.mark.usefixtures("frozen")


def _broken(debtor: Counterparty, days: int) -> None:
    now = timezone.now()
    Promise.objects.create(
        counterparty=debtor, amount=Decimal("100.00"), currency="RON",
        promised_date=timezone.localdate() - timedelta(days=days - 2),
        promised_by="Elena Popova", recorded_at=now - timedelta(days=days),
        status=PromiseStatus.BROKEN, resolved_at=now - timedelta(days=days - 3),
    )  # fmt: skip


def test_a_third_broken_promise_is_counted_on_the_card(
    debtor: Counterparty, collector: User
) -> None:
    Contact.objects.create(counterparty=debtor, name="Elena Popova", decides_payments=True)
    for days in (12, 8):
        _broken(debtor, days)
    assert services.detect_stalling(debtor.pk) is not None
    tasks, notices = Task.objects.count(), Notification.objects.count()
    _broken(debtor, 4)
    assert services.detect_stalling(debtor.pk) is None  # the alert is open: no second one
    assert StallingAlert.objects.get(counterparty=debtor).count == 3
    assert (Task.objects.count(), Notification.objects.count()) == (tasks, notices)
    client = Client()
    client.force_login(collector)
    for url, language, said in (
        (reverse("work:debtor", args=[debtor.pk]), "ro", "Promisiuni încălcate repetat (3)"),
        (reverse("work:call", args=[debtor.pk]), "ru", "Повторно нарушенные обещания (3)"),
    ):
        page = client.get(url, {"lang": language}).content.decode()
        assert said in page
