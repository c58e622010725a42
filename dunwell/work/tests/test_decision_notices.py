"""The approver's decision reaches the people it concerns (DESIGN §1.4: a key customer goes to
legal only with the director's approval). A refused legal step was written on the timeline and
nowhere else: the collector and the lawyer were never told, so the refusal and its reason were
lost to the people working the debtor."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.ladder.models import Action, Policy, PolicyStep, Task, TaskStatus
from dunwell.ledger.models import Counterparty, Segment

pytestmark = pytest.mark.django_db
DUE = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def notifications_page(user: User) -> str:
    response = client_for(user).get(reverse("work:notifications"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def key_debtor(make_counterparty: Callable[..., Counterparty], collector: User) -> Counterparty:
    return make_counterparty(
        name="VinTrade SRL", collector=collector, segment=Segment.objects.get(code="key")
    )


@pytest.fixture
def legal_step(key_debtor: Counterparty, make_user: Callable[..., User]) -> Task:
    lawyer = make_user("laura", Role.LAWYER)
    step = PolicyStep.objects.filter(
        policy=Policy.objects.get(code="key"), action=Action.PRETENSION
    ).first()
    assert step is not None and step.needs_approval
    return Task.objects.create(
        counterparty=key_debtor, step=step, action=Action.PRETENSION, assignee=lawyer,
        title=f"{step.name} — {key_debtor.name}", due_at=DUE, key="t:legal",
        status=TaskStatus.AWAITING_APPROVAL, approval_role="director",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "Diana Director refused the step “Pretension (director's approval)” for VinTrade "
            "SRL: ten years of good relations, wait until January",
        ),
        (
            "ru",
            "Diana Director: шаг «Претензия (утверждает директор)» для VinTrade SRL "
            "отклонён: ten years of good relations, wait until January",
        ),
    ],
)
def test_a_refused_legal_step_tells_the_collector_and_the_lawyer_why(
    legal_step: Task, collector: User, director: User, language: str, expected: str
) -> None:
    director.first_name, director.last_name = "Diana", "Director"
    director.save()
    response = client_for(director).post(
        reverse("ladder:decide", args=[legal_step.pk]),
        {"decision": "reject", "comment": "ten years of good relations, wait until January"},
    )
    assert response.status_code == 302
    assert Task.objects.get().status == TaskStatus.REJECTED
    for reader in (collector, legal_step.assignee):
        assert reader is not None
        reader.language = language
        reader.save()
        assert expected in html.unescape(notifications_page(reader).replace("&nbsp;", " "))
    assert expected not in html.unescape(notifications_page(director).replace("&nbsp;", " "))


def test_an_approved_legal_step_tells_the_lawyer_it_is_theirs_now(
    legal_step: Task, director: User
) -> None:
    director.first_name, director.last_name = "Diana", "Director"
    director.save()
    client_for(director).post(
        reverse("ladder:decide", args=[legal_step.pk]), {"decision": "approve", "comment": ""}
    )
    assert Task.objects.get().status == TaskStatus.OPEN
    lawyer = legal_step.assignee
    assert lawyer is not None
    lawyer.language = "ro"
    lawyer.save()
    assert (
        "Diana Director: pasul „Notificare de plată (aprobarea directorului)” pentru VinTrade SRL "
        "a fost aprobat." in notifications_page(lawyer)
    )


# --- a grace for a key customer: the director decides, the one who asked learns it ----------


def _ask_for_grace(supervisor: User, debtor: Counterparty) -> None:
    response = client_for(supervisor).post(
        reverse("ladder:grace", args=[debtor.pk]),
        {"action": "grant", "until": "2026-03-31", "reason": "waits for its own buyer"},
    )
    assert response.status_code == 302


def _decide_grace(director: User, debtor: Counterparty, action: str, comment: str) -> None:
    from dunwell.ladder.models import GraceRequest

    pending = GraceRequest.objects.get(counterparty=debtor)
    response = client_for(director).post(
        reverse("ladder:grace", args=[debtor.pk]),
        {"action": action, "request": pending.pk, "comment": comment},
    )
    assert response.status_code == 302


@time_machine.travel(DUE, tick=False)
def test_a_refused_grace_tells_the_supervisor_who_asked_why(
    key_debtor: Counterparty, supervisor: User, director: User
) -> None:
    director.first_name, director.last_name = "Diana", "Director"
    director.save()
    _ask_for_grace(supervisor, key_debtor)
    _decide_grace(director, key_debtor, "reject", "they paid late three times this year")
    supervisor.language = "uk"
    supervisor.save()
    assert (
        "Diana Director: відстрочку для VinTrade SRL відхилено: they paid late three times this "
        "year" in notifications_page(supervisor)
    )


@time_machine.travel(DUE, tick=False)
def test_an_approved_grace_tells_the_collector_until_when(
    key_debtor: Counterparty, supervisor: User, collector: User, director: User
) -> None:
    director.first_name, director.last_name = "Diana", "Director"
    director.save()
    _ask_for_grace(supervisor, key_debtor)
    _decide_grace(director, key_debtor, "approve", "")
    collector.language = "ro"
    collector.save()
    assert (
        "Diana Director: păsuirea pentru VinTrade SRL până la 31.03.2026 a fost aprobată."
        in notifications_page(collector)
    )
