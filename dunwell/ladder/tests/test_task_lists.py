"""The team's overdue tasks and a person's own scale tasks: every task reachable a page at a
time with how many there are, each row leading to its debtor and its task, the overdue ones
narrowed to one person of the team. (Both showed their first 500 rows and nothing of the rest,
as plain text: a supervisor could read that a task was late but not open it.)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from dunwell.accounts.models import User
from dunwell.ladder import views
from dunwell.ladder.models import Task
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.django_db


def page_of(user: User, url: str, language: str = "en") -> Any:
    User.objects.filter(pk=user.pk).update(language=language)
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def text(node: Any) -> str:
    return " ".join(node.text_content().split())


def debtors(tree: Any) -> list[str]:
    return [text(a) for a in tree.xpath("//table/tbody/tr/td[3]/a")]


@pytest.fixture
def late(
    make_counterparty: Callable[..., Counterparty], collector: User, teammate: User
) -> list[Task]:
    """Three late tasks: two of the collector's, one of the teammate's, oldest first."""
    now = timezone.now()
    made = []
    for n, who in enumerate((collector, teammate, collector)):
        debtor = make_counterparty(name=f"Late {n} SRL", collector=who)
        made.append(
            Task.objects.create(
                counterparty=debtor,
                assignee=who,
                action="call",
                title=f"Call Late {n}",
                due_at=now - timedelta(days=3 - n),
                key=f"late{n}",
            )
        )
    return made


def test_every_late_task_is_reachable_and_leads_to_its_debtor_and_task(
    late: list[Task], supervisor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "TASKS_PER_PAGE", 2)
    first = page_of(supervisor, reverse("ladder:overdue"))
    assert text(first.xpath("//p[@class='count']")[0]) == "3 tasks not done on time"
    assert debtors(first) == ["Late 0 SRL", "Late 1 SRL"]
    row = first.xpath("//table/tbody/tr")[0]
    assert row.xpath("./td[3]/a/@href") == [reverse("work:debtor", args=[late[0].counterparty_id])]
    assert row.xpath("./td[4]/a/@href") == [reverse("work:task", args=[late[0].pk])]
    (next_link,) = first.xpath("//nav[@class='pager']/a")
    second = page_of(supervisor, reverse("ladder:overdue") + next_link.get("href"))
    assert debtors(second) == ["Late 2 SRL"]


def test_the_supervisor_narrows_the_late_tasks_to_one_person(
    late: list[Task], supervisor: User, collector: User, teammate: User, outsider: User
) -> None:
    tree = page_of(supervisor, reverse("ladder:overdue") + f"?who={teammate.pk}")
    assert debtors(tree) == ["Late 1 SRL"]
    assert text(tree.xpath("//p[@class='count']")[0]) == "1 task not done on time"
    chosen = tree.xpath("//select[@name='who']/option[@selected]")
    assert [text(option) for option in chosen] == [str(teammate)]
    # someone outside the team is no choice: the whole team's list, not an empty one
    tree = page_of(supervisor, reverse("ladder:overdue") + f"?who={outsider.pk}")
    assert debtors(tree) == ["Late 0 SRL", "Late 1 SRL", "Late 2 SRL"]


def test_my_scale_tasks_are_all_reachable_and_counted_in_my_language(
    late: list[Task], collector: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "TASKS_PER_PAGE", 1)
    tree = page_of(collector, reverse("ladder:tasks"), "ru")
    assert text(tree.xpath("//p[@class='count']")[0]) == "2 открытые задачи"
    assert [text(a) for a in tree.xpath("//table/tbody/tr/td[2]/a")] == ["Late 0 SRL"]
    assert "Страница 1 из 2" in text(tree.xpath("//nav[@class='pager']")[0])
    tree = page_of(collector, reverse("ladder:tasks") + "?page=2", "ro")
    assert [text(a) for a in tree.xpath("//table/tbody/tr/td[4]/a")] == ["Call Late 2"]
