"""The regulation's notice of a missed payment (DESIGN §1.3) tells the manager and the
supervisor until when the debt may be settled by negotiation and that the lawyers follow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import Role, User
from dunwell.ladder.models import Action, Policy, Task
from dunwell.ladder.upcoming import upcoming
from dunwell.ledger.models import Counterparty, Document
from dunwell.work.models import Notification
from dunwell.work.services import negotiation_deadline

pytestmark = pytest.mark.usefixtures("frozen")


def test_the_missed_payment_notice_gives_the_day_the_negotiation_window_ends(
    debtor: Counterparty, collector: User, supervisor: User, make_user: Callable[..., User]
) -> None:
    sales = make_user("sam", Role.SALES, language="ru")
    supervisor.language = "ro"
    supervisor.save(update_fields=["language"])
    Counterparty.objects.filter(pk=debtor.pk).update(sales_manager=sales)
    steps = Policy.objects.get(code="standard").steps
    notice_step = steps.get(action=Action.NOTIFY_SUPERVISOR)
    pretension_days = steps.filter(action=Action.PRETENSION).order_by("order")[0].days
    overdue = Document.objects.get(counterparty=debtor, due_date__year=2026, due_date__month=2)
    task = Task.objects.create(
        counterparty=debtor,
        assignee=supervisor,
        action=Action.NOTIFY_SUPERVISOR,
        title="Payment missed: notify the manager and the supervisor",
        due_at=timezone.now(),
        key="test:notify",
        step=notice_step,
        document_ids=[overdue.pk],
    )
    client = Client()
    client.force_login(supervisor)
    assert client.post(reverse("work:task_done", args=[task.pk])).status_code == 302

    # the regulation's 10 days of negotiation: 04.02 + 10 is Saturday 14.02, so the pretension
    # goes out on Monday 16.02, as the card's "Next on the pressure scale" says
    assert pretension_days == 10
    to_sales = Notification.objects.get(recipient=sales)
    assert to_sales.texts["en"] == (
        f"{debtor.name} missed a payment: settle it by negotiation by 16.02.2026; after that"
        " the lawyers send the pretension."
    )
    assert to_sales.message == (
        f"{debtor.name} пропустил платёж: урегулируйте его переговорами до 16.02.2026; после"
        " этого юристы направят претензию."
    )
    assert Notification.objects.get(recipient=supervisor).message == (
        f"{debtor.name} a ratat o plată: soluționați-o prin negociere până la 16.02.2026; după"
        " aceea juriștii trimit notificarea de plată."
    )
    assert "uk" in to_sales.texts and "16.02.2026" in to_sales.texts["uk"]
    assert "notify the manager" not in to_sales.texts["en"]


def test_the_notice_names_the_day_the_card_shows_after_a_public_holiday(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    supervisor: User,
) -> None:
    """Due 03.04.2026 + 10 days is Easter Monday (13.04, a public holiday in Romania): the
    pretension goes out on Tuesday 14.04, and the notice and the card both say so."""
    debtor = make_counterparty(collector=collector, country="RO")
    document = make_document(debtor, "900.00", due_date=date(2026, 4, 3))
    steps = Policy.objects.get(code="standard").steps
    task = Task.objects.create(
        counterparty=debtor,
        assignee=supervisor,
        action=Action.NOTIFY_SUPERVISOR,
        title="Payment missed: notify the manager and the supervisor",
        due_at=timezone.now(),
        key="test:notify-holiday",
        step=steps.get(action=Action.NOTIFY_SUPERVISOR),
        document_ids=[document.pk],
    )

    assert negotiation_deadline(task) == date(2026, 4, 14)
    ahead = upcoming(debtor, timezone.localdate())
    assert ahead is not None
    card = [s.row.day for s in ahead.steps if s.row.action == Action.PRETENSION.label]
    assert card == [date(2026, 4, 14)]
    client = Client()
    client.force_login(supervisor)
    assert client.post(reverse("work:task_done", args=[task.pk])).status_code == 302
    notice = Notification.objects.get(recipient=supervisor)
    assert "settle it by negotiation by 14.04.2026;" in notice.texts["en"]
