"""My day says when several of its tasks are one debtor's: a stalling debtor's "Reach the person
who decides payments", a step's second-level call and a call-back asked for stood as three
unrelated rows at different hours, while one call recorded on the call card settles them."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Task
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.usefixtures("frozen")


def _call(cp: Counterparty, who: User, title: str, due: timedelta) -> Task:
    return ladder.create_manual_task(
        counterparty=cp,
        assignee=who,
        action="call",
        due_at=timezone.now() + due,
        title=title,
        user=None,
    )


def _row(page: str, task: Task) -> str:
    [row] = re.findall(rf'<tr data-href="[^"]*" data-task="{task.pk}">(.*?)</tr>', page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "one of 3 tasks for this debtor"),
        ("ru", "одна из 3 задач по этому должнику"),
        ("uk", "одне з 3 завдань щодо цього боржника"),
        ("ro", "una din 3 sarcini ale acestui debitor"),
    ],
)
def test_a_debtors_tasks_of_the_day_say_they_are_one_debtor(
    debtor: Counterparty,
    collector: User,
    language: str,
    said: str,
) -> None:
    tasks = [
        _call(
            debtor, collector, "Second-level call to the person who decides payments", timedelta()
        ),
        _call(debtor, collector, "Call back as asked", timedelta(hours=2)),
        _call(debtor, collector, "Reach the person who decides payments", timedelta(hours=4)),
    ]
    User.objects.filter(pk=collector.pk).update(language=language)
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:worklist")).content.decode()
    for task in tasks:
        assert said in _row(page, task)
