"""Seeing a debtor is not enough to act on what belongs to someone else on it (issue 9, item 3):
a collector cannot close a lawyer's task through the call card, resolve a dispute routed to the
sales manager, or change another person's meeting or sign its agreement."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import Role, User
from dunwell.ladder.models import Dispute, Policy, Task, TaskStatus
from dunwell.ledger.models import Counterparty
from dunwell.work import ladder_bridge, services
from dunwell.work.errors import WorkError
from dunwell.work.models import CallActivity, Meeting

pytestmark = pytest.mark.usefixtures("frozen")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def lawyer(make_user: Callable[..., User]) -> User:
    return make_user("lara", Role.LAWYER)


@pytest.fixture
def sales(make_user: Callable[..., User]) -> User:
    return make_user("sam", Role.SALES)


def _task(cp: Counterparty, assignee: User, action: str = "pretension") -> Task:
    return Task.objects.create(
        counterparty=cp,
        assignee=assignee,
        action=action,
        title=f"{action} for {cp.name}",
        due_at=timezone.now(),
        key=f"test:{action}:{cp.pk}:{Task.objects.count()}",
        step=Policy.objects.get(code="standard").steps.first(),
    )


def _dispute(cp: Counterparty, responsible: User | None) -> Dispute:
    return Dispute.objects.create(
        counterparty=cp,
        reason="quality",
        amount=Decimal("100.00"),
        currency="RON",
        responsible=responsible,
        registered_at=timezone.now(),
    )


# --- tasks closed through the call card ----------------------------------------------------


def test_a_collector_cannot_close_a_lawyers_task_through_the_call_card(
    debtor: Counterparty, collector: User, lawyer: User
) -> None:
    task = _task(debtor, lawyer)
    response = client_for(collector).post(
        reverse("work:call", args=[debtor.pk]), {"outcome": "no_answer", "task": task.pk}
    )
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    assert not CallActivity.objects.exists()


def test_the_service_refuses_too_and_writes_nothing(
    debtor: Counterparty, collector: User, lawyer: User
) -> None:
    task = _task(debtor, lawyer)
    with pytest.raises(WorkError):
        services.record_call_outcome(
            collector, debtor, services.OutcomeInput(outcome="no_answer", task_id=task.pk)
        )
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    assert not CallActivity.objects.exists()


def test_the_assignee_and_their_supervisor_close_the_task_through_the_call_card(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    for user in (collector, supervisor):
        task = _task(debtor, collector, "call")
        response = client_for(user).post(
            reverse("work:call", args=[debtor.pk]), {"outcome": "no_answer", "task": task.pk}
        )
        assert response.status_code == 302
        task.refresh_from_db()
        assert task.status == TaskStatus.DONE


# --- disputes -------------------------------------------------------------------------------


def test_a_collector_cannot_resolve_a_dispute_routed_to_the_sales_manager(
    debtor: Counterparty, collector: User, sales: User
) -> None:
    dispute = _dispute(debtor, sales)
    url = reverse("work:resolve_dispute", args=[debtor.pk, dispute.pk])
    response = client_for(collector).post(url, {"resolution": "credit note issued"})
    assert response.status_code == 403
    dispute.refresh_from_db()
    assert dispute.status == "open"
    with pytest.raises(WorkError):
        ladder_bridge.resolve_dispute(collector, debtor, dispute.pk, "credit note", False)


def test_the_person_the_dispute_is_routed_to_and_the_supervisor_resolve_it(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    for user in (collector, supervisor):
        dispute = _dispute(debtor, collector)
        url = reverse("work:resolve_dispute", args=[debtor.pk, dispute.pk])
        response = client_for(user).post(url, {"resolution": "credit note issued"})
        assert response.status_code == 302
        dispute.refresh_from_db()
        assert dispute.status != "open"


def test_an_outsider_does_not_learn_the_dispute_exists(
    debtor: Counterparty, outsider: User, collector: User
) -> None:
    dispute = _dispute(debtor, collector)
    url = reverse("work:resolve_dispute", args=[debtor.pk, dispute.pk])
    assert client_for(outsider).post(url, {"resolution": "x"}).status_code == 404
    dispute.refresh_from_db()
    assert dispute.status == "open"


# --- meetings and agreements ---------------------------------------------------------------


def test_only_the_organiser_the_collector_and_managers_change_a_meeting(
    debtor: Counterparty, collector: User, supervisor: User, sales: User
) -> None:
    debtor.sales_manager = sales
    debtor.save()
    meeting = services.save_meeting(collector, debtor, {"starts_at": timezone.now()})
    url = reverse("work:meeting", args=[debtor.pk, meeting.pk])
    # The sales manager sees the debtor but did not organise the meeting.
    assert client_for(sales).get(url).status_code == 200
    response = client_for(sales).post(url, {"starts_at": "2026-03-20T10:00", "place": "Cafe"})
    assert response.status_code == 403
    agreement = client_for(sales).post(
        url,
        {"form": "agreement", "signed_on": "2026-03-10", "currency": "RON"},
    )
    assert agreement.status_code == 403
    meeting.refresh_from_db()
    assert meeting.place == ""
    with pytest.raises(WorkError):
        services.save_meeting(sales, debtor, {"place": "Cafe"}, meeting)
    services.save_meeting(supervisor, debtor, {"place": "Office"}, meeting)
    assert Meeting.objects.get().place == "Office"
