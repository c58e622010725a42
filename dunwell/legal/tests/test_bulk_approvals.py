"""The director decides several waiting legal steps at once (issue 16, item 3): a page that
says what will happen, then all of them in one transaction through the single decision, or
none of them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.ladder.models import PolicyStep, Task, TaskStatus
from dunwell.ledger.models import Counterparty, TimelineEntry
from dunwell.legal import services
from dunwell.legal.models import Approval

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(user: Any, ids: list[int], decision: str, **extra: str) -> Any:
    data: dict[str, Any] = {"ids": [str(i) for i in ids], "decision": decision, **extra}
    return client_for(user).post(reverse("legal:approvals_decide"), data)


def test_the_director_sees_the_waiting_steps_with_their_debtors(
    director: Any, two_requests: list[Approval]
) -> None:
    response = client_for(director).get(reverse("legal:approvals"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Șantierul Nord SRL" in page and "Depozitul Sud SRL" in page
    assert "Write the debt off" in page and "insolvent" in page


@pytest.mark.parametrize("who", ["collector", "lawyer", "supervisor"])
def test_only_the_director_may_open_or_decide(
    request: Any, who: str, two_requests: list[Approval]
) -> None:
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("legal:approvals")).status_code == 403
    ids = [a.pk for a in two_requests]
    assert _post(user, ids, "approve", confirm="1").status_code == 403
    assert set(Approval.objects.values_list("status", flat=True)) == {"pending"}


def test_the_confirmation_says_what_will_happen_and_changes_nothing(
    director: Any, two_requests: list[Approval]
) -> None:
    response = _post(director, [a.pk for a in two_requests], "approve")
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 legal steps will be approved." in page
    assert page.count("Write the debt off") == 2
    assert set(Approval.objects.values_list("status", flat=True)) == {"pending"}


def test_confirmed_approval_decides_each_request_with_its_cases_history(
    director: Any, two_requests: list[Approval]
) -> None:
    ids = [a.pk for a in two_requests]
    response = _post(director, ids, "approve", confirm="1", note="board minutes 12")
    assert response.status_code == 302
    for approval in Approval.objects.filter(pk__in=ids):
        assert approval.status == "approved"
        assert approval.decided_by == director
        assert approval.decision_note == "board minutes 12"
    steps = TimelineEntry.objects.filter(kind="legal.approval_decided")
    debtors = set(steps.values_list("counterparty__name", flat=True))
    assert debtors == {"Șantierul Nord SRL", "Depozitul Sud SRL"}


def test_rejecting_needs_a_reason(director: Any, two_requests: list[Approval]) -> None:
    ids = [a.pk for a in two_requests]
    response = _post(director, ids, "reject", confirm="1", note="  ")
    assert response.status_code == 400
    assert "say why the steps are rejected" in response.content.decode()
    assert set(Approval.objects.values_list("status", flat=True)) == {"pending"}
    _post(director, ids, "reject", confirm="1", note="we still negotiate")
    assert set(Approval.objects.values_list("status", flat=True)) == {"rejected"}


def test_one_decided_request_refuses_the_whole_selection_and_names_it(
    director: Any, two_requests: list[Approval]
) -> None:
    first, second = two_requests
    services.decide_approval(second, director, approve=False, note="no")
    response = _post(director, [first.pk, second.pk], "approve", confirm="1")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Depozitul Sud SRL, Write the debt off: this request has already been decided." in page
    first.refresh_from_db()
    assert first.status == "pending"


def test_the_pages_read_in_the_directors_language(
    director: Any, two_requests: list[Approval]
) -> None:
    director.language = "ru"
    director.save()
    listing = client_for(director).get(reverse("legal:approvals")).content.decode()
    assert "Юридические шаги, ждущие вашего решения" in listing
    assert "Списать долг" in listing
    page = _post(director, [a.pk for a in two_requests], "reject").content.decode()
    assert "2 юридических шага будут отклонены." in page


def test_an_id_no_request_can_have_is_refused_without_a_server_error(
    director: Any, two_requests: list[Approval]
) -> None:
    data = {"ids": [str(two_requests[0].pk), "9" * 5000], "decision": "approve", "confirm": "1"}
    response = client_for(director).post(reverse("legal:approvals_decide"), data)
    assert response.status_code == 302
    assert Approval.objects.get(pk=two_requests[0].pk).status == "approved"


def _awaiting(debtor: Counterparty, assignee: Any, action: str, key: str) -> Task:
    """A task of the key customers' scale waiting for the director, as the daily run makes it."""
    step = PolicyStep.objects.get(policy__code="key", action=action, needs_approval=True)
    return Task.objects.create(
        counterparty=debtor, assignee=assignee, action=action, key=key, step=step,
        title=f"{step.name} — {debtor.name}", status=TaskStatus.AWAITING_APPROVAL,
        approval_role="director", due_at=timezone.now() - timedelta(days=3),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "count", "step", "empty", "nothing"),
    [
        ("ru", "1 юридический шаг шкалы давления ждёт вашего утверждения.",
         "Претензия (утверждает директор)", "Ничто не ждёт вашего решения.",
         "Решений от вас ничто не ждёт."),
        ("ro", "1 pas juridic al scării de presiune așteaptă aprobarea dvs.",
         "Notificare de plată (aprobarea directorului)", "Nimic nu așteaptă decizia dvs.", None),
    ],
)  # fmt: skip
def test_the_pressure_scales_legal_steps_waiting_for_the_director_are_listed(
    director: Any,
    debtor: Counterparty,
    lawyer: Any,
    lang: str,
    count: str,
    step: str,
    empty: str,
    nothing: str | None,
) -> None:
    """The demo's director read 'Решений от вас ничто не ждёт.' here while the Approvals page
    listed seven overdue legal steps of key customers: the page counted only the legal
    cases' requests, not the ladder's legal steps awaiting the director's approval."""
    director.language = lang
    director.save(update_fields=["language"])
    client = client_for(director)
    page = client.get(reverse("legal:approvals")).content.decode()
    assert empty in page  # nothing of either kind waits
    assert nothing is None or nothing not in page
    _awaiting(debtor, lawyer, "pretension", "p1")
    _awaiting(debtor, lawyer, "stop_shipments", "s1")  # not a legal step: not listed here
    page = client.get(reverse("legal:approvals")).content.decode()
    assert empty not in page
    assert count in page
    assert page.count(debtor.name) == 1
    assert reverse("ladder:approvals") in page
    assert step in page
