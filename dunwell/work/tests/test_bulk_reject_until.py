"""The bulk approvals page rejects "not now" as the approvals page does: one day to ask again
on for every selected step, through the ladder's service; a day not after today is said on the
field and nothing is decided."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import Role, User
from dunwell.ladder.models import Policy, Task, TaskStatus
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def awaiting(make_counterparty: Callable[..., Counterparty], collector: User) -> list[Task]:
    step = Policy.objects.get(code="standard").steps.first()
    return [
        Task.objects.create(
            counterparty=make_counterparty(collector=collector, name=f"Debtor {n} SRL"),
            assignee=collector,
            action="letter",
            title=f"Approve letter {n}",
            due_at=timezone.now(),
            key=f"again:{n}",
            step=step,
            status=TaskStatus.AWAITING_APPROVAL,
            approval_role=Role.SUPERVISOR,
        )
        for n in range(2)
    ]


def reject(user: User, tasks: list[Task], **data: str) -> tuple[int, str, Client]:
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("work:bulk_tasks_apply"),
        {"ids": [t.pk for t in tasks], "action": "reject", "note": "after the audit", **data},
        follow=True,
    )
    return response.status_code, response.content.decode(), client


def test_the_confirmation_offers_one_day_to_ask_again_on(
    awaiting: list[Task], supervisor: User
) -> None:
    status, page, _client = reject(supervisor, awaiting, confirm="")
    assert status == 200
    assert "Ask me again on (optional)" in page
    assert 'name="ask_again_on"' in page


def test_a_bulk_rejection_with_a_day_refuses_every_step_until_that_day(
    awaiting: list[Task], supervisor: User
) -> None:
    day = timezone.localdate() + timedelta(days=14)
    status, page, _client = reject(supervisor, awaiting, confirm="1", ask_again_on=day.isoformat())
    assert status == 200
    assert f"2 steps rejected until {day:%d.%m.%Y}." in page
    assert set(Task.objects.values_list("status", "ask_again_on")) == {(TaskStatus.REJECTED, day)}


@pytest.mark.parametrize("days", [0, -3])
def test_a_day_not_after_today_is_said_on_the_field_and_nothing_is_decided(
    awaiting: list[Task], supervisor: User, days: int
) -> None:
    day = timezone.localdate() + timedelta(days=days)
    status, page, _client = reject(supervisor, awaiting, confirm="1", ask_again_on=day.isoformat())
    assert status == 400
    assert 'id="bulk-again-error"' in page
    assert "The day to ask again must be after today." in page
    assert 'aria-invalid="true"' in page
    assert set(Task.objects.values_list("status", "ask_again_on")) == {
        (TaskStatus.AWAITING_APPROVAL, None)
    }


def test_a_day_that_is_not_a_date_is_said_on_the_field(
    awaiting: list[Task], supervisor: User
) -> None:
    status, page, _client = reject(supervisor, awaiting, confirm="1", ask_again_on="soon")
    assert status == 400
    assert 'id="bulk-again-error"' in page
    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.AWAITING_APPROVAL}


def test_a_bulk_rejection_without_a_day_rejects_for_good(
    awaiting: list[Task], supervisor: User
) -> None:
    status, page, _client = reject(supervisor, awaiting, confirm="1", ask_again_on="")
    assert "2 steps rejected." in page
    assert set(Task.objects.values_list("status", "ask_again_on")) == {(TaskStatus.REJECTED, None)}


def test_the_confirmation_reads_in_romanian(awaiting: list[Task], supervisor: User) -> None:
    supervisor.language = "ro"
    supervisor.save()
    status, page, _client = reject(supervisor, awaiting, confirm="")
    assert "De ce sunt respinși?" in page  # the comment's label was English on every page
    assert "Întrebați-mă din nou la (opțional)" in page
