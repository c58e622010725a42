"""The person a dispute is routed to gets a task to settle it from the moment it is routed,
due on its deadline (DESIGN §1.7): they had a notice at once but nothing on My day until the
deadline had passed and the nightly run escalated it to their supervisor."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.ladder import services as ladder
from dunwell.ladder.engine import run
from dunwell.ladder.models import Action, Dispute, Task, TaskStatus
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.usefixtures("frozen")
BUCHAREST = ZoneInfo("Europe/Bucharest")


def client_for(user: User, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BUCHAREST)


@pytest.fixture
def seller(make_user: object, debtor: Counterparty) -> User:
    user = make_user("sasha", Role.SALES, language="ru")  # type: ignore[operator]
    debtor.sales_manager = user
    debtor.save(update_fields=["sales_manager"])
    return user


def test_the_settler_finds_the_dispute_on_my_day_on_its_deadline_in_their_language(
    debtor: Counterparty, collector: User, seller: User
) -> None:
    first = debtor.documents.order_by("due_date").first()
    assert first is not None
    client_for(collector, "uk").post(
        reverse("work:dispute_new", args=[debtor.pk]),
        {
            "reason": "quality",
            "amount": "1500",
            "currency": "RON",
            "documents": [first.pk],
            "channel": "email",
            "note": "Half the pallets were damp",
        },
    )
    dispute = Dispute.objects.get(counterparty=debtor)
    assert dispute.responsible == seller and dispute.deadline == date(2026, 3, 17)
    task = Task.objects.get(assignee=seller, action=Action.REVIEW_DISPUTE)
    assert timezone_day(task.due_at) == date(2026, 3, 17)
    seller_client = client_for(seller, "ru")
    # On the card from the start, in the reader's words, with what is disputed.
    card = seller_client.get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    tasks = card[card.index('id="open-tasks"') :]
    assert f'<li data-task="{task.pk}">17.03.2026 ' in tasks
    assert f'">Урегулировать спор</a> · {seller}' in tasks
    assert "Оспорено: качество, 1\xa0500,00\xa0RON; урегулируйте его до 17.03.2026." in (
        task.instructions
    )
    # It opens the card at the dispute, where it is settled.
    opened = seller_client.get(reverse("work:task", args=[task.pk]))
    assert opened["Location"].endswith(
        reverse("work:debtor", args=[debtor.pk]) + f"#dispute-{dispute.pk}"
    )
    with time_machine.travel(at(date(2026, 3, 17), 9), tick=False):
        day = seller_client.get(reverse("work:worklist")).content.decode()
    row = day[day.index(f'data-task="{task.pk}"') :]
    row = row[: row.index("</tr>")]
    # named for what to do (the action's own name is not repeated beside it), with its debtor
    assert ">Урегулировать спор</a> <small></small>" in row and debtor.name in row
    ladder.resolve_dispute(dispute, user=seller, resolution="Discount agreed", rejected=False)
    task.refresh_from_db()
    assert (task.status, task.done_by, task.localized_result) == (
        TaskStatus.DONE,
        seller,
        "the dispute was settled",
    )
    with time_machine.travel(at(date(2026, 3, 17), 9), tick=False):
        day = seller_client.get(reverse("work:worklist")).content.decode()
    assert f'data-task="{task.pk}"' not in day


def timezone_day(moment: datetime) -> date:
    return moment.astimezone(BUCHAREST).date()


def test_a_dispute_from_the_call_card_gives_its_settler_a_task_too(
    debtor: Counterparty, collector: User, seller: User
) -> None:
    client_for(collector, "en").post(
        reverse("work:call", args=[debtor.pk]),
        {"outcome": "dispute", "dispute_reason": "price", "dispute_amount": "200"},
    )
    task = Task.objects.get(assignee=seller, status=TaskStatus.OPEN)
    assert task.localized_title == f"Settle the dispute of {debtor.name}"
    assert task.at_stake.get("RON").amount == Decimal("200")


def test_a_settler_who_is_also_the_supervisor_escalated_to_keeps_one_task(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    """Missing documents go to the collector's supervisor, who is also the one the overdue
    run escalates to: the run made them a second task beside their own."""
    dispute = ladder.register_dispute(
        counterparty=debtor,
        reason="documents_missing",
        amount=Decimal("600"),
        user=collector,
        responsible=supervisor,
        deadline=date(2026, 3, 12),
    )
    for day in (date(2026, 3, 13), date(2026, 3, 16)):
        with time_machine.travel(at(day, 6), tick=False):
            run(day)
    tasks = Task.objects.filter(action=Action.REVIEW_DISPUTE, status=TaskStatus.OPEN)
    assert [t.assignee for t in tasks] == [supervisor]
    ladder.resolve_dispute(dispute, user=supervisor, resolution="Unfounded", rejected=True)
    closed = Task.objects.get(action=Action.REVIEW_DISPUTE)
    assert (closed.status, closed.localized_result) == (TaskStatus.DONE, "the claim was rejected")


def test_the_supervisor_s_escalation_closes_with_the_dispute(
    debtor: Counterparty, collector: User, seller: User, supervisor: User
) -> None:
    dispute = ladder.register_dispute(
        counterparty=debtor,
        reason="quality",
        amount=Decimal("600"),
        user=collector,
        responsible=seller,
        deadline=date(2026, 3, 12),
    )
    seller.supervisor = supervisor
    seller.save(update_fields=["supervisor"])
    with time_machine.travel(at(date(2026, 3, 13), 6), tick=False):
        run(date(2026, 3, 13))
    disputes = Task.objects.filter(action=Action.REVIEW_DISPUTE, status=TaskStatus.OPEN)
    assert sorted(disputes.values_list("assignee__username", flat=True)) == ["sasha", "sofia"]
    ladder.resolve_dispute(dispute, user=supervisor, resolution="Discount", rejected=False)
    assert not Task.objects.filter(action=Action.REVIEW_DISPUTE, status=TaskStatus.OPEN).exists()
