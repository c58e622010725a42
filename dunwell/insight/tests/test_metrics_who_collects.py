"""The KPI page's collector results: a lawyer or a supervisor with tasks is not listed as a
collector (a director read the lawyer's 17.9 % on time as a bad collector's), a sales manager
is; the answered calls are shown; the export lists them as the page does."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dunwell.accounts.models import Role, User
from dunwell.ladder.models import PolicyStep, Task, TaskStatus
from dunwell.ledger.models import Counterparty
from dunwell.telephony.models import Call


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel("2026-03-31 09:00:00+00:00", tick=False):
        yield


def at(day: int) -> datetime:
    return datetime(2026, 3, day, 10, tzinfo=UTC)


@pytest.fixture
def people(
    make_user: Callable[..., User],
    make_counterparty: Callable[..., Counterparty],
    collector: User,
) -> dict[str, User]:
    lawyer = make_user("lev", Role.LAWYER, first_name="Lev", last_name="Lawyer")
    sales = make_user("sam", Role.SALES, first_name="Sam", last_name="Sales")
    debtor = make_counterparty(collector=collector, name="Team SRL")
    step = PolicyStep.objects.filter(policy__code="standard").first()  # punctuality counts
    for n, person in enumerate([collector, lawyer, sales, lawyer]):  # the scale's tasks
        Task.objects.create(
            counterparty=debtor, assignee=person, step=step, action="call", title=f"t{n}",
            due_at=at(3 + n), status=TaskStatus.OPEN, key=f"t{n}",
        )  # fmt: skip
    for n, answered in enumerate([True, True, False]):
        Call.objects.create(
            provider="asterisk", provider_call_id=f"c{n}", direction="out", agent=collector,
            counterparty=debtor, started_at=at(10 + n), duration=60,
            answered_at=at(10 + n) if answered else None,
        )  # fmt: skip
    return {"lawyer": lawyer, "sales": sales}


def table(html: str, table_id: str) -> list[list[str]]:
    part = html[html.index(f'id="{table_id}"') :]
    part = part[: part.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", part, re.DOTALL)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL) for row in rows]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in row] for row in cells]


def test_the_lawyer_is_not_a_collector_and_the_answered_calls_are_shown(
    client: Client, people: dict[str, User], director: User
) -> None:
    client.force_login(director)
    html = client.get(reverse("insight:metrics")).content.decode()
    collectors = table(html, "collector-results")
    assert collectors[0][:2] == ["Collector", "Role"] and "Answered" in collectors[0]
    names = [row[0] for row in collectors[1:]]
    assert names == ["Sam Sales", "colin"]
    colin = dict(zip(collectors[0], collectors[2], strict=True))
    assert (colin["Role"], colin["Calls"], colin["Answered"]) == ("Collector", "3", "2")
    assert collectors[1][1] == "Sales manager"
    assert "Others with tasks or calls (not collecting)" in html
    others = table(html, "other-results")
    assert [row[:2] for row in others[1:]] == [["Lev Lawyer", "Lawyer"]]
    assert dict(zip(others[0], others[1], strict=True))["Tasks due"] == "2"


def test_the_export_lists_them_as_the_page_does(
    client: Client, people: dict[str, User], director: User
) -> None:
    User.objects.filter(pk=director.pk).update(language="ro")
    client.force_login(director)
    response = client.get(reverse("insight:metrics_export"))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[-1]
    rows = [tuple(v for v in row if v is not None) for row in sheet.iter_rows(values_only=True)]
    head = list(sheet.iter_rows(values_only=True))[1]
    assert head[:2] == ("Recuperator", "Rol") and "Răspunse" in head
    colin = dict(zip(head, list(sheet.iter_rows(values_only=True))[3], strict=True))
    assert (colin["Rol"], colin["Apeluri"], colin["Răspunse"]) == ("Recuperator", 3, 2)
    names = [row[0] for row in rows[2:] if row]
    assert names == [
        "Sam Sales",
        "colin",
        "Alte persoane cu sarcini sau apeluri (care nu recuperează)",
        "Lev Lawyer",
    ]
    assert rows[-1][1] == "Jurist"
