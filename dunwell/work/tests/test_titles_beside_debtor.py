"""Lists and pages that name the debtor beside a task show a ladder task's step alone: the
run titles its tasks "<step> — <debtor>", and My day, the open tasks page and the debtor's card
read the debtor twice ("Претензия со сроком по договору — Elbservice GmbH" beside
"Elbservice GmbH")."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import PolicyStep, Task, TaskStatus
from dunwell.ledger.models import Counterparty, Document

pytestmark = pytest.mark.usefixtures("frozen")


def step_task(debtor: Counterparty, collector: User) -> tuple[Task, PolicyStep]:
    step = PolicyStep.objects.filter(policy__code="standard", action="call").first()
    assert step is not None
    task = ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="call",
        due_at=timezone.now(),
        title=f"{step.name} — {debtor.name}",
        user=None,
    )
    Task.objects.filter(pk=task.pk).update(step=step)
    return task, step


def page(user: User, name: str, *args: int) -> str:
    """What the user reads: the page's text without its tags (a checkbox's label for a screen
    reader names the debtor on purpose)."""
    client = Client()
    client.force_login(user)
    markup = client.get(reverse(name, args=args)).content.decode()
    return html.unescape(re.sub(r"<[^>]*>", " ", markup))


def test_my_day_the_open_tasks_and_the_card_name_the_debtor_once(
    debtor: Counterparty, collector: User
) -> None:
    _task, step = step_task(debtor, collector)
    joined = f"{step.name} — {debtor.name}"
    for name, args in (
        ("work:worklist", ()),
        ("work:bulk_tasks", ()),
        ("work:debtor", (debtor.pk,)),
    ):
        text = page(collector, name, *args)
        assert step.name in text, name
        assert joined not in text, name
    # the call card: "Call: <debtor>" above "Task: <step>"
    client = Client()
    client.force_login(collector)
    markup = client.get(reverse("work:call", args=[debtor.pk]), {"task": _task.pk}).content
    text = html.unescape(re.sub(r"<[^>]*>", " ", markup.decode()))
    assert f"Task: {step.name} ·" in re.sub(r"\s+", " ", text), text
    assert joined not in text


def test_the_on_hold_and_approvals_pages_name_the_debtor_once(
    make_counterparty: Callable[..., Counterparty],
    collector: User,
    director: User,
    make_document: Callable[..., Document],
) -> None:
    debtor = make_counterparty(collector=collector)
    task, step = step_task(debtor, collector)
    doc = make_document(debtor, "500.00")
    Task.objects.filter(pk=task.pk).update(action="letter", document_ids=[doc.pk])
    ladder.record_promise(
        counterparty=debtor, amount=Decimal("500.00"), promised_date=date(2026, 3, 20), user=None
    )
    joined = f"{step.name} — {debtor.name}"
    text = page(collector, "work:on_hold")
    assert step.name in text and joined not in text
    Task.objects.filter(pk=task.pk).update(
        status=TaskStatus.AWAITING_APPROVAL, approval_role="director"
    )
    text = page(director, "work:bulk_approvals")
    assert step.name in text and joined not in text


def test_my_day_names_the_action_beside_a_step_only_when_the_step_does_not(
    debtor: Counterparty, collector: User
) -> None:
    """A step named after its action read twice: "Oprirea livrărilor Oprirea livrărilor"."""
    task, step = step_task(debtor, collector)
    Task.objects.filter(pk=task.pk).update(action="stop_shipments")
    PolicyStep.objects.filter(pk=step.pk).update(name="Stop shipments (director approves)")
    Task.objects.filter(pk=task.pk).update(
        title=f"Stop shipments (director approves) — {debtor.name}"
    )
    text = " ".join(page(collector, "work:worklist").split())
    assert "Stop shipments (director approves)" in text
    assert "Stop shipments (director approves) Stop shipments" not in text
    # a step whose name does not say its action keeps the action's name beside it
    other, _step = step_task(debtor, collector)
    Task.objects.filter(pk=other.pk).update(action="letter")
    text = " ".join(page(collector, "work:worklist").split())
    assert f"{_step.name} Letter" in text
