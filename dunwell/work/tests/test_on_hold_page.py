"""The on-hold page: a collector's own paused tasks; a supervisor's team's too (whose, in a
"who" column, one person's on asking), only people accounts.visibility lets them see."""

from __future__ import annotations

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
from dunwell.ladder.models import Policy, Task
from dunwell.ledger.models import Counterparty, Document

pytestmark = pytest.mark.usefixtures("frozen")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def held_task(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    user: User,
    title: str,
) -> Task:
    """A letter the daily run made for `user`'s debtor, held by a promise that pays it all."""
    cp = make_counterparty(collector=user)
    doc = make_document(cp, "500.00")
    task = Task.objects.create(
        counterparty=cp,
        assignee=user,
        action="letter",
        title=title,
        due_at=timezone.now(),
        key=f"test:hold:{title}",
        step=Policy.objects.get(code="standard").steps.first(),
        document_ids=[doc.pk],
    )
    ladder.record_promise(
        counterparty=cp, amount=Decimal("500.00"), promised_date=date(2026, 3, 20), user=None
    )
    return task


def rows(page: str) -> list[list[str]]:
    body = re.search(r'<table class="data" id="on-hold">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert body
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


@pytest.fixture
def held(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    teammate: User,
    outsider: User,
) -> None:
    held_task(make_counterparty, make_document, collector, "Colin letter")
    held_task(make_counterparty, make_document, teammate, "Tanya letter")
    held_task(make_counterparty, make_document, outsider, "Otto letter")


@pytest.mark.usefixtures("held")
def test_a_supervisor_sees_the_teams_paused_tasks_and_whose_they_are(
    supervisor: User, collector: User, teammate: User
) -> None:
    page = client_for(supervisor).get(reverse("work:on_hold")).content.decode()
    listed = {(r[1], r[3]) for r in rows(page)}
    assert listed == {("Colin letter", str(collector)), ("Tanya letter", str(teammate))}
    assert 'id="on-hold-filters"' in page
    one = client_for(supervisor).get(reverse("work:on_hold"), {"assignee": teammate.pk})
    assert [r[1] for r in rows(one.content.decode())] == ["Tanya letter"]


@pytest.mark.usefixtures("held")
def test_a_person_the_supervisor_may_not_see_is_refused_with_the_reason(
    supervisor: User, outsider: User
) -> None:
    page = client_for(supervisor).get(reverse("work:on_hold"), {"assignee": outsider.pk})
    assert page.status_code == 400
    assert "Not a person whose tasks you may see." in page.content.decode()


@pytest.mark.usefixtures("held")
def test_a_director_sees_everyones_paused_tasks(director: User) -> None:
    page = client_for(director).get(reverse("work:on_hold")).content.decode()
    assert {r[1] for r in rows(page)} == {"Colin letter", "Tanya letter", "Otto letter"}


@pytest.mark.usefixtures("held")
def test_a_collector_sees_only_their_own_without_a_who_column(
    collector: User, teammate: User
) -> None:
    client = client_for(collector)
    page = client.get(reverse("work:on_hold")).content.decode()
    assert [r[1] for r in rows(page)] == ["Colin letter"]
    assert len(rows(page)[0]) == 4 and 'id="on-hold-filters"' not in page
    assert client.get(reverse("work:on_hold"), {"assignee": teammate.pk}).status_code == 400
