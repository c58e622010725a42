"""A step refused "not now" is asked again on the day the approver gives (DESIGN §1.4: a key
customer goes to legal only with the director's approval). A refused legal step was never asked
again unless new documents reached it: the director's "wait until January" left a debtor
unpaid and off every list in January."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.ladder.engine import run
from dunwell.ladder.models import Action, Policy, PolicyStep, Task, TaskStatus
from dunwell.ledger.models import Counterparty, Document, Segment

pytestmark = pytest.mark.django_db
DUE = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def client_for(user: User, language: str = "en") -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def page_text(response: object) -> str:
    content = response.content.decode()  # type: ignore[attr-defined]
    return html.unescape(content.replace("&nbsp;", " "))


@pytest.fixture
def refused(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    make_user: Callable[..., User],
    collector: User,
    director: User,
) -> tuple[Task, Document]:
    """A key customer's pretension awaiting the director, on one unpaid invoice."""
    director.first_name, director.last_name = "Diana", "Director"
    director.save()
    lawyer = make_user("laura", Role.LAWYER)
    debtor = make_counterparty(
        name="VinTrade SRL", collector=collector, segment=Segment.objects.get(code="key")
    )
    invoice = make_document(debtor, number="F-7", due_date=date(2026, 1, 5), amount="4200.00")
    step = PolicyStep.objects.filter(
        policy=Policy.objects.get(code="key"), action=Action.PRETENSION
    ).first()
    assert step is not None
    task = Task.objects.create(
        counterparty=debtor, step=step, action=Action.PRETENSION, assignee=lawyer,
        title=f"{step.name} — {debtor.name}", due_at=DUE, key="t:legal",
        status=TaskStatus.AWAITING_APPROVAL, approval_role="director",
        document_ids=[invoice.pk], amount=Decimal("4200.00"), currency="RON",
        amounts={"RON": "4200.00"},
    )  # fmt: skip
    return task, invoice


def _refuse(director: User, task: Task, day: str, language: str = "en") -> str:
    response = client_for(director, language).post(
        reverse("ladder:decide", args=[task.pk]),
        {"decision": "reject", "comment": "ten years of good relations", "ask_again_on": day},
        follow=True,
    )
    return page_text(response)


@time_machine.travel(DUE, tick=False)
def test_the_director_refuses_until_a_day_and_the_collector_is_told_until_when(
    refused: tuple[Task, Document], director: User, collector: User
) -> None:
    task, _invoice = refused
    said = _refuse(director, task, "2026-04-15", "ro")
    assert "Respins până la 15.04.2026: Notificare de plată (aprobarea directorului)" in said
    task.refresh_from_db()
    assert task.status == TaskStatus.REJECTED and task.ask_again_on == date(2026, 4, 15)
    notices = page_text(client_for(collector, "en").get(reverse("work:notifications")))
    assert (
        "Diana Director refused the step “Pretension (director's approval)” for VinTrade SRL "
        "until 15.04.2026, when it is asked again if still unpaid: ten years of good relations"
    ) in notices
    card_url = reverse("work:debtor", args=[task.counterparty_id])
    card = page_text(client_for(collector, "ru").get(card_url))
    assert "(повторно спросим 15.04.2026, если долг не оплачен)" in card


@time_machine.travel(DUE, tick=False)
def test_a_day_gone_by_is_refused_and_the_step_stays_waiting(
    refused: tuple[Task, Document], director: User
) -> None:
    task, _invoice = refused
    said = _refuse(director, task, "2026-03-01")
    assert "The day to ask again must be after today." in said
    task.refresh_from_db()
    assert task.status == TaskStatus.AWAITING_APPROVAL


@time_machine.travel(DUE, tick=False)
def test_a_day_that_is_not_a_date_is_said_so_and_the_step_stays_waiting(
    refused: tuple[Task, Document], director: User
) -> None:
    """The approvals page and the bulk page read the day through one form (RefusalForm)."""
    task, _invoice = refused
    said = _refuse(director, task, "soon")
    assert "Enter the day to ask again as a date." in said
    task.refresh_from_db()
    assert task.status == TaskStatus.AWAITING_APPROVAL


def test_on_that_day_the_director_is_asked_again_for_what_is_still_owed(
    refused: tuple[Task, Document], director: User
) -> None:
    task, invoice = refused
    with time_machine.travel(DUE, tick=False):
        _refuse(director, task, "2026-04-15")
    invoice.open_amount = Decimal("1700.00")  # paid in part meanwhile
    invoice.save(update_fields=["open_amount"])
    run(date(2026, 4, 14))
    assert not Task.objects.filter(asked_again_from=task).exists()
    run(date(2026, 4, 15))
    again = Task.objects.get(asked_again_from=task)
    assert again.status == TaskStatus.AWAITING_APPROVAL
    assert (again.step_id, again.assignee_id, again.approval_role) == (
        task.step_id,
        task.assignee_id,
        "director",
    )
    assert again.document_ids == [invoice.pk] and again.amounts == {"RON": "1700.00"}
    run(date(2026, 4, 15))  # the same morning again: nothing twice
    run(date(2026, 4, 16))
    assert Task.objects.filter(asked_again_from=task).count() == 1
    with time_machine.travel(datetime(2026, 4, 15, 9, 0, tzinfo=UTC), tick=False):
        approvals = page_text(client_for(director, "uk").get(reverse("ladder:approvals")))
    assert (
        "Запитуємо знову: відхилено (Diana Director, 10.03.2026): ten years of good relations"
    ) in approvals


def test_a_step_whose_documents_were_paid_is_not_asked_again(
    refused: tuple[Task, Document], director: User
) -> None:
    task, invoice = refused
    with time_machine.travel(DUE, tick=False):
        _refuse(director, task, "2026-04-15")
    invoice.open_amount = Decimal("0")
    invoice.save(update_fields=["open_amount"])
    run(date(2026, 4, 15))
    assert not Task.objects.filter(asked_again_from=task).exists()
