"""A director's (or supervisor's) Monday: the steps waiting for their decision are their work.
Signing in with approvals past their day landed the demo's director on the KPIs, and My day
read "Nothing left for today. Well done." above six approvals two months overdue."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Task, TaskStatus
from dunwell.ledger.models import Counterparty


def _waiting(debtor: Counterparty, collector: User, days: int) -> Task:
    """A step of `debtor` waiting for the director's approval, due `days` from now."""
    task = ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="stop_shipments",
        due_at=timezone.now() + timedelta(days=days),
        title="Stop shipments",
        user=None,
    )
    Task.objects.filter(pk=task.pk).update(
        status=TaskStatus.AWAITING_APPROVAL, approval_role="director"
    )
    return task


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("language", "waiting", "late", "own"),
    [
        ("en", "3 steps wait for approval", "2 past their day", "No task of your own"),
        ("ru", "3 шага ожидают утверждения", "просрочено: 2", "Ваших задач на сегодня"),
        ("ro", "3 pași așteaptă aprobare", "cu termenul depășit: 2", "Nu mai aveți sarcini"),
    ],
)
def test_my_day_names_the_approvals_waiting_for_the_director(
    language: str,
    waiting: str,
    late: str,
    own: str,
    director: User,
    collector: User,
    make_counterparty: Callable[..., Counterparty],
) -> None:
    debtor = make_counterparty(collector=collector)
    for days in (-60, -1, 2):
        _waiting(debtor, collector, days)
    director.language = language
    director.save(update_fields=["language"])
    client = Client()
    client.force_login(director)
    page = client.get(reverse("work:worklist")).content.decode()
    text = _text(page)
    assert waiting in text and late in text
    assert f'href="{reverse("ladder:approvals")}"' in page
    # the empty table no longer says the day is done
    assert own in text
    assert "Well done" not in text and "Отличная работа" not in text and "Bravo" not in text


def test_a_director_with_approvals_past_their_day_lands_on_my_day(
    director: User, collector: User, make_counterparty: Callable[..., Counterparty]
) -> None:
    _waiting(make_counterparty(collector=collector), collector, -60)
    client = Client()
    client.force_login(director)
    assert client.get(reverse("home"))["Location"] == reverse("work:worklist")


def test_approvals_due_later_or_for_another_role_leave_the_landing_alone(
    director: User,
    supervisor: User,
    collector: User,
    make_counterparty: Callable[..., Counterparty],
) -> None:
    debtor = make_counterparty(collector=collector)
    _waiting(debtor, collector, 3)  # the director's, not due yet
    client = Client()
    client.force_login(director)
    assert client.get(reverse("home"))["Location"] == reverse("insight:metrics")
    # the supervisor decides none of them: nothing about approvals on their day
    client.force_login(supervisor)
    assert client.get(reverse("home"))["Location"] == reverse("work:team")
    assert "approvals-waiting" not in client.get(reverse("work:worklist")).content.decode()


def test_a_collectors_day_says_nothing_of_approvals(
    director: User, collector: User, make_counterparty: Callable[..., Counterparty]
) -> None:
    _waiting(make_counterparty(collector=collector), collector, -1)
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:worklist")).content.decode()
    assert "approvals-waiting" not in page
