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
from django.utils import timezone, translation

from dunwell.accounts.models import User
from dunwell.ladder import graces, services
from dunwell.ladder.engine import run
from dunwell.ladder.models import Grace, Policy, Task, TaskStatus
from dunwell.ledger.models import Counterparty, Document, TimelineEntry
from dunwell.ledger.timeline import with_texts

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


def _texts(debtor: Counterparty) -> list[str]:
    entries = with_texts(list(TimelineEntry.objects.filter(counterparty=debtor).order_by("pk")))
    return [f"{e.kind}: {e.text}" for e in entries]


def test_tasks_disputes_agreements_graces_and_the_scale_read_in_the_readers_language(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    director: User,
) -> None:
    """Each entry is written while the actor reads English; a Russian reader sees Russian,
    and what the actor typed (a comment, a reason) as typed."""
    debtor = make_counterparty(collector=collector)
    make_document(debtor, "1500.00", due_date=date(2026, 3, 2))
    standard = Policy.objects.get(code="standard")
    with time_machine.travel("2026-03-03 07:00:00+02:00", tick=False):
        run(date(2026, 3, 3))
        task = Task.objects.filter(counterparty=debtor, step__isnull=False).first()
        assert task is not None and task.step is not None
        services.complete_task(task, user=collector, result="they will pay")
        stop = services.create_manual_task(
            counterparty=debtor, assignee=collector, action="stop_shipments",
            due_at=timezone.now(), title="Stop", user=director,
        )  # fmt: skip
        Task.objects.filter(pk=stop.pk).update(
            status=TaskStatus.AWAITING_APPROVAL, approval_role="director"
        )
        services.approve_task(stop, user=director, comment="agreed")
        services.confirm_shipments_stopped(stop, user=collector, note="warehouse told")
        dispute = services.register_dispute(
            counterparty=debtor, reason="quality", amount=Decimal("200.00"), user=collector
        )
        services.resolve_dispute(dispute, resolution="credit note issued", user=director)
        services.create_agreement(
            counterparty=debtor, signed_on=date(2026, 3, 3), user=collector,
            instalments=[(date(2026, 4, 1), Decimal("500")), (date(2026, 5, 1), Decimal("1000"))],
        )  # fmt: skip
        services.assign_policy(counterparty=debtor, policy=standard, user=director)
        services.assign_policy(counterparty=debtor, policy=None, user=director)
        grace = graces.grant_grace(
            counterparty=debtor, until=date(2026, 3, 20), reason="harvest", user=director,
            limits={"RON": "1500"},
        )  # fmt: skip
        assert isinstance(grace, Grace)
        graces.extend_grace(grace, until=date(2026, 3, 25), reason="late harvest", user=director)
        graces.end_grace(grace, user=director, reason="paid")
    english = _texts(debtor)
    # the debtor's own timeline names the step alone, not "<step> — <debtor>" again
    assert task.title == f"{task.step.name} — {debtor.name}"
    assert f"ladder.task_done: {task.step.name}: they will pay" in english
    assert "ladder.task_approved: Stop: agreed" in english
    assert "ladder.dispute_registered: Dispute (quality) for 200.00\u00a0RON" in english
    assert (
        "ladder.agreement_created: Repayment agreement of 03.03.2026: 1,500.00\u00a0RON "
        "in 2 instalments"
    ) in english
    with translation.override("ru"):
        russian = _texts(debtor)
        step = standard.localized_name
    assert step != standard.name  # the standard scale has a Russian name
    title = task.step.names["ru"]
    expected = [
        f"ladder.task_done: {title}: they will pay",
        "ladder.task_approved: Stop: agreed",
        "ladder.dispute_registered: Спор (качество) на 200,00\u00a0RON",
        "ladder.dispute_resolved: Спор закрыт: credit note issued",
        "ladder.agreement_created: Соглашение о погашении от 03.03.2026: 1\u00a0500,00\u00a0RON, "
        "2 платежа",
        f"ladder.policy_assigned: Шкала давления: собственная шкала должника «{step}»",
        "ladder.policy_assigned: Шкала давления: по сегменту",
        "ladder.grace_granted: Отсрочка предоставлена до 20.03.2026 (лимит 1\u00a0500,00\u00a0RON)"
        ": harvest",
        "ladder.grace_extended: Отсрочка продлена с 20.03.2026 до 25.03.2026: late harvest",
        "ladder.grace_ended: Отсрочка завершена вручную: paid",
    ]
    for line in expected:
        assert line in russian, "\n".join(russian)
    stopped = next(t for t in russian if t.startswith("ladder.shipments_stopped: "))
    assert stopped.startswith("ladder.shipments_stopped: Отгрузки остановлены, подтвердил(а) ")
    assert stopped.endswith(": warehouse told")
    assert not any("Dispute" in t or "Grace" in t or "Repayment" in t for t in russian)
