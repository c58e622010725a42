"""The open tasks page of one person (the team page's task counts link to it): only people the
reader may see, in the page's filter form, kept through a bulk action; anyone else is refused
with the reason."""

from __future__ import annotations

import re
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


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def task_for(cp: Counterparty, user: User, title: str, hours: int, **kw: object) -> Task:
    return Task.objects.create(
        counterparty=cp,
        assignee=user,
        action="meeting",
        title=title,
        due_at=timezone.now() + timedelta(hours=hours),
        key=f"person:{title}",
        step=Policy.objects.get(code="standard").steps.first(),
        **kw,
    )


def listed(page: str) -> list[str]:
    rows = re.search(r'<table[^>]*id="bulk-task-list".*?<tbody>(.*?)</tbody>', page, re.S)
    assert rows
    return re.findall(r'<a href="/work/tasks?/\d+/">([^<]+)</a>', rows.group(1))


@pytest.fixture
def tasks(
    make_counterparty: Callable[..., Counterparty], collector: User, teammate: User
) -> list[Task]:
    mine = make_counterparty(collector=collector, name="Colin SRL")
    theirs = make_counterparty(collector=teammate, name="Tanya SRL")
    return [
        task_for(mine, collector, "Colin late", -2),
        task_for(mine, collector, "Colin later today", 2),
        task_for(mine, collector, "Colin next week", 24 * 7),
        task_for(theirs, teammate, "Tanya late", -3),
        # a step waiting for approval: counted on the team page, decided elsewhere
        task_for(
            mine,
            collector,
            "Colin awaiting",
            -1,
            status=TaskStatus.AWAITING_APPROVAL,
            approval_role=Role.DIRECTOR,
        ),
    ]


def test_the_team_pages_counts_open_the_persons_tasks_today_and_past_their_time(
    tasks: list[Task], supervisor: User, collector: User
) -> None:
    client = client_for(supervisor)
    team = client.get(reverse("work:team")).content.decode()
    base = reverse("work:bulk_tasks")
    today = f'<a href="{base}?assignee={collector.pk}&amp;due=today">3</a>'
    late = f'<a href="{base}?assignee={collector.pk}&amp;due=past"><span class="badge bad">2</span>'
    assert today in team and late in team

    page = client.get(base, {"assignee": str(collector.pk), "due": "past"}).content.decode()
    assert listed(page) == ["Colin late"]
    assert "1 more step of this person waits for approval and is not listed here." in page
    page = client.get(base, {"assignee": str(collector.pk), "due": "today"}).content.decode()
    assert listed(page) == ["Colin late", "Colin later today"]
    page = client.get(base, {"assignee": collector.pk}).content.decode()
    assert listed(page) == ["Colin late", "Colin later today", "Colin next week"]
    # the choice is in the page's filter form, chosen
    form = re.search(r'<form method="get"[^>]*id="task-filters".*?</form>', page, re.S)
    assert form and f'<option value="{collector.pk}" selected>' in form.group(0)
    assert listed(client.get(base).content.decode()) == [
        "Tanya late",
        "Colin late",
        "Colin later today",
        "Colin next week",
    ]
    # the page's first address still filters
    assert listed(client.get(base, {"overdue": "1"}).content.decode()) == [
        "Tanya late",
        "Colin late",
    ]


def test_a_person_the_reader_may_not_see_is_refused_with_the_reason(
    tasks: list[Task], supervisor: User, collector: User, teammate: User, outsider: User
) -> None:
    url = reverse("work:bulk_tasks")
    for reader, other in ((supervisor, outsider), (teammate, collector), (collector, teammate)):
        response = client_for(reader).get(url, {"assignee": other.pk})
        assert response.status_code == 400
        text = response.content.decode()
        assert "Not a person whose tasks you may see." in text
        assert "Colin late" not in text and "Tanya late" not in text
    assert client_for(supervisor).get(url, {"assignee": "x"}).status_code == 400
    # a collector may name themselves, and has no one else to choose from
    page = client_for(collector).get(url, {"assignee": collector.pk}).content.decode()
    assert listed(page) == ["Colin late", "Colin later today", "Colin next week"]
    assert 'name="assignee"' not in page


def test_a_bulk_action_returns_to_the_same_persons_tasks(
    tasks: list[Task], supervisor: User, collector: User
) -> None:
    client = client_for(supervisor)
    query = f"assignee={collector.pk}&due=past"
    page = client.get(f"{reverse('work:bulk_tasks')}?{query}").content.decode()
    assert f'<input type="hidden" name="back" value="assignee={collector.pk}&amp;due=past">' in page
    url = reverse("work:bulk_tasks_apply")
    data = {"ids": [tasks[0].pk], "action": "complete", "back": query}
    confirm = client.post(url, data).content.decode()
    assert f'href="/work/bulk/tasks/?assignee={collector.pk}&amp;due=past"' in confirm
    done = client.post(url, {**data, "confirm": "1", "note": "met them"})
    assert done.status_code == 302
    assert done["Location"] == f"/work/bulk/tasks/?{query}"
    assert Task.objects.get(pk=tasks[0].pk).status == TaskStatus.DONE
    # a "back" naming someone the reader may not see goes back to the unfiltered page
    other = client.post(url, {**data, "back": "assignee=999999", "ids": [tasks[1].pk]})
    assert 'href="/work/bulk/tasks/"' in other.content.decode()
