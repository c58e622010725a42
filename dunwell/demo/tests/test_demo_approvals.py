"""`dunwell demo`'s approvals: the supervisor's day starts on the approvals page, so the demo's
runs leave steps waiting for the supervisor (the team's largest debts are on a scale whose
pretension and stopped shipments the supervisor approves: `demo.approvals`), and the approvers
decided the older ones in the replayed weeks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from dunwell.accounts.models import User
from dunwell.demo.tests.built_once import MOMENT, small_demo
from dunwell.ladder.models import Policy, Task, TaskStatus

NOW = datetime.fromisoformat(MOMENT)


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    with small_demo(django_db_blocker, tmp_path_factory):
        yield


def page(user: User, name: str) -> str:
    client = Client()
    client.force_login(user)
    with time_machine.travel(MOMENT, tick=False):
        response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.slow
@pytest.mark.django_db
def test_the_supervisor_finds_steps_to_approve_on_their_pages(demo: None) -> None:
    supervisor = User.objects.get(username="supervisor1")
    waiting = list(
        Task.objects.filter(status=TaskStatus.AWAITING_APPROVAL, approval_role="supervisor")
        .select_related("counterparty")
        .order_by("due_at", "pk")
    )
    assert waiting, "no step waits for the supervisor"
    assert {t.counterparty.collector_id for t in waiting} <= set(
        User.objects.filter(supervisor=supervisor).values_list("pk", flat=True)
    )
    first = waiting[0]
    for name in ("ladder:approvals", "work:bulk_approvals"):
        html = page(supervisor, name)
        assert escape(first.counterparty.name) in html, name
        assert "Nothing awaits your approval." not in html
    # The replayed weeks: the supervisor decided the older ones, at past moments.
    decided = Task.objects.filter(approver=supervisor, approval_role="supervisor")
    assert decided.exists()
    assert all(t.decided_at is not None and t.decided_at < NOW for t in decided)


@pytest.mark.slow
@pytest.mark.django_db
def test_the_director_still_has_legal_steps_to_approve_and_the_policies_stay_shipped(
    demo: None,
) -> None:
    director = User.objects.get(username="director")
    first = (
        Task.objects.filter(status=TaskStatus.AWAITING_APPROVAL, approval_role="director")
        .select_related("counterparty")
        .order_by("due_at", "pk")
        .first()
    )
    assert first is not None
    assert escape(first.counterparty.name) in page(director, "ladder:approvals")
    # The supervisor's scale is a copy: the shipped standard policy asks nobody's approval.
    standard = Policy.objects.get(code="standard")
    assert not standard.steps.filter(needs_approval=True).exists()


@pytest.mark.slow
@pytest.mark.django_db
def test_the_collectors_are_told_why_their_debtors_went_on_the_large_debts_scale(
    demo: None,
) -> None:
    """The supervisor puts the team's largest debts on the large-debts scale with a reason, as
    the card's form asks for one; the collectors' notices ended in ': —'."""
    from dunwell.work.models import Notification

    notices = list(Notification.objects.filter(key__startswith="debtor_scale:"))
    assert notices
    from django.utils import translation

    from dunwell.accounts.models import Role

    said = set()
    for supervisor in User.objects.filter(role=Role.SUPERVISOR):
        with translation.override(supervisor.language):  # as the supervisor typed it
            said.add(translation.gettext("One of the team's largest debts: I approve its "
                                         "pretension and court."))  # fmt: skip
    assert all(any(reason in n.text("ro") for reason in said) for n in notices)
    assert not any(n.text(lang).rstrip().endswith("—") for n in notices for lang in ("en", "ru"))
